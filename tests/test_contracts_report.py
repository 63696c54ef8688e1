"""contracts.report: the summary a person reads and the JUnit XML a CI server reads."""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree

from contracts.report import Result, mask, summary, write_junit

RESULTS = [
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
]


def test_junit_has_one_testcase_per_result_grouped_by_api_and_level(tmp_path: Path) -> None:
    path = tmp_path / "out" / "r.xml"
    write_junit(RESULTS, path)
    root = ElementTree.parse(path).getroot()
    assert (root.get("tests"), root.get("failures"), root.get("skipped")) == ("3", "1", "1")
    assert [s.get("name") for s in root] == ["scim.spec", "scim.conformance", "scim.semantic"]
    failed = root.find("testsuite[@name='scim.conformance']/testcase")
    assert failed is not None and failed.get("classname") == "idsync.scim.conformance"
    failure = failed.find("failure")
    assert failure is not None and failure.get("message") == "[ST101] Server error"
    assert "rule source: RFC 9110" in (failure.text or "") and "\x00" not in (failure.text or "")
    skipped = root.find("testsuite[@name='scim.semantic']/testcase/skipped")
    assert skipped is not None and skipped.get("message") == "needs the idsync admin API"


def test_summary_counts_levels_lists_skips_and_details_failures() -> None:
    text = summary(RESULTS)
    assert "FAIL conformance" in text and "ok   spec" in text
    assert "SKIPPED filter_eq: needs the idsync admin API" in text
    assert "--- FAILED scim conformance GET /Users :: not_a_server_error" in text
    assert "rule source: RFC 9110" in text
    assert text.rstrip().endswith("1 passed, 1 failed, 1 skipped")


def test_mask_hides_secrets_and_authorization_values() -> None:
    text = "curl -H 'Authorization: Bearer s3cr3t-token' -d '{\"password\": \"hunter22\"}'"
    masked = mask(text, ["hunter22"])
    assert "s3cr3t-token" not in masked and "hunter22" not in masked
    assert "Authorization: Bearer ***" in masked
