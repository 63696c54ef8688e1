"""``idsync fuzz``: a bounded Schemathesis campaign that reports each distinct failure."""

from __future__ import annotations

from contracts.fuzz import FuzzOptions, fuzz

#: With this seed the admin campaign's first failing scenario (a body of raw bytes sent as JSON,
#: Schemathesis' syntax fuzzing) comes after about two seconds of fuzzing on an idle machine.
SEED = 7
#: Only a ceiling: the campaign stops at its first failure, so a slow machine takes longer but
#: runs the same scenarios and finds the same bug; nothing depends on how many fit in the time.
CEILING_SECONDS = 300


def test_fuzz_finds_the_server_error_planted_for_malformed_json() -> None:
    lines: list[str] = []
    options = FuzzOptions(
        ["admin"], profile="http-500-on-malformed-json", duration=CEILING_SECONDS, random_seed=SEED, max_failures=1
    )
    run = fuzz(options, out=lines.append)
    text = "\n".join(lines)
    assert not run.ok, text
    assert run.seconds < CEILING_SECONDS, f"stopped by the clock, not by the planted bug:\n{text}"
    failed = {r.name for r in run.results if r.failed}
    assert any(name.endswith(":: not_a_server_error") for name in failed), failed
    start = "Reproduce: (start the same mock first: idsync serve --port 8080 --profile http-500-on-malformed-json)"
    assert f"{start} curl -sS" in text and "Content-Type: application/json" in text


def test_fuzz_of_the_faithful_mock_is_clean_and_lasts_the_duration() -> None:
    lines: list[str] = []
    run = fuzz(FuzzOptions(["admin"], duration=3, random_seed=SEED), out=lines.append)
    assert run.ok, "\n".join(lines)
    assert run.seconds >= 3
    assert sum(r.status == "passed" for r in run.results) > 10
