"""Issue 12, points 6 and 8: connection limits, errors below the app, the ``close`` fault, server errors logged.

Raw sockets against a real uvicorn server (``mockserver.server.uvicorn_config``): a request head
over the size limit gets 414/431 and one that never completes gets 408, both in the owning
vendor's error body (its spec's schema); a connection that sends nothing is closed; an idle
keep-alive connection is closed; a request uvicorn cannot parse (odd URL bytes) gets the
vendor's 400 instead of uvicorn's plain text; ``%2F`` in an id is the vendor's 404, not a 307;
the ``close`` fault sends no byte at all; an unhandled error is logged with its traceback.
"""

from __future__ import annotations

import contextlib
import json
import logging
import socket
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from mockserver.app import create_app
from mockserver.server import LiveServer
from tests.error_shapes import is_vendor_error

AUTH = "Authorization: Bearer idsync-token\r\n"
HEAD_TIMEOUT = 0.5
MAX_HEAD = 8192
#: One path per API (with a bearer token that API accepts where it needs one).
PATHS = {
    "scim": "/scim/default/v2/Users",
    "authentik": "/authentik/api/v3/core/users/",
    "sift": "/sift/api/v2/users",
    "vcf": "/vcf/v1/identity-providers",
    "resolution": "/resolution/rest/samlsso-admin/1.0/directory/10100",
    "stackspot": "/stackspot/acme/scim/Users",
    "admin": "/__admin/tenants",
}


@pytest.fixture(scope="module", params=["httptools", "h11"])
def server(request: pytest.FixtureRequest) -> Iterator[LiveServer]:
    """Both uvicorn protocols the guards wrap (``mockserver.http.protocol.guarded``)."""
    limits = {"head_timeout": HEAD_TIMEOUT, "max_head_bytes": MAX_HEAD, "timeout_keep_alive": 1, "http": request.param}
    with LiveServer(create_app(), options=limits) as live:
        yield live


def exchange(server: LiveServer, data: bytes, *, timeout: float = 5.0) -> bytes:
    """Send ``data``; read one answer (by its ``Content-Length``), or until the server closes."""
    with socket.create_connection((server.host, server.port)) as sock:
        sock.settimeout(timeout)
        with contextlib.suppress(OSError):
            sock.sendall(data)
        answer = b""
        with contextlib.suppress(ConnectionResetError):
            while not _whole(answer) and (chunk := sock.recv(65536)):
                answer += chunk
        return answer


def _whole(answer: bytes) -> bool:
    head, found, body = answer.partition(b"\r\n\r\n")
    length = next(
        (int(line.split(b":")[1]) for line in head.lower().split(b"\r\n") if line.startswith(b"content-length:")), None
    )
    return bool(found) and length is not None and len(body) >= length


def parse(answer: bytes) -> tuple[int, dict[str, str], Any]:
    head, _, body = answer.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.lower().split(": ", 1) for line in lines[1:] if ": " in line)
    return int(lines[0].split()[1]), headers, json.loads(body) if body else None


@pytest.mark.parametrize("api", PATHS)
def test_an_oversized_header_section_is_431_in_the_vendors_body(server: LiveServer, api: str) -> None:
    request = f"GET {PATHS[api]} HTTP/1.1\r\nHost: x\r\n{AUTH}X-Big: {'a' * MAX_HEAD}\r\n\r\n"
    status, headers, body = parse(exchange(server, request.encode()))
    assert status == 431 and headers["connection"] == "close"
    assert is_vendor_error(api, status, body), body
    assert body.get("errorCode", "REQUEST_HEADER_FIELDS_TOO_LARGE") == "REQUEST_HEADER_FIELDS_TOO_LARGE"


@pytest.mark.parametrize("api", PATHS)
def test_an_oversized_url_is_414_in_the_vendors_body(server: LiveServer, api: str) -> None:
    request = f"GET {PATHS[api]}?q={'a' * MAX_HEAD} HTTP/1.1\r\nHost: x\r\n\r\n"
    status, _, body = parse(exchange(server, request.encode()))
    assert status == 414
    assert is_vendor_error(api, status, body), body


@pytest.mark.parametrize("api", PATHS)
@pytest.mark.parametrize("odd", [b"/\xff\xfe", b"/a b", b"/\x00x"], ids=["non-ascii", "space", "nul"])
def test_a_url_uvicorn_cannot_parse_is_the_vendors_400(server: LiveServer, api: str, odd: bytes) -> None:
    request = b"GET " + PATHS[api].encode() + odd + b" HTTP/1.1\r\nHost: x\r\n\r\n"
    status, headers, body = parse(exchange(server, request))
    assert status == 400 and headers["connection"] == "close"
    assert headers.get("content-type", "").startswith(("application/json", "application/scim+json"))
    assert is_vendor_error(api, status, body), body


