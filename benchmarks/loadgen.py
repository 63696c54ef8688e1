"""A small closed-loop HTTP/1.1 load generator: N keep-alive connections on loopback, bounded in time.

Each connection sends one request, reads the whole response (``Content-Length`` or chunked), records
the latency and sends the next, until the deadline. Requests are built by a callable so every
request can differ (a unique ``userName`` per create). Used by ``benchmarks/http_bench.py``; it
refuses any host outside the loopback range.
"""

from __future__ import annotations

import asyncio
import ipaddress
import time
from collections.abc import Callable
from dataclasses import dataclass, field

Request = Callable[[int], bytes]


@dataclass
class Result:
    """What one load run saw: completed requests, their latencies (seconds) and status counts."""

    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return len(self.latencies)

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] if ordered else float("nan")


def request_bytes(method: str, target: str, host: str, headers: dict[str, str], body: bytes = b"") -> bytes:
    """One HTTP/1.1 request with ``Host``, ``Content-Length`` (when there is a body) and keep-alive."""
    lines = [f"{method} {target} HTTP/1.1", f"Host: {host}", *(f"{k}: {v}" for k, v in headers.items())]
    if body or method in ("POST", "PUT", "PATCH"):
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


class _Connection(asyncio.Protocol):
    """One keep-alive connection running requests back to back."""

    def __init__(self, make: Request, counter: list[int], deadline: float, result: Result) -> None:
        self.make, self.counter, self.deadline, self.result = make, counter, deadline, result
        self.buffer = bytearray()
        self.done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.transport: asyncio.Transport | None = None
        self.sent_at = 0.0

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self._send()

    def _send(self) -> None:
        assert self.transport is not None
        if time.perf_counter() >= self.deadline:
            self.transport.close()
            return
        self.counter[0] += 1
        payload = self.make(self.counter[0])
        self.sent_at = time.perf_counter()
        self.transport.write(payload)

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:
            length = _response_length(self.buffer)
            if length is None:
                return
            status = int(self.buffer[9:12])
            del self.buffer[:length]
            self.result.latencies.append(time.perf_counter() - self.sent_at)
            self.result.statuses[status] = self.result.statuses.get(status, 0) + 1
            self._send()

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.done.done():
            self.done.set_result(None)


def _response_length(buffer: bytearray) -> int | None:
    """Bytes of the first complete response in ``buffer``, or None while it is incomplete."""
    end = buffer.find(b"\r\n\r\n")
    if end < 0:
        return None
    head = bytes(buffer[:end]).lower()
    start = end + 4
    marker = head.find(b"content-length:")
    if marker >= 0:
        size = int(head[marker + 15 :].split(b"\r\n", 1)[0])
        return start + size if len(buffer) >= start + size else None
    if b"transfer-encoding: chunked" in head:
        pos = start
        while True:
            line_end = buffer.find(b"\r\n", pos)
            if line_end < 0:
                return None
            size = int(bytes(buffer[pos:line_end]).split(b";")[0], 16)
            pos = line_end + 2 + size + 2
            if len(buffer) < pos:
                return None
            if size == 0:
                return pos
    return start  # no body (204/304)


async def run(host: str, port: int, make: Request, *, connections: int, seconds: float) -> Result:
    """Drive ``host:port`` with ``connections`` closed-loop connections for ``seconds``."""
    if not ipaddress.ip_address(host).is_loopback:
        raise ValueError(f"load is only ever sent to loopback, not {host}")
    loop = asyncio.get_running_loop()
    result = Result()
    counter = [0]
    started = time.perf_counter()
    deadline = started + seconds
    protocols = []
    for _ in range(connections):
        _, protocol = await loop.create_connection(lambda: _Connection(make, counter, deadline, result), host, port)
        protocols.append(protocol)
    await asyncio.wait_for(asyncio.gather(*(p.done for p in protocols)), timeout=seconds + 30)
    result.seconds = time.perf_counter() - started
    return result
