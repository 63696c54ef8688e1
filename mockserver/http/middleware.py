"""The outermost ASGI layer: API lookup, fault rules, whole bodies, the request journal.

Runs before Connexion sees a request, so malformed bodies (invalid UTF-8, broken JSON, too
large, cut off) get the vendor's 400/413/408 instead of Connexion's 500
(spec-first/connexion#1860), a request whose body never arrived whole never runs
(``mockserver.http.body``), errors the server raised below the application
(``mockserver.http.protocol``) come out in the vendor's body, and every request, faulted or
not, lands in the journal with its credentials masked (``Journal.record``).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mockserver.apis.base import SCOPE_NOTES, BaseHandlers, ErrorResponse
from mockserver.domain.errors import (
    DomainError,
    InternalError,
    NotFound,
    TooManyRequests,
    error_for_status,
)
from mockserver.domain.secrets import header_secrets, query_secrets
from mockserver.http import requestlog
from mockserver.http.auth import SCOPE_HANDLERS
from mockserver.http.body import (
    BODY_METHODS,
    SCOPE_JSON,
    SCOPE_SECRETS,
    BodyError,
    ClientGone,
    declared_length,
    drain,
    parse_json,
    read_whole,
    replay_body,
    request_secrets,
    too_large,
)
from mockserver.http.errors import scrub_error
from mockserver.http.protocol import DROP, PROTOCOL_ERROR
from mockserver.http.routing import MountedApi, Router
from mockserver.pages import DASHBOARD_PATH, Pages
from mockserver.runtime import JOURNAL_BODY_LIMIT, MASK_SLACK, Runtime

#: Bodies above this size are not walked for secrets when journaled (the journal keeps 4 KiB,
#: where member names are masked anyway): the journal costs no extra pass over large bodies.
JOURNAL_WALK_LIMIT = 65_536
#: How much of an answer is kept for the journal (its limit, and the slack it masks past the cut).
KEPT = JOURNAL_BODY_LIMIT + MASK_SLACK
#: Admin paths whose bodies hold every credential of the world (state export, import, seed).
SEALED_ADMIN_PATHS = frozenset({"/state", "/seed"})
#: Journal status of a request whose client left before its body was complete (nginx's 499).
CLIENT_GONE = 499


class DroppedConnection(Exception):
    """Raised after the response started, so a server without the drop extension closes the connection."""


@dataclass
class Exchange:
    """One request as the middleware sees it: the body it read and what was answered."""

    send: Send
    body: bytes = b""
    status: int = 0
    answer: bytearray = field(default_factory=bytearray)
    notes: list[str] = field(default_factory=list)

    async def capture(self, message: Message) -> None:
        """Pass ``message`` on, keeping the status and the first bytes of the answer for the journal."""
        if message["type"] == "http.response.start":
            self.status = message["status"]
        elif message["type"] == "http.response.body" and len(self.answer) < KEPT:
            self.answer.extend(message.get("body", b"")[:KEPT])
        await self.send(message)


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
        self.pages = Pages(runtime, index)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        mount = self.router.mount_for(scope["path"])
        scope[SCOPE_HANDLERS] = self.handlers.get(mount.api.name) if mount else None
        exchange = Exchange(send)
        scope[SCOPE_NOTES] = exchange.notes
        started = time.perf_counter()
        try:
            await self._serve(scope, receive, exchange, mount)
        except BodyError as exc:
            await self._send_error(exchange.capture, scope, exc.error)
        except ClientGone as exc:
            exchange.status = CLIENT_GONE
            exchange.notes.append(f"{exc}: the request was not run")
        finally:
            self._record(scope, mount, exchange, time.perf_counter() - started)

    async def _serve(self, scope: Scope, receive: Receive, exchange: Exchange, mount: MountedApi | None) -> None:
        path, method = scope["path"], scope["method"]
        problem: DomainError | None = scope.get("extensions", {}).get(PROTOCOL_ERROR)
        page = self.pages.answer(scope) if problem is None else None
        if page is not None:
            await _send_json(exchange.capture, page)
        elif path in ("", "/") and method in ("GET", "HEAD") and problem is None:
            await _send_json(exchange.capture, ErrorResponse(200, self.index, headers={"Vary": "Accept"}))
        elif problem is not None or mount is None or _encoded_slash(scope):
            await self._send_error(exchange.capture, scope, problem or _no_route(path, mount))
        elif mount.api.name == "admin" or not await self._apply_fault(scope, receive, exchange, mount.api.name):
            if method in BODY_METHODS:
                exchange.body = await self._read_body(scope, receive, mount)
            await self.app(scope, replay_body(exchange.body, receive), exchange.capture)

    async def _apply_fault(self, scope: Scope, receive: Receive, exchange: Exchange, api: str) -> bool:
        """Apply the first matching fault rule; True if it answered (or dropped) the request."""
        rule = self.runtime.faults.pick(scope["method"], scope["path"], api)
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
            exchange.notes.append(f"fault rule {rule.id} dropped the connection")
            await _drop(scope, receive, exchange.capture)
            return True
        await self._send_error(exchange.capture, scope, err)
        return True

    async def _read_body(self, scope: Scope, receive: Receive, mount: MountedApi) -> bytes:
        """The whole body (size and idle limits), its JSON parsed once under the policy."""
        limit = self.runtime.body_limit(scope["method"], scope["path"])
        declared = declared_length(scope)
        if declared is not None and declared > limit:
            await drain(receive, idle_timeout=self.runtime.body_timeout)
            raise too_large(limit)
        body = await read_whole(receive, limit=limit, idle_timeout=self.runtime.body_timeout)
        path, method = scope["path"], scope["method"]
        parse_json(scope, body, mount.api.untyped_body, lambda: self.router.takes_body(path, method))
        return body

    async def _send_error(self, send: Send, scope: Scope, err: DomainError) -> None:
        scrub_error(err, request_secrets(scope))
        await _send_json(send, self.router.render(scope["path"], err))

    def _record(self, scope: Scope, mount: MountedApi | None, exchange: Exchange, seconds: float) -> None:
        if _dashboard_poll(scope, mount):  # neither journaled nor logged
            return
        path, method, api = scope["path"], scope["method"], mount.api.name if mount else ""
        query = scope.get("query_string", b"").decode("latin-1")
        if requestlog.enabled():
            requestlog.log(method, path, query, exchange.status, seconds, api)
        if not self.runtime.journal.enabled:
            return
        sealed = api == "admin" and mount is not None and path[len(mount.base_path) :] in SEALED_ADMIN_PATHS
        self.runtime.journal.record(
            time=self.runtime.world.clock.now(),
            method=method,
            path=path,
            query=query,
            status=exchange.status,
            api=api,
            request_headers=scope.get("headers", []),
            request_body=exchange.body,
            response_body=bytes(exchange.answer),
            secrets=_journal_secrets(scope, len(exchange.body)),
            sealed=sealed,
            duration_ms=round(seconds * 1000, 3),
            notes=list(exchange.notes),
        )


def _journal_secrets(scope: Scope, body_length: int) -> set[str]:
    """The request's credentials for the journal; large bodies are not walked (see JOURNAL_WALK_LIMIT)."""
    if SCOPE_SECRETS in scope or (SCOPE_JSON in scope and body_length <= JOURNAL_WALK_LIMIT):
        return request_secrets(scope)
    return header_secrets(scope.get("headers", [])) | query_secrets(scope.get("query_string", b"").decode("latin-1"))


