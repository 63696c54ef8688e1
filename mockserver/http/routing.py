"""Which mounted API a request path belongs to, what methods a path allows, and error rendering.

Used by the ASGI middleware (faults, body checks, unknown routes) and by the Connexion error
handlers, so every error leaves in the owning API's own body (docs/design.md, "Error bodies").
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from mockserver.apis.base import ErrorResponse
from mockserver.apis.registry import ApiMount
from mockserver.domain.errors import DomainError

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


@dataclass
class MountedApi:
    """An API as mounted in one app: where, which operations, how errors look."""

    api: ApiMount
    base_path: str
    match_prefix: str
    render_error: Callable[[DomainError], ErrorResponse]
    paths: list[tuple[re.Pattern[str], list[str], int]] = field(default_factory=list)

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
            mounted.paths.append((re.compile(f"^{re.escape(base_path)}{regex}/?$"), methods, literal_segments))
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
        mount = self.mount_for(path)
        if mount is None:
            return []
        matches = [(methods, literal) for regex, methods, literal in mount.paths if regex.match(path)]
        # OpenAPI 3.0.3 "Path Templating Matching": the more concrete path wins
        # (``/{tenant}/v2/Users/.search`` is not ``/{tenant}/v2/Users/{id}``).
        best = max((literal for _, literal in matches), default=0)
        allowed: list[str] = []
        for methods, _ in (m for m in matches if m[1] == best):
            allowed.extend(m for m in methods if m not in allowed)
        return allowed

    def render(self, path: str, err: DomainError) -> ErrorResponse:
        """``err`` in the body of the API owning ``path``."""
        mount = self.mount_for(path)
        return (mount.render_error if mount else generic_render_error)(err)
