"""The packaged contract suite, for an integrator's own pytest run (docs/style.md rule 8).

    pytest --pyargs contracts.suite --idsync-target https://my-server.example --idsync-api scim
    pytest --pyargs contracts.suite                     # the embedded mock, every API

Every semantic and scenario contract registered in ``contracts/suites/<api>.py``, plus the
generic HTTP ones (``contracts.generic``), becomes one parametrized item
``test_contract[<api>-<level>-<name>]``. A contract that needs the admin API is skipped with
its reason against a target without one; a violation fails with the rule, its source, the last
request/response and a curl line.
"""

from __future__ import annotations

from typing import Any

import pytest

from contracts.scenario import Contract


def _contracts(api_option: str | None) -> list[Contract]:
    from contracts.verify import all_contracts
    from mockserver.apis.registry import API_NAMES, by_name
    from mockserver.specs import load_spec

    names = [api_option] if api_option else list(API_NAMES)
    return [c for api in names for c in all_contracts(api, load_spec(by_name(api).spec))]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "contract" in metafunc.fixturenames:
        chosen = _contracts(metafunc.config.getoption("--idsync-api"))
        metafunc.parametrize("contract", chosen, ids=[f"{c.api}-{c.level}-{c.name}" for c in chosen])


def test_contract(contract: Contract, target: Any) -> None:
    """One registered contract against the target."""
    from contracts.verify import _admin_reset, run_contract

    result = run_contract(contract, target, lambda: _admin_reset(target))
    if result.status == "skipped":
        pytest.skip(result.message)
    if result.failed:
        pytest.fail(f"{contract.api} {contract.name}: rule source: {result.source}\n{result.message}", pytrace=False)
