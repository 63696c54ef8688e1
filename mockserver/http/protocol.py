"""The HTTP/1.1 connection under the app: limits uvicorn does not set, and its errors in the vendor's body.

uvicorn's protocols (``httptools_impl``, ``h11_impl``; uvicorn 0.54) leave three gaps this module
closes by subclassing them (``guarded``), without touching their parsing:

- **Request head limits.** A connection that sends nothing, or a request head a byte at a time,
  is held forever (the keep-alive timer only runs between requests), and httptools reads headers
  of any size. Here the whole head (request line and headers) must arrive within ``head_timeout``
  seconds and ``max_head_bytes`` bytes (Apache ``mod_reqtimeout``; nginx
  ``client_header_timeout``, ``large_client_header_buffers``): past the size, 414 URI Too Long
  (RFC 9110 §15.5.15) or 431 (RFC 6585 §5); past the time, 408 (RFC 9110 §15.5.9).
- **Errors below the app.** uvicorn answers a request it cannot parse (odd URL characters, a
  malformed head) with a plain-text 400. Here the same error goes through the app as a
  synthetic request carrying ``scope["extensions"][PROTOCOL_ERROR]``, so the middleware answers
  it in the owning API's error body and journals it; the connection is then closed.
- **One write per answer.** The transport is wrapped in
  :class:`mockserver.http.coalesce.CoalescingTransport`, so uvicorn's two writes of an answer (head,
  then body) leave in one ``send`` call.
- **Dropping a connection.** ASGI has no way to close a connection without a response (an app
  that raises before responding gets uvicorn's 500). Each request's scope carries
  ``scope["extensions"][DROP]``, a callable closing the connection at once: the ``close`` fault.
"""

from __future__ import annotations

import asyncio
import re
from http import HTTPStatus
from typing import Any
from urllib.parse import unquote

from mockserver.domain.errors import BadRequest, DomainError, HeadersTooLarge, RequestTimeout, UriTooLong
from mockserver.http.coalesce import CoalescingTransport

#: ``scope["extensions"]`` key: a :class:`DomainError` raised below the app, to be answered as is.
PROTOCOL_ERROR = "idsync.protocol_error"
#: ``scope["extensions"]`` key: a no-argument callable that closes the connection without answering.
DROP = "idsync.drop"
#: Default limits (README, "Limits"): the whole request head, and the time to send it.
MAX_HEAD_BYTES = 32_768
HEAD_TIMEOUT = 20.0
#: Seconds a rejected connection is kept open after its answer, reading and dropping what the
#: client still sends, so closing does not reset the connection under the answer (nginx's
#: ``lingering_timeout``).
LINGER = 1.0
#: Longest path kept from a request that could not be parsed (enough to find the owning API).
MAX_REPORTED_PATH = 1024
_REQUEST_LINE = re.compile(rb"^\s*([A-Za-z]{1,16}) +([^ \r\n]*)")
_END_OF_HEAD = b"\r\n\r\n"


