"""Issue 14, point 3 (and the admin API behind point 4): the landing page, the dashboard's files.

``GET /`` is an HTML page for a browser and the same JSON as before for everyone else; every link
on the page answers 200 on a live server; credentials are shown only when the default seed
documents them; everything a client controls (the ``Host`` header, seeded names) is escaped.
The dashboard's files are served without a token and with a policy that runs no inline script;
the admin API gives it ``GET /__admin/counts`` and ``GET /__admin/journal?after=ID``, and its own
polling (``X-Idsync-Dashboard: poll``) is not journaled.
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import httpx
import pytest

from mockserver.app import create_app
from mockserver.server import LiveServer

BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
AUTH = {"Authorization": "Bearer idsync-token"}
POLL = {**AUTH, "X-Idsync-Dashboard": "poll"}


class Links(HTMLParser):
    """Every ``href`` and ``src`` of a page, and whether it has a script element."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.scripts += tag == "script"
        self.urls += [v for k, v in attrs if k in ("href", "src") and v and not v.startswith("data:")]


def parsed(page: str) -> Links:
    links = Links()
    links.feed(page)
    return links


@pytest.fixture(scope="module")
def server() -> Any:
    with LiveServer(create_app()) as live:
        yield live


@pytest.mark.parametrize("accept", [BROWSER_ACCEPT, "text/html", "text/html, application/json;q=0.5"])
def test_a_browser_gets_the_landing_page(server: LiveServer, accept: str) -> None:
    answer = httpx.get(f"{server.url}/", headers={"Accept": accept})
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "text/html; charset=utf-8"
    assert answer.headers["vary"] == "Accept"
    assert "script-src" not in answer.headers["content-security-policy"]  # default-src 'none': no script at all
    for api in ("sift", "authentik", "resolution", "stackspot", "vcf", "scim", "admin"):
        assert f"<th>{api}<div" in answer.text
    assert f"{server.url}/authentik/api/v3" in answer.text  # base URLs as the client reached the server
    assert "Bearer idsync-token" in answer.text and "basic admin:admin" in answer.text
    assert parsed(answer.text).scripts == 0


@pytest.mark.parametrize("accept", [None, "*/*", "application/json", "application/json, text/html", "text/plain"])
def test_json_clients_still_get_the_json_index(server: LiveServer, accept: str | None) -> None:
    headers = {"Accept": accept} if accept else {}
    answer = httpx.get(f"{server.url}/", headers=headers)
    assert answer.headers["content-type"] == "application/json"
    assert answer.json() == server.app.index


def test_every_link_of_the_landing_page_answers(server: LiveServer) -> None:
    page = httpx.get(f"{server.url}/", headers={"Accept": BROWSER_ACCEPT}).text
    urls = parsed(page).urls
    assert len(urls) >= 15  # dashboard, and a Swagger UI and a spec per API
    with httpx.Client(
        base_url=server.url, timeout=60
    ) as client:  # the first render of a spec is slow on a busy machine
        answers = {url: client.get(url).status_code for url in urls}
    assert answers == dict.fromkeys(urls, 200)


@pytest.mark.parametrize("path", ["/__admin/dashboard", "/__admin/dashboard/"])
def test_the_dashboard_links_answer_too(server: LiveServer, path: str) -> None:
    page = httpx.get(f"{server.url}{path}")
    assert page.status_code == 200 and page.headers["content-type"] == "text/html; charset=utf-8"
    urls = parsed(page.text).urls
    assert {"/", "/__admin/dashboard/app.js", "/__admin/dashboard/app.css"} <= set(urls)
    for url in urls:
        answer = httpx.get(f"{server.url}{url}", timeout=60)
        assert answer.status_code == 200, url
    policy = page.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "frame-ancestors 'none'" in policy
    assert httpx.get(f"{server.url}/__admin/dashboard/app.js").headers["content-type"].startswith("text/javascript")


def test_an_unknown_dashboard_file_is_the_admin_apis_404(server: LiveServer) -> None:
    answer = httpx.get(f"{server.url}/__admin/dashboard/secrets.json", headers=AUTH)
    assert answer.status_code == 404
    assert answer.json()["status"] == 404


