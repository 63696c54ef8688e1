"""Semantic and scenario contracts: plain functions over a :class:`~contracts.target.Target`.

Each vendor module in ``contracts/suites/<api>.py`` decorates its checks with
:func:`contract`. ``idsync verify`` runs them after the Schemathesis levels; the pytest suite
runs them against the embedded mock; a check that needs set-up the public API cannot do
(``needs=("admin",)``: seeding upstream users, moving the clock) is skipped against a real
vendor with that reason (docs/style.md rules 8-10).

A check fails by raising ``AssertionError`` whose message names the rule and its source; use
:func:`require` for that. Every contract and every ``require`` carries a requirement level (RFC
2119): a broken MUST fails the run, a broken SHOULD is a warning (``--strict`` fails it). A
contract's level is the default of its ``require`` calls; :func:`should` records a SHOULD
deviation and lets the contract go on to its MUST checks. Where a source allows alternatives
(PATCH answers 200 *or* 204) the contract accepts every one of them: MAY is never a check.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from contracts.report import Requirement

if TYPE_CHECKING:
    from contracts.target import Target

LEVELS = ("spec", "conformance", "stateful", "semantic", "scenario")


@dataclass(frozen=True)
class Contract:
    """One named rule with its source, checked by ``check(target)``."""

    api: str
    name: str
    level: str
    source: str
    check: Callable[[Target], None]
    needs: tuple[str, ...] = ()
    description: str = ""
    requirement: Requirement = Requirement.MUST


REGISTRY: list[Contract] = []


def contract(
    api: str,
    *,
    level: str,
    source: str,
    needs: tuple[str, ...] = (),
    requirement: Requirement = Requirement.MUST,
) -> Callable[[Callable[[Target], None]], Callable[[Target], None]]:
    """Register ``func`` as a contract of ``api``; its docstring's first line describes the rule."""
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}")

    def register(func: Callable[[Target], None]) -> Callable[[Target], None]:
        doc = (func.__doc__ or func.__name__).strip().splitlines()[0]
        REGISTRY.append(Contract(api, func.__name__, level, source, func, needs, doc, requirement))
        return func

    return register


class ContractViolation(AssertionError):
    """A rule broken by the target: the rule, its source, its level (None: the contract's) and the evidence."""

    def __init__(self, rule: str, source: str, evidence: str = "", requirement: Requirement | None = None) -> None:
        super().__init__(f"{rule} [{source}]" + (f"\n{evidence}" if evidence else ""))
        self.rule = rule
        self.source = source
        self.evidence = evidence
        self.requirement = requirement
        #: The request that showed the deviation, set by ``run_contract`` (``contracts.evidence.Exchange``).
        self.exchange: object | None = None


#: SHOULD deviations of the running contract and how to get its last exchange; None outside ``run_contract``.
_DEVIATIONS: ContextVar[tuple[list[ContractViolation], Callable[[], Any]] | None] = ContextVar(
    "deviations", default=None
)


class ContractSkipped(Exception):
    """The contract cannot run against this target (e.g. the spec has no operation it needs)."""


def skip(reason: str) -> None:
    """Stop the running contract as skipped with ``reason`` (never a silent pass)."""
    raise ContractSkipped(reason)


def require(
    condition: object, rule: str, source: str, evidence: str = "", requirement: Requirement | None = None
) -> None:
    """Raise :class:`ContractViolation` unless ``condition`` holds (at the contract's level unless given)."""
    if not condition:
        raise ContractViolation(rule, source, evidence, requirement)


def should(condition: object, rule: str, source: str, evidence: str = "") -> None:
    """A SHOULD: record a deviation and go on (``run_contract`` reports it as a warning).

    Outside ``run_contract`` (a test calling the contract directly) a deviation is raised, so
    the mock's own tests hold it to every SHOULD.
    """
    if condition:
        return
    deviation = ContractViolation(rule, source, evidence, Requirement.SHOULD)
    running = _DEVIATIONS.get()
    if running is None:
        raise deviation
    collected, last_exchange = running
    deviation.exchange = last_exchange()
    collected.append(deviation)


@contextmanager
def collecting_deviations(last_exchange: Callable[[], Any]) -> Iterator[list[ContractViolation]]:
    """Collect the :func:`should` deviations of the contract run inside, each with ``last_exchange()``."""
    collected: list[ContractViolation] = []
    token = _DEVIATIONS.set((collected, last_exchange))
    try:
        yield collected
    finally:
        _DEVIATIONS.reset(token)


def contracts_for(api: str) -> list[Contract]:
    """Every registered contract of ``api`` (imports ``contracts.suites.<api>``)."""
    import importlib

    try:
        importlib.import_module(f"contracts.suites.{api}")
    except ModuleNotFoundError as exc:
        if exc.name != f"contracts.suites.{api}":
            raise
    return [c for c in REGISTRY if c.api == api]