class GuardedProtocol:
    """Mixin for a uvicorn HTTP protocol class; see the module docstring. Attributes of the base
    protocol used: ``transport``, ``loop``, ``app``, ``cycle``, ``tasks``, ``scope``."""

    head_timeout: float = HEAD_TIMEOUT
    max_head_bytes: int = MAX_HEAD_BYTES
    transport: Any
    loop: asyncio.AbstractEventLoop
    app: Any
    cycle: Any
    tasks: set[asyncio.Task[None]]

    def connection_made(self, transport: Any) -> None:
        super().connection_made(CoalescingTransport(transport, self.loop))  # type: ignore[misc]
        self._failed = False
        self._seen_cycle: Any = None
        self._head_timer: asyncio.TimerHandle | None = None
        self._await_head()

    def data_received(self, data: bytes) -> None:
        if self._failed:
            return
        if self._head is not None and self._grow_head(data):
            return
        super().data_received(data)  # type: ignore[misc]
        if self.cycle is not None and self.cycle is not self._seen_cycle:
            self._seen_cycle = self.cycle
            self.cycle.scope.setdefault("extensions", {})[DROP] = self.transport.abort
            self._head_done()

    def on_response_complete(self) -> None:
        super().on_response_complete()  # type: ignore[misc]
        if not self.transport.is_closing():
            self._await_head()

    def connection_lost(self, exc: Exception | None) -> None:
        self._head_done()
        super().connection_lost(exc)  # type: ignore[misc]

    def send_400_response(self, msg: str) -> None:
        """uvicorn's plain-text 400 for a request it could not parse, answered by the app instead."""
        self._reject(BadRequest(msg))

    def _await_head(self) -> None:
        """Start counting the next request head: its bytes and the time it takes."""
        self._head: bytearray | None = bytearray()
        self._cancel_timer()
        self._head_timer = self.loop.call_later(self.head_timeout, self._head_timed_out)

    def _head_done(self) -> None:
        self._head = None
        self._cancel_timer()

    def _cancel_timer(self) -> None:
        if getattr(self, "_head_timer", None) is not None:
            self._head_timer.cancel()  # type: ignore[union-attr]
            self._head_timer = None

    def _grow_head(self, data: bytes) -> bool:
        """Count ``data`` into the head; True when it broke the size limit (and was answered)."""
        head = self._head
        assert head is not None
        start = max(0, len(head) - 3)
        head.extend(data[: self.max_head_bytes + 1 - len(head)])
        end = head.find(_END_OF_HEAD, start)
        if end >= 0 and end + 4 <= self.max_head_bytes:
            return False
        if len(head) > self.max_head_bytes:
            line_end = head.find(b"\r\n")
            too_long = UriTooLong if line_end < 0 else HeadersTooLarge
            self._reject(too_long(f"Request head larger than {self.max_head_bytes} bytes"))
            return True
        return False

    def _head_timed_out(self) -> None:
        """A head begun and not finished gets 408; a new connection that sent nothing is closed.
        (Between requests, uvicorn's own keep-alive timer closes idle connections.)"""
        self._head_timer = None
        if self._head:
            self._reject(RequestTimeout(f"Request head not received within {self.head_timeout:g} s"))
        elif self.cycle is None and not self.transport.is_closing():
            self.transport.close()

    def _reject(self, error: DomainError) -> None:
        """Stop reading, let the app answer ``error`` for the request line seen so far, then close."""
        self._failed = True
        self._cancel_timer()
        self.transport.pause_reading()
        scope = synthetic_scope(bytes(self._head or b""), error)
        task = self.loop.create_task(self._answer(scope))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def _answer(self, scope: dict[str, Any]) -> None:
        try:
            status, headers, body = await run_once(self.app, scope)
        except Exception:  # the app failed to render: uvicorn's own answer, as before
            status, headers, body = 400, [(b"content-type", b"text/plain; charset=utf-8")], b"Bad Request"
        lines = [f"HTTP/1.1 {status} {_reason(status)}".encode()]
        lines += [k + b": " + v for k, v in headers if k.lower() not in (b"connection", b"content-length")]
        lines += [b"content-length: " + str(len(body)).encode(), b"connection: close", b"", body]
        if not self.transport.is_closing():
            self.transport.write(b"\r\n".join(lines))
            self.transport.resume_reading()  # what still comes is dropped (``_failed``) until the close
            self.loop.call_later(LINGER, self.transport.close)


def synthetic_scope(head: bytes, error: DomainError) -> dict[str, Any]:
    """An ASGI scope for the request line in ``head`` (as far as it could be read) carrying ``error``."""
    match = _REQUEST_LINE.match(head)
    method = match.group(1).decode("ascii").upper() if match else "GET"
    target = match.group(2) if match else b"/"
    raw_path = target.partition(b"?")[0][:MAX_REPORTED_PATH] or b"/"
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": unquote(raw_path.decode("utf-8", "replace")),
        "raw_path": raw_path,
        "query_string": b"",
        "root_path": "",
        "headers": [],
        "extensions": {PROTOCOL_ERROR: error},
    }


async def run_once(app: Any, scope: dict[str, Any]) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    """Call an ASGI app for a bodiless request; its status, headers and body."""
    answer: dict[str, Any] = {"status": 500, "headers": [], "body": bytearray()}

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            answer["status"], answer["headers"] = message["status"], list(message.get("headers", []))
        elif message["type"] == "http.response.body":
            answer["body"].extend(message.get("body", b""))

    await app(scope, receive, send)
    return answer["status"], answer["headers"], bytes(answer["body"])


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def guarded(base: type, *, head_timeout: float = HEAD_TIMEOUT, max_head_bytes: int = MAX_HEAD_BYTES) -> type:
    """A subclass of the uvicorn protocol class ``base`` with the guards and these limits."""
    attrs = {"head_timeout": head_timeout, "max_head_bytes": max_head_bytes}
    return type(f"Guarded{base.__name__}", (GuardedProtocol, base), attrs)
