"""``idsync verify`` as a user runs it: exit status, summary and JUnit report (``--report``,
``--st-report-dir``); a failing run names the broken rule and a curl line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

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
