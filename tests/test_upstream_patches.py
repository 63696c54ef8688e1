"""Guards of the two patches of third-party internals (ARCHITECTURE.md "Workarounds").

Each fails when the patched target moves (renamed, removed, another signature or loop), when
the library stops going through it, or when the patch stops taking effect or outlives its block:
``mockserver.app._trusting_shipped_specs`` (Connexion) and ``contracts.fuzz._derived_cases_tolerated``
(Schemathesis). Both libraries are pinned in pyproject.toml to the versions these tests passed on.
"""

from __future__ import annotations

import inspect
from typing import Any

import pytest
from connexion import AsyncApp
from connexion.exceptions import InvalidSpecification
from connexion.spec import OpenAPISpecification, Specification

from contracts.fuzz import FuzzOptions, _Snapshot, fuzz
from mockserver.app import _trusting_shipped_specs, create_app
from mockserver.specs import load_spec

NOT_OPENAPI = {"openapi": "3.0.3", "info": {"title": "t"}, "paths": {"/x": {"get": {"responses": "none"}}}}


@pytest.fixture
def validations(monkeypatch: pytest.MonkeyPatch) -> list[type]:
    """Records each class Connexion validates a spec for, at the method our patch replaces."""
    real = Specification.__dict__["_validate_spec"]
    assert isinstance(real, classmethod), "Connexion's Specification._validate_spec is no longer a classmethod"
    assert list(inspect.signature(real.__func__).parameters) == ["cls", "spec"]
    calls: list[type] = []

    def spy(cls: type, spec: dict[str, Any]) -> None:
        calls.append(cls)
        real.__func__(cls, spec)

    monkeypatch.setattr(Specification, "_validate_spec", classmethod(spy))
    return calls


def add_admin_api() -> None:
    AsyncApp(__name__).add_api(load_spec("admin.yaml"), resolver_error=501)


def test_connexion_validates_every_spec_in_add_api(validations: list[type]) -> None:
    """What the patch skips exists: ``add_api`` validates through ``_validate_spec``, and it is real."""
    add_admin_api()
    assert validations == [OpenAPISpecification]
    with pytest.raises(InvalidSpecification):
        OpenAPISpecification._validate_spec(NOT_OPENAPI)


def test_create_app_skips_spec_validation_and_restores_it(validations: list[type]) -> None:
    create_app()
    assert validations == [], "Connexion validated our specs while create_app mounted them"
    assert "_validate_spec" not in OpenAPISpecification.__dict__, "the patch outlived create_app"
    add_admin_api()
    assert validations == [OpenAPISpecification], "validation is not back in force after create_app"


def test_the_patch_skips_only_inside_its_block() -> None:
    with _trusting_shipped_specs():
        OpenAPISpecification._validate_spec(NOT_OPENAPI)
    with pytest.raises(InvalidSpecification):
        OpenAPISpecification._validate_spec(NOT_OPENAPI)


def test_schemathesis_fuzz_validates_scenarios_where_the_patch_expects() -> None:
    from schemathesis.engine.fuzz import _executor

    target = _executor._validate_scenario
    params = list(inspect.signature(target).parameters.values())
    assert [p.name for p in params[:2]] == ["ctx", "recorder"]
    assert all(p.kind is p.KEYWORD_ONLY for p in params[2:]), params
    assert "recorder.cases.items()" in inspect.getsource(target), "the loop the patch makes safe has changed"


def test_fuzzing_survives_cases_recorded_while_a_scenario_is_validated(monkeypatch: pytest.MonkeyPatch) -> None:
    """Stops the campaign at the first scenario whose checks add cases (``ignored_auth`` probes): the
    very situation that ends an unpatched campaign with "dictionary changed size during iteration"."""
    from schemathesis.engine.fuzz import _executor

    real = _executor._validate_scenario
    grew_inside_snapshot: list[bool] = []

    def spy(ctx: Any, recorder: Any, **kwargs: Any) -> Any:
        before = len(recorder.cases)
        try:
            return real(ctx, recorder, **kwargs)
        finally:
            if len(recorder.cases) > before:
                grew_inside_snapshot.append(isinstance(recorder.cases, _Snapshot))
                ctx.stop()

    monkeypatch.setattr(_executor, "_validate_scenario", spy)
    lines: list[str] = []
    run = fuzz(FuzzOptions(["admin"], duration=300, random_seed=7), out=lines.append)
    text = "\n".join(lines)
    assert grew_inside_snapshot == [True], text
    assert run.ok and "dictionary changed size" not in text, text
    assert any(r.name.endswith(":: ignored_auth") and r.status == "passed" for r in run.results), text
    assert _executor._validate_scenario is spy, "the patch outlived the campaign"
