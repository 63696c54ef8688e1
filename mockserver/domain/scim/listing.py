"""Listing a directory (RFC 7644 §3.4.2): filter, count, sort, page, project.

``totalResults`` counts every match before paging (docs/style.md rule 5). Indexed ``eq`` filters
(``id``, ``userName``, ``externalId``) evaluate the predicate on the index hits only, and an
unfiltered, unsorted page walks the store with ``islice`` instead of copying it, so a deep
page of 100,000 users renders only the page.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any, Protocol

from mockserver.domain.errors import BadRequest
from mockserver.domain.scim.evaluate import compile_filter
from mockserver.domain.scim.paths import Unsearchable
from mockserver.domain.scim.query import ListQuery, project, sort_key
from mockserver.domain.scim.schema import USER_TYPE, ResourceType

Pair = tuple[ResourceType, dict[str, Any]]


class Listable(Protocol):
    """What a listing reads of a store (``directory.Directory`` is one), so neither imports the other back."""

    def _store(self, rtype: ResourceType) -> dict[str, dict[str, Any]]: ...

    def _candidates(self, rtype: ResourceType, node: Any) -> list[dict[str, Any]] | None: ...

    def _view(self, rtype: ResourceType, resource: dict[str, Any]) -> dict[str, Any]: ...


class Page:
    """One page of a list (RFC 7644 §3.4.2): ``total_results`` counts every match."""

    def __init__(self, total_results: int, start_index: int, resources: list[dict[str, Any]]) -> None:
        self.total_results = total_results
        self.start_index = start_index
        self.resources = resources


def list_resources(d: Listable, rtypes: tuple[ResourceType, ...], query: ListQuery) -> Page:
    """The page of ``rtypes`` resources of ``d`` that ``query`` asks for."""
    mixed = len(rtypes) > 1
    matched: list[Pair] | None = [] if query.filter is not None or mixed or query.sort_by else None
    for rtype in rtypes:
        store = d._store(rtype)
        if query.filter is not None:
            assert matched is not None
            matched += _matches(d, rtype, query.filter, lenient=mixed)
        elif matched is not None:
            matched += [(rtype, r) for r in store.values()]
    if query.sort_by:
        assert matched is not None
        keys = {rt.id: _sort_key(rt, query.sort_by, lenient=mixed) for rt in rtypes}
        matched.sort(key=lambda pair: keys[pair[0].id](pair[1]), reverse=query.descending)
    total = len(matched) if matched is not None else len(d._store(rtypes[0]))
    start, count = query.start_index, query.count
    if start > total or count == 0:
        window: list[Pair] = []
    elif matched is not None:
        window = matched[start - 1 : start - 1 + count]
    else:
        window = [(rtypes[0], r) for r in itertools.islice(d._store(rtypes[0]).values(), start - 1, start - 1 + count)]
    return Page(total, start, [project(d._view(rt, r), rt, query.attributes, query.excluded) for rt, r in window])


def _matches(d: Listable, rtype: ResourceType, text: str, *, lenient: bool) -> list[Pair]:
    """Resources matching the filter; derived attributes (user ``groups``, member ``display``)
    are rendered only when the filter names them."""
    node, predicate = compile_filter(text, rtype, lenient=lenient)
    needs_view = ("groups" if rtype is USER_TYPE else "members") in text.lower()
    pool = d._candidates(rtype, node)
    items = d._store(rtype).values() if pool is None else pool
    return [(rtype, r) for r in items if predicate(d._view(rtype, r) if needs_view else r)]


def _sort_key(rtype: ResourceType, sort_by: str, *, lenient: bool) -> Callable[[dict[str, Any]], tuple[int, Any]]:
    """``sort_key``; in a root search an attribute one type lacks sorts as unassigned."""
    try:
        return sort_key(rtype, sort_by)
    except Unsearchable:
        raise
    except BadRequest:
        if not lenient:
            raise
        return lambda r: (1, "")
