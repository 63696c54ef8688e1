"""``GET /core/users/``, ``/core/users/paths/`` and ``GET /core/groups/``: authentik's filtersets,
search and ordering (``UserViewSet``/``UsersFilter``, ``GroupViewSet``/``GroupFilter``,
docs/vendor-facts.md A5).

django-filter semantics: an absent parameter does not filter; ``ModelMultipleChoiceFilter``
values (``groups_by_pk``, ``members_by_username``...) match any of them and an unknown value is a
400 "Select a valid choice."; the ``attributes`` filter is a JSON object of attribute paths
(``__`` between keys, Django's JSON lookups) whose values must all be equal.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from mockserver.domain.authentik.core import CoreStore
from mockserver.domain.authentik.paging import order, paginate, search
from mockserver.domain.authentik.values import norm_uuid, require_uuids
from mockserver.domain.errors import BadRequest

Row = dict[str, Any]
USER_EXACT = ("username", "name", "email", "uuid", "is_active", "is_superuser", "path")
USER_SEARCH = ("username", "name", "is_active", "email", "uuid", "attributes")
USER_ORDERING = ("pk", "username", "name", "email", "is_active", "date_joined", "last_updated", "type", "path")


def list_users(store: CoreStore, query: dict[str, Any]) -> dict[str, Any]:
    """``GET /core/users/``: the filtered, searched, ordered page (default ordering ``username``)."""
    rows = filtered_users(store, query, query.get("include_groups", True) is not False)
    return paginate(
        order(rows, query.get("ordering"), USER_ORDERING, ("username",)), query.get("page"), query.get("page_size")
    )


def user_paths(store: CoreStore, query: dict[str, Any]) -> dict[str, Any]:
    """``GET /core/users/paths/``: distinct paths of the users the list's filters and search keep, sorted."""
    return {"paths": sorted({r["path"] for r in filtered_users(store, query, False)})}


def filtered_users(store: CoreStore, query: dict[str, Any], include_groups: bool) -> list[Row]:
    require_uuids(query, ("uuid",), "Enter a valid UUID.")
    rows = [store.render_user(u, include_groups) for u in store.users.values()]
    group_names = {g["name"] for g in store.groups.values()}
    wanted_names = _choices(query, "groups_by_name", group_names)
    wanted_pks = _choices(query, "groups_by_pk", set(store.groups), key=norm_uuid)
    checks: list[Callable[[Row], bool]] = [
        lambda r: _exact(r, query, USER_EXACT),
        lambda r: not query.get("type") or r["type"] in query["type"],
        lambda r: not query.get("path_startswith") or str(r["path"]).startswith(query["path_startswith"]),
        lambda r: not wanted_names or bool(wanted_names & {g["name"] for g in store.groups_of(r["pk"])}),
        lambda r: not wanted_pks or bool(wanted_pks & {g["pk"] for g in store.groups_of(r["pk"])}),
        _dates(query, "date_joined"),
        _dates(query, "last_updated"),
        _attributes(query.get("attributes")),
    ]
    rows = [r for r in rows if all(check(r) for check in checks)]
    return search(rows, query.get("search"), USER_SEARCH)


def list_groups(store: CoreStore, query: dict[str, Any]) -> dict[str, Any]:
    """``GET /core/groups/``: ``members_by_pk`` / ``members_by_username`` (any of), ``attributes``,
    search over name and is_superuser, default ordering ``name`` (``GroupViewSet``)."""
    include_users = query.get("include_users", True) is not False
    rows = [store.render_group(g, include_users, bool(query.get("include_children"))) for g in store.groups.values()]
    by_pk = _choices(query, "members_by_pk", set(store.users))
    by_name = _choices(query, "members_by_username", {u["username"] for u in store.users.values()})
    match_attributes = _attributes(query.get("attributes"))
    rows = [
        r
        for r in rows
        if _exact(r, query, ("name", "is_superuser"))
        and (not by_pk or bool(by_pk & set(r["users"])))
        and (not by_name or bool(by_name & {store.users[p]["username"] for p in r["users"]}))
        and match_attributes(r)
    ]
    rows = search(rows, query.get("search"), ("name", "is_superuser"))
    return paginate(
        order(rows, query.get("ordering"), ("name", "is_superuser", "pk"), ("name",)),
        query.get("page"),
        query.get("page_size"),
    )


def _exact(row: Row, query: dict[str, Any], fields: tuple[str, ...]) -> bool:
    return all(query.get(f) is None or str(row.get(f)) == str(query[f]) for f in fields)


def _choices(query: dict[str, Any], name: str, known: set[Any], key: Callable[[Any], Any] = str) -> set[Any]:
    """A ``ModelMultipleChoiceFilter``'s values; one that names nothing is django-filter's 400."""
    values: Iterable[Any] = query.get(name) or []
    wanted = {key(v) if isinstance(v, str) else v for v in values}
    unknown = sorted(str(v) for v in wanted - known)
    if unknown:
        message = f"Select a valid choice. {unknown[0]} is not one of the available choices."
        raise BadRequest(f"Invalid {name}", fields={name: [message]})
    return wanted


def _dates(query: dict[str, Any], field: str) -> Callable[[Row], bool]:
    """``<field>``, ``<field>__gt``, ``<field>__lt``: the row's datetime equals / is after / before."""
    bounds = {op: _when(query.get(f"{field}{op}")) for op in ("", "__gt", "__lt")}

    def check(row: Row) -> bool:
        value = _when(row.get(field))
        if value is None:
            return all(b is None for b in bounds.values())
        return (
            (bounds[""] is None or value == bounds[""])
            and (bounds["__gt"] is None or value > bounds["__gt"])
            and (bounds["__lt"] is None or value < bounds["__lt"])
        )

    return check


def _when(text: Any) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        raise _invalid("Enter a valid date/time.") from None


def _attributes(raw: str | None) -> Callable[[Row], bool]:
    """The ``attributes`` filter (``filter_attributes``): JSON ``{"a__b": value}``, every path equal."""
    if raw is None:
        return lambda row: True
    try:
        wanted = json.loads(raw)
    except ValueError:
        raise _invalid("filter: failed to parse JSON") from None
    if not isinstance(wanted, dict):
        raise _invalid("filter: value must be key:value mapping")

    def check(row: Row) -> bool:
        return all(_dig(row.get("attributes"), path.split("__")) == value for path, value in wanted.items())

    return check


def _invalid(message: str) -> BadRequest:
    """DRF ``ValidationError(detail=message)`` from a filter method. Inferred: DRF answers a bare
    list (``["filter: ..."]``); the mock keeps the documented ``ValidationError`` object shape."""
    return BadRequest(message, fields={"non_field_errors": [message]})


_MISSING = object()


def _dig(node: Any, keys: list[str]) -> Any:
    for key in keys:
        if not isinstance(node, dict) or key not in node:
            return _MISSING
        node = node[key]
    return node
