"""Issue 14, point 4: the dashboard, driven in a real headless Chromium against a live server.

Debian's ``chromium`` (``.ci/run`` installs it with apt) is driven by Playwright through
``executable_path``: Playwright's own browser download needs the internet, the system browser
does not. A request made by the test appears in the journal view without a reload, with its
headers and body behind a click, its credentials masked and a curl line; a fault rule added in
the page takes effect on the next request and is removed again; the clock advances and resets;
reset empties the state; a server with its own admin token gets the token asked for; a
journaled body holding markup stays text. Without a browser every test here is skipped, saying
why (never silently).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from mockserver.app import create_app
from mockserver.server import LiveServer

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e '.[test]')")
CHROMIUM = os.environ.get("IDSYNC_CHROMIUM") or next(
    (found for name in ("chromium", "chromium-browser", "google-chrome") if (found := shutil.which(name))), None
)
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="no Chromium on PATH (apt-get install chromium, or set IDSYNC_CHROMIUM)"
)

AUTH = {"Authorization": "Bearer idsync-token"}
USER = {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "browser@example.com"}
SCIM_JSON = {**AUTH, "Content-Type": "application/scim+json"}
WAIT_MS = 10_000


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    with LiveServer(create_app()) as live:
        yield live


@pytest.fixture
def page(browser: Any, server: LiveServer) -> Iterator[Any]:
    """The dashboard of a reset server, loaded and polling; fails on any script error of the page."""
    runtime = server.app.runtime
    runtime.world.reset()
    runtime.faults.clear()
    runtime.journal.clear()
    context = browser.new_context()
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda exc: errors.append(str(exc)))
    opened.goto(f"{server.url}/__admin/dashboard")
    sync_api.expect(opened.locator("#status")).to_contain_text("live", timeout=WAIT_MS)
    yield opened
    context.close()
    assert errors == []


def entry(page: Any, path: str, status: int) -> Any:
    return page.locator(f'#journal tbody.entry[data-path="{path}"][data-status="{status}"]')


def test_a_request_appears_in_the_journal_without_reload(page: Any, server: LiveServer) -> None:
    created = httpx.post(f"{server.url}/scim/default/v2/Users", json=USER, headers=SCIM_JSON)
    assert created.status_code == 201
    row = entry(page, "/scim/default/v2/Users", 201)
    sync_api.expect(row).to_be_visible(timeout=WAIT_MS)
    row.locator(".summary").click()
    detail = row.locator(".detail")
    sync_api.expect(detail).to_be_visible()
    sync_api.expect(detail.locator(".req-headers")).to_contain_text("authorization: Bearer ***")
    sync_api.expect(detail.locator(".req-body")).to_contain_text("browser@example.com")
    sync_api.expect(detail.locator(".resp-body")).to_contain_text('"userName": "browser@example.com"')
    curl = detail.locator(".curl").inner_text()
    assert curl.startswith('curl -sS -X POST -H "Authorization: Bearer $IDSYNC_TOKEN"')
    assert "-H 'content-type: application/scim+json' --data-raw '{" in curl
    assert curl.endswith(f"'{server.url}/scim/default/v2/Users'")
    assert "idsync-token" not in detail.inner_text()
    journaled = [(e["method"], e["path"]) for e in server.app.runtime.journal.query()]
    assert journaled == [("POST", "/scim/default/v2/Users")]  # the dashboard's own traffic is not journaled


def test_filters_by_api_method_and_status(page: Any, server: LiveServer) -> None:
    httpx.get(f"{server.url}/scim/default/v2/Users", headers=AUTH)
    httpx.get(f"{server.url}/scim/default/v2/Users/nobody", headers=AUTH)
    httpx.get(f"{server.url}/vcf/v1/identity-providers", headers=AUTH)
    missing = entry(page, "/scim/default/v2/Users/nobody", 404)
    sync_api.expect(missing).to_be_visible(timeout=WAIT_MS)
    page.fill("#filter-status", "2xx")
    sync_api.expect(missing).to_be_hidden()
    sync_api.expect(entry(page, "/scim/default/v2/Users", 200)).to_be_visible()
    page.select_option("#filter-api", "vcf")
    sync_api.expect(entry(page, "/scim/default/v2/Users", 200)).to_be_hidden()
    sync_api.expect(entry(page, "/vcf/v1/identity-providers", 200)).to_be_visible()
    page.select_option("#filter-method", "POST")
    sync_api.expect(page.locator("#journal tbody.entry:visible")).to_have_count(0)
    page.select_option("#filter-api", "")
    page.select_option("#filter-method", "")
    page.fill("#filter-status", "404")
    sync_api.expect(page.locator("#journal tbody.entry:visible")).to_have_count(1)


def test_a_fault_added_in_the_page_takes_effect(page: Any, server: LiveServer) -> None:
    page.select_option("#fault-action", "status")
    page.select_option("#fault-api", "scim")
    page.fill("#fault-path", "/Users$")
    page.fill("#fault-status", "503")
    page.click("#fault-form button[type=submit]")
    sync_api.expect(page.locator("#faults tbody tr")).to_have_count(1, timeout=WAIT_MS)
    sync_api.expect(page.locator("#faults tbody")).to_contain_text("answer 503 on scim")
    faulted = httpx.get(f"{server.url}/scim/default/v2/Users", headers=AUTH)
    assert faulted.status_code == 503
    sync_api.expect(entry(page, "/scim/default/v2/Users", 503)).to_be_visible(timeout=WAIT_MS)
    sync_api.expect(page.locator("#faults tbody")).to_contain_text("1", timeout=WAIT_MS)  # its hit count
    page.click("#faults button.remove")
    sync_api.expect(page.locator("#faults tbody tr")).to_have_count(0, timeout=WAIT_MS)
    assert httpx.get(f"{server.url}/scim/default/v2/Users", headers=AUTH).status_code == 200


def test_a_refused_fault_rule_says_why(page: Any, server: LiveServer) -> None:
    page.fill("#fault-path", "(a")
    page.click("#fault-form button[type=submit]")
    sync_api.expect(page.locator("#fault-error")).to_contain_text("not a valid RE2", timeout=WAIT_MS)
    assert server.app.runtime.faults.list() == []


def test_the_clock_advances_and_resets(page: Any, server: LiveServer) -> None:
    clock = server.app.runtime.world.clock
    before = page.locator("#clock-now").inner_text()
    page.click("button[data-advance='86400']")
    sync_api.expect(page.locator("#clock-offset")).to_contain_text("offset +86400", timeout=WAIT_MS)
    assert page.locator("#clock-now").inner_text() != before
    assert clock.offset == pytest.approx(86400)
    page.fill("#clock-seconds", "90")
    page.click("#clock-form button[type=submit]")
    sync_api.expect(page.locator("#clock-offset")).to_contain_text("offset +86490", timeout=WAIT_MS)
    page.click("#clock-reset")
    sync_api.expect(page.locator("#clock-offset")).to_contain_text("offset +0 s", timeout=WAIT_MS)
    assert clock.offset == 0


def test_counts_and_reset(page: Any, server: LiveServer) -> None:
    default = page.locator("#counts tbody tr", has_text="default")
    sync_api.expect(default).to_contain_text("users 0", timeout=WAIT_MS)
    assert httpx.post(f"{server.url}/scim/default/v2/Users", json=USER, headers=SCIM_JSON).status_code == 201
    sync_api.expect(default).to_contain_text("users 1", timeout=WAIT_MS)
    page.on("dialog", lambda dialog: dialog.accept())
    page.check("#reset-journal")
    page.click("#reset")
    sync_api.expect(default).to_contain_text("users 0", timeout=WAIT_MS)
    sync_api.expect(entry(page, "/scim/default/v2/Users", 201)).to_have_count(0)


def test_markup_in_a_journaled_body_stays_text(page: Any, server: LiveServer) -> None:
    hostile = {**USER, "userName": "<img src=x onerror=window.pwned=1>"}
    httpx.post(f"{server.url}/scim/default/v2/Users", json=hostile, headers=SCIM_JSON)
    row = entry(page, "/scim/default/v2/Users", 201)
    sync_api.expect(row).to_be_visible(timeout=WAIT_MS)
    row.locator(".summary").click()
    sync_api.expect(row.locator(".req-body")).to_contain_text("<img src=x onerror=window.pwned=1>")
    assert page.locator("#journal img").count() == 0
    assert page.evaluate("window.pwned") is None


def test_a_server_with_its_own_admin_token_asks_for_it(browser: Any) -> None:
    app = create_app()
    app.runtime.admin_token = "Dashboard-Admin-7c1"
    with LiveServer(app) as live:
        context = browser.new_context()
        opened = context.new_page()
        opened.goto(f"{live.url}/__admin/dashboard")
        sync_api.expect(opened.locator("#status")).to_contain_text("needs its token", timeout=WAIT_MS)
        opened.fill("#token", "Dashboard-Admin-7c1")
        opened.click("#token-form button[type=submit]")
        sync_api.expect(opened.locator("#status")).to_contain_text("live", timeout=WAIT_MS)
        sync_api.expect(opened.locator("#counts tbody tr").first).to_be_visible(timeout=WAIT_MS)
        context.close()


def test_the_html_report_runs_nothing_from_a_response(browser: Any, tmp_path: Any) -> None:
    """``idsync verify --report-html``: a response body with a script, opened in the browser, stays text."""
    from contracts.evidence import Exchange
    from contracts.report import Result
    from contracts.report_html import write_html

    body = "<script>window.pwned = 1</script><img src=x onerror='window.pwned = 2'>"
    exchange = Exchange("GET", "http://127.0.0.1:8080/vcf/v1/x", {}, "", status=500, response_body=body)
    failed = Result("vcf", "conformance", "GET /v1/x :: not_a_server_error", "failed", "500", evidence=[exchange])
    report = tmp_path / "report.html"
    write_html([failed], report, {"target": "http://127.0.0.1:8080"})
    context = browser.new_context()
    opened = context.new_page()
    requests: list[str] = []
    opened.on("request", lambda request: requests.append(request.url))
    opened.goto(report.as_uri())
    sync_api.expect(opened.locator("details.failed pre").nth(1)).to_contain_text("<script>window.pwned = 1</script>")
    assert opened.evaluate("window.pwned") is None
    assert opened.locator("img, script").count() == 0
    assert requests == [report.as_uri()]  # self-contained: nothing else is loaded
    context.close()


def test_a_restarted_server_is_followed(browser: Any) -> None:
    """The journal of a new server process starts at id 1 again: the page starts over once it answers."""
    first = LiveServer(create_app()).start()
    port = first.port
    context = browser.new_context()
    opened = context.new_page()
    try:
        opened.goto(f"{first.url}/__admin/dashboard")
        httpx.get(f"{first.url}/sift/api/v2/users", headers=AUTH)
        sync_api.expect(entry(opened, "/sift/api/v2/users", 200)).to_be_visible(timeout=WAIT_MS)
        first.stop()
        sync_api.expect(opened.locator("#status")).to_contain_text("unreachable", timeout=WAIT_MS)
        with LiveServer(create_app(), port=port) as second:
            httpx.get(f"{second.url}/vcf/v1/identity-providers", headers=AUTH)
            sync_api.expect(entry(opened, "/vcf/v1/identity-providers", 200)).to_be_visible(timeout=WAIT_MS)
            sync_api.expect(entry(opened, "/sift/api/v2/users", 200)).to_have_count(0)
    finally:
        first.stop()
        context.close()
