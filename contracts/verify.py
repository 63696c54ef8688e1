"""``idsync verify``: every contract level against the embedded mock or a base URL (docs/design.md "Contracts").

Per API: ``spec`` (openapi-spec-validator), ``conformance`` (Schemathesis examples, coverage
and fuzzing phases, positive and negative data, all built-in checks), ``stateful``
(Schemathesis' stateful phase over the spec's OpenAPI links), then the ``semantic`` and
``scenario`` contracts registered in ``contracts/suites/<api>.py`` plus the generic HTTP ones
(``contracts.generic``). A contract that needs the admin API is SKIPPED, with its reason,
against a target without one. State is reset before every Schemathesis run and every contract
when the target is an idsync mock.
"""

from __future__ import annotations

import copy
import logging
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from contracts.conformance import SchemathesisSettings, check_spec, run_schemathesis
from contracts.generic import generic_contracts
from contracts.report import Result, mask, summary, write_junit
from contracts.scenario import LEVELS, Contract, ContractSkipped, ContractViolation, contracts_for
from contracts.target import Credentials, Target

#: Chosen so ``idsync verify --api all`` on the embedded mock stays well under 5 minutes on 2 cores.
DEFAULT_MAX_EXAMPLES = 10
NEEDS_REASONS = {
    "admin": "needs the idsync admin API (seed, reset, clock) to arrange state; a real vendor has none",
}


@dataclass
class VerifyOptions:
    """Everything ``idsync verify`` takes; ``apis`` are registry names."""

    apis: Sequence[str]
    base_url: str | None = None
    credentials: Credentials | None = None
    profile: str = "default"
    levels: Sequence[str] = LEVELS
    contracts: Sequence[str] | None = None
    max_examples: int = DEFAULT_MAX_EXAMPLES
    seed: int | None = None
    workers: int = 1
    report: str | None = None
    st_report_dir: str | None = None
    verbose: bool = False


@dataclass
class VerifyRun:
    """What a verify run found."""

    results: list[Result] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not any(r.failed for r in self.results)

    def failed_names(self) -> set[str]:
        """Names of failed contracts and Schemathesis checks (``label :: check`` gives both parts)."""
        names = set()
        for r in self.results:
            if r.failed:
                names.add(r.name)
                names.update(part.strip() for part in r.name.split("::"))
        return names


def ordered(apis: Sequence[str]) -> list[str]:
    """The admin API last: its conformance run may reseed or drop tenants the others rely on."""
    return sorted(dict.fromkeys(apis), key=lambda name: name == "admin")


def verify(options: VerifyOptions, out: Callable[[str], None] = print) -> VerifyRun:
    """Run the requested levels for every API and print the summary; write JUnit if asked."""
    started = time.perf_counter()
    run = VerifyRun()
    with open_target(options) as (target, reset):
        secrets = target.credentials.secrets() if options.base_url else []  # the seed's are public
        out(f"idsync verify: {target.root} ({'idsync mock' if target.admin else 'no admin API'})")
        for api in ordered(options.apis):
            for result in verify_api(api, target, reset, options, out):
                result.message = mask(result.message, secrets)
                run.results.append(result)
    run.seconds = time.perf_counter() - started
    out("")
    out(summary(run.results, verbose=options.verbose))
    out(f"verify took {run.seconds:.1f}s")
    if options.report:
        write_junit(run.results, options.report)
        out(f"JUnit report: {options.report}")
    return run


