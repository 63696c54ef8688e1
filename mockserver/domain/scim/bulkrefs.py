"""``bulkId`` references of a bulk job (RFC 7644 §3.7.1, §3.7.2): their order, and cycles broken.

"The 'bulkId' attribute value must be prepended with the literal 'bulkId:' ... The service
provider MUST replace the string 'bulkId:qwerty' with the permanent resource id once created"
(§3.7.2), wherever it appears: a member ``value``, the enterprise ``manager.value``, an operation
``path`` (``/Groups/bulkId:qwerty``). :func:`plan` yields the operations in request order, except
that one naming a bulkId whose POST comes later waits for that POST (a forward reference), so the
client's intent is kept (§3.7: "the service provider MUST ensure that the client's intent is
preserved and the same stateful result is achieved").

Cycles (§3.7.1: "The service provider MUST try to resolve circular cross-references between
resources in a single bulk job but MAY stop after a failed attempt and instead return HTTP status
code 409"): when every remaining operation waits, the first waiting group POST whose waiting
references are all ``members`` is created without those members, and a second step adds them
once their resources exist; that is the RFC's own example (two groups naming each other). If the
second step cannot be done (a referenced POST failed), the group is deleted again and the
operation answers 409, so each operation stays all-or-nothing. Any other cycle answers 409.
A reference to a bulkId that no POST of the request created answers 409 too (Inferred, as §3.7.1).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from mockserver.domain.errors import DomainError, InvalidSyntax

PREFIX = "bulkId:"
PATCH_ADD = "add"


class Unresolved(DomainError):
    """409 without ``scimType``: a ``bulkId`` reference that no operation of the job resolved
    (RFC 7644 §3.7.1 answers a failed cross-reference with 409 Conflict)."""

    status = 409


@dataclass(frozen=True)
class Operation:
    """One operation of the job as sent (``index`` in ``Operations``), with its bulkId references.

    ``completes`` is set on the second step of a cycle-broken group POST: the id of the group the
    first step created, to which ``data`` (PATCH operations) adds the deferred members.
    """

    index: int
    method: str
    bulk_id: str | None
    path: str
    version: str | None
    data: Any
    refs: frozenset[str]
    problem: DomainError | None = None
    completes: str | None = None

    def resolved(self, created: dict[str, str]) -> tuple[str, str, Any]:
        """``(method, path, data)`` with every ``bulkId:`` reference replaced by the created id."""
        if self.problem is not None:
            raise self.problem
        for ref in sorted(self.refs):
            if ref not in created:
                raise Unresolved(f"bulkId {ref!r} names no resource created by this bulk request (RFC 7644 §3.7.2)")
        return self.method, _substitute(self.path, created), _substitute(self.data, created)


def read(index: int, raw: Any) -> Operation:
    """An operation as sent; a malformed one carries its error (it fails alone, RFC 7644 §3.7)."""
    if not isinstance(raw, dict):
        not_object = InvalidSyntax("Each operation must be an object")
        return Operation(index, "", None, "", None, None, frozenset(), not_object)
    method, path, bulk_id, version = (raw.get(k) for k in ("method", "path", "bulkId", "version"))
    problem: DomainError | None = None
    if not isinstance(method, str) or not isinstance(path, str):
        problem = InvalidSyntax("Each operation needs a method and a path (RFC 7644 §3.7)")
    elif not isinstance(bulk_id, str | None) or not isinstance(version, str | None):
        problem = InvalidSyntax("bulkId and version must be strings")
    data = raw.get("data")
    return Operation(
        index,
        method.upper() if isinstance(method, str) else "",
        bulk_id if isinstance(bulk_id, str) else None,
        path if isinstance(path, str) else "",
        version if isinstance(version, str) else None,
        data,
        frozenset(_refs(path) | _refs(data)),
        problem,
    )


def plan(raw: tuple[Any, ...], created: dict[str, str]) -> Iterator[Operation]:
    """The operations in the order they can be applied; the caller applies each step before asking
    for the next, filling ``created`` (bulkId → id of each successful POST)."""
    pending = _first_definitions([read(i, r) for i, r in enumerate(raw)])
    while pending:
        waiting_on = {op.bulk_id for op in pending if op.method == "POST" and op.bulk_id and op.completes is None}
        ready = next((op for op in pending if not (op.refs & waiting_on)), None)
        if ready is not None:
            pending.remove(ready)
            yield ready
            continue
        broken = _break_cycle(pending, waiting_on)
        if broken is None:
            cycle = Unresolved("Circular bulkId references that cannot be resolved (RFC 7644 §3.7.1)")
            yield from (replace(op, problem=op.problem or cycle) for op in pending)
            return
        original, first, members = broken
        pending.remove(original)
        yield first
        if first.bulk_id in created:
            second = replace(first, data=[{"op": PATCH_ADD, "path": "members", "value": members}])
            pending.insert(0, replace(second, refs=frozenset(_refs(members)), completes=created[first.bulk_id or ""]))


def _first_definitions(ops: list[Operation]) -> list[Operation]:
    """A bulkId defined by two POSTs is the first one's; the second fails (bulkIds are "unique within
    a bulk request", RFC 7644 §3.7)."""
    seen: set[str] = set()
    out = []
    for op in ops:
        if op.method == "POST" and op.bulk_id in seen:
            twice = InvalidSyntax(f"bulkId {op.bulk_id!r} is used twice")
            op = replace(op, bulk_id=None, problem=op.problem or twice)
        elif op.method == "POST" and op.bulk_id:
            seen.add(op.bulk_id)
        out.append(op)
    return out


def _break_cycle(pending: list[Operation], waiting_on: set[str]) -> tuple[Operation, Operation, list[Any]] | None:
    """The first group POST whose waiting references are all member values: that POST, that POST
    without those members, and the members it defers."""
    for op in pending:
        if op.method != "POST" or op.path.strip("/").lower() != "groups" or not isinstance(op.data, dict):
            continue
        members = op.data.get("members")
        if not isinstance(members, list):
            continue
        deferred = [m for m in members if _refs(m) & waiting_on]
        kept = [m for m in members if m not in deferred]
        rest = {k: v for k, v in op.data.items() if k != "members"}
        if deferred and not (_refs(rest) & waiting_on) and not (_refs(kept) & waiting_on):
            data = {**rest, "members": kept} if kept else rest
            return op, replace(op, data=data, refs=frozenset(_refs(data) | _refs(op.path))), deferred
    return None


def _refs(value: Any) -> set[str]:
    """Every bulkId named by a ``bulkId:<id>`` string (or path segment) in ``value``."""
    if isinstance(value, str):
        return {part[len(PREFIX) :] for part in value.split("/") if part.startswith(PREFIX)}
    if isinstance(value, dict):
        return set().union(*(_refs(v) for v in value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*(_refs(v) for v in value)) if value else set()
    return set()


def _substitute(value: Any, created: dict[str, str]) -> Any:
    if isinstance(value, str):
        if PREFIX not in value:
            return value
        return "/".join(created.get(p[len(PREFIX) :], p) if p.startswith(PREFIX) else p for p in value.split("/"))
    if isinstance(value, dict):
        return {k: _substitute(v, created) for k, v in value.items()}
    if isinstance(value, list):
        return [_substitute(v, created) for v in value]
    return value
