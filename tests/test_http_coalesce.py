"""One write per answer (``mockserver.http.coalesce``): the bytes and their order are unchanged, only
the number of writes; closing sends what is pending, aborting drops it; and a live server's answer
arrives whole."""

from __future__ import annotations

import asyncio
import socket
from typing import Any

from mockserver.app import create_app
from mockserver.http.coalesce import CoalescingTransport
from mockserver.server import LiveServer


class RecordingTransport(asyncio.Transport):
    """A transport that keeps each write, and whether it was closed or aborted."""

    def __init__(self) -> None:
        super().__init__()
        self.writes: list[bytes] = []
        self.closed = self.aborted = False

    def write(self, data: Any) -> None:
        self.writes.append(bytes(data))

    def is_closing(self) -> bool:
        return self.closed or self.aborted

    def close(self) -> None:
        self.closed = True

    def abort(self) -> None:
        self.aborted = True

    def get_write_buffer_size(self) -> int:
        return 0

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return {"peername": ("127.0.0.1", 1)}.get(name, default)


async def _turn() -> None:
    await asyncio.sleep(0)


def test_writes_of_one_turn_leave_as_one_write_in_order() -> None:
    async def scenario() -> RecordingTransport:
        raw = RecordingTransport()
        transport = CoalescingTransport(raw, asyncio.get_running_loop())
        transport.write(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n")
        transport.write(bytearray(b"{}"))
        assert raw.writes == []  # nothing sent before the end of the turn
        assert transport.get_write_buffer_size() == 40
        await _turn()
        transport.write(b"next")
        await _turn()
        return raw

    raw = asyncio.run(scenario())
    assert raw.writes == [b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}", b"next"]


def test_close_sends_what_is_pending_and_abort_drops_it() -> None:
    async def scenario() -> tuple[RecordingTransport, RecordingTransport]:
        loop = asyncio.get_running_loop()
        closed, aborted = RecordingTransport(), RecordingTransport()
        first, second = CoalescingTransport(closed, loop), CoalescingTransport(aborted, loop)
        for transport in (first, second):
            transport.write(b"head")
            transport.write(b"body")
        first.close()
        second.abort()
        await _turn()
        return closed, aborted

    closed, aborted = asyncio.run(scenario())
    assert closed.writes == [b"headbody"] and closed.closed
    assert aborted.writes == [] and aborted.aborted


def test_other_attributes_are_the_transports() -> None:
    async def scenario() -> Any:
        return CoalescingTransport(RecordingTransport(), asyncio.get_running_loop()).get_extra_info("peername")

    assert asyncio.run(scenario()) == ("127.0.0.1", 1)


def test_a_live_answer_arrives_whole_and_keep_alive_still_works() -> None:
    with LiveServer(create_app()) as server:
        host, port = server.url.removeprefix("http://").split(":")
        request = (
            b"GET /scim/default/v2/ServiceProviderConfig HTTP/1.1\r\n"
            b"Host: x\r\nAuthorization: Bearer idsync-token\r\n\r\n"
        )
        with socket.create_connection((host, int(port)), timeout=5) as conn:
            for _ in range(2):  # the same connection answers again
                conn.sendall(request)
                answer = b""
                while b"\r\n\r\n" not in answer:
                    answer += conn.recv(65536)
                head, _, body = answer.partition(b"\r\n\r\n")
                length = int(
                    next(line for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")).split(
                        b":"
                    )[1]
                )
                while len(body) < length:
                    body += conn.recv(65536)
                assert head.startswith(b"HTTP/1.1 200 ") and len(body) == length
