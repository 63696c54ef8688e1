"""Guards of the three patches of third-party internals (ARCHITECTURE.md "Workarounds").

Each fails when the patched target moves (renamed, removed, another signature or loop), when
the library stops going through it, or when the patch stops taking effect or outlives its block:
``mockserver.app._trusting_shipped_specs`` (Connexion), ``contracts.fuzz._derived_cases_tolerated``
(Schemathesis) and ``contracts.reproducible.seed_and_spec_only`` (Hypothesis). The libraries are
pinned in pyproject.toml to the versions these tests passed on.
"""

from __future__ import annotations

import importlib
import inspect
import sys
from pathlib import Path
from typing import Any

import pytest
from connexion import AsyncApp
from connexion.exceptions import InvalidSpecification
from connexion.spec import OpenAPISpecification, Specification

from contracts.fuzz import FuzzOptions, _Snapshot, fuzz
from contracts.reproducible import seed_and_spec_only
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


def draw_texts(count: int = 300) -> list[str]:
    """``count`` strings Hypothesis draws with a fixed seed."""
    from hypothesis import Phase, given, seed, settings
    from hypothesis import strategies as st

    drawn: list[str] = []

    @seed(20261130)
    @settings(max_examples=count, database=None, deadline=None, phases=[Phase.generate])
    @given(st.text(max_size=12))
    def collect(text: str) -> None:
        drawn.append(text)

    collect()
    return drawn


def import_local_module(directory: Path, constants: list[str]) -> None:
    """Import a new module (outside site-packages: "local" to Hypothesis) holding ``constants``."""
    name = f"idsync_local_constants_{len(sys.modules)}"
    (directory / f"{name}.py").write_text(f"CONSTANTS = {constants!r}\n", encoding="utf-8")
    sys.path.insert(0, str(directory))
    try:
        importlib.import_module(name)
    finally:
        sys.path.remove(str(directory))


def test_hypothesis_mines_constants_where_the_patch_expects() -> None:
    from hypothesis.internal.conjecture import providers

    assert list(inspect.signature(providers._get_local_constants).parameters) == []
    assert "_get_local_constants()" in inspect.getsource(providers.HypothesisProvider), "the pool is read elsewhere"
    assert isinstance(providers.CONSTANTS_CACHE.cache, dict)
    original = providers._get_local_constants
    with seed_and_spec_only():
        assert providers._get_local_constants is not original and len(providers._get_local_constants()) == 0
    assert providers._get_local_constants is original, "the patch outlived its block"


def test_a_seed_draws_the_same_inputs_whatever_modules_were_imported(tmp_path: Path) -> None:
    """Without the patch a newly imported module's string constants change what a seed draws (the
    situation that changed ``idsync verify``'s findings inside a pytest session); with it, not."""
    with seed_and_spec_only():
        before = draw_texts()
    unpatched_before = draw_texts()
    import_local_module(tmp_path, [f"idsync{i}" for i in range(200)])
    unpatched_after = draw_texts()
    with seed_and_spec_only():
        after = draw_texts()
    assert unpatched_before != unpatched_after, "imported constants no longer change the draws: drop the patch"
    assert any(text.startswith("idsync") for text in unpatched_after)
    assert before == after
    assert not any(text.startswith("idsync") for text in after)
