"""Issue 14, point 6: ``idsync serve --log-requests`` prints one line per request; the banner says so."""

from __future__ import annotations

import re

import httpx

from tests.test_serve_cli import start, stop

AUTH = {"Authorization": "Bearer idsync-token"}
#: ``HH:MM:SS METHOD PATH STATUS N.N ms API``
LINE = re.compile(r"^\d\d:\d\d:\d\d (?P<method>[A-Z]+) (?P<path>\S+) (?P<status>\d{3}) (?P<ms>[\d.]+) ms (?P<api>\S+)$")


def test_each_request_is_one_line_with_method_path_status_time_and_api() -> None:
    proc, url, banner = start("--log-requests")
    try:
        assert "Requests are logged below, one line each." in banner
        httpx.post(
            url + "/scim/default/v2/Users",
            headers={**AUTH, "Content-Type": "application/scim+json"},
            json={"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "ada"},
        )
        httpx.get(url + "/sift/api/v2/users:all?access_token=s3cr3t-in-query", headers=AUTH)
        httpx.get(url + "/nowhere")
    finally:
        out = stop(proc)
    logged = [m.groupdict() for m in map(LINE.match, out.splitlines()) if m]
    wanted = [
        ("POST", "/scim/default/v2/Users", "201", "scim"),
        ("GET", "/sift/api/v2/users:all?access_token=***", "200", "sift"),
        ("GET", "/nowhere", "404", "-"),
    ]
    assert [(e["method"], e["path"], e["status"], e["api"]) for e in logged[-3:]] == wanted, out
    assert "s3cr3t-in-query" not in out


def test_without_the_option_the_banner_names_it_and_nothing_is_logged() -> None:
    proc, url, banner = start()
    try:
        assert "--log-requests prints one line per request." in banner
        httpx.get(url + "/scim/default/v2/Users", headers=AUTH)
    finally:
        out = stop(proc)
    assert not [line for line in out.splitlines() if LINE.match(line)], out
