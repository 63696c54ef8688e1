"""Evaluating SCIM filters (RFC 7644 §3.4.2.2) against resources of one resource type.

``compile_filter`` binds a parsed filter to a resource type and returns a predicate;
``index_keys`` tells the directory which indexed lookups can stand in for a full scan.
Multi-valued attributes match when any value matches; string comparison follows the
attribute's ``caseExact`` (RFC 7643 §2.2); ``ne`` is ``not eq``. Attributes that are never
returned cannot be named (``paths.Unsearchable``), at the top level or inside ``[...]``; a
comparison whose value does not fit the attribute follows ``Dialect.mismatched_comparison``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import lru_cache
from typing import Any

from mockserver.domain.errors import BadRequest, InvalidFilter
from mockserver.domain.scim.dialect import RFC7644, Dialect
from mockserver.domain.scim.filter import Cmp, Logical, Node, Not, Predicate, Present, ValuePath, parse
from mockserver.domain.scim.paths import Resolved, resolve, searchable
from mockserver.domain.scim.schema import Attr, ResourceType


@lru_cache(maxsize=4096)
def parse_datetime(text: str) -> datetime:
    """An xsd:dateTime (RFC 7643 §2.3.5); naive values are taken as UTC."""
    from datetime import UTC

    parsed = datetime.fromisoformat(text.replace("z", "Z"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def comparator(attr: Attr, op: str, value: Any) -> Callable[[Any], bool]:
    """``value``-bound test of one attribute value, per the attribute's type (RFC 7644 §3.4.2.2)."""
    kind = attr.type
    if kind == "complex":
        raise InvalidFilter(f"Cannot compare complex attribute {attr.name!r}; name a sub-attribute")
    if kind == "boolean":
        if not isinstance(value, bool) or op not in ("eq", "ne"):
            raise InvalidFilter(f"{attr.name!r} is boolean: only eq/ne with true or false")
        return lambda v: v is value
    if kind in ("integer", "decimal"):
        if isinstance(value, bool) or not isinstance(value, int | float) or op in ("co", "sw", "ew"):
            raise InvalidFilter(f"{attr.name!r} is numeric: compare it with a number")
        return _ordered(op, value, lambda v: v if isinstance(v, int | float) and not isinstance(v, bool) else None)
    if not isinstance(value, str):
        raise InvalidFilter(f"{attr.name!r} is a {kind}: compare it with a string")
    if kind == "dateTime":
        if op in ("co", "sw", "ew"):
            raise InvalidFilter(f"{attr.name!r} is a dateTime: use eq/ne/gt/ge/lt/le")
        try:
            target = parse_datetime(value)
        except ValueError:
            raise InvalidFilter(f"{value!r} is not an RFC 3339 dateTime") from None
        return _ordered(op, target, _safe_datetime)
    fold: Callable[[str], str] = (lambda s: s) if attr.case_exact else str.lower
    needle = fold(value)
    if op == "co":
        return lambda v: isinstance(v, str) and needle in fold(v)
    if op == "sw":
        return lambda v: isinstance(v, str) and fold(v).startswith(needle)
    if op == "ew":
        return lambda v: isinstance(v, str) and fold(v).endswith(needle)
    return _ordered(op, needle, lambda v: fold(v) if isinstance(v, str) else None)


def _safe_datetime(v: Any) -> datetime | None:
    try:
        return parse_datetime(v) if isinstance(v, str) else None
    except ValueError:
        return None


def _ordered(op: str, target: Any, convert: Callable[[Any], Any]) -> Callable[[Any], bool]:
    tests: dict[str, Callable[[Any], bool]] = {
        "eq": lambda c: c == target,
        "ne": lambda c: c == target,  # negated by the caller (ne = not eq)
        "gt": lambda c: c > target,
        "ge": lambda c: c >= target,
        "lt": lambda c: c < target,
        "le": lambda c: c <= target,
    }
    test = tests[op]

    def check(v: Any) -> bool:
        c = convert(v)
        return c is not None and test(c)

    return check


def _nonempty(v: Any) -> bool:
    return v not in ("", None) and v != [] and v != {}


def _nothing(r: dict[str, Any]) -> bool:
    return False


class _Binder:
    """Binds AST paths to a resource type (top level) or to a complex attribute (inside ``[...]``)."""

    def __init__(self, rtype: ResourceType, lenient: bool, dialect: Dialect = RFC7644) -> None:
        self.rtype = rtype
        self.lenient = lenient
        self.dialect = dialect

    def path(self, text: str, scope: Attr | None) -> Resolved | None:
        if scope is not None:
            sub = scope.child(text)
            if sub is None:
                raise InvalidFilter(f"{scope.name!r} has no sub-attribute {text!r}")
            searchable(scope, sub)
            return Resolved(None, Attr("__element__", "complex", sub=scope.sub), sub)
        found = resolve(self.rtype, text, InvalidFilter, lenient=self.lenient)
        if found is not None and found.attr is None:
            raise InvalidFilter(f"{text!r} names a schema, not an attribute")
        if found is not None:
            searchable(found.attr, found.sub)
        return found

    def bind(self, node: Node, scope: Attr | None = None) -> Predicate:
        if isinstance(node, Logical):
            left, right = self.bind(node.left, scope), self.bind(node.right, scope)
            if node.op == "and":
                return lambda r: left(r) and right(r)
            return lambda r: left(r) or right(r)
        if isinstance(node, Not):
            inner = self.bind(node.inner, scope)
            return lambda r: not inner(r)
        if isinstance(node, ValuePath):
            return self.value_path(node, scope)
        res = self.path(node.path, scope)
        if res is None:
            return (lambda r: True) if isinstance(node, Cmp) and node.op == "ne" else _nothing
        values = _element_values(res) if scope is not None else res.values
        if isinstance(node, Present):
            return lambda r: any(_nonempty(v) for v in values(r))
        if res.sub is None and res.attr is not None and res.attr.type == "complex":
            value_sub = res.attr.child("value")
            if value_sub is None:
                return self.mismatch(node, InvalidFilter(f"Cannot compare complex attribute {res.attr.name!r}"))
            res = Resolved(res.ext, res.attr, value_sub)
            values = res.values
        return self.compare(values, res.leaf, node)

    def compare(self, values: Callable[[dict[str, Any]], list[Any]], leaf: Attr, node: Cmp) -> Predicate:
        if node.value is None:
            if node.op not in ("eq", "ne"):
                return self.mismatch(node, InvalidFilter("null can only be compared with eq or ne"))
            want_absent = node.op == "eq"
            return lambda r: (not values(r)) == want_absent
        try:
            test = comparator(leaf, node.op, node.value)
        except InvalidFilter as exc:
            return self.mismatch(node, exc)
        if node.op == "ne":
            return lambda r: not any(test(v) for v in values(r))
        return lambda r: any(test(v) for v in values(r))

    def mismatch(self, node: Cmp, exc: BadRequest) -> Predicate:
        """``Dialect.mismatched_comparison``: 400 ``invalidFilter``, or a comparison that matches
        nothing (so ``ne``, which is ``not eq``, matches everything)."""
        if self.dialect.mismatched_comparison == "invalidFilter":
            raise exc
        return (lambda r: True) if node.op == "ne" else _nothing

    def value_path(self, node: ValuePath, scope: Attr | None) -> Predicate:
        if scope is not None:
            raise InvalidFilter("Value filters cannot nest")
        res = self.path(node.path, None)
        if res is None:
            return _nothing
        if res.sub is not None or res.attr is None or res.attr.type != "complex":
            raise InvalidFilter(f"{node.path!r} is not a complex attribute")
        inner = self.bind(node.inner, res.attr)
        return lambda r: any(isinstance(e, dict) and inner(e) for e in res.values(r))


def _element_values(res: Resolved) -> Callable[[dict[str, Any]], list[Any]]:
    name = res.leaf.name

    def values(element: dict[str, Any]) -> list[Any]:
        v = element.get(name)
        return [] if v is None else (v if isinstance(v, list) else [v])

    return values


def compile_filter(
    text: str, rtype: ResourceType, *, lenient: bool = False, dialect: Dialect = RFC7644
) -> tuple[Node, Predicate]:
    """Parse and bind ``text``; ``lenient`` (root ``/.search``) makes unknown attributes match nothing."""
    try:
        node = parse(text)
        return node, _Binder(rtype, lenient, dialect).bind(node)
    except BadRequest as exc:
        dialect.reword(exc)
        raise


def index_keys(node: Node, indexed: dict[str, bool]) -> list[tuple[str, str]] | None:
    """Index lookups ``[(attribute, key)]`` whose union holds every match, or None (scan needed).

    ``indexed`` maps an attribute name (lower case) to whether it is case-exact. ``and`` needs
    one indexed side; ``or`` needs both.
    """
    if isinstance(node, Cmp) and node.op == "eq" and isinstance(node.value, str):
        name = (
            node.path.lower().rsplit(":", 1)[-1]
            if node.path.lower().startswith("urn:ietf:params:scim:schemas:core:")
            else node.path.lower()
        )
        if name in indexed:
            return [(name, node.value if indexed[name] else node.value.lower())]
        return None
    if isinstance(node, Logical):
        left, right = index_keys(node.left, indexed), index_keys(node.right, indexed)
        if node.op == "and":
            return left if left is not None else right
        return None if left is None or right is None else left + right
    return None
