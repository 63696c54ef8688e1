"""contracts.report: requirement levels, the summary a person reads and the JUnit XML a CI server reads."""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree

from contracts.evidence import Exchange, Reproduction
from contracts.report import Requirement, Result, graded, mask, summary, write_junit

SHOULD = Requirement.SHOULD


def results() -> list[Result]:
    return [
        Result("scim", "spec", "openapi-spec-validator", "passed", source="OpenAPI 3.0.3"),
        Result(
            "scim",
            "conformance",
            "GET /Users :: not_a_server_error",
            "failed",
            "[ST101] Server error\n\x00body",
            "RFC 9110",
        ),
        Result("scim", "semantic", "filter_eq", "skipped", "needs the idsync admin API"),
        Result("scim", "semantic", "etag :: If-None-Match is 304", "failed", "got 200", "RFC 9110 §13.1.2", 0, SHOULD),
    ]


def test_a_violated_should_is_a_warning_unless_strict() -> None:
    lenient = [graded(r, strict=False) for r in results()]
    strict = [graded(r, strict=True) for r in results()]
    assert [r.status for r in lenient] == ["passed", "failed", "skipped", "warned"]
    assert [r.status for r in strict] == ["passed", "failed", "skipped", "failed"]


def test_junit_has_one_testcase_per_result_grouped_by_api_and_level(tmp_path: Path) -> None:
    path = tmp_path / "out" / "r.xml"
    write_junit([graded(r, strict=False) for r in results()], path)
    root = ElementTree.parse(path).getroot()
    assert (root.get("tests"), root.get("failures"), root.get("skipped")) == ("4", "1", "1")
    assert [s.get("name") for s in root] == ["scim.spec", "scim.conformance", "scim.semantic"]
    failed = root.find("testsuite[@name='scim.conformance']/testcase")
    assert failed is not None and failed.get("classname") == "idsync.scim.conformance"
    failure = failed.find("failure")
    assert failure is not None and failure.get("message") == "[ST101] Server error"
    assert "MUST; rule source: RFC 9110" in (failure.text or "") and "\x00" not in (failure.text or "")
    skipped = root.find("testsuite[@name='scim.semantic']/testcase/skipped")
    assert skipped is not None and skipped.get("message") == "needs the idsync admin API"
    warned = root.find("testsuite[@name='scim.semantic']/testcase[@name='etag :: If-None-Match is 304']")
    assert warned is not None and warned.find("failure") is None
    assert warned.find("properties/property[@name='requirement']").get("value") == "SHOULD"  # type: ignore[union-attr]
    assert "got 200" in (warned.findtext("system-out") or "")


def test_summary_counts_per_level_and_per_requirement_and_details_deviations() -> None:
    text = summary([graded(r, strict=False) for r in results()])
    assert "FAIL conformance" in text and "ok   spec" in text and "warn semantic" in text
    assert "SKIPPED filter_eq: needs the idsync admin API" in text
    assert "--- FAILED (MUST) scim conformance GET /Users :: not_a_server_error" in text
    assert "--- WARNING (SHOULD) scim semantic etag :: If-None-Match is 304" in text
    assert "rule source: RFC 9110" in text
    assert "by requirement level: MUST: 1 passed, 1 failed, 0 warned; SHOULD: 0 passed, 0 failed, 1 warned" in text
    assert text.rstrip().endswith("1 passed, 1 failed, 1 warned, 1 skipped")


def test_mask_hides_secrets_and_authorization_values_but_keeps_variable_names() -> None:
    text = "curl -H 'Authorization: Bearer s3cr3t-token' -d '{\"password\": \"hunter22\"}'"
    masked = mask(text, ["hunter22"])
    assert "s3cr3t-token" not in masked and "hunter22" not in masked
    assert "Authorization: Bearer ***" in masked
    named = '-H "Authorization: Bearer $IDSYNC_BEARER_TOKEN"'
    assert mask(named, []) == named


def test_a_curl_line_of_the_embedded_mock_says_how_to_start_the_same_mock() -> None:
    how = Reproduction("http://127.0.0.1:41234", "http://127.0.0.1:8080", "(start: idsync serve --port 8080) ")
    exchange = Exchange("PATCH", "http://127.0.0.1:41234/scim/default/v2/Users/1", {}, '{"a": 1}', reproduction=how)
    curl = exchange.curl()
    assert curl.startswith("(start: idsync serve --port 8080) curl -sS -X PATCH")
    assert curl.endswith("http://127.0.0.1:8080/scim/default/v2/Users/1") and "41234" not in curl
