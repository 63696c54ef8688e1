"""Preflight, zero configuration and reproducible runs of ``idsync verify`` (issue 10, points 4, 7, 8).

A target that refuses the credentials stops the run before any level with one line naming the
option and the environment variable to set (never "294 passed" of refused requests); an
``idsync serve`` with the default seed is verified with no credential option; the same random
seed gives the same cases and verdicts, the stateful level included.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from vendor_like import NoIndex

from contracts.preflight import PreflightError
from contracts.target import ENV, Credentials
from contracts.verify import VerifyOptions, verify
from mockserver.apis.registry import API_NAMES
from mockserver.app import create_app
from mockserver.server import LiveServer

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def no_credentials_in_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in [*ENV.values(), "IDSYNC_ADMIN_TOKEN"]:
        monkeypatch.delenv(variable, raising=False)


@pytest.mark.parametrize(
    ("api", "base", "credentials", "hint"),
    [
        ("scim", "/scim/default/v2", Credentials(bearer="wrong-token"), "set --bearer-token or IDSYNC_BEARER_TOKEN"),
        ("resolution", "/resolution", Credentials(basic_user="admin", basic_password="no"), "--basic-user/"),
        ("sift", "/sift", Credentials(), "no credentials given; set --bearer-token or IDSYNC_BEARER_TOKEN"),
        ("scim", "/scim/v2", Credentials(bearer="idsync-token"), "answered 404; is --base-url the base"),
    ],
    ids=["wrong-token", "wrong-password", "no-credentials", "wrong-base-url"],
)
def test_a_target_that_refuses_the_credentials_stops_the_run_naming_what_to_fix(
    api: str, base: str, credentials: Credentials, hint: str, no_credentials_in_the_environment: None
) -> None:
    lines: list[str] = []
    with LiveServer(NoIndex(create_app())) as server, pytest.raises(PreflightError) as refused:
        verify(VerifyOptions([api], base_url=server.url + base, credentials=credentials), out=lines.append)
    assert hint in str(refused.value) and "\n" not in str(refused.value)
    assert not any("passed" in line or "checks" in line for line in lines), lines


def test_a_wrong_token_on_the_command_line_is_exit_2_and_one_line() -> None:
    with LiveServer(NoIndex(create_app())) as server:
        command = ["verify", "--api", "scim", "--base-url", f"{server.url}/scim/default/v2", "--bearer-token", "wrong"]
        done = subprocess.run(
            [sys.executable, "-m", "mockserver.cli", *command], cwd=ROOT, capture_output=True, text=True, timeout=120
        )
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stderr.count("\n") == 1 and "credentials refused" in done.stderr and "401" in done.stderr
    assert "IDSYNC_BEARER_TOKEN" in done.stderr and "wrong" not in done.stderr.replace("--bearer-token", "")
    assert done.stdout == ""  # the one line on stderr is all


def test_an_idsync_serve_with_the_default_seed_needs_no_credentials(no_credentials_in_the_environment: None) -> None:
    """Every API's preflight, then the semantic and scenario levels (tests/test_contracts.py runs the
    Schemathesis levels of every API with the same default credentials)."""
    lines: list[str] = []
    with LiveServer(create_app()) as server:
        options = VerifyOptions(list(API_NAMES), base_url=server.url, levels=("semantic", "scenario"))
        run = verify(options, out=lines.append)
    text = "\n".join(lines)
    assert run.ok, text
    assert "the default seed's public credentials" in text
    assert {r.api for r in run.results if r.status == "passed"} == set(API_NAMES)


def test_the_same_seed_gives_the_same_cases_and_verdicts_stateful_included() -> None:
    runs = []
    for _ in range(2):
        options = VerifyOptions(["scim"], levels=("conformance", "stateful"), max_examples=4, random_seed=77)
        run = verify(options, out=lambda line: None)
        runs.append([(r.level, r.name, r.status, r.cases) for r in run.results])
    assert runs[0] == runs[1]
    assert any(level == "stateful" and cases for level, _, _, cases in runs[0])
