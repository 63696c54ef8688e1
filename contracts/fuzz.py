"""``idsync fuzz``: Schemathesis' continuous fuzzing for a bounded time (docs/design.md, QA campaigns).

Runs ``Engine.fuzz`` (the engine behind ``st fuzz``) per API for ``duration`` seconds against
the embedded mock or a base URL, with every built-in check, and reports each distinct failure
once (per operation and check, first three distinct kinds, each with Schemathesis' curl line).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from contracts.collector import Collector
from contracts.conformance import SchemathesisSettings, operations, schemathesis_config, spec_for_target
from contracts.report import Result, graded, mask, summary, write_junit
from contracts.reproducible import seed_and_spec_only
from contracts.target import DEFAULT_RANDOM_SEED, Credentials, Target
from contracts.verify import VerifyOptions, VerifyRun, open_target, ordered, preflight

if TYPE_CHECKING:
    from _collections_abc import dict_items


@dataclass
class FuzzOptions:
    """Everything ``idsync fuzz`` takes."""

    apis: Sequence[str]
    base_url: str | None = None
    credentials: Credentials | None = None
    profile: str = "default"
    duration: int = 60
    random_seed: int = DEFAULT_RANDOM_SEED
    workers: int = 1
    strict: bool = False
    report: str | None = None
    #: Stop an API's campaign after this many failing scenarios (Schemathesis ``max-failures``);
    #: with a fixed ``random_seed`` the campaign then ends at the same scenario however fast the machine is.
    max_failures: int | None = None


def fuzz(options: FuzzOptions, out: Callable[[str], None] = print) -> VerifyRun:
    """Fuzz every API for ``duration`` seconds each; print distinct failures; write JUnit if asked."""
    started = time.perf_counter()
    run = VerifyRun()
    target_options = VerifyOptions(
        apis=options.apis, base_url=options.base_url, credentials=options.credentials, profile=options.profile
    )
    with open_target(target_options) as (target, reset):
        preflight(target, options.apis)
        out(f"idsync fuzz: {target.root}, {options.duration}s per API")
        out(f"random seed: {options.random_seed} (repeat this run with --random-seed {options.random_seed})")
        secrets = [] if target.credentials.public else target.credentials.secrets()
        for api in ordered(options.apis):
            reset()
            began = time.perf_counter()
            results = [graded(r, strict=options.strict) for r in fuzz_api(api, target, options)]
            for result in results:
                result.message = mask(result.message, secrets)
            failed = sum(r.failed for r in results)
            out(f"  {api:10} fuzz {len(results):4} checks, {failed} failed ({time.perf_counter() - began:.1f}s)")
            run.results.extend(results)
    run.seconds = time.perf_counter() - started
    out("")
    out(summary(run.results))
    out(f"fuzz took {run.seconds:.1f}s")
    if options.report:
        write_junit(run.results, options.report, name="idsync fuzz")
    return run


def fuzz_api(api: str, target: Target, options: FuzzOptions) -> list[Result]:
    """One API's fuzzing campaign, folded into one result per (operation, check)."""
    import schemathesis
    from schemathesis.config import FuzzConfig
    from schemathesis.engine import events, from_schema

    from mockserver.apis.registry import by_name
    from mockserver.specs import load_spec

    spec = spec_for_target(api, load_spec(by_name(api).spec), target)
    if not operations(spec):
        return [Result(api, "fuzz", "operations", "skipped", "the spec defines no operations")]
    # Keep fuzzing after a failure for the whole duration (or ``max_failures``): we report every distinct one.
    extra: dict[str, Any] = {"continue-on-failure": True}
    if options.max_failures is not None:
        extra["max-failures"] = options.max_failures
    settings = SchemathesisSettings(seed=options.random_seed, workers=options.workers, extra=extra)
    schema = schemathesis.openapi.from_dict(spec, config=schemathesis_config(api, spec, target, ("fuzzing",), settings))
    collector = Collector(api, "fuzz", target)
    with _derived_cases_tolerated(), seed_and_spec_only():
        for event in from_schema(schema).fuzz(FuzzConfig(max_time=options.duration)):
            collector.on_event(event)
            if isinstance(event, events.FatalError):
                break
    return collector.results()


class _Snapshot(dict[str, Any]):
    """A dict whose ``items()`` is a snapshot, so adding to it while iterating is safe."""

    def items(self) -> dict_items[str, Any]:
        return dict(self).items()


@contextmanager
def _derived_cases_tolerated() -> Iterator[None]:
    """Work around Schemathesis 4.32.5 fuzz mode: checks that send extra requests (``ignored_auth``)
    add cases to the recorder while ``_validate_scenario`` iterates ``recorder.cases``, which
    raises "dictionary changed size during iteration" and ends the campaign.

    Upstream: not reported upstream as of 2026-11-30; the failure: in ``st fuzz`` (engine
    ``fuzz/_executor.py``) ``_validate_scenario`` loops over ``recorder.cases.items()`` while a
    check records the requests it sends into the same dict, so the first scenario in which
    ``ignored_auth`` probes an operation ends the fuzzing worker with that RuntimeError.
    (schemathesis/schemathesis#4325 fixed the same message for several workers on free-threaded
    Python, a different cause.) The private ``_executor._validate_scenario`` is replaced for the
    campaign only; ``tests/test_upstream_patches.py`` fails if it moves, changes its signature or
    its loop, or the replacement is not the one called. Pinned to the tested Schemathesis in
    pyproject.toml.
    """
    from schemathesis.engine.fuzz import _executor

    original = getattr(_executor, "_validate_scenario", None)
    if original is None:  # a later Schemathesis: nothing to patch
        yield
        return

    def validate(ctx: Any, recorder: Any, **kwargs: Any) -> Any:
        recorder.cases = _Snapshot(recorder.cases)
        return original(ctx, recorder, **kwargs)

    _executor._validate_scenario = validate
    try:
        yield
    finally:
        _executor._validate_scenario = original
