"""``idsync verify --base-url``: a server without the admin API, credentials never printed."""

from __future__ import annotations

from typing import Any

from vendor_like import NoIndex

from contracts.target import ENV, Credentials
from contracts.verify import VerifyOptions, verify
from mockserver.app import create_app
from mockserver.http.faults_planted import PlantedHttpFaults
from mockserver.server import LiveServer


def test_admin_contracts_are_skipped_with_reason_against_a_real_vendor(monkeypatch: Any) -> None:
    monkeypatch.setenv(ENV["bearer"], "idsync-token")
    lines: list[str] = []
    with LiveServer(NoIndex(create_app())) as server:
        options = VerifyOptions(["admin"], base_url=server.url, levels=("semantic", "scenario"))
        run = verify(options, out=lines.append)
    text = "\n".join(lines)
    assert run.ok, text
    skipped = [r for r in run.results if r.status == "skipped"]
    assert {r.name for r in skipped} >= {"reset_restores_the_seeded_state", "clock_advance_moves_mock_time"}
    assert "SKIPPED reset_restores_the_seeded_state: needs the idsync admin API" in text
    assert "missing_credentials_rejected" in {r.name for r in run.results if r.status == "passed"}


def test_a_violation_against_a_url_shows_evidence_but_never_the_credentials() -> None:
    app = create_app(profile="http-auth-ignored")
    lines: list[str] = []
    with LiveServer(NoIndex(PlantedHttpFaults(app, world=app.runtime.world))) as server:
        options = VerifyOptions(
            ["admin"], base_url=server.url, credentials=Credentials(bearer="idsync-token"), levels=("semantic",)
        )
        run = verify(options, out=lines.append)
    text = "\n".join(lines)
    assert not run.ok
    assert "FAILED (MUST) admin semantic missing_credentials_rejected" in text
    assert "Response: 200" in text and "Reproduce: curl -sS -X GET" in text
    assert "idsync-token" not in text


def test_a_scim_server_rooted_at_one_base_url_is_verified_without_tenant_segments(monkeypatch: Any) -> None:
    """RFC 7644 §3.1: a SCIM service provider has one base URL; the spec's ``/{tenant}/v2`` is ours."""
    monkeypatch.setenv(ENV["bearer"], "idsync-token")
    lines: list[str] = []
    with LiveServer(create_app()) as server:
        base = f"{server.url}/scim/default/v2"
        options = VerifyOptions(["scim"], base_url=base, max_examples=3, random_seed=1)
        run = verify(options, out=lines.append)
    text = "\n".join(lines)
    assert run.ok, text
    levels = {r.level for r in run.results if r.status == "passed"}
    assert levels >= {"conformance", "stateful", "semantic"}
    assert "/default/v2/default/v2" not in text