def _dashboard_poll(scope: Scope, mount: MountedApi | None) -> bool:
    """The dashboard's own traffic, not journaled so an open dashboard never pushes the requests it
    shows out of the journal: its files, and its reads of the admin API and of ``GET /`` marked
    ``X-Idsync-Dashboard: poll`` (specs/admin.yaml)."""
    path = scope["path"]
    if scope["method"] != "GET":
        return False
    if path == DASHBOARD_PATH or path.startswith(DASHBOARD_PATH + "/"):
        return True
    admin = mount is not None and mount.api.name == "admin"
    return (admin or path == "/") and (b"x-idsync-dashboard", b"poll") in scope.get("headers", [])


def _encoded_slash(scope: Scope) -> bool:
    """A ``%2F`` in the path: no path parameter can hold one, so it names no resource (Apache
    httpd's ``AllowEncodedSlashes Off`` answers 404 too), never a redirect."""
    raw: bytes = scope.get("raw_path") or b""
    return b"%2f" in raw.lower()


def _no_route(path: str, mount: MountedApi | None) -> DomainError:
    if mount is None:
        return NotFound(f"No API is mounted at {path}; GET / lists them")
    return NotFound(f"No route for {path}")


async def _drop(scope: Scope, receive: Receive, send: Send) -> None:
    """Close the connection before any status line (the server's drop extension, ``mockserver.http.protocol``).

    A server without the extension (an in-process test client) gets a started response and
    :class:`DroppedConnection`, which makes it close the connection mid-response.
    """
    drop = scope.get("extensions", {}).get(DROP)
    if drop is None:
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"100")]})
        raise DroppedConnection("fault rule dropped the connection")
    drop()
    async with asyncio.timeout(5):
        while (await receive())["type"] != "http.disconnect":
            pass


async def _send_json(send: Send, response: ErrorResponse) -> None:
    body = response.encoded()
    headers = [(b"content-type", response.content_type.encode()), (b"content-length", str(len(body)).encode())]
    headers += [(k.lower().encode(), v.encode()) for k, v in response.headers.items()]
    await send({"type": "http.response.start", "status": response.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


__all__ = ["SCOPE_JSON", "DroppedConnection", "IdsyncMiddleware", "InternalError", "replay_body"]
