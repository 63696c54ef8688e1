"""Every authentik contract passes against the mock served live, and every planted fault makes
its named contract fail (docs/style.md rule 10)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from test_authentik_scim_stub import TOKEN, ScimStub

from contracts.scenario import ContractViolation, contracts_for
from contracts.target import Target
from mockserver.app import create_app
from mockserver.domain.authentik import PLANTED_FAULTS
from mockserver.server import LiveServer

CONTRACTS = {c.name: c for c in contracts_for("authentik")}


@pytest.fixture(scope="module")
def scim_url() -> Iterator[str]:
    """Push target for the contracts: a live SCIM stub (the SCIM directory is another branch's)."""
    with LiveServer(ScimStub().app) as server:
        yield f"{server.url}/scim/v2"


@pytest.fixture(autouse=True)
def scim_env(monkeypatch: pytest.MonkeyPatch, scim_url: str) -> None:
    monkeypatch.setenv("IDSYNC_AUTHENTIK_SCIM_URL", scim_url)
    monkeypatch.setenv("IDSYNC_AUTHENTIK_SCIM_TOKEN", TOKEN)


def served(profile: str = "default") -> Iterator[Target]:
    with LiveServer(create_app(profile=profile, validate_responses=True)) as server:
        target = Target.for_mock(server.url)
        try:
            yield target
        finally:
            target.close()


@pytest.fixture(scope="module")
def mock_target() -> Iterator[Target]:
    yield from served()


def test_the_suite_has_the_documented_contracts() -> None:
    assert {f.catches for f in PLANTED_FAULTS} <= set(CONTRACTS)
    assert len(CONTRACTS) >= 10


@pytest.mark.parametrize("name", sorted(CONTRACTS))
def test_contract_passes_against_the_mock(mock_target: Target, name: str) -> None:
    CONTRACTS[name].check(mock_target)


@pytest.mark.parametrize("fault", PLANTED_FAULTS, ids=lambda f: f.name)
def test_planted_fault_is_caught(fault) -> None:  # type: ignore[no-untyped-def]
    for target in served(fault.name):
        with pytest.raises(ContractViolation):
            CONTRACTS[fault.catches].check(target)


PUSH_CONTRACTS = sorted(name for name, c in CONTRACTS.items() if c.needs)


@pytest.mark.parametrize("name", PUSH_CONTRACTS)
def test_push_contract_passes_against_the_mocks_own_scim_tenant(
    mock_target: Target, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    """Without ``IDSYNC_AUTHENTIK_SCIM_URL`` the provider pushes to ``<server>/scim/default/v2``."""
    monkeypatch.delenv("IDSYNC_AUTHENTIK_SCIM_URL")
    monkeypatch.delenv("IDSYNC_AUTHENTIK_SCIM_TOKEN")
    CONTRACTS[name].check(mock_target)
