"""The suite bites (docs/style.md rule 10): every planted-fault profile makes ``idsync verify`` fail,
naming the contract the profile says catches it; the faithful default profile passes.

Runs ``contracts.verify.verify`` in-process against the embedded mock (one live server per
run). Small example counts and a fixed seed keep this fast and reproducible.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest

from contracts.conformance import CHECK_SOURCES
from contracts.verify import VerifyOptions, all_contracts, verify
from mockserver.apis.registry import API_NAMES, by_name
from mockserver.profiles import PROFILES
from mockserver.specs import load_spec

ROOT = Path(__file__).resolve().parents[1]
SEED = 20261123
#: Profiles whose prefix is no API (``http-*``) break every API; the admin spec always exists.
FALLBACK_API = "admin"


def api_of(profile: str) -> str:
    """The API a profile plants its bug in: the name's prefix before the first ``-``."""
    prefix = profile.split("-", 1)[0]
    return prefix if prefix in API_NAMES else FALLBACK_API


def options_for(profile: str) -> VerifyOptions:
    """Only the level that must catch the profile: its named contract, or Schemathesis' checks."""
    api = api_of(profile)
    catches = PROFILES[profile].catches
    named = [c for c in all_contracts(api, load_spec(by_name(api).spec)) if c.name == catches]
    if named:
        return VerifyOptions([api], profile=profile, levels=(named[0].level,), contracts=[catches], seed=SEED)
    return VerifyOptions([api], profile=profile, levels=("conformance", "stateful"), max_examples=5, seed=SEED)


PLANTED = sorted(name for name in PROFILES if name != "default")


def registered(profile: str) -> bool:
    """Whether the profile's ``catches`` is a contract of its API or a Schemathesis check."""
    api, catches = api_of(profile), PROFILES[profile].catches
    names = {c.name for c in all_contracts(api, load_spec(by_name(api).spec))}
    return catches in names or catches in CHECK_SOURCES


@pytest.mark.parametrize("profile", PLANTED)
def test_planted_fault_is_caught_by_its_contract(profile: str) -> None:
    if not registered(profile):
        pytest.xfail(f"{PROFILES[profile].catches!r} is not registered in contracts/suites/{api_of(profile)}.py yet")
    lines: list[str] = []
    run = verify(options_for(profile), out=lines.append)
    catches = PROFILES[profile].catches
    assert not run.ok, f"{profile} went unnoticed:\n" + "\n".join(lines)
    assert catches in run.failed_names(), f"{profile} must fail {catches!r}; failed: {sorted(run.failed_names())}"


@pytest.mark.parametrize("api", API_NAMES)
def test_default_profile_passes_every_level(api: str) -> None:
    lines: list[str] = []
    run = verify(VerifyOptions([api], max_examples=5, seed=SEED), out=lines.append)
    assert run.ok, "\n".join(lines)
    assert any(r.status == "passed" for r in run.results)


def test_every_profile_names_a_catching_contract() -> None:
    assert PLANTED, "no planted faults registered"
    assert all(PROFILES[name].catches for name in PLANTED), [n for n in PLANTED if not PROFILES[n].catches]


def test_verify_cli_end_to_end_writes_junit(tmp_path: Path) -> None:
    report = tmp_path / "x.xml"
    command = [sys.executable, "-m", "mockserver.cli", "verify", "--api", "admin", "--report", str(report)]
    flags = ["--max-examples", "5", "--seed", str(SEED), "--st-report-dir", str(tmp_path / "st")]
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
    flags = ["--profile", "http-auth-ignored", "--level", "semantic", "--seed", str(SEED)]
    done = subprocess.run([*command, *flags], cwd=ROOT, capture_output=True, text=True, timeout=240)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "FAILED admin semantic missing_credentials_rejected" in done.stdout
    assert "Reproduce: curl -X GET" in done.stdout
    failures = [c for c in ElementTree.parse(report).getroot().iter("testcase") if c.find("failure") is not None]
    assert [c.get("name") for c in failures] == ["missing_credentials_rejected"]
    assert "RFC 9110" in (failures[0].find("failure").text or "")
