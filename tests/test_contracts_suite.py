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
    assert "PASSED contracts/suite.py::test_contract[admin-semantic-reset_restores_the_seeded_state]" in done.stdout
    assert "PASSED contracts/suite.py::test_contract[admin-semantic-missing_credentials_rejected]" in done.stdout


def test_suite_against_a_target_without_admin_api_skips_with_the_reason() -> None:
    with LiveServer(NoIndex(create_app())) as server:
        done = pytest_suite("--idsync-target", server.url, "--idsync-api", "admin")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "needs the idsync admin API" in done.stdout
    assert "2 passed, 5 skipped" in done.stdout


def test_suite_fails_on_a_planted_fault_with_rule_and_curl() -> None:
    app = create_app(profile="http-auth-ignored")
    with LiveServer(PlantedHttpFaults(app, world=app.runtime.world)) as server:
        done = pytest_suite("--idsync-target", server.url, "--idsync-api", "admin", "-k", "missing_credentials")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "RFC 9110" in done.stdout and "curl -X GET" in done.stdout


def test_suite_collects_every_contract_of_every_api() -> None:
    """The README's ``pytest --pyargs contracts.suite``: one item per registered contract, every API
    (tests/test_contracts.py runs each of them against the mock)."""
    done = pytest_suite("--collect-only")
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    from contracts.verify import all_contracts
    from mockserver.apis.registry import APIS
    from mockserver.specs import load_spec

    expected = {f"{c.api}-{c.level}-{c.name}" for api in APIS for c in all_contracts(api.name, load_spec(api.spec))}
    collected = set(re.findall(r"test_contract\[([^\]]+)\]", done.stdout))
    assert collected == expected, sorted(collected ^ expected)
