"""The packaged suite: ``pytest --pyargs contracts.suite`` in an integrator's own run."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from vendor_like import NoIndex

from mockserver.app import create_app
from mockserver.http.faults_planted import PlantedHttpFaults
from mockserver.server import LiveServer

ROOT = Path(__file__).resolve().parents[1]


def pytest_suite(*flags: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "pytest", "--pyargs", "contracts.suite", "-q", "-rs", "-p", "no:randomly", *flags]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=180)


def test_suite_runs_every_contract_as_an_item_against_the_embedded_mock() -> None:
    done = pytest_suite("--idsync-api", "admin", "-rA")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "PASSED contracts/suite.py::test_check[admin-semantic-reset_restores_the_seeded_state]" in done.stdout
    assert "PASSED contracts/suite.py::test_check[admin-semantic-missing_credentials_rejected]" in done.stdout


def test_suite_against_a_target_without_admin_api_skips_with_the_reason() -> None:
    """Credentials as ``idsync verify`` takes them (``--idsync-bearer-token``: its ``--bearer-token``)."""
    with LiveServer(NoIndex(create_app())) as server:
        flags = [
            "--idsync-target",
            server.url,
            "--idsync-api",
            "admin",
            "--idsync-level",
            "semantic",
            "--idsync-level",
            "scenario",
        ]
        done = pytest_suite(*flags, "--idsync-bearer-token", "idsync-token")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "needs the idsync admin API" in done.stdout
    assert "2 passed, 5 skipped" in done.stdout


def test_suite_refuses_to_run_when_the_target_refuses_the_credentials() -> None:
    """The preflight of ``idsync verify``: one line, exit status 2, no test run."""
    with LiveServer(NoIndex(create_app())) as server:
        done = pytest_suite("--idsync-target", server.url, "--idsync-api", "admin", "--idsync-bearer-token", "wrong")
    assert done.returncode == 2, done.stdout + done.stderr
    assert "credentials refused" in done.stdout and "IDSYNC_BEARER_TOKEN" in done.stdout
    assert " passed" not in done.stdout


def test_suite_fails_on_a_planted_fault_with_rule_and_curl() -> None:
    app = create_app(profile="http-auth-ignored")
    with LiveServer(PlantedHttpFaults(app, world=app.runtime.world)) as server:
        done = pytest_suite("--idsync-target", server.url, "--idsync-api", "admin", "-k", "missing_credentials")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "RFC 9110" in done.stdout and "curl -sS -X GET" in done.stdout


def test_suite_collects_every_level_and_contract_of_every_api() -> None:
    """The README's ``pytest --pyargs contracts.suite``: the levels ``idsync verify`` runs, one item per
    Schemathesis level and per registered contract, every API (tests/test_contracts.py runs each)."""
    done = pytest_suite("--collect-only")
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    from contracts.idp import idp_of
    from contracts.verify import all_contracts
    from mockserver.apis.registry import APIS
    from mockserver.specs import load_spec

    contracts = [c for api in APIS for c in all_contracts(api.name, load_spec(api.spec)) if idp_of(c.name) is None]
    expected = {f"{c.api}-{c.level}-{c.name}" for c in contracts}
    collected = set(re.findall(r"test_check\[([^\]]+-(?:semantic|scenario)-[^\]]+)\]", done.stdout))
    assert collected == expected, sorted(collected ^ expected)
    levels = set(re.findall(r"test_check\[([^\]-]+-(?:spec|conformance|stateful))\]", done.stdout))
    assert levels == {f"{api.name}-{level}" for api in APIS for level in ("spec", "conformance", "stateful")}
