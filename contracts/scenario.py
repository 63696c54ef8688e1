"""Semantic and scenario contracts: plain functions over a :class:`~contracts.target.Target`.

Each vendor module in ``contracts/suites/<api>.py`` decorates its checks with
:func:`contract`. ``idsync verify`` runs them after the Schemathesis levels; the pytest suite
runs them against the embedded mock; a check that needs set-up the public API cannot do
(``needs=("admin",)``: seeding upstream users, moving the clock) is skipped against a real
vendor with that reason (docs/style.md rules 8-10).

A check fails by raising ``AssertionError`` whose message names the rule and its source; use
:func:`require` for that.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

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


REGISTRY: list[Contract] = []


def contract(
    api: str, *, level: str, source: str, needs: tuple[str, ...] = ()
) -> Callable[[Callable[[Target], None]], Callable[[Target], None]]:
    """Register ``func`` as a contract of ``api``; its docstring's first line describes the rule."""
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}")

    def register(func: Callable[[Target], None]) -> Callable[[Target], None]:
        doc = (func.__doc__ or func.__name__).strip().splitlines()[0]
        REGISTRY.append(Contract(api, func.__name__, level, source, func, needs, doc))
        return func

    return register


class ContractViolation(AssertionError):
    """A MUST broken by the target: the rule, its source, and the evidence."""

    def __init__(self, rule: str, source: str, evidence: str = "") -> None:
        super().__init__(f"{rule} [{source}]" + (f"\n{evidence}" if evidence else ""))
        self.rule = rule
        self.source = source
        self.evidence = evidence


class ContractSkipped(Exception):
    """The contract cannot run against this target (e.g. the spec has no operation it needs)."""


def skip(reason: str) -> None:
    """Stop the running contract as skipped with ``reason`` (never a silent pass)."""
    raise ContractSkipped(reason)


def require(condition: object, rule: str, source: str, evidence: str = "") -> None:
    """Raise :class:`ContractViolation` unless ``condition`` holds."""
    if not condition:
        raise ContractViolation(rule, source, evidence)


@dataclass
class Outcome:
    """Result of running one contract."""

    contract: Contract
    status: str  # "passed" | "failed" | "skipped"
    message: str = ""
    seconds: float = 0.0
    extra: dict[str, str] = field(default_factory=dict)


def contracts_for(api: str) -> list[Contract]:
    """Every registered contract of ``api`` (imports ``contracts.suites.<api>``)."""
    import importlib

    try:
        importlib.import_module(f"contracts.suites.{api}")
    except ModuleNotFoundError as exc:
        if exc.name != f"contracts.suites.{api}":
            raise
    return [c for c in REGISTRY if c.api == api]
