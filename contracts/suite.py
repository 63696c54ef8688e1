"""The packaged contract suite, for an integrator's own pytest run (docs/style.md rule 8).

    pytest --pyargs contracts.suite --idsync-target https://my-server.example --idsync-api scim
    pytest --pyargs contracts.suite                     # the embedded mock, every API

The same levels as ``idsync verify``: per API one item per Schemathesis level
(``test_check[<api>-spec|conformance|stateful]``), then one item per semantic and scenario
contract registered in ``contracts/suites/<api>.py`` plus the generic HTTP ones
(``test_check[<api>-<level>-<name>]``). ``--idsync-level`` picks levels, and the
credentials, ``--idsync-random-seed``, ``--idsync-max-examples`` and ``--idsync-strict`` mean
what ``idsync verify``'s options mean; ``--idsync-idp NAME`` adds that IdP's replay steps
(``contracts.idp``), which, as in ``idsync verify``, run only when asked for. A contract that
needs the admin API is skipped with its reason against a target without one; a MUST violation
fails with the rule, its source, the request/response and a curl line; a SHOULD deviation is a
pytest warning (a failure with ``--idsync-strict``).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
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


def _contracts(api_option: str | None, levels: Sequence[str], idp: str | None = None) -> list[Contract]:
    from contracts.idp import wanted
    from contracts.verify import _spec, all_contracts, ordered

    chosen = [c for api in ordered(_apis(api_option)) for c in all_contracts(api, _spec(api))]
    return [c for c in chosen if c.level in levels and wanted(c.name, idp, None)]


@dataclass(frozen=True)
class LevelRun:
    """One Schemathesis level (or the spec check) of one API, as ``idsync verify`` runs it."""

    api: str
    level: str


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "check" not in metafunc.fixturenames:
        return
    from contracts.verify import ordered

    config = metafunc.config
    levels = config.getoption("--idsync-level") or LEVELS
    apis = ordered(_apis(config.getoption("--idsync-api")))
    chosen: list[LevelRun | Contract] = [
        LevelRun(api, level) for api in apis for level in SCHEMATHESIS_LEVELS if level in levels
    ]
    chosen += _contracts(config.getoption("--idsync-api"), levels, config.getoption("--idsync-idp"))
    ids = [f"{c.api}-{c.level}" + (f"-{c.name}" if isinstance(c, Contract) else "") for c in chosen]
    metafunc.parametrize("check", chosen, ids=ids)


def test_check(check: LevelRun | Contract, target: Any, request: pytest.FixtureRequest) -> None:
    """One Schemathesis level of one API, or one registered contract, against the target."""
    from contracts.verify import _admin_reset, run_contract

    if isinstance(check, Contract):
        results = run_contract(check, target, lambda: _admin_reset(target))
        if results[0].status == "skipped":
            pytest.skip(results[0].message)
    else:
        results = _level(check, target, request)
    _conclude(results, request)


def _level(run: LevelRun, target: Any, request: pytest.FixtureRequest) -> list[Result]:
    from contracts.conformance import SchemathesisSettings, check_spec, run_schemathesis
    from contracts.verify import _admin_reset, _spec
    from mockserver.apis.registry import by_name

    spec = _spec(run.api)
    if run.level == "spec":
        return check_spec(run.api, spec, by_name(run.api).spec)
    _admin_reset(target)
    settings = SchemathesisSettings(
        max_examples=request.config.getoption("--idsync-max-examples"),
        seed=request.config.getoption("--idsync-random-seed"),
    )
    return run_schemathesis(run.api, spec, target, level=run.level, settings=settings)


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
