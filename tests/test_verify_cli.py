"""``idsync verify`` as a user runs it: exit status, summary and JUnit report (``--report``,
``--st-report-dir``); a failing run names the broken rule and a curl line; usage errors and an
unreachable target are one line and exit 2 (issue 10, "honest CLI" and "preflight")."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEED = 20261123


def test_verify_cli_end_to_end_writes_junit(tmp_path: Path) -> None:
    report = tmp_path / "x.xml"
    command = [sys.executable, "-m", "mockserver.cli", "verify", "--api", "admin", "--report", str(report)]
    flags = ["--max-examples", "5", "--random-seed", str(SEED), "--st-report-dir", str(tmp_path / "st")]
    done = subprocess.run([*command, *flags], cwd=ROOT, capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 failed" in done.stdout
    suites = ElementTree.parse(report).getroot()
    names = {s.get("name") for s in suites}
    assert {"admin.spec", "admin.conformance", "admin.stateful", "admin.semantic"} <= names
    cases = [c.get("name") for c in suites.iter("testcase")]
    assert "GET /clock :: not_a_server_error" in cases
    assert "missing_credentials_rejected" in cases
    assert suites.get("failures") == "0"
    st_junit = ElementTree.parse(tmp_path / "st" / "admin-conformance.junit.xml").getroot()
    assert "GET /clock" in {c.get("name") for c in st_junit.iter("testcase")}
    assert (tmp_path / "st" / "admin-conformance.har").stat().st_size > 0


def test_verify_cli_exits_nonzero_and_reports_the_failure(tmp_path: Path) -> None:
    report = tmp_path / "bad.xml"
    command = [sys.executable, "-m", "mockserver.cli", "verify", "--api", "admin", "--report", str(report)]
    flags = ["--profile", "http-auth-ignored", "--level", "semantic", "--random-seed", str(SEED)]
    done = subprocess.run([*command, *flags], cwd=ROOT, capture_output=True, text=True, timeout=240)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "FAILED (MUST) admin semantic missing_credentials_rejected" in done.stdout
    # the embedded mock's temporary port is gone after the run: the curl line says how to start it again
    start = "Reproduce: (start the same mock first: idsync serve --port 8080 --profile http-auth-ignored) curl -sS"
    assert start in done.stdout and "http://127.0.0.1:8080/__admin/" in done.stdout
    failures = [c for c in ElementTree.parse(report).getroot().iter("testcase") if c.find("failure") is not None]
    assert [c.get("name") for c in failures] == ["missing_credentials_rejected"]
    assert "RFC 9110" in (failures[0].find("failure").text or "")


def idsync(*args: str, timeout: float = 240) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mockserver.cli", *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout
    )


def test_version() -> None:
    done = idsync("--version")
    assert done.returncode == 0 and re.fullmatch(r"idsync \d+\.\d+\.\d+\S*\n", done.stdout), done.stdout


@pytest.mark.parametrize(
    "flags",
    [["--max-examples", "0"], ["--max-examples", "-3"], ["--workers", "0"], ["--random-seed", "-1"], ["--seed", "1"]],
    ids=["zero-examples", "negative-examples", "zero-workers", "negative-seed", "old-seed-option"],
)
def test_invalid_numbers_and_the_old_seed_option_are_usage_errors(flags: list[str]) -> None:
    done = idsync("verify", "--api", "admin", *flags)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr and "MUST" not in done.stdout


def test_fuzz_duration_must_be_positive() -> None:
    done = idsync("fuzz", "--api", "admin", "--duration", "0")
    assert done.returncode == 2 and "positive integer" in done.stderr


def test_an_unknown_contract_is_an_error_listing_the_valid_ones() -> None:
    done = idsync("verify", "--api", "admin", "--contract", "nosuch")
    assert done.returncode == 2, done.stdout + done.stderr
    assert "unknown --contract nosuch" in done.stderr
    assert "reset_restores_the_seeded_state" in done.stderr and "missing_credentials_rejected" in done.stderr
    assert done.stdout == ""


def test_an_unreachable_base_url_is_one_line_and_exit_2() -> None:
    with socket.socket() as sock:  # a port nobody listens on: bound, never listening
        sock.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        done = idsync("verify", "--api", "all", "--base-url", url, "--bearer-token", "t", timeout=60)
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stderr == f"idsync: cannot connect to {url}: connection refused\n"
    assert done.stdout == ""
