"""The SCIM contract suite passes on the faithful mock and catches every planted SCIM fault."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from contracts.scenario import Contract, ContractViolation, contracts_for
from contracts.target import Target
from mockserver.app import create_app
from mockserver.domain.scim import PLANTED_FAULTS
from mockserver.server import LiveServer

CONTRACTS = {c.name: c for c in contracts_for("scim")}
#: Planted faults caught by a SCIM semantic contract (the others are caught by a Schemathesis
#: check at the conformance level; tests/test_verify_profiles.py proves every one).
SEMANTIC_FAULTS = [p for p in PLANTED_FAULTS if p.catches in CONTRACTS]


def target_at(url: str) -> Target:
    return Target.for_mock(url)


@pytest.fixture
def live_target(idsync_url: str) -> Iterator[Target]:
    target = target_at(idsync_url)
    yield target
    target.close()


@pytest.mark.parametrize("contract", CONTRACTS.values(), ids=list(CONTRACTS))
def test_contract_passes_on_the_mock(contract: Contract, live_target: Target) -> None:
    contract.check(live_target)


def test_every_planted_fault_names_a_scim_contract() -> None:
    from contracts.conformance import CHECK_SOURCES

    assert len(SEMANTIC_FAULTS) >= 3
    assert {p.catches for p in PLANTED_FAULTS} <= set(CONTRACTS) | set(CHECK_SOURCES)


@pytest.mark.parametrize("profile", SEMANTIC_FAULTS, ids=[p.name for p in SEMANTIC_FAULTS])
def test_planted_fault_is_caught(profile) -> None:  # type: ignore[no-untyped-def]
    with LiveServer(create_app(profile=profile.name, validate_responses=True)) as server:
        target = target_at(server.url)
        try:
            with pytest.raises(ContractViolation):
                CONTRACTS[profile.catches].check(target)
        finally:
            target.close()
