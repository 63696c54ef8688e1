"""Issue 12, points 6 and 7: authentik's outbound pushes are bounded and go to loopback unless allowed.

A provider pushes (``POST .../sync/object/``) to a hostile SCIM target served by a second real
uvicorn server: one that never answers (the push gives up after the outbound timeout), one that
streams 200 MB (reading stops at the size cap), one that answers JSON nested 900 deep or with
``NaN`` (the JSON policy rejects it). Each push answers 200 with authentik's warning message and
the mock keeps serving. A target on a non-loopback address is refused before any connection,
with a log line saying why, until ``Outbound.allow`` (``--allow-outbound``) or the seed's
``outbound.allow`` lists the host.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from mockserver.app import create_app
from mockserver.server import LiveServer

AUTH = {"Authorization": "Bearer idsync-token"}
USER = "authentik.core.models.User"
HUGE = 200 * 1024 * 1024


class Target:
    """A SCIM target whose behaviour is the first path segment: ``/<mode>/v2/...``."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        self.sent = 0

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        self.requests.append(f"{scope['method']} {scope['path']}")
        mode = scope["path"].split("/")[1]
        if mode == "silent":
            await asyncio.sleep(30)
            return
        headers = [(b"content-type", b"application/scim+json")]
        if mode == "huge":
            await self.stream_huge(receive, send, headers)
            return
        body = {
            "deep": b'{"id": "x", "a": ' + b"[" * 900 + b"]" * 900 + b"}",
            "nan": b'{"id": NaN, "patch": {"supported": Infinity}}',
        }.get(mode, b'{"id": "remote-1"}')
        await send({"type": "http.response.start", "status": 201, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    async def stream_huge(self, receive: Any, send: Any, headers: list[tuple[bytes, bytes]]) -> None:
        """200 MB of ``[``, until the client goes away (uvicorn throttles ``send`` to its reading)."""
        gone = asyncio.Event()

        async def watch() -> None:
            while (await receive())["type"] != "http.disconnect":
                pass
            gone.set()

        watcher = asyncio.create_task(watch())
        await send({"type": "http.response.start", "status": 201, "headers": headers})
        chunk, sent = b"[" * 65536, 0
        while sent < HUGE and not gone.is_set():
            sent += len(chunk)
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
            await asyncio.sleep(0)  # a send to a closed connection returns at once: let the watcher see it
        self.sent = max(self.sent, sent)
        await send({"type": "http.response.body", "body": b""})
        watcher.cancel()


def lan_address() -> str | None:
    """This machine's address on its default route, if it has one that is not loopback."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("192.0.2.123", 9))  # TEST-NET-1: nothing is sent
            address = str(probe.getsockname()[0])
    except OSError:
        return None
    return None if address.startswith("127.") else address


@pytest.fixture(scope="module")
def target() -> Iterator[tuple[Target, LiveServer]]:
    app = Target()
    with LiveServer(app, host="0.0.0.0") as live:
        yield app, live


@pytest.fixture
def mock() -> Iterator[tuple[Any, str]]:
    app = create_app()
    app.runtime.world.outbound.timeout = 1.0
    with LiveServer(app) as live:
        yield app, live.url


def push(mock_url: str, target_url: str) -> tuple[list[dict[str, Any]], float]:
    """Create a provider for ``target_url``, push user 1 (akadmin); the messages and the seconds it took."""
    api = httpx.Client(base_url=f"{mock_url}/authentik/api/v3", headers=AUTH, timeout=60)
    pk = api.post("/providers/scim/", json={"name": "p", "url": target_url, "token": "t"}).json()["pk"]
    started = time.monotonic()
    response = api.post(f"/providers/scim/{pk}/sync/object/", json={"sync_object_model": USER, "sync_object_id": "1"})
    assert response.status_code == 200, response.text
    return list(response.json()["messages"]), time.monotonic() - started


def warnings(messages: list[dict[str, Any]]) -> str:
    return " | ".join(m["event"] for m in messages if m["log_level"] == "warning")


def test_a_target_that_never_answers_is_given_up_after_the_timeout(
    mock: tuple[Any, str], target: tuple[Target, LiveServer]
) -> None:
    messages, took = push(mock[1], f"http://127.0.0.1:{target[1].port}/silent/v2")
    assert "no whole answer within 1 s" in warnings(messages)
    assert took < 5


def test_a_200_mb_answer_is_not_read_past_the_size_cap(
    mock: tuple[Any, str], target: tuple[Target, LiveServer]
) -> None:
    app, url = mock
    messages, took = push(url, f"http://127.0.0.1:{target[1].port}/huge/v2")
    assert f"larger than {app.runtime.world.outbound.max_response_bytes} bytes" in warnings(messages)
    assert took < 10
    assert target[0].sent < HUGE / 4, "the mock stopped reading early"
    assert httpx.get(f"{url}/scim/default/v2/Users", headers=AUTH).status_code == 200


@pytest.mark.parametrize("mode", ["deep", "nan"])
def test_an_answer_outside_the_json_policy_is_a_failed_push(
    mock: tuple[Any, str], target: tuple[Target, LiveServer], mode: str
) -> None:
    messages, _ = push(mock[1], f"http://127.0.0.1:{target[1].port}/{mode}/v2")
    assert "Invalid JSON in response" in warnings(messages)
    state = httpx.get(f"{mock[1]}/__admin/state", headers=AUTH)
    assert state.status_code == 200 and "NaN" not in state.text


def test_a_loopback_target_is_pushed_to(mock: tuple[Any, str], target: tuple[Target, LiveServer]) -> None:
    messages, _ = push(mock[1], f"http://localhost:{target[1].port}/ok/v2")
    assert not warnings(messages)
    assert "POST /ok/v2/Users" in target[0].requests


@pytest.fixture
def lan() -> str:
    address = lan_address()
    if address is None:
        pytest.skip("this machine has no non-loopback IPv4 address to push to")
    return address


def test_a_non_loopback_target_is_refused_before_any_connection(
    mock: tuple[Any, str], target: tuple[Target, LiveServer], lan: str, caplog: pytest.LogCaptureFixture
) -> None:
    target[0].requests.clear()
    with caplog.at_level(logging.WARNING, logger="idsync"):
        messages, _ = push(mock[1], f"http://{lan}:{target[1].port}/ok/v2")
    assert f"outbound requests to {lan} are not allowed" in warnings(messages)
    assert target[0].requests == []
    assert any("--allow-outbound" in r.getMessage() and lan in r.getMessage() for r in caplog.records)


def test_allow_outbound_lets_a_host_through(mock: tuple[Any, str], target: tuple[Target, LiveServer], lan: str) -> None:
    app, url = mock
    app.runtime.world.outbound.allow([lan])
    messages, _ = push(url, f"http://{lan}:{target[1].port}/ok/v2")
    assert not warnings(messages)


def test_the_seeds_outbound_allow_lets_a_host_through(
    mock: tuple[Any, str], target: tuple[Target, LiveServer], lan: str
) -> None:
    url = mock[1]
    seeded = httpx.post(f"{url}/__admin/seed", json={"outbound": {"allow": [lan]}}, headers=AUTH)
    assert seeded.status_code == 200
    messages, _ = push(url, f"http://{lan}:{target[1].port}/ok/v2")
    assert not warnings(messages)
    httpx.post(f"{url}/__admin/seed", json={}, headers=AUTH)
    messages, _ = push(url, f"http://{lan}:{target[1].port}/ok/v2")
    assert "not allowed" in warnings(messages)