def verify_api(
    api: str, target: Target, reset: Callable[[], None], options: VerifyOptions, out: Callable[[str], None]
) -> Iterator[Result]:
    """Every requested level of one API, in order."""
    from mockserver.apis.registry import by_name
    from mockserver.specs import load_spec

    mount = by_name(api)
    spec = load_spec(mount.spec)
    contracts_for(api)  # imports contracts/suites/<api>.py first: it may register Schemathesis formats or checks
    settings = SchemathesisSettings(
        max_examples=options.max_examples,
        seed=options.seed,
        workers=options.workers,
        report_dir=Path(options.st_report_dir) if options.st_report_dir else None,
    )
    for level in LEVELS:
        if level not in options.levels:
            continue
        began = time.perf_counter()
        if level == "spec":
            results = check_spec(api, spec, mount.spec)
        elif level in ("conformance", "stateful"):
            reset()
            results = run_schemathesis(api, spec, target, level=level, settings=settings)
        else:
            chosen = [c for c in all_contracts(api, spec) if c.level == level]
            if options.contracts is not None:
                chosen = [c for c in chosen if c.name in options.contracts]
            results = [run_contract(c, target, reset) for c in chosen]
        failed = sum(r.failed for r in results)
        if not results:
            continue
        out(f"  {api:10} {level:12} {len(results):4} checks, {failed} failed ({time.perf_counter() - began:.1f}s)")
        yield from results


def all_contracts(api: str, spec: dict[str, Any]) -> list[Contract]:
    """The API's registered contracts (``contracts/suites/<api>.py``) and the generic HTTP ones."""
    return contracts_for(api) + generic_contracts(api, spec)


def run_contract(contract: Contract, target: Target, reset: Callable[[], None]) -> Result:
    """Run one contract; a violation carries the last request/response and a curl line."""
    result = Result(contract.api, contract.level, contract.name, "passed", source=contract.source)
    missing = [need for need in contract.needs if need == "admin" and target.admin is None]
    if missing:
        result.status = "skipped"
        result.message = NEEDS_REASONS.get(missing[0], f"needs {missing[0]}")
        return result
    began = time.perf_counter()
    target.exchanges.clear()
    try:
        reset()
        contract.check(target)
    except ContractSkipped as exc:
        result.status, result.message = "skipped", str(exc)
    except ContractViolation as exc:
        result.status, result.message = "failed", _with_exchange(f"{exc.rule}\n{exc.evidence}".strip(), target)
        result.source = exc.source or contract.source
    except AssertionError as exc:
        result.status, result.message = "failed", _with_exchange(str(exc) or contract.description, target)
    except Exception as exc:  # a crash in the check or the target: still a failure, with its trace
        trace = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        result.status, result.message = "failed", _with_exchange(f"contract raised {trace}", target)
    result.seconds = time.perf_counter() - began
    return result


def _with_exchange(message: str, target: Target) -> str:
    last = target.last_exchange()
    return f"{message}\n{last.format()}" if last else message


@contextmanager
def open_target(options: VerifyOptions) -> Iterator[tuple[Target, Callable[[], None]]]:
    """The target and a function restoring its seeded state (a no-op on a real vendor)."""
    if options.base_url:
        creds = options.credentials or Credentials.from_env()
        target = Target.discover(options.base_url, creds, list(options.apis))
        try:
            yield target, (lambda: _admin_reset(target))
        finally:
            target.close()
        return
    from mockserver.server import LiveServer

    logging.getLogger("uvicorn.error").setLevel(logging.ERROR)  # fuzzed requests uvicorn rejects are expected
    app = embedded_app(options.profile)
    with LiveServer(app) as server:
        target = Target.for_url(server.url, options.credentials or Credentials.embedded(), admin=True)
        try:
            yield target, _runtime_reset(app.runtime)
        finally:
            target.close()


def embedded_app(profile: str) -> Any:
    """``create_app`` for ``profile`` (it carries the HTTP-level planted faults itself)."""
    from mockserver.app import create_app

    return create_app(profile=profile, validate_responses=False)


def _runtime_reset(runtime: Any) -> Callable[[], None]:
    """Restore the in-process world to its first seed, and drop fault rules and the journal."""
    seed = copy.deepcopy(runtime.world.seed)

    def reset() -> None:
        runtime.world.load_seed(copy.deepcopy(seed))
        runtime.faults.clear()
        runtime.journal.clear()

    return reset


def _admin_reset(target: Target) -> None:
    if target.admin is None:
        return
    import httpx

    try:
        target.admin.reset()
        target.admin.clear_faults()
        target.admin.clear_journal()
    except httpx.HTTPError:
        pass  # a conformance run may have locked the admin API; contracts then report what they see
