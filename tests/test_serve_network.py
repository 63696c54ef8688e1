"""Issue 12, point 7: safe by default on a network.

``idsync serve --host 0.0.0.0`` (any non-loopback address) refuses to start without an admin token
of its own (``--admin-token``, ``IDSYNC_ADMIN_TOKEN`` or the seed's ``credentials.admin_token``) and
one equal to an API bearer token; once started, the admin API takes only that token, never the
shared ``idsync-token``, and no seed loaded later changes that. On loopback an admin token is
optional and, when given, is the admin API's only token. ``--allow-outbound`` widens where
authentik pushes may go.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.test_serve_cli import ROOT

SHARED = {"Authorization": "Bearer idsync-token"}


def run(*args: str, env: dict[str, str] | None = None) -> tuple[subprocess.Popen[str], str, str]:
    """Start ``idsync serve`` on a free port; the process, a loopback base URL and the banner."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "mockserver", "--port", "0", *args],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert proc.stdout is not None
    banner = ""
    while "Ctrl-C" not in banner:
        line = proc.stdout.readline()
        assert line, f"serve exited: {banner}"
        banner += line
    port = re.search(r"on http://[^ ]+:(\d+)", banner)
    assert port, banner
    url = f"http://127.0.0.1:{port.group(1)}"
    deadline = time.monotonic() + 15
    while True:
        try:
            httpx.get(url + "/", timeout=1)
            return proc, url, banner
        except httpx.TransportError:
            assert time.monotonic() < deadline, "server did not answer"
            time.sleep(0.05)


def stop(proc: subprocess.Popen[str]) -> str:
    proc.send_signal(signal.SIGINT)
    out, _ = proc.communicate(timeout=15)
    return out


def refused(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mockserver", "--port", "0", *args],
        cwd=ROOT,
        env={**os.environ, "IDSYNC_ADMIN_TOKEN": "", **(env or {})},
        capture_output=True,
        text=True,
        timeout=30,
    )


def test_a_network_address_without_an_admin_token_is_refused() -> None:
    done = refused("--host", "0.0.0.0")
    assert done.returncode == 2
    assert "--admin-token" in done.stderr and "Traceback" not in done.stderr + done.stdout
    assert len(done.stderr.strip().splitlines()) == 1
    assert "mock server on" not in done.stdout, "it must not listen"


def test_an_admin_token_equal_to_the_shared_bearer_token_is_refused() -> None:
    done = refused("--host", "0.0.0.0", "--admin-token", "idsync-token")
    assert done.returncode == 2 and "differ" in done.stderr


@pytest.mark.parametrize("how", ["option", "env", "seed"])
def test_the_admin_api_on_a_network_takes_its_own_token_only(how: str, tmp_path: Path) -> None:
    token = "Admin-Only-Token-4c"
    args, env = ["--host", "0.0.0.0"], {"IDSYNC_ADMIN_TOKEN": ""}
    if how == "option":
        args += ["--admin-token", token]
    elif how == "env":
        env["IDSYNC_ADMIN_TOKEN"] = token
    else:
        seed = tmp_path / "seed.json"
        seed.write_text(json.dumps({"credentials": {"admin_token": token}}))
        args += ["--seed", str(seed)]
    proc, url, banner = run(*args, env=env)
    try:
        admin = {"Authorization": f"Bearer {token}"}
        assert httpx.get(f"{url}/__admin/tenants", headers=SHARED).status_code == 401
        assert httpx.get(f"{url}/__admin/tenants", headers=admin).status_code == 200
        assert httpx.get(f"{url}/sift/api/v2/roles", headers=SHARED).status_code == 200, "vendor APIs unchanged"
        assert httpx.post(f"{url}/__admin/seed", json={"credentials": {"admin_token": None}}, headers=admin).is_success
        assert httpx.get(f"{url}/__admin/tenants", headers=SHARED).status_code == 401, "a seed cannot reopen it"
        assert httpx.get(f"{url}/__admin/tenants", headers=admin).status_code == 200
    finally:
        out = banner + stop(proc)
    assert token not in out and "its own bearer token" in out


def test_on_loopback_an_admin_token_is_the_admin_apis_only_token() -> None:
    proc, url, _ = run("--admin-token", "Loopback-Admin-7d")
    try:
        assert httpx.get(f"{url}/__admin/tenants", headers=SHARED).status_code == 401
        ok = httpx.get(f"{url}/__admin/tenants", headers={"Authorization": "Bearer Loopback-Admin-7d"})
        assert ok.status_code == 200
    finally:
        stop(proc)


def test_allow_outbound_reaches_the_running_server() -> None:
    proc, url, _ = run("--allow-outbound", "sync.example.com,10.1.2.3", "--allow-outbound", "other.example")
    try:
        api = httpx.Client(base_url=f"{url}/authentik/api/v3", headers=SHARED, timeout=30)
        body = {"name": "p", "url": "http://blocked.example/scim/v2", "token": "t"}
        pk = api.post("/providers/scim/", json=body).json()["pk"]
        sync = {"sync_object_model": "authentik.core.models.User", "sync_object_id": "1"}
        events = " ".join(
            m["event"] for m in api.post(f"/providers/scim/{pk}/sync/object/", json=sync).json()["messages"]
        )
        assert "outbound requests to blocked.example are not allowed" in events
    finally:
        out = stop(proc)
    assert "blocked.example" in out, "the refusal is logged"
