"""One write per answer: the response head and body leave the server in one ``send`` call.

uvicorn writes a response's status line and headers when the app sends ``http.response.start`` and
the body when it sends ``http.response.body``: two writes on the transport, so two system calls and,
with ``TCP_NODELAY`` (which uvicorn sets), two TCP segments for every small answer (issue 13's
profile of ``idsync serve``: a third of the samples of a ``GET`` by id were inside those two
writes). :class:`CoalescingTransport` stands between uvicorn's protocol and the socket transport:
what is written during one turn of the event loop is joined and written once at the end of the
turn (``loop.call_soon``), in order; closing first writes what is pending, aborting drops it, as it
would drop unsent bytes of the transport's own buffer. Bytes and their order on the wire are
unchanged; only how they are cut into ``send`` calls differs.
"""

from __future__ import annotations

import asyncio
from typing import Any


class CoalescingTransport:
    """A transport wrapper joining the writes of one event-loop turn into one ``write``.

    Everything but ``write``, ``writelines``, ``write_eof``, ``close``, ``abort`` and the buffer size is the
    wrapped transport's own (``__getattr__``)."""

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._pending: list[bytes] = []

    def write(self, data: bytes | bytearray | memoryview) -> None:
        """Queue ``data``; the first write of a turn schedules the flush at its end."""
        if not data:
            return
        if not self._pending:
            self._loop.call_soon(self.flush)
        self._pending.append(bytes(data))

    def writelines(self, chunks: Any) -> None:
        for chunk in chunks:
            self.write(chunk)

    def flush(self) -> None:
        """Write what is pending, as one write (none once the transport is closing)."""
        if not self._pending:
            return
        data = self._pending[0] if len(self._pending) == 1 else b"".join(self._pending)
        self._pending.clear()
        if not self._transport.is_closing():
            self._transport.write(data)

    def get_write_buffer_size(self) -> int:
        return self._transport.get_write_buffer_size() + sum(map(len, self._pending))

    def close(self) -> None:
        """Write what is pending, then close (``Transport.close`` also sends its buffer first)."""
        self.flush()
        self._transport.close()

    def write_eof(self) -> None:
        self.flush()
        self._transport.write_eof()

    def abort(self) -> None:
        """Close at once; what is pending is dropped, like the transport's own unsent buffer."""
        self._pending.clear()
        self._transport.abort()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)
