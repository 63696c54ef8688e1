"""What every vendor module in ``mockserver.apis`` provides, and the helpers they share.

A vendor module defines ``class Handlers(BaseHandlers)`` whose async methods are named after
the spec's operationIds (the spec is the router, docs/style.md rule 1), and a function
``render_error(err: DomainError) -> ErrorResponse`` giving that vendor's error body.
Handlers stay thin: parse, one domain call, render (docs/style.md rule 3).
"""

from __future__ import annotations

import json
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from connexion.lifecycle import ConnexionRequest

from mockserver.domain.errors import DomainError

#: ASGI scope key of the current request's journal notes (set by ``mockserver.http.middleware``).
SCOPE_NOTES = "idsync.notes"

if TYPE_CHECKING:
    from mockserver.runtime import Runtime

#: The request a handler is serving, set around each handler call by the HTTP layer
#: (``mockserver.http.endpoint``); unset, :func:`current_request` falls back to ``connexion.request``.
CURRENT_REQUEST: ContextVar[ConnexionRequest | None] = ContextVar("idsync.request", default=None)


def current_request() -> ConnexionRequest:
    """This request, as ``connexion.request`` gives it: one object per request, where
    ``connexion.request`` builds a new one (and a new Starlette request) on every attribute access."""
    found = CURRENT_REQUEST.get()
    if found is not None:
        return found
    from connexion import request

    fresh: ConnexionRequest = request._get_current_object()  # type: ignore[attr-defined]
    return fresh


class _RequestProxy:
    """``connexion.request`` for handlers: each attribute read from :func:`current_request`."""

    def __getattr__(self, name: str) -> Any:
        return getattr(current_request(), name)


#: Drop-in for ``from connexion import request`` in the handler modules.
request: Any = _RequestProxy()

#: Distinct origins remembered (the ``Host`` header comes from clients: bounded).
ORIGINS_KEPT = 64
_ORIGINS: dict[tuple[Any, ...], str] = {}


def request_origin() -> str:
    """``scheme://authority`` this request came in on, as ``request.url`` gives them (RFC 9110 §7.2:
    the ``Host`` header, else the server address), remembered per scheme, ``Host`` and server."""
    scope = current_request().scope
    server = scope.get("server")
    host = next((value for key, value in scope["headers"] if key == b"host"), None)
    key = (scope.get("scheme", "http"), host, tuple(server) if server else None)
    found = _ORIGINS.get(key)
    if found is None:
        url = current_request().url
        found = f"{url.scheme}://{url.netloc}"
        if len(_ORIGINS) < ORIGINS_KEPT:
            _ORIGINS[key] = found
    return found


@dataclass
class ErrorResponse:
    """An error as it goes on the wire."""

    status: int
    body: Any
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)

    def encoded(self) -> bytes:
        """The body as bytes (JSON unless it is already text)."""
        if isinstance(self.body, bytes):
            return self.body
        if isinstance(self.body, str):
            return self.body.encode()
        return json.dumps(self.body).encode()


class BaseHandlers:
    """Base of every vendor's handler object; one instance per app, bound to its runtime.

    ``check_bearer`` / ``check_basic`` are called by the security schemes declared in the
    spec (Connexion ``x-bearerInfoFunc`` / ``x-basicInfoFunc``, wired in ``mockserver.http.auth``);
    they return a token-info dict or None (→ 401, rendered by the vendor).
    """

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.world = runtime.world

    def check_bearer(self, token: str, path_params: dict[str, Any], headers: dict[str, str]) -> dict[str, Any] | None:
        """Default: the seeded API bearer tokens (README, "Credentials")."""
        return {"sub": "api-token"} if self.world.credentials.bearer_ok(token) else None

    @staticmethod
    def note(text: str) -> None:
        """Record in this request's journal entry what the real vendor would ignore or accept only leniently.

        The journal shows it as ``notes`` (admin ``GET /journal``), so a test can catch a sloppy
        client even where the mock, like the vendor, lets the request through.
        """
        notes = current_request().scope.get(SCOPE_NOTES)
        if isinstance(notes, list):
            notes.append(text)

    def check_basic(
        self, username: str, password: str, path_params: dict[str, Any], headers: dict[str, str]
    ) -> dict[str, Any] | None:
        """Default: the seeded basic-auth users."""
        return {"sub": username} if self.world.credentials.basic_ok(username, password) else None


def empty(status: int, headers: dict[str, str] | None = None) -> Any:
    """A response with no body and so no ``Content-Type`` (RFC 9110 §8.3: the header describes content;
    §15.3.5 a 204 and §15.4.5 a 304 carry none).

    Connexion labels a handler's ``None`` body with the operation's media type; a
    ``ConnexionResponse`` without one goes out as it is. Every 204 and 304 of every API uses this.
    """
    from connexion.lifecycle import ConnexionResponse

    return ConnexionResponse(status_code=status, headers=headers or {})


def json_error(err: DomainError, body: dict[str, Any], content_type: str = "application/json") -> ErrorResponse:
    """An :class:`ErrorResponse` carrying the error's own status and headers."""
    return ErrorResponse(err.status, body, content_type, dict(err.headers))
