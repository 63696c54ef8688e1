"""The packaged contract suite, for an integrator's own pytest run (docs/style.md rule 8).

    pytest --pyargs contracts.suite --idsync-target https://my-server.example --idsync-api scim
    pytest --pyargs contracts.suite                     # the embedded mock, every API

The same levels as ``idsync verify``: per API one item per Schemathesis level
(``test_level[<api>-spec|conformance|stateful]``), then one item per semantic and scenario
contract registered in ``contracts/suites/<api>.py`` plus the generic HTTP ones
(``test_contract[<api>-<level>-<name>]``). ``--idsync-level`` picks levels, and the
credentials, ``--idsync-random-seed``, ``--idsync-max-examples`` and ``--idsync-strict`` mean
what ``idsync verify``'s options mean. A contract that needs the admin API is skipped with its
reason against a target without one; a MUST violation fails with the rule, its source, the
request/response and a curl line; a SHOULD deviation is a pytest warning (a failure with
``--idsync-strict``).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import pytest

from contracts.report import Result, graded
from contracts.scenario import LEVELS, Contract

SCHEMATHESIS_LEVELS = ("spec", "conformance", "stateful")


class ShouldDeviation(UserWarning):
    """A SHOULD of the contract's source that the target does not follow."""


def _apis(api_option: str | None) -> list[str]:
    from mockserver.apis.registry import API_NAMES

    return [api_option] if api_option else list(API_NAMES)


def _contracts(api_option: str | None, levels: Sequence[str]) -> list[Contract]:
    from contracts.verify import _spec, all_contracts, ordered

    chosen = [c for api in ordered(_apis(api_option)) for c in all_contracts(api, _spec(api))]
    return [c for c in chosen if c.level in levels]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    config = metafunc.config
    levels = config.getoption("--idsync-level") or LEVELS
    if "contract" in metafunc.fixturenames:
        chosen = _contracts(config.getoption("--idsync-api"), levels)
        metafunc.parametrize("contract", chosen, ids=[f"{c.api}-{c.level}-{c.name}" for c in chosen])
    if "api_level" in metafunc.fixturenames:
        from contracts.verify import ordered

        pairs = [(a, lv) for a in ordered(_apis(config.getoption("--idsync-api"))) for lv in SCHEMATHESIS_LEVELS]
        pairs = [(a, lv) for a, lv in pairs if lv in levels]
        metafunc.parametrize("api_level", pairs, ids=[f"{a}-{lv}" for a, lv in pairs])


def test_level(api_level: tuple[str, str], target: Any, request: pytest.FixtureRequest) -> None:
    """One Schemathesis level (or the spec check) of one API, as ``idsync verify`` runs it."""
    from contracts.conformance import SchemathesisSettings, check_spec, run_schemathesis
    from contracts.verify import _admin_reset, _spec
    from mockserver.apis.registry import by_name

    api, level = api_level
    spec = _spec(api)
    if level == "spec":
        results = check_spec(api, spec, by_name(api).spec)
    else:
        _admin_reset(target)
        settings = SchemathesisSettings(
            max_examples=request.config.getoption("--idsync-max-examples"),
            seed=request.config.getoption("--idsync-random-seed"),
        )
        results = run_schemathesis(api, spec, target, level=level, settings=settings)
    _conclude(results, request)


def test_contract(contract: Contract, target: Any, request: pytest.FixtureRequest) -> None:
    """One registered contract against the target."""
    from contracts.verify import _admin_reset, run_contract

    results = run_contract(contract, target, lambda: _admin_reset(target))
    if results[0].status == "skipped":
        pytest.skip(results[0].message)
    _conclude(results, request)


def _conclude(results: list[Result], request: pytest.FixtureRequest) -> None:
    """Fail on MUST violations (and SHOULD ones under ``--idsync-strict``); warn on the rest."""
    strict = request.config.getoption("--idsync-strict")
    graded_results = [graded(r, strict=strict) for r in results]
    for r in graded_results:
        if r.status == "warned":
            warnings.warn(ShouldDeviation(f"{r.api} {r.name} (SHOULD; {r.source}): {r.rule}"), stacklevel=1)
    failures = [r for r in graded_results if r.failed]
    if failures:
        parts = [f"{r.api} {r.name} ({r.requirement.value}): rule source: {r.source}\n{r.message}" for r in failures]
        pytest.fail("\n\n".join(parts), pytrace=False)
