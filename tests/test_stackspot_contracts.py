"""The StackSpot contracts pass against the faithful mock, and each planted fault fails the contract it names."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from contracts.scenario import Contract, contracts_for
from contracts.target import Target
from mockserver.app import create_app
from mockserver.domain.stackspot import PLANTED_FAULTS
from mockserver.server import LiveServer

CONTRACTS = {c.name: c for c in contracts_for("stackspot")}


def _target(url: str) -> Target:
    return Target.for_mock(url)


@pytest.fixture
def live_target(idsync_url: str) -> Iterator[Target]:
    target = _target(idsync_url)
    yield target
    target.close()


@pytest.mark.parametrize("name", sorted(CONTRACTS))
def test_contract_passes_on_the_mock(live_target: Target, name: str) -> None:
    CONTRACTS[name].check(live_target)


def test_every_planted_fault_names_a_stackspot_contract() -> None:
    assert len(PLANTED_FAULTS) >= 2
    assert {p.catches for p in PLANTED_FAULTS} <= set(CONTRACTS)


@pytest.mark.parametrize("fault", PLANTED_FAULTS, ids=lambda p: p.name)
def test_planted_fault_is_caught(fault) -> None:  # type: ignore[no-untyped-def]
    contract: Contract = CONTRACTS[fault.catches]
    with LiveServer(create_app(profile=fault.name, validate_responses=True)) as server:
        target = _target(server.url)
        try:
            with pytest.raises(AssertionError):
                contract.check(target)
        finally:
            target.close()
