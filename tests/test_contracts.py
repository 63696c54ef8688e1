"""Every API's contracts pass against the faithful mock (docs/style.md rule 10, the other half of it
being tests/test_planted_faults.py: each planted fault makes its contract fail).

One item per registered contract of every API (``contracts/suites/<api>.py`` plus the generic
HTTP ones of ``contracts.generic``), run against the session's live mock served with response
validation on; one ``idsync verify`` run per API for the Schemathesis levels (spec,
conformance, stateful), which have no contract objects of their own.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from test_authentik_scim_stub import TOKEN, ScimStub

from contracts.scenario import Contract, contracts_for
from contracts.target import Target
from contracts.verify import VerifyOptions, all_contracts, verify
from mockserver.apis.registry import API_NAMES, by_name
from mockserver.profiles import FAULTS
from mockserver.server import LiveServer
from mockserver.specs import load_spec

SEED = 20261123
CONTRACTS: list[Contract] = [c for api in API_NAMES for c in all_contracts(api, load_spec(by_name(api).spec))]
SCHEMATHESIS_LEVELS = ("spec", "conformance", "stateful")
#: authentik's push contracts, which send to a SCIM server the provider under test can reach.
PUSH_CONTRACTS = [c for c in contracts_for("authentik") if c.needs]


@pytest.fixture
def target(idsync_url: str) -> Iterator[Target]:
    made = Target.for_mock(idsync_url)
    yield made
    made.close()


@pytest.mark.parametrize("contract", CONTRACTS, ids=[f"{c.api}-{c.level}-{c.name}" for c in CONTRACTS])
def test_contract_passes_on_the_faithful_mock(contract: Contract, target: Target) -> None:
    """authentik pushes to the mock's own SCIM tenant here (no ``IDSYNC_AUTHENTIK_SCIM_URL``)."""
    contract.check(target)


@pytest.mark.parametrize("api", API_NAMES)
def test_schemathesis_levels_pass_on_the_faithful_mock(api: str) -> None:
    lines: list[str] = []
    run = verify(VerifyOptions([api], levels=SCHEMATHESIS_LEVELS, max_examples=5, random_seed=SEED), out=lines.append)
    assert run.ok, "\n".join(lines)
    assert {r.level for r in run.results if r.status == "passed"} >= {"spec", "conformance"}


@pytest.fixture(scope="module")
def stub_url() -> Iterator[str]:
    with LiveServer(ScimStub().app) as server:
        yield f"{server.url}/scim/v2"


@pytest.mark.parametrize("contract", PUSH_CONTRACTS, ids=[c.name for c in PUSH_CONTRACTS])
def test_authentik_push_contract_passes_against_an_independent_scim_server(
    contract: Contract, target: Target, stub_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same push contracts with ``IDSYNC_AUTHENTIK_SCIM_URL`` set: a SCIM target that is not ours."""
    monkeypatch.setenv("IDSYNC_AUTHENTIK_SCIM_URL", stub_url)
    monkeypatch.setenv("IDSYNC_AUTHENTIK_SCIM_TOKEN", TOKEN)
    contract.check(target)


@pytest.mark.parametrize("api", [api for api in API_NAMES if contracts_for(api)])
def test_registered_contracts_have_a_level_and_a_source(api: str) -> None:
    registered = contracts_for(api)
    assert {c.level for c in registered} <= {"semantic", "scenario"}
    assert all(c.source and c.description for c in registered), [c.name for c in registered if not c.source]


def test_vendor_suites_cover_what_they_promise() -> None:
    """Floors the per-API suites were written to (README "Verifying an implementation")."""
    assert {c.level for c in contracts_for("sift")} == {"semantic", "scenario"}
    assert {c.level for c in contracts_for("resolution")} == {"semantic", "scenario"}
    assert len(contracts_for("authentik")) >= 10 and PUSH_CONTRACTS
    per_api = {api: [f for f in FAULTS.values() if f.api == api] for api in API_NAMES}
    assert all(len(per_api[api]) >= 2 for api in API_NAMES), {api: len(f) for api, f in per_api.items()}
    assert len([f for f in per_api["scim"] if f.level == "semantic"]) >= 3