def test_credentials_outside_the_default_seed_are_masked() -> None:
    seed = {
        "credentials": {"basic": {"ops": "Basic-Secret-77"}, "bearer": ["Api-Secret-4242"], "admin_token": "Adm-99x"},
        "scim": {"tenants": {"acme": {"tokens": ["Tenant-Secret-31"]}}},
    }
    with LiveServer(create_app(seed)) as live:
        page = httpx.get(f"{live.url}/", headers={"Accept": "text/html"}).text
    for secret in ("Basic-Secret-77", "Api-Secret-4242", "Adm-99x", "Tenant-Secret-31"):
        assert secret not in page
    assert "basic ops:***" in page and "Bearer ***" in page and "its own admin token" in page
    assert f"{live.url}/scim/acme/v2" in page


def test_what_a_client_controls_is_escaped() -> None:
    app = create_app({"credentials": {"basic": {"<i>ops</i>": "pw"}}})
    with app.test_client() as client:
        page = client.get("/", headers={"Accept": "text/html", "Host": 'x"><script>alert(1)</script>'}).text
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "<i>" not in page and "&lt;i&gt;ops&lt;/i&gt;:***" in page


def test_counts_per_api_and_tenant(server: LiveServer) -> None:
    with httpx.Client(base_url=server.url, headers=AUTH) as client:
        client.post("/__admin/reset")
        before = _scim_users(client.get("/__admin/counts").json()["counts"])
        made = client.post(
            "/scim/default/v2/Users",
            json={"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "counted@example.com"},
            headers={"Content-Type": "application/scim+json"},
        )
        assert made.status_code == 201
        counts = client.get("/__admin/counts").json()["counts"]
    assert _scim_users(counts) == before + 1
    rows = {(row["api"], row["tenant"]): row["records"] for row in counts}
    assert rows[("sift", None)]["users"] >= 1 and rows[("authentik", None)]["providers"] == 1
    assert httpx.get(f"{server.url}/__admin/counts").status_code == 401  # same auth as every admin call


def _scim_users(counts: list[dict[str, Any]]) -> int:
    return next(int(row["records"]["users"]) for row in counts if (row["api"], row["tenant"]) == ("scim", "default"))


def test_journal_after_and_unjournaled_polls(server: LiveServer) -> None:
    with httpx.Client(base_url=server.url) as client:
        client.delete("/__admin/journal", headers=AUTH)
        client.get("/sift/api/v2/users", headers=AUTH)
        seen = client.get("/__admin/journal", headers=POLL).json()["entries"]
        last = seen[-1]["id"]
        for _ in range(3):  # polling adds nothing to the journal
            assert client.get("/__admin/journal", params={"after": last}, headers=POLL).json()["entries"] == []
        client.get("/vcf/v1/identity-providers", headers=AUTH)
        new = client.get("/__admin/journal", params={"after": last}, headers=POLL).json()["entries"]
        assert [e["path"] for e in new] == ["/vcf/v1/identity-providers"]
        client.get("/__admin/dashboard")  # the dashboard's own files and reads are not journaled
        client.get("/__admin/dashboard/app.js")
        client.get("/", headers=POLL)
        assert client.get("/__admin/journal", params={"after": new[-1]["id"]}, headers=POLL).json()["entries"] == []
        client.get("/__admin/clock", headers=AUTH)  # without the header an admin read is journaled as before
        assert client.get("/__admin/journal", params={"after": new[-1]["id"]}, headers=POLL).json()["entries"]
        assert client.get("/__admin/journal", params={"after": -1}, headers=AUTH).status_code == 400


def test_the_dashboards_own_traffic_is_not_in_the_request_log() -> None:
    """``idsync serve --log-requests``: an open dashboard does not print three lines a second."""
    import logging

    from mockserver.http import requestlog

    lines: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: lines.append(record.getMessage())  # type: ignore[method-assign]
    level = requestlog.LOGGER.level
    requestlog.LOGGER.addHandler(handler)
    requestlog.LOGGER.setLevel(logging.INFO)
    try:
        with create_app().test_client() as client:
            client.get("/__admin/dashboard")
            client.get("/__admin/journal", headers=POLL)
            client.get("/", headers=POLL)
            client.get("/__admin/journal", headers=AUTH)
    finally:
        requestlog.LOGGER.removeHandler(handler)
        requestlog.LOGGER.setLevel(level)
    assert [line.split()[:3] for line in lines] == [["GET", "/__admin/journal", "200"]]
