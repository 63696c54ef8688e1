"""``idsync fuzz``: a bounded Schemathesis campaign that reports each distinct failure."""

from __future__ import annotations

from contracts.fuzz import FuzzOptions, fuzz


def test_fuzz_finds_the_server_error_planted_for_malformed_json() -> None:
    lines: list[str] = []
    run = fuzz(FuzzOptions(["admin"], profile="http-500-on-malformed-json", duration=10, seed=7), out=lines.append)
    assert not run.ok, "\n".join(lines)
    failed = {r.name for r in run.results if r.failed}
    assert any(name.endswith(":: not_a_server_error") for name in failed), failed
    assert "Reproduce: curl" in "\n".join(lines)


def test_fuzz_of_the_faithful_mock_is_clean_and_lasts_the_duration() -> None:
    lines: list[str] = []
    run = fuzz(FuzzOptions(["admin"], duration=3, seed=7), out=lines.append)
    assert run.ok, "\n".join(lines)
    assert run.seconds >= 3
    assert sum(r.status == "passed" for r in run.results) > 10