def test_errors_below_the_app_are_journaled(server: LiveServer) -> None:
    exchange(server, b"GET /scim/default/v2/Users/\xff HTTP/1.1\r\nHost: x\r\n\r\n")
    admin = {"Authorization": "Bearer idsync-token"}
    entries = httpx.get(f"{server.url}/__admin/journal", params={"status": 400, "api": "scim"}, headers=admin)
    assert any(e["path"].startswith("/scim/default/v2/Users/") for e in entries.json()["entries"])


def test_a_connection_that_sends_nothing_is_closed(server: LiveServer) -> None:
    started = time.monotonic()
    assert exchange(server, b"") == b""
    assert time.monotonic() - started < HEAD_TIMEOUT + 2


@pytest.mark.parametrize("api", ["scim", "sift"])
def test_a_head_that_never_completes_is_408_then_closed(server: LiveServer, api: str) -> None:
    started = time.monotonic()
    status, headers, body = parse(exchange(server, f"GET {PATHS[api]} HTTP/1.1\r\nHost: x\r\n".encode()))
    assert status == 408 and headers["connection"] == "close"
    assert is_vendor_error(api, status, body), body
    assert time.monotonic() - started < HEAD_TIMEOUT + 2


def test_an_idle_keep_alive_connection_is_closed(server: LiveServer) -> None:
    request = f"GET /scim/default/v2/Users HTTP/1.1\r\nHost: x\r\n{AUTH}\r\n".encode()
    with socket.create_connection((server.host, server.port)) as sock:
        sock.settimeout(5)
        sock.sendall(request)
        answer = sock.recv(65536)
        answered = time.monotonic()
        while sock.recv(65536):
            pass
        idle = time.monotonic() - answered
    assert answer.startswith(b"HTTP/1.1 200")
    assert 0.5 < idle < 1 + 2, f"closed after {idle:.1f} s idle (keep-alive timeout 1 s)"


def test_a_head_within_the_limits_is_served(server: LiveServer) -> None:
    request = f"GET /scim/default/v2/Users HTTP/1.1\r\nHost: x\r\n{AUTH}X-Ok: {'a' * (MAX_HEAD - 200)}\r\n\r\n"
    assert exchange(server, request.encode()).startswith(b"HTTP/1.1 200")


@pytest.mark.parametrize(
    ("api", "path"),
    [
        ("scim", "/scim/default/v2/Users/%2F"),
        ("scim", "/scim/default/v2/Users/%2f..%2f"),
        ("stackspot", "/stackspot/acme/scim/Users/%2F"),
        ("authentik", "/authentik/api/v3/core/users/%2F/"),
        ("vcf", "/vcf/v1/identity-providers/%2F"),
    ],
)
def test_an_encoded_slash_is_the_vendors_404_not_a_redirect(server: LiveServer, api: str, path: str) -> None:
    response = httpx.get(server.url + path, headers={"Authorization": "Bearer idsync-token"})
    assert response.status_code == 404, response.headers
    assert is_vendor_error(api, 404, response.json()), response.text


def test_the_close_fault_drops_the_connection_before_any_status_line(server: LiveServer) -> None:
    admin = {"Authorization": "Bearer idsync-token"}
    httpx.post(f"{server.url}/__admin/faults", json={"action": "close", "api": "scim", "count": 1}, headers=admin)
    try:
        answer = exchange(server, f"GET /scim/default/v2/Users HTTP/1.1\r\nHost: x\r\n{AUTH}\r\n".encode())
    finally:
        httpx.delete(f"{server.url}/__admin/faults", headers=admin)
    assert answer == b""
    entries = httpx.get(f"{server.url}/__admin/journal", params={"api": "scim"}, headers=admin).json()["entries"]
    assert "dropped the connection" in " ".join(entries[-1]["notes"])


def test_an_unhandled_error_is_logged_with_its_traceback(caplog: pytest.LogCaptureFixture) -> None:
    from starlette.testclient import TestClient

    from mockserver.apis import scim

    original = scim.Handlers.listUsers

    async def broken(self: scim.Handlers, tenant: str, **query: object) -> object:
        raise RuntimeError("a bug of ours")

    scim.Handlers.listUsers = broken  # type: ignore[method-assign,assignment]
    try:
        with caplog.at_level(logging.ERROR, logger="idsync"), TestClient(create_app()) as client:
            response = client.get("/scim/default/v2/Users", headers={"Authorization": "Bearer idsync-token"})
    finally:
        scim.Handlers.listUsers = original  # type: ignore[method-assign]
    assert response.status_code == 500 and is_vendor_error("scim", 500, response.json())
    records = [r for r in caplog.records if r.name == "idsync" and "unhandled error" in r.getMessage()]
    assert records and records[0].exc_info is not None
    assert "RuntimeError: a bug of ours" in caplog.text and "Traceback" in caplog.text
