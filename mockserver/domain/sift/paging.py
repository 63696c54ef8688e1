"""List requests as Sift's protos define them (docs/vendor-facts.md B1, "Pagination"; AIP-132, AIP-158).

``pageSize`` defaults to 50, values over 1000 are coerced to 1000; ``nextPageToken`` is empty on
the last page; "all other parameters ... must match the call that provided the page token", so
the token carries a fingerprint of them and a mismatch is INVALID_ARGUMENT. ``orderBy`` is
AIP-132 ``field[ desc],...`` over the fields each RPC lists. ``filter`` is CEL in Sift; the mock
understands the subset ``field == "v"``, ``field != "v"``, ``field.contains("v")``,
``field.startsWith("v")`` and ``field.endsWith("v")`` joined by ``&&`` (Inferred, see
specs/README.md (sift section)); anything else is INVALID_ARGUMENT.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from mockserver.domain.errors import BadRequest

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 1000

Json = dict[str, Any]

_CLAUSE = re.compile(
    r"""^\s*(?P<field>[a-z_]+)\s*(?:(?P<op>==|!=)\s*(?P<q1>["'])(?P<v1>.*?)(?P=q1)"""
    r"""|\.(?P<fn>contains|startsWith|endsWith)\(\s*(?P<q2>["'])(?P<v2>.*?)(?P=q2)\s*\))\s*$"""
)


@dataclass(frozen=True)
class ListQuery:
    """The common list parameters of one request."""

    page_size: int | None = None
    page_token: str | None = None
    filter: str | None = None
    order_by: str | None = None


def page(items: Sequence[Json], query: ListQuery, *, scope: str = "") -> tuple[list[Json], str]:
    """One page of ``items`` (already filtered and ordered) and the next page token ('' at the end)."""
    size = query.page_size or DEFAULT_PAGE_SIZE
    if size < 0:
        raise BadRequest("page_size must not be negative")
    size = min(size, MAX_PAGE_SIZE)
    fingerprint = hashlib.sha256(f"{scope}|{query.filter or ''}|{query.order_by or ''}".encode()).hexdigest()[:12]
    start = _decode_token(query.page_token, fingerprint) if query.page_token else 0
    end = start + size
    token = _encode_token(end, fingerprint) if end < len(items) else ""
    return list(items[start:end]), token


def _encode_token(offset: int, fingerprint: str) -> str:
    return base64.urlsafe_b64encode(f"{offset}:{fingerprint}".encode()).decode().rstrip("=")


def _decode_token(token: str, fingerprint: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        offset_text, _, found = raw.partition(":")
        offset = int(offset_text)
    except (ValueError, UnicodeDecodeError):
        raise BadRequest("invalid page token") from None
    if found != fingerprint or offset < 0:
        raise BadRequest("page token does not match the request parameters")
    return offset


def order(
    items: list[Json], order_by: str | None, fields: dict[str, Callable[[Json], Any]], default: str
) -> list[Json]:
    """Sort by AIP-132 ``orderBy`` (``field[ desc|asc], ...``) over the allowed ``fields``."""
    spec = (order_by or "").strip() or default
    keys: list[tuple[str, bool]] = []
    for part in spec.split(","):
        words = part.split()
        if (
            not words
            or len(words) > 2
            or words[0] not in fields
            or (len(words) == 2 and words[1] not in ("asc", "desc"))
        ):
            raise BadRequest(f"invalid order_by {order_by!r}; allowed fields: {', '.join(fields)}")
        keys.append((words[0], len(words) == 2 and words[1] == "desc"))
    ordered = list(items)
    for name, descending in reversed(keys):
        ordered.sort(key=fields[name], reverse=descending)
    return ordered


def matches(filter_text: str | None, fields: dict[str, Callable[[Json], str]]) -> Callable[[Json], bool]:
    """A predicate for the CEL subset described in the module docstring."""
    if not filter_text or not filter_text.strip():
        return lambda _item: True
    tests: list[Callable[[Json], bool]] = []
    for clause in filter_text.split("&&"):
        found = _CLAUSE.match(clause)
        if found is None or found["field"] not in fields:
            allowed = ", ".join(fields) or "none"
            raise BadRequest(f"invalid filter {filter_text!r}; filterable fields: {allowed}")
        tests.append(
            _clause_test(
                fields[found["field"]], found["op"] or found["fn"], found["v1"] if found["op"] else found["v2"]
            )
        )
    return lambda item: all(test(item) for test in tests)


def _clause_test(getter: Callable[[Json], str], op: str, value: str) -> Callable[[Json], bool]:
    ops: dict[str, Callable[[str], bool]] = {
        "==": lambda v: v == value,
        "!=": lambda v: v != value,
        "contains": lambda v: value in v,
        "startsWith": lambda v: v.startswith(value),
        "endsWith": lambda v: v.endswith(value),
    }
    test = ops[op]
    return lambda item: test(str(getter(item)))


def select(
    items: list[Json],
    query: ListQuery,
    *,
    filters: dict[str, Callable[[Json], str]],
    orders: dict[str, Callable[[Json], Any]],
    default_order: str,
    scope: str = "",
) -> tuple[list[Json], str]:
    """Filter, order and page ``items`` in one call (what every Sift list RPC does)."""
    keep = matches(query.filter, filters)
    ordered = (
        order([i for i in items if keep(i)], query.order_by, orders, default_order)
        if orders
        else [i for i in items if keep(i)]
    )
    return page(ordered, query, scope=scope)
