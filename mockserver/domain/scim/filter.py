"""The SCIM filter grammar (RFC 7644 §3.4.2.2, Figure 1): a small recursive-descent parser.

``parse`` builds an AST (``mockserver.domain.scim.evaluate`` binds it to a resource type).
Precedence: grouping, then ``not`` over ``and`` over ``or``; operators and keywords are
case-insensitive; string comparison follows the attribute's ``caseExact`` (RFC 7643 §2.2).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mockserver.domain.errors import InvalidFilter

OPS = frozenset({"eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le"})
ORDERING = frozenset({"gt", "ge", "lt", "le"})
MAX_FILTER_LENGTH = 4096
MAX_NESTING = 32  # parentheses / not / value-path levels
MAX_DEPTH = 200  # AST depth, so evaluation never nears Python's recursion limit

_TOKEN = re.compile(
    r"""\s*(?:
    (?P<punct>[()\[\]])
  | (?P<string>"(?:[^"\\]|\\.)*")
  | (?P<number>-?[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)(?![\w.:])
  | (?P<word>[A-Za-z_$][\w$:.\-]*)
    )""",
    re.VERBOSE,
)


@dataclass(frozen=True)
class Cmp:
    path: str
    op: str
    value: Any


@dataclass(frozen=True)
class Present:
    path: str


@dataclass(frozen=True)
class Logical:
    op: str  # "and" | "or"
    left: Node
    right: Node


@dataclass(frozen=True)
class Not:
    inner: Node


@dataclass(frozen=True)
class ValuePath:
    path: str
    inner: Node


Node = Cmp | Present | Logical | Not | ValuePath
Predicate = Callable[[dict[str, Any]], bool]


def _tokens(text: str) -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    pos = 0
    text = text.rstrip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise InvalidFilter(f"Unexpected character at position {pos} of the filter")
        pos = m.end()
        kind = m.lastgroup or ""
        raw = m.group(kind)
        if kind in ("string", "number"):
            try:
                out.append(("value", json.loads(raw)))
            except ValueError:
                raise InvalidFilter(f"Invalid literal {raw}") from None
        else:
            out.append((kind, raw))
    return out


class _Parser:
    def __init__(self, text: str) -> None:
        if len(text) > MAX_FILTER_LENGTH:
            raise InvalidFilter(f"Filter longer than {MAX_FILTER_LENGTH} characters")
        self.toks = _tokens(text)
        self.i = 0
        self.nesting = 0

    def peek_word(self) -> str | None:
        if self.i < len(self.toks) and self.toks[self.i][0] == "word":
            return str(self.toks[self.i][1]).lower()
        return None

    def take(self, kind: str, value: str | None = None) -> Any:
        if self.i >= len(self.toks):
            raise InvalidFilter("Filter ends unexpectedly")
        k, v = self.toks[self.i]
        if k != kind or (value is not None and str(v).lower() != value):
            raise InvalidFilter(f"Unexpected {v!r} in filter")
        self.i += 1
        return v

    def parse(self) -> Node:
        node = self.or_expr()
        if self.i != len(self.toks):
            raise InvalidFilter(f"Unexpected {self.toks[self.i][1]!r} in filter")
        if _depth(node) > MAX_DEPTH:
            raise InvalidFilter(f"Filter has more than {MAX_DEPTH} levels of operators")
        return node

    def group(self) -> Node:
        """``( FILTER )`` after the opening parenthesis or bracket was taken."""
        self.nesting += 1
        if self.nesting > MAX_NESTING:
            raise InvalidFilter(f"Filter nests more than {MAX_NESTING} levels deep")
        node = self.or_expr()
        self.nesting -= 1
        return node

    def or_expr(self) -> Node:
        node = self.and_expr()
        while self.peek_word() == "or":
            self.i += 1
            node = Logical("or", node, self.and_expr())
        return node

    def and_expr(self) -> Node:
        node = self.unary()
        while self.peek_word() == "and":
            self.i += 1
            node = Logical("and", node, self.unary())
        return node

    def unary(self) -> Node:
        if self.i < len(self.toks) and self.toks[self.i] == ("punct", "("):
            self.i += 1
            node = self.group()
            self.take("punct", ")")
            return node
        if self.peek_word() == "not":
            self.i += 1
            self.take("punct", "(")
            node = self.group()
            self.take("punct", ")")
            return Not(node)
        return self.attr_expr()

    def attr_expr(self) -> Node:
        path = str(self.take("word"))
        if path.lower() in OPS | {"and", "or", "not", "pr"}:
            raise InvalidFilter(f"Expected an attribute path, got {path!r}")
        if self.i < len(self.toks) and self.toks[self.i] == ("punct", "["):
            self.i += 1
            inner = self.group()
            self.take("punct", "]")
            return ValuePath(path, inner)
        op = self.peek_word()
        if op == "pr":
            self.i += 1
            return Present(path)
        if op not in OPS:
            raise InvalidFilter(f"Unknown or missing operator after {path!r}")
        self.i += 1
        return Cmp(path, op, self.comp_value())

    def comp_value(self) -> Any:
        if self.i >= len(self.toks):
            raise InvalidFilter("Filter ends before the comparison value")
        kind, v = self.toks[self.i]
        self.i += 1
        if kind == "value":
            return v
        literals = {"true": True, "false": False, "null": None}
        if kind == "word" and str(v).lower() in literals:
            return literals[str(v).lower()]
        raise InvalidFilter(f"Invalid comparison value {v!r}")


def _depth(node: Node) -> int:
    """Depth of the AST, computed without recursion."""
    deepest, stack = 0, [(node, 1)]
    while stack:
        current, level = stack.pop()
        deepest = max(deepest, level)
        if isinstance(current, Logical):
            stack += [(current.left, level + 1), (current.right, level + 1)]
        elif isinstance(current, Not | ValuePath):
            stack.append((current.inner, level + 1))
    return deepest


def parse(text: str) -> Node:
    """The AST of ``text``; :class:`InvalidFilter` (400 ``invalidFilter``) on bad syntax."""
    if not text or not text.strip():
        raise InvalidFilter("Empty filter")
    return _Parser(text).parse()
