"""Issue 12, point 1: a request runs only when its body arrived whole (RFC 9112 §6.3).

Over raw sockets against a real uvicorn server: a body shorter than its ``Content-Length`` (the
client disconnects), a chunked body whose last chunk never comes (the client disconnects, or it
stalls past the body timeout) must change nothing: the admin state export is identical before
and after, for a SCIM create, a SCIM PATCH, a StackSpot create and the admin ``PUT /__admin/state``
that replaces the whole state.
"""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from mockserver.app import create_app
from mockserver.server import LiveServer

AUTH = {"Authorization": "Bearer idsync-token"}
USER = "urn:ietf:params:scim:schemas:core:2.0:User"
PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
BODY_TIMEOUT = 0.5


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    app = create_app()
    app.runtime.body_timeout = BODY_TIMEOUT
    with LiveServer(app) as live:
        yield live


@pytest.fixture
def url(server: LiveServer) -> str:
    with httpx.Client(base_url=server.url, headers=AUTH) as http:
        http.post("/__admin/reset").raise_for_status()
        http.delete("/__admin/journal").raise_for_status()
    return server.url


def export(url: str) -> dict[str, Any]:
    response = httpx.get(f"{url}/__admin/state", headers=AUTH)
    response.raise_for_status()
    state: dict[str, Any] = response.json()
    return state


def head(method: str, path: str, port: int, extra: str) -> bytes:
    lines = [
        f"{method} {path} HTTP/1.1",
        f"Host: 127.0.0.1:{port}",
        "Authorization: Bearer idsync-token",
        "Content-Type: application/json",
        extra,
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def cut_short(method: str, path: str, body: bytes, port: int) -> bytes:
    """A whole JSON document, but the head declared more bytes than that: the body is cut short."""
    return head(method, path, port, f"Content-Length: {len(body) + 100}") + body


def chunked_unterminated(method: str, path: str, body: bytes, port: int) -> bytes:
    """The whole body in one chunk, but never the last (zero-length) chunk."""
    return head(method, path, port, "Transfer-Encoding: chunked") + f"{len(body):x}\r\n".encode() + body + b"\r\n"


def send_and_leave(server: LiveServer, data: bytes) -> None:
    with socket.create_connection((server.host, server.port)) as sock:
        sock.sendall(data)
        time.sleep(0.05)


def send_and_read(server: LiveServer, data: bytes) -> bytes:
    """Send ``data`` and read until the server closes the connection."""
    with socket.create_connection((server.host, server.port)) as sock:
        sock.settimeout(5)
        sock.sendall(data)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    return answer


def wait_for_entry(url: str, method: str, path: str) -> dict[str, Any]:
    """The journal entry of the request, once the server has finished with it."""
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        entries = httpx.get(f"{url}/__admin/journal", params={"method": method}, headers=AUTH).json()["entries"]
        found = [e for e in entries if e["path"] == path]
        if found:
            return found[-1]
        time.sleep(0.02)
    raise AssertionError(f"no journal entry for {method} {path}")


def scim_create(url: str) -> tuple[str, str, bytes]:
    return "POST", "/scim/default/v2/Users", json.dumps({"schemas": [USER], "userName": "cut-off"}).encode()


def scim_patch(url: str) -> tuple[str, str, bytes]:
    created = httpx.post(f"{url}/scim/default/v2/Users", json={"schemas": [USER], "userName": "patched"}, headers=AUTH)
    user_id = created.json()["id"]
    body = {"schemas": [PATCH_OP], "Operations": [{"op": "replace", "path": "active", "value": False}]}
    return "PATCH", f"/scim/default/v2/Users/{user_id}", json.dumps(body).encode()


def stackspot_create(url: str) -> tuple[str, str, bytes]:
    return "POST", "/stackspot/acme/scim/Users", json.dumps({"userName": "cut-off"}).encode()


def admin_import(url: str) -> tuple[str, str, bytes]:
    """A valid export with every SCIM tenant removed: run whole, it would empty the directories."""
    state = export(url)
    state["scim"] = {"tenants": {}}
    return "PUT", "/__admin/state", json.dumps(state).encode()


REQUESTS = [
    pytest.param(scim_create, id="scim-create"),
    pytest.param(scim_patch, id="scim-patch"),
    pytest.param(stackspot_create, id="stackspot-create"),
    pytest.param(admin_import, id="admin-state-import"),
]
INCOMPLETE = [pytest.param(cut_short, id="short-content-length"), pytest.param(chunked_unterminated, id="chunked")]


@pytest.mark.parametrize("make", REQUESTS)
@pytest.mark.parametrize("incomplete", INCOMPLETE)
def test_a_client_leaving_mid_body_changes_nothing(
    server: LiveServer,
    url: str,
    make: Callable[[str], tuple[str, str, bytes]],
    incomplete: Callable[[str, str, bytes, int], bytes],
) -> None:
    method, path, body = make(url)
    before = export(url)
    send_and_leave(server, incomplete(method, path, body, server.port))
    entry = wait_for_entry(url, method, path)
    assert export(url) == before
    assert entry["status"] == 499 and any("not run" in note for note in entry["notes"]), entry


@pytest.mark.parametrize("make", REQUESTS)
def test_a_body_that_stalls_gets_408_and_changes_nothing(
    server: LiveServer, url: str, make: Callable[[str], tuple[str, str, bytes]]
) -> None:
    method, path, body = make(url)
    before = export(url)
    answer = send_and_read(server, chunked_unterminated(method, path, body, server.port))
    status_line, _, rest = answer.partition(b"\r\n")
    assert status_line.startswith(b"HTTP/1.1 408"), answer
    assert b"connection: close" in rest.lower()
    assert export(url) == before


@pytest.mark.parametrize("make", REQUESTS)
def test_the_same_request_sent_whole_does_run(
    server: LiveServer, url: str, make: Callable[[str], tuple[str, str, bytes]]
) -> None:
    """The control: each request above changes the state when it arrives whole."""
    method, path, body = make(url)
    before = export(url)
    answer = send_and_read(
        server, head(method, path, server.port, f"Content-Length: {len(body)}\r\nConnection: close") + body
    )
    assert answer.startswith((b"HTTP/1.1 200", b"HTTP/1.1 201")), answer[:300]
    assert export(url) != before
