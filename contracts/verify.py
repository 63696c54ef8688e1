"""``idsync verify``: every contract level against the embedded mock or a base URL (docs/design.md "Contracts").

Per API: ``spec`` (openapi-spec-validator), ``conformance`` (Schemathesis examples, coverage
and fuzzing phases, positive and negative data, all built-in checks), ``stateful``
(Schemathesis' stateful phase over the spec's OpenAPI links), then the ``semantic`` and
``scenario`` contracts registered in ``contracts/suites/<api>.py`` plus the generic HTTP ones
(``contracts.generic``). A contract that needs the admin API is SKIPPED, with its reason,
against a target without one. State is reset before every Schemathesis run and every contract
when the target is an idsync mock.

Before any level runs, ``contracts.preflight`` checks that the target answers and accepts the
credentials. Every check has a requirement level: a broken MUST fails the run, a broken SHOULD
is a warning unless ``strict`` (``contracts.report.graded``). Schemathesis and the Hypothesis
properties inside contracts draw from one fixed ``random_seed``, printed, so a run repeats.
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

from contracts.conformance import SchemathesisSettings, check_spec, run_schemathesis, spec_for_target
from contracts.evidence import Exchange, Reproduction
from contracts.generic import generic_contracts
from contracts.idp import wanted
from contracts.idp.steps import idp_contracts
from contracts.preflight import credentials_accepted, reachable
from contracts.progress import Progress, on_terminal
from contracts.report import Requirement, Result, graded, mask, summary, write_junit
from contracts.report_html import write_html
from contracts.scenario import (
    LEVELS,
    Contract,
    ContractSkipped,
    ContractViolation,
    collecting_deviations,
    contracts_for,
)
from contracts.target import DEFAULT_RANDOM_SEED, Credentials, Target

#: Chosen so ``idsync verify --api all`` on the embedded mock stays well under 5 minutes on 2 cores.
DEFAULT_MAX_EXAMPLES = 10
#: The port ``idsync serve`` listens on by default: where a failure on the embedded mock is reproduced.
SERVE_PORT = 8080
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
    random_seed: int = DEFAULT_RANDOM_SEED
    workers: int = 1
    strict: bool = False
    report: str | None = None
    report_html: str | None = None
    st_report_dir: str | None = None
    verbose: bool = False
    #: Progress lines while a level runs; None: every 5 s on a terminal, none in a CI log.
    progress: Progress | None = None
    #: ``--idp``: replay this identity provider's life cycle (``contracts.idp``); None: no replay.
    idp: str | None = None


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
    """Run the requested levels for every API and print the summary; write JUnit if asked.

    Raises ``contracts.preflight.PreflightError`` when the target does not answer or refuses
    the credentials (nothing else has run then).
    """
    started = time.perf_counter()
    run = VerifyRun()
    progress = options.progress or Progress(out, live=on_terminal())
    with open_target(options) as (target, reset), progress.heartbeat():
        secrets = [] if target.credentials.public else target.credentials.secrets()
        preflight(target, options.apis)
        facts = {"target": target.root, "random seed": str(options.random_seed)}
        out(f"idsync verify: {target.root} ({'idsync mock' if target.admin else 'no admin API'})")
        out(f"random seed: {options.random_seed} (repeat this run with --random-seed {options.random_seed})")
        if target.credentials.public and options.base_url:
            out("credentials: none given; an idsync mock: the default seed's public credentials")
        for api in ordered(options.apis):
            for result in verify_api(api, target, reset, options, out, progress):
                result.message = mask(result.message, secrets)
                run.results.append(graded(result, strict=options.strict))
    run.seconds = time.perf_counter() - started
    out("")
    out(summary(run.results, verbose=options.verbose))
    out(f"verify took {run.seconds:.1f}s")
    finished = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
    _write_reports(run, options, {**facts, "finished": finished, "took": f"{run.seconds:.1f}s"}, secrets, out)
    return run


def _write_reports(
    run: VerifyRun, options: VerifyOptions, facts: dict[str, str], secrets: Sequence[str], out: Callable[[str], None]
) -> None:
    """JUnit XML (``--report``) and the HTML page (``--report-html``), when asked for."""
    if options.report:
        write_junit(run.results, options.report)
        out(f"JUnit report: {options.report}")
    if options.report_html:
        write_html(run.results, options.report_html, facts, secrets=secrets)
        out(f"HTML report: {options.report_html}")


def preflight(target: Target, apis: Sequence[str]) -> None:
    """Every API accepts the credentials (``contracts.preflight``); raises ``PreflightError``."""
    for api in ordered(apis):
        credentials_accepted(target, api, spec_for_target(api, _spec(api), target))


def _spec(api: str) -> dict[str, Any]:
    from mockserver.apis.registry import by_name
    from mockserver.specs import load_spec

    return load_spec(by_name(api).spec)


def verify_api(
    api: str,
    target: Target,
    reset: Callable[[], None],
    options: VerifyOptions,
    out: Callable[[str], None],
    progress: Progress | None = None,
) -> Iterator[Result]:
    """Every requested level of one API, in order; one line per level, ``progress`` while it runs."""
    progress = progress or Progress(out, live=False)
    spec = _spec(api)
    contracts_for(api)  # imports contracts/suites/<api>.py first: it may register Schemathesis formats or checks
    settings = SchemathesisSettings(
        max_examples=options.max_examples,
        seed=options.random_seed,
        workers=options.workers,
        report_dir=Path(options.st_report_dir) if options.st_report_dir else None,
    )
    for level in LEVELS:
        if level not in options.levels:
            continue
        began = time.perf_counter()
        progress.begin(api, level)
        try:
            results = _run_level(api, level, spec, target, reset, options, settings, progress)
        finally:
            progress.end()
        if not results:
            continue
        graded_now = [graded(copy.copy(r), strict=options.strict) for r in results]
        failed, warned = sum(r.failed for r in graded_now), sum(r.status == "warned" for r in graded_now)
        seconds = time.perf_counter() - began
        out(f"  {api:10} {level:12} {len(results):4} checks, {failed} failed, {warned} warned ({seconds:.1f}s)")
        yield from results


def _run_level(
    api: str,
    level: str,
    spec: dict[str, Any],
    target: Target,
    reset: Callable[[], None],
    options: VerifyOptions,
    settings: SchemathesisSettings,
    progress: Progress,
) -> list[Result]:
    """The results of one level of one API, reporting each check done to ``progress``."""
    from mockserver.apis.registry import by_name

    if level == "spec":
        return check_spec(api, spec, by_name(api).spec)
    if level in ("conformance", "stateful"):
        reset()
        return run_schemathesis(api, spec, target, level=level, settings=settings, progress=progress.update)
    picked = options.idp, options.contracts
    chosen = [c for c in all_contracts(api, spec) if c.level == level and wanted(c.name, *picked)]
    results: list[Result] = []
    for contract in chosen:
        results += run_contract(contract, target, reset)
        progress.update(len(results), sum(r.failed for r in results))
    return results


def all_contracts(api: str, spec: dict[str, Any]) -> list[Contract]:
    """The API's registered contracts (``contracts/suites/<api>.py``), the generic HTTP ones and the
    IdP replay steps (``contracts.idp``, SCIM only; run with ``--idp``)."""
    return contracts_for(api) + generic_contracts(api, spec) + idp_contracts(api)


def contract_names(apis: Sequence[str]) -> list[str]:
    """Names of the semantic and scenario contracts of ``apis`` (what ``--contract`` accepts)."""
    return sorted({c.name for api in apis for c in all_contracts(api, _spec(api))})


def run_contract(contract: Contract, target: Target, reset: Callable[[], None]) -> list[Result]:
    """Run one contract: its own result, then one warning result per SHOULD deviation it recorded.

    A violation carries the request and response that showed it and a curl line.
    """
    result = Result(
        contract.api, contract.level, contract.name, "passed", source=contract.source, requirement=contract.requirement
    )
    missing = [need for need in contract.needs if need == "admin" and target.admin is None]
    if missing:
        result.status = "skipped"
        result.message = NEEDS_REASONS.get(missing[0], f"needs {missing[0]}")
        return [result]
    began = time.perf_counter()
    target.exchanges.clear()
    with collecting_deviations(target.last_exchange) as deviations:
        try:
            reset()
            contract.check(target)
        except ContractSkipped as exc:
            result.status, result.message = "skipped", str(exc)
        except ContractViolation as exc:
            exc.exchange = target.last_exchange()
            _violated(result, exc, contract.requirement)
        except AssertionError as exc:
            _failed(result, str(exc) or contract.description, target.last_exchange())
        except Exception as exc:  # a crash in the check or the target: still a failure, with its trace
            trace = "".join(traceback.format_exception_only(type(exc), exc)).strip()
            _failed(result, f"contract raised {trace}", target.last_exchange())
    result.seconds = time.perf_counter() - began
    rules = {d.rule: [other for other in deviations if other.rule == d.rule] for d in deviations}
    return [result, *(_deviation(contract, same) for same in rules.values())]


def _violated(result: Result, violation: ContractViolation, default: Requirement) -> None:
    exchange = violation.exchange if isinstance(violation.exchange, Exchange) else None
    _failed(result, f"{violation.rule}\n{violation.evidence}".strip(), exchange)
    result.rule = violation.rule
    result.source = violation.source or result.source
    result.requirement = violation.requirement or default


def _failed(result: Result, message: str, exchange: Exchange | None) -> None:
    result.status = "failed"
    if not result.rule and message:
        result.rule = message.splitlines()[0]
    result.message = f"{message}\n{exchange.format()}" if exchange else message
    result.evidence = [exchange] if exchange else []


def _deviation(contract: Contract, same_rule: list[ContractViolation]) -> Result:
    """The SHOULD deviations of one rule as one result, named after the contract and the rule."""
    made = Result(contract.api, contract.level, f"{contract.name} :: {same_rule[0].rule}", "passed")
    _violated(made, same_rule[0], Requirement.SHOULD)
    for other in same_rule[1:]:
        exchange = other.exchange if isinstance(other.exchange, Exchange) else None
        made.message += "\n\n" + (f"{other.evidence}\n{exchange.format()}" if exchange else other.evidence)
        made.evidence += [exchange] if exchange else []
    return made


@contextmanager
def open_target(options: VerifyOptions) -> Iterator[tuple[Target, Callable[[], None]]]:
    """The target and a function restoring its seeded state (a no-op on a real vendor)."""
    if options.base_url:
        reachable(options.base_url)
        creds = options.credentials or Credentials.from_env()
        target = Target.discover(options.base_url, creds, list(options.apis))
        target.random_seed = options.random_seed
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
        target.random_seed = options.random_seed
        target.reproduction = embedded_reproduction(server.url, options.profile)
        try:
            yield target, _runtime_reset(app.runtime)
        finally:
            target.close()


def embedded_reproduction(url: str, profile: str) -> Reproduction:
    """Curl lines of the embedded mock point at ``idsync serve`` with the same profile on its default port."""
    shown = f"http://127.0.0.1:{SERVE_PORT}"
    command = f"idsync serve --port {SERVE_PORT}" + (f" --profile {profile}" if profile != "default" else "")
    return Reproduction(url.rstrip("/"), shown, f"(start the same mock first: {command}) ")


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
