"""Issue 14, point 5: ``idsync verify --report-html FILE``, one self-contained page a person reads.

The page carries the summary per API and level, every failure and warning with its rule, source,
request, response and curl line, and the skipped checks with their reasons; it loads nothing
from elsewhere, runs no script, and shows markup from a response as text (a headless browser
opens it too: tests/test_dashboard_browser.py). Secrets the user gave are masked.
"""

from __future__ import annotations

import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

from contracts.evidence import Exchange
from contracts.report import Requirement, Result
from contracts.report_html import render_html, write_html

ROOT = Path(__file__).resolve().parents[1]
HOSTILE = "<script>window.pwned = 1</script><img src=x onerror=window.pwned=2>"
SECRET = "Tok-7f3a9c2e5b"


class Tags(HTMLParser):
    """Start tags, attributes naming a resource, and the text of the page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.resources: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.resources += [f"{tag} {k}={v}" for k, v in attrs if k in ("src", "href", "action", "data")]

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parsed(page: str) -> Tags:
    tags = Tags()
    tags.feed(page)
    return tags


def hostile_results() -> list[Result]:
    exchange = Exchange(
        "POST",
        f"http://127.0.0.1:8080/scim/default/v2/Users?token={SECRET}",
        {"Content-Type": "application/scim+json", "Authorization": "Bearer ***"},
        '{"userName": "<b>bold</b>"}',
        status=500,
        response_headers={"content-type": "text/html"},
        response_body=HOSTILE,
        auth='-H "Authorization: Bearer $IDSYNC_BEARER_TOKEN"',
    )
    return [
        Result("scim", "spec", "openapi-spec-validator", "passed", source="OpenAPI 3.0.3"),
        Result(
            "scim",
            "conformance",
            "POST /Users :: not_a_server_error",
            "failed",
            "[ST101] Server error",
            "RFC 9110 §15.6",
            rule="the server answered 500",
            evidence=[exchange],
        ),
        Result(
            "scim", "semantic", "etag :: If-None-Match", "warned", "got 200", "RFC 9110 §13.1.2", 0, Requirement.SHOULD
        ),
        Result("scim", "semantic", "filter_eq", "skipped", "needs the idsync admin API to arrange state"),
        Result("vcf", "spec", "<i>operationId</i>", "failed", "no exchange: the message says it all", "OpenAPI 3.0.3"),
    ]


def test_markup_from_a_response_is_text_and_nothing_is_loaded_or_run() -> None:
    page = render_html(hostile_results(), {"target": "http://<target>"})
    tags = parsed(page)
    assert "script" not in tags.tags and "img" not in tags.tags and "i" not in tags.tags
    assert tags.resources == []  # no stylesheet, image, script or link to load
    assert "url(" not in page and "@import" not in page
    assert HOSTILE in "".join(tags.text)  # shown, as text
    assert "&lt;script&gt;window.pwned = 1&lt;/script&gt;" in page
    assert "http://&lt;target&gt;" in page


def test_every_failure_shows_rule_source_request_response_and_curl() -> None:
    page = render_html(hostile_results(), {"target": "http://127.0.0.1:8080"})
    text = "".join(parsed(page).text)
    assert "idsync verify: failed" in text
    for expected in (
        "POST /Users :: not_a_server_error",
        "the server answered 500",
        "RFC 9110 §15.6",
        "POST http://127.0.0.1:8080/scim/default/v2/Users",
        "content-type: text/html",
        "curl -sS -X POST -H 'Content-Type: application/scim+json' --data-raw",
        '-H "Authorization: Bearer $IDSYNC_BEARER_TOKEN"',
        "no exchange: the message says it all",  # a failure without an exchange shows its message
        "etag :: If-None-Match",  # the warning, with its source
        "RFC 9110 §13.1.2",
        "needs the idsync admin API to arrange state",  # the skip, with its reason
    ):
        assert expected in text, expected
    assert text.index("Failures (2)") < text.index("Warnings (SHOULD deviations) (1)") < text.index("Skipped (1)")


def test_the_summary_has_one_row_per_api_and_level() -> None:
    page = render_html(hostile_results(), {})
    rows = page.split("<h2>Summary</h2>")[1].split("</table>")[0].split("<tr class=")[1:]
    assert [row.split("<td>")[1].split("</td>")[0] for row in rows] == ["spec", "conformance", "semantic", "spec"]
    assert [row.split(">")[0] for row in rows] == ["passed", "failed", "warned", "failed"]


def test_secrets_given_are_masked(tmp_path: Path) -> None:
    report = tmp_path / "deep" / "report.html"
    write_html(hostile_results(), report, {"target": "x"}, secrets=[SECRET])
    page = report.read_text(encoding="utf-8")
    assert SECRET not in page and "token=***" in page


def test_verify_cli_writes_the_html_report(tmp_path: Path) -> None:
    report = tmp_path / "verify.html"
    command = [sys.executable, "-m", "mockserver.cli", "verify", "--api", "admin", "--report-html", str(report)]
    flags = ["--profile", "http-auth-ignored", "--level", "spec", "--level", "semantic"]
    done = subprocess.run([*command, *flags], cwd=ROOT, capture_output=True, text=True, timeout=240)
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"HTML report: {report}" in done.stdout
    text = "".join(parsed(report.read_text(encoding="utf-8")).text)
    assert "missing_credentials_rejected" in text and "RFC 9110 §11.6.1" in text
    assert "curl -sS -X GET http://127.0.0.1:8080/__admin/" in text
    assert "Failures (1)" in text and "Passed (" in text
