"""The Sift contract suite passes against the mock and bites on every planted Sift fault (docs/style.md rule 10)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from contracts.scenario import Contract, contracts_for
from contracts.target import Target
from mockserver.app import create_app
from mockserver.domain.sift import PLANTED_FAULTS
from mockserver.server import LiveServer

CONTRACTS = {c.name: c for c in contracts_for("sift")}


def _target(url: str) -> Target:
    return Target.for_mock(url)


@pytest.fixture
def target(idsync_url: str) -> Iterator[Target]:
    made = _target(idsync_url)
    yield made
    made.close()


def test_the_suite_has_semantic_and_scenario_contracts() -> None:
    assert {c.level for c in CONTRACTS.values()} == {"semantic", "scenario"}
    assert all(c.source for c in CONTRACTS.values())


@pytest.mark.parametrize("name", sorted(CONTRACTS))
def test_contract_passes_against_the_mock(target: Target, name: str) -> None:
    CONTRACTS[name].check(target)


@pytest.mark.parametrize("fault", PLANTED_FAULTS, ids=[f.name for f in PLANTED_FAULTS])
def test_planted_fault_is_caught_by_its_contract(fault) -> None:
    contract: Contract = CONTRACTS[fault.catches]
    with LiveServer(create_app(profile=fault.name)) as server:
        target = _target(server.url)
        try:
            with pytest.raises(AssertionError):
                contract.check(target)
        finally:
            target.close()
