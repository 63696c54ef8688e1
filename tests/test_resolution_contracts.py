"""Every resolution contract passes against the mock served live, and each planted fault makes
its named contract fail (docs/style.md rule 10)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from contracts.scenario import Contract, contracts_for
from contracts.target import Target
from mockserver.app import create_app
from mockserver.domain.resolution import PLANTED_FAULTS
from mockserver.server import LiveServer

CONTRACTS = {c.name: c for c in contracts_for("resolution")}


@pytest.fixture
def target(idsync_url: str) -> Iterator[Target]:
    made = Target.for_mock(idsync_url)
    yield made
    made.close()


def test_the_suite_covers_scenarios_and_semantics() -> None:
    assert {c.level for c in CONTRACTS.values()} == {"scenario", "semantic"}
    assert {p.catches for p in PLANTED_FAULTS} <= set(CONTRACTS)


@pytest.mark.parametrize("name", sorted(CONTRACTS))
def test_contract_passes_against_the_mock(target: Target, name: str) -> None:
    CONTRACTS[name].check(target)


@pytest.mark.parametrize("fault", PLANTED_FAULTS, ids=lambda p: p.name)
def test_planted_fault_is_caught(fault) -> None:  # type: ignore[no-untyped-def]
    contract: Contract = CONTRACTS[fault.catches]
    with LiveServer(create_app(profile=fault.name, validate_responses=True)) as server:
        faulty = Target.for_mock(server.url)
        try:
            with pytest.raises(AssertionError) as caught:
                contract.check(faulty)
            assert "RFC 7644" not in str(caught.value)  # broken by the fault, not by arranging the IdP
        finally:
            faulty.close()
