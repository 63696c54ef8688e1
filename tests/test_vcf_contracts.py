"""Every VCF contract passes against the faithful mock served live, and each planted VCF fault
makes its named contract fail (docs/style.md rule 10)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from contracts.scenario import Contract, contracts_for
from contracts.target import Target
from mockserver.app import create_app
from mockserver.domain.vcf import PLANTED_FAULTS
from mockserver.server import LiveServer

CONTRACTS = {c.name: c for c in contracts_for("vcf")}


def make_target(url: str) -> Target:
    return Target.for_mock(url)


def run(contract: Contract, url: str) -> None:
    target = make_target(url)
    try:
        contract.check(target)
    finally:
        target.close()


@pytest.fixture
def live_url(idsync_url: str) -> str:
    return idsync_url


def test_every_planted_fault_names_a_vcf_contract() -> None:
    assert len(PLANTED_FAULTS) >= 2
    assert {p.catches for p in PLANTED_FAULTS} <= set(CONTRACTS)


@pytest.mark.parametrize("name", sorted(CONTRACTS))
def test_contract_passes_against_the_mock(name: str, live_url: str) -> None:
    run(CONTRACTS[name], live_url)


@pytest.fixture(scope="module", params=[p.name for p in PLANTED_FAULTS])
def planted_server(request: pytest.FixtureRequest) -> Iterator[tuple[str, str]]:
    with LiveServer(create_app(profile=request.param, validate_responses=True)) as server:
        yield request.param, server.url


def test_planted_fault_is_caught(planted_server: tuple[str, str]) -> None:
    profile, url = planted_server
    contract = CONTRACTS[next(p.catches for p in PLANTED_FAULTS if p.name == profile)]
    with pytest.raises(AssertionError):
        run(contract, url)
