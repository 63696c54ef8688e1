"""Which mounted API a request path belongs to, what methods a path allows, and error rendering.

Used by the ASGI middleware (faults, body checks, unknown routes) and by the Connexion error
handlers, so every error leaves in the owning API's own body (docs/design.md, "Error bodies").
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from mockserver.apis.base import ErrorResponse
from mockserver.apis.registry import ApiMount
from mockserver.domain.errors import DomainError

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


class PathItem(NamedTuple):
    """One path template of a spec: its regex, methods, concreteness and the methods taking a body."""

    regex: re.Pattern[str]
    methods: list[str]
    literal_segments: int
    with_body: frozenset[str]


@dataclass
class MountedApi:
    """An API as mounted in one app: where, which operations, how errors look."""

    api: ApiMount
    base_path: str
    match_prefix: str
    render_error: Callable[[DomainError], ErrorResponse]
    paths: list[PathItem] = field(default_factory=list)

    @classmethod
    def build(cls, api: ApiMount, spec: dict[str, Any], base_path: str, match_prefix: str) -> MountedApi:
        """Compile the spec's path templates for ``Allow`` computation."""
        module = importlib.import_module(api.module)
        mounted = cls(api, base_path, match_prefix, module.render_error)
        for template, item in (spec.get("paths") or {}).items():
            methods = [m.upper() for m in HTTP_METHODS if m in item]
            if "GET" in methods and "HEAD" not in methods:
                methods.append("HEAD")
            regex = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template))
            literal_segments = sum(1 for part in template.split("/") if part and "{" not in part)
            with_body = frozenset(m.upper() for m in HTTP_METHODS if "requestBody" in (item.get(m) or {}))
            pattern = re.compile(f"^{re.escape(base_path)}{regex}/?$")
            mounted.paths.append(PathItem(pattern, methods, literal_segments, with_body))
        return mounted


def generic_render_error(err: DomainError) -> ErrorResponse:
    """Body for paths that belong to no API: ``{"status", "detail"}`` JSON."""
    return ErrorResponse(err.status, {"status": err.status, "detail": err.detail}, headers=dict(err.headers))


class Router:
    """Maps request paths to mounted APIs (longest prefix wins; the root API takes the rest)."""

    def __init__(self, mounted: list[MountedApi]) -> None:
        self.mounted = sorted(mounted, key=lambda m: len(m.match_prefix), reverse=True)

    def mount_for(self, path: str) -> MountedApi | None:
        """The API owning ``path``, or None outside every mount."""
        for m in self.mounted:
            p = m.match_prefix
            if p == "" or path == p or path.startswith(p + "/"):
                return m
        return None

    def allowed_methods(self, path: str) -> list[str]:
        """Every method the specs define for ``path`` (for a correct ``Allow`` on 405, RFC 7231 §6.5.5)."""
        allowed: list[str] = []
        for item in self._items(path):
            allowed.extend(m for m in item.methods if m not in allowed)
        return allowed

    def takes_body(self, path: str, method: str) -> bool:
        """True when the operation at ``path`` and ``method`` declares a ``requestBody``."""
        return any(method in item.with_body for item in self._items(path))

    def _items(self, path: str) -> list[PathItem]:
        """The path templates ``path`` matches, the most concrete only: OpenAPI 3.0.3 "Path
        Templating Matching" (``/{tenant}/v2/Users/.search`` is not ``/{tenant}/v2/Users/{id}``)."""
        mount = self.mount_for(path)
        matches = [item for item in mount.paths if item.regex.match(path)] if mount else []
        best = max((item.literal_segments for item in matches), default=0)
        return [item for item in matches if item.literal_segments == best]

    def render(self, path: str, err: DomainError) -> ErrorResponse:
        """``err`` in the body of the API owning ``path``."""
        mount = self.mount_for(path)
        return (mount.render_error if mount else generic_render_error)(err)
