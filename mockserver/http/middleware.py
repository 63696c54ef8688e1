"""The outermost ASGI layer: API lookup, fault rules, body checks, the request journal.

Runs before Connexion sees a request, so malformed bodies (invalid UTF-8, broken JSON, too
large) get the vendor's 400/413 instead of Connexion's 500 (spec-first/connexion#1860), and
every request, faulted or not, lands in the journal.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mockserver.apis.base import SCOPE_NOTES, BaseHandlers, ErrorResponse
from mockserver.domain.errors import (
    DomainError,
    InternalError,
    NotFound,
    PayloadTooLarge,
    TooManyRequests,
    error_for_status,
)
from mockserver.domain.jsonpolicy import loads as json_loads
from mockserver.http.auth import SCOPE_HANDLERS
from mockserver.http.routing import Router
from mockserver.runtime import Runtime

JOURNAL_BODY_LIMIT = 4096
#: ASGI scope key of the parsed JSON request body, when it had one (parsed once, under the JSON policy).
SCOPE_JSON = "idsync.json"
BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class DroppedConnection(Exception):
    """Raised after the response started, so the server closes the connection mid-response."""


class BodyError(Exception):
    """The request body was rejected before routing."""

    def __init__(self, error: DomainError) -> None:
        super().__init__(error.detail)
        self.error = error


class IdsyncMiddleware:
    """Wraps the Connexion app; one instance per app, holding that app's runtime."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        runtime: Runtime,
        router: Router,
        handlers: dict[str, BaseHandlers],
        index: dict[str, Any],
    ) -> None:
        self.app = app
        self.runtime = runtime
        self.router = router
        self.handlers = handlers
        self.index = index

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        method: str = scope["method"]
        mount = self.router.mount_for(path)
        api = mount.api.name if mount else ""
        scope[SCOPE_HANDLERS] = self.handlers.get(api)
        notes: list[str] = []
        scope[SCOPE_NOTES] = notes
        started = time.perf_counter()
        captured: dict[str, Any] = {"status": 0, "body": bytearray()}
        request_body = b""

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                captured["status"] = message["status"]
            elif message["type"] == "http.response.body" and len(captured["body"]) < JOURNAL_BODY_LIMIT:
                captured["body"].extend(message.get("body", b"")[:JOURNAL_BODY_LIMIT])
            await send(message)

        try:
            if path in ("", "/") and method in ("GET", "HEAD"):
                await _send_json(capture, ErrorResponse(200, self.index))
                return
            if mount is None:
                await self._send_error(capture, path, NotFound(f"No API is mounted at {path}; GET / lists them"))
                return
            if api != "admin" and await self._apply_fault(capture, method, path, api):
                return
            request_body = await self._read_body(scope, receive)
            await self.app(scope, replay_body(request_body, receive), capture)
        except BodyError as exc:
            await self._send_error(capture, path, exc.error)
        finally:
            self.runtime.journal.record(
                time=self.runtime.world.clock.now(),
                method=method,
                path=path,
                query=scope.get("query_string", b"").decode("latin-1"),
                status=captured["status"],
                api=api,
                request_body=request_body[:JOURNAL_BODY_LIMIT].decode("utf-8", "replace"),
                response_body=bytes(captured["body"]).decode("utf-8", "replace"),
                duration_ms=round((time.perf_counter() - started) * 1000, 3),
                notes=list(notes),
            )

    async def _apply_fault(self, send: Send, method: str, path: str, api: str) -> bool:
        """Apply the first matching fault rule; True if it answered (or dropped) the request."""
        rule = self.runtime.faults.pick(method, path, api)
        if rule is None:
            return False
        if rule.action == "latency":
            await asyncio.sleep(rule.latency_ms / 1000)
            return False
        if rule.action == "rate_limit":
            err: DomainError = TooManyRequests("Too many requests", headers={"Retry-After": str(rule.retry_after)})
        elif rule.action == "status":
            err = error_for_status(rule.status, f"Fault rule {rule.id} forced status {rule.status}")
        else:
            await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"100")]})
            raise DroppedConnection(f"fault rule {rule.id} dropped the connection")
        await self._send_error(send, path, err)
        return True

    async def _read_body(self, scope: Scope, receive: Receive) -> bytes:
        """Read the whole body, enforcing the size limit and, for JSON, UTF-8 and syntax."""
        if scope["method"] not in BODY_METHODS:
            return b""
        limit = self.runtime.body_limit(scope["method"], scope["path"])
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise BodyError(PayloadTooLarge(f"Request body larger than {limit} bytes"))
        chunks = bytearray()
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                break
            chunks.extend(message.get("body", b""))
            if len(chunks) > limit:
                raise BodyError(PayloadTooLarge(f"Request body larger than {limit} bytes"))
            if not message.get("more_body"):
                break
        body = bytes(chunks)
        if body and "json" in headers.get("content-type", "").lower():
            scope[SCOPE_JSON] = _check_json(body)
        return body

    async def _send_error(self, send: Send, path: str, err: DomainError) -> None:
        await _send_json(send, self.router.render(path, err))


def _check_json(body: bytes) -> Any:
    """The parsed body under the JSON policy (``mockserver.domain.jsonpolicy``: UTF-8, finite, bounded depth)."""
    try:
        return json_loads(body)
    except DomainError as exc:
        raise BodyError(exc) from None


def replay_body(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that hands the already-read body to the app, then defers to the server."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


async def _send_json(send: Send, response: ErrorResponse) -> None:
    body = response.encoded()
    headers = [(b"content-type", response.content_type.encode()), (b"content-length", str(len(body)).encode())]
    headers += [(k.lower().encode(), v.encode()) for k, v in response.headers.items()]
    await send({"type": "http.response.start", "status": response.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


__all__ = ["DroppedConnection", "IdsyncMiddleware", "InternalError"]
