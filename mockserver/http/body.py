"""A request body is read whole before anything runs, then parsed once under the JSON policy.

RFC 9112 §6.3: a body that ends before its ``Content-Length`` (or a chunked body without its
last chunk) is incomplete, and the server "MUST NOT" treat it as whole. So the middleware reads
the whole body first: a client that disconnects half-way changes nothing (the request never
runs), and a body whose next chunk does not come within the idle timeout gets 408 and the
connection is closed (nginx ``client_body_timeout``). A JSON body is parsed here once
(``mockserver.domain.jsonpolicy``) and kept in the scope for later layers; a body without
``Content-Type`` is treated as the owning vendor's server treats it (``ApiMount.untyped_body``).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import Any

from starlette.types import Receive, Scope

from mockserver.domain.errors import DomainError, PayloadTooLarge, RequestTimeout, UnsupportedMediaType
from mockserver.domain.jsonpolicy import loads as json_loads
from mockserver.domain.secrets import header_secrets, query_secrets, secret_values

#: ASGI scope key of the parsed JSON request body, when it had one (parsed once, under the JSON policy).
SCOPE_JSON = "idsync.json"
#: ASGI scope key of the credentials this request carried (cached by :func:`request_secrets`).
SCOPE_SECRETS = "idsync.secrets"
BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
JSON = b"application/json"
#: At most this much of a body over the size limit is read and dropped before the 413.
DRAIN_BYTES = 16 * 1_048_576


class BodyError(Exception):
    """The request body was rejected before routing."""

    def __init__(self, error: DomainError) -> None:
        super().__init__(error.detail)
        self.error = error


class ClientGone(Exception):
    """The client disconnected before its body was complete: the request must not run."""


async def read_whole(receive: Receive, *, limit: int, idle_timeout: float) -> bytes:
    """Every chunk of the body, or :class:`ClientGone` / a 413 or 408 :class:`BodyError`."""
    chunks = bytearray()
    while True:
        try:
            async with asyncio.timeout(idle_timeout):
                message = await receive()
        except TimeoutError:
            raise BodyError(RequestTimeout(f"Request body not received within {idle_timeout:g} s")) from None
        if message["type"] == "http.disconnect":
            raise ClientGone(f"client disconnected after {len(chunks)} bytes of the body")
        chunks.extend(message.get("body", b""))
        if len(chunks) > limit:
            if message.get("more_body"):
                await drain(receive, idle_timeout=idle_timeout)
            raise too_large(limit)
        if not message.get("more_body"):
            return bytes(chunks)


def too_large(limit: int) -> BodyError:
    """413; the connection is closed after it (the body was not read whole, RFC 9112 §9.6)."""
    return BodyError(PayloadTooLarge(f"Request body larger than {limit} bytes", headers={"Connection": "close"}))


async def drain(receive: Receive, *, idle_timeout: float, up_to: int = DRAIN_BYTES) -> None:
    """Read and drop what is left of a body that will not be used (up to ``up_to`` bytes), so the
    client has sent it before the error answer and the close: closing on unread data makes TCP
    reset the connection, and the client may lose the answer (nginx's "lingering close")."""
    dropped = 0
    with contextlib.suppress(TimeoutError):
        while dropped < up_to:
            async with asyncio.timeout(idle_timeout):
                message = await receive()
            dropped += len(message.get("body", b""))
            if message["type"] != "http.request" or not message.get("more_body"):
                return


def declared_length(scope: Scope) -> int | None:
    """The ``Content-Length`` header as a number, when it is one."""
    value = _header(scope, b"content-length")
    return int(value) if value is not None and value.isdigit() else None


def parse_json(scope: Scope, body: bytes, untyped: str | None, takes_body: Callable[[], bool]) -> None:
    """Parse a JSON body into ``scope[SCOPE_JSON]``; a body without ``Content-Type`` is JSON unless
    the vendor's server answers it 415 (``untyped``: that 415's detail)."""
    content_type = _header(scope, b"content-type")
    if not content_type:
        if not body or not takes_body():
            return
        if untyped is not None:
            raise BodyError(UnsupportedMediaType(untyped))
        scope["headers"] = [*scope.get("headers", []), (b"content-type", JSON)]
        content_type = JSON
    if body and b"json" in content_type.lower():
        try:
            scope[SCOPE_JSON] = json_loads(body)
        except DomainError as exc:
            raise BodyError(exc) from None


def request_secrets(scope: Scope) -> set[str]:
    """Credentials this request carried: header and query credentials, secret members of its JSON body."""
    cached: set[str] | None = scope.get(SCOPE_SECRETS)
    if cached is None:
        cached = header_secrets(scope.get("headers", []))
        cached |= query_secrets(scope.get("query_string", b"").decode("latin-1"))
        cached |= secret_values(scope.get(SCOPE_JSON))
        scope[SCOPE_SECRETS] = cached
    return cached


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            value_bytes: bytes = value.strip()
            return value_bytes
    return None


def replay_body(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that hands the already-read body to the app, then defers to the server."""
    sent = False

    async def replay() -> Any:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay
