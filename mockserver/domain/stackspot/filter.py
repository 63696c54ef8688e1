"""SCIM filters (RFC 7644 §3.4.2.2) and PATCH paths (RFC 7644 §3.5.2) for the StackSpot store.

elimity-com/scim validates a filter against the resource schema (unknown attribute →
400 ``invalidFilter``) and leaves applying it to the handler; StackSpot's handlers are not
documented, so the mock applies it (Inferred). Supported: ``eq ne co sw ew pr gt ge lt le``,
``and or not``, parentheses and value paths ``members[value eq "x"]``. String comparison is
case-insensitive (RFC 7643 §2.2 ``caseExact`` defaults to false).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mockserver.domain.errors import InvalidFilter, InvalidPath
from mockserver.domain.stackspot.schema import Attr, Kind

Predicate = Callable[[dict[str, Any]], bool]

_TOKEN = re.compile(
    r'\s*(?:(?P<str>"(?:[^"\\]|\\.)*")|(?P<lp>\()|(?P<rp>\))|(?P<lb>\[)|(?P<rb>\])'
    r"|(?P<word>[A-Za-z0-9_$:.\-+]+))"
)
_OPS = {"eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le"}
_COMMON = {
    "id": Attr("id"),
    "meta": Attr("meta", "complex", sub=(Attr("created"), Attr("lastModified"), Attr("resourceType"))),
}


def _tokens(text: str) -> list[str]:
    out: list[str] = []
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        match = _TOKEN.match(text, pos)
        if match is None or match.end() == pos:
            raise InvalidFilter(f"The specified filter syntax was invalid: unexpected {text[pos:]!r}.")
        out.append(match.group(match.lastgroup or "word"))
        pos = match.end()
    return out


@dataclass
class AttrPath:
    """``[urn:]attr[.sub]`` resolved against a kind."""

    attr: Attr
    sub: Attr | None


def resolve(kind: Kind, text: str, error: type[InvalidFilter] | type[InvalidPath] = InvalidFilter) -> AttrPath:
    """Resolve ``text`` (with an optional schema URN prefix) to attribute and sub-attribute."""
    for urn in kind.extensions:
        if text.lower().startswith(urn.lower() + ":"):
            ext = kind.lookup(urn)
            sub = ext.lookup(text[len(urn) + 1 :]) if ext else None
            if ext is None or sub is None:
                break
            return AttrPath(ext, sub)
    if text.lower().startswith(kind.schema.lower() + ":"):
        text = text[len(kind.schema) + 1 :]
    head, _, tail = text.partition(".")
    attr = (
        kind.lookup(head)
        or _COMMON.get(head)
        or next((a for n, a in _COMMON.items() if n.lower() == head.lower()), None)
    )
    if attr is None:
        raise error(f"The attribute {text!r} is not defined in the resource schema.")
    sub = None
    if tail:
        sub = attr.lookup(tail) if attr.type == "complex" else None
        if sub is None:
            raise error(f"The attribute {text!r} is not defined in the resource schema.")
    return AttrPath(attr, sub)


class _Parser:
    def __init__(self, kind: Kind, text: str, scope: Attr | None = None) -> None:
        self.kind, self.toks, self.i, self.scope = kind, _tokens(text), 0, scope

    def peek(self) -> str | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self) -> str:
        tok = self.peek()
        if tok is None:
            raise InvalidFilter("The specified filter syntax was invalid: unexpected end.")
        self.i += 1
        return tok

    def parse(self) -> Predicate:
        pred = self.or_()
        if self.peek() is not None:
            raise InvalidFilter(f"The specified filter syntax was invalid: unexpected {self.peek()!r}.")
        return pred

    def or_(self) -> Predicate:
        left = self.and_()
        while (self.peek() or "").lower() == "or":
            self.take()
            left = _either(left, self.and_())
        return left

    def and_(self) -> Predicate:
        left = self.unary()
        while (self.peek() or "").lower() == "and":
            self.take()
            left = _both(left, self.unary())
        return left

    def unary(self) -> Predicate:
        tok = self.take()
        if tok.lower() == "not" and self.peek() == "(":
            inner = self.unary()
            return lambda r: not inner(r)
        if tok == "(":
            inner = self.or_()
            if self.take() != ")":
                raise InvalidFilter("The specified filter syntax was invalid: missing ')'.")
            return inner
        return self.comparison(tok)

    def comparison(self, name: str) -> Predicate:
        if self.scope is None and self.peek_is("["):
            return self.value_path(name)
        getter = self.getter(name)
        op = self.take().lower()
        if op == "pr":
            return lambda r: any(v not in (None, "", [], {}) for v in getter(r))
        if op not in _OPS:
            raise InvalidFilter(f"The specified filter syntax was invalid: unknown operator {op!r}.")
        try:
            expected = json.loads(self.take())
        except ValueError:
            raise InvalidFilter("The specified filter syntax was invalid: bad comparison value.") from None
        return lambda r: any(_compare(op, v, expected) for v in getter(r))

    def peek_is(self, tok: str) -> bool:
        return self.i < len(self.toks) and self.toks[self.i] == tok

    def value_path(self, name: str) -> Predicate:
        """``attr[filter]``: the filter inside names sub-attributes of ``attr``."""
        path = resolve(self.kind, name)
        if path.attr.type != "complex" or path.sub is not None:
            raise InvalidFilter(f"{name!r} is not a complex attribute.")
        self.take()
        self.scope = path.attr
        inner = self.or_()
        self.scope = None
        if self.take() != "]":
            raise InvalidFilter("The specified filter syntax was invalid: missing ']'.")
        return lambda r: any(isinstance(v, dict) and inner(v) for v in _values(r.get(path.attr.name)))

    def getter(self, name: str) -> Callable[[dict[str, Any]], list[Any]]:
        scope = self.scope
        if scope is not None:
            sub = scope.lookup(name)
            if sub is None:
                raise InvalidFilter(f"The attribute {name!r} is not defined in the resource schema.")
            return lambda r: _values(r.get(sub.name))
        path = resolve(self.kind, name)
        return lambda r: _path_values(r, path)


def _either(a: Predicate, b: Predicate) -> Predicate:
    return lambda r: a(r) or b(r)


def _both(a: Predicate, b: Predicate) -> Predicate:
    return lambda r: a(r) and b(r)


def _values(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _path_values(record: dict[str, Any], path: AttrPath) -> list[Any]:
    values = _values(record.get(path.attr.name))
    if path.sub is None:
        return values
    return [v.get(path.sub.name) if isinstance(v, dict) else None for v in values]


def _compare(op: str, actual: Any, expected: Any) -> bool:
    if actual is None or isinstance(actual, dict | list):
        return op == "ne" and expected is not None
    if isinstance(actual, str) and isinstance(expected, str):
        actual, expected = actual.lower(), expected.lower()
    elif isinstance(actual, bool) != isinstance(expected, bool) or isinstance(actual, str) != isinstance(expected, str):
        return op == "ne"
    if op == "eq":
        return bool(actual == expected)
    if op == "ne":
        return bool(actual != expected)
    if op in ("co", "sw", "ew"):
        if not isinstance(actual, str):
            raise InvalidFilter(f"The operator {op!r} applies to strings only.")
        return {"co": expected in actual, "sw": actual.startswith(expected), "ew": actual.endswith(expected)}[op]
    return bool(
        {"gt": actual > expected, "ge": actual >= expected, "lt": actual < expected, "le": actual <= expected}[op]
    )


def compile_filter(kind: Kind, text: str) -> Predicate:
    """A predicate over records (``{"id", "meta", <attributes>}``) for ``text``; 400 ``invalidFilter`` if bad."""
    return _Parser(kind, text).parse()


@dataclass
class PatchPath:
    """A parsed PATCH ``path``: attribute, optional value filter, optional sub-attribute."""

    attr: Attr
    sub: Attr | None
    where: Predicate | None


_VALUE_PATH = re.compile(r"^(?P<attr>[^\[\]]+?)(?:\[(?P<filter>.*)\](?:\.(?P<sub>[A-Za-z0-9_$]+))?)?$", re.S)


def parse_patch_path(kind: Kind, path: Any) -> PatchPath:
    """RFC 7644 §3.5.2 ``PATH = attrPath / valuePath [subAttr]``; anything else is ``invalidPath``."""
    if not isinstance(path, str) or not path.strip():
        raise InvalidPath("The path attribute was invalid or malformed (it must be a SCIM path string).")
    match = _VALUE_PATH.match(path.strip())
    if match is None:
        raise InvalidPath(f"The path attribute was invalid or malformed: {path!r}.")
    where_text, sub_name = match.group("filter"), match.group("sub")
    resolved = resolve(kind, match.group("attr"), InvalidPath)
    if where_text is None:
        return PatchPath(resolved.attr, resolved.sub, None)
    if resolved.sub is not None or resolved.attr.type != "complex" or not resolved.attr.multi:
        raise InvalidPath(f"The path attribute was invalid or malformed: {path!r}.")
    sub = resolved.attr.lookup(sub_name) if sub_name else None
    if sub_name and sub is None:
        raise InvalidPath(f"The path attribute was invalid or malformed: {path!r}.")
    try:
        where = _Parser(kind, where_text, scope=resolved.attr).parse()
    except InvalidFilter as exc:
        raise InvalidPath(f"The path attribute was invalid or malformed: {exc.detail}") from None
    return PatchPath(resolved.attr, sub, where)
