"""authentik list semantics: DRF search, ordering and authentik's page-number envelope.

Source: ``authentik/api/pagination.py`` (``Pagination.get_paginated_response``) and DRF's
``PageNumberPagination`` / ``OrderingFilter`` / ``SearchFilter`` (docs/vendor-facts.md A2).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from mockserver.domain.errors import NotFound

#: ``REST_FRAMEWORK["PAGE_SIZE"]`` in ``authentik/root/settings.py``.
PAGE_SIZE = 100


def search(rows: list[dict[str, Any]], term: str | None, fields: Sequence[str]) -> list[dict[str, Any]]:
    """DRF ``SearchFilter``: every whitespace-separated term must match one field (``icontains``)."""
    if not term:
        return rows
    words = term.lower().split()
    return [r for r in rows if all(any(w in str(r.get(f) or "").lower() for f in fields) for w in words)]


def order(
    rows: list[dict[str, Any]], ordering: str | None, allowed: Sequence[str], default: Sequence[str]
) -> list[dict[str, Any]]:
    """DRF ``OrderingFilter``: comma-separated fields, ``-`` for descending; unknown fields are
    dropped and, when none is left, the view's default ordering applies."""
    wanted = [f.strip() for f in (ordering or "").split(",") if f.strip().lstrip("-") in allowed]
    keys = wanted or list(default)
    result = list(rows)
    for key in reversed(keys):
        name = key.lstrip("-")
        result.sort(key=_sort_key(name), reverse=key.startswith("-"))
    return result


def _sort_key(name: str) -> Callable[[dict[str, Any]], tuple[int, Any]]:
    def key(row: dict[str, Any]) -> tuple[int, Any]:
        value = row.get(name)
        if value is None:
            return (0, "")
        if isinstance(value, bool | int | float):
            return (1, value)
        return (2, str(value))

    return key


def paginate(rows: list[dict[str, Any]], page: int | None, page_size: int | None) -> dict[str, Any]:
    """authentik's envelope ``{pagination{next, previous, count, current, total_pages, start_index,
    end_index}, results, autocomplete}``. ``next``/``previous`` are page numbers, 0 when there is
    none; a page outside ``1..total_pages`` is DRF's 404 ``Invalid page.``; a ``page_size`` that
    is not a positive integer falls back to the default (DRF ``_positive_int``)."""
    size = page_size if page_size and page_size > 0 else PAGE_SIZE
    count = len(rows)
    total_pages = max(1, math.ceil(count / size))
    current = 1 if page is None else page
    if current < 1 or current > total_pages:
        raise NotFound("Invalid page.")
    start = (current - 1) * size
    chunk = rows[start : start + size]
    return {
        "pagination": {
            "next": current + 1 if current < total_pages else 0,
            "previous": current - 1 if current > 1 else 0,
            "count": count,
            "current": current,
            "total_pages": total_pages,
            "start_index": start + 1 if count else 0,
            "end_index": start + len(chunk) if count else 0,
        },
        "results": chunk,
        "autocomplete": {},
    }
