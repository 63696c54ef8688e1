"""``GET /core/users/`` and ``GET /core/groups/``: authentik's filtersets, search and ordering
(``UserViewSet`` / ``GroupViewSet``, docs/vendor-facts.md A5)."""

from __future__ import annotations

from typing import Any

from mockserver.domain.authentik.core import CoreStore, require_uuids
from mockserver.domain.authentik.paging import order, paginate, search


def list_users(store: CoreStore, query: dict[str, Any]) -> dict[str, Any]:
    """``GET /core/users/``: exact filters, ``type`` (any of), search over username, name
    and email, default ordering ``username`` (``UserViewSet``)."""
    require_uuids(query, ("uuid",), "Enter a valid UUID.")
    rows = [store.render_user(u, query.get("include_groups", True) is not False) for u in store.users.values()]
    rows = [
        r
        for r in rows
        if _exact(r, query, ("username", "name", "email", "uuid", "is_active", "is_superuser"))
        and (not query.get("type") or r["type"] in query["type"])
    ]
    rows = search(rows, query.get("search"), ("username", "name", "email"))
    allowed = ("pk", "username", "name", "email", "is_active", "date_joined", "last_updated", "type", "path")
    return paginate(
        order(rows, query.get("ordering"), allowed, ("username",)), query.get("page"), query.get("page_size")
    )


def list_groups(store: CoreStore, query: dict[str, Any]) -> dict[str, Any]:
    """``GET /core/groups/``: ``members_by_pk`` / ``members_by_username`` (any of), search
    over name, default ordering ``name`` (``GroupViewSet``)."""
    include_users = query.get("include_users", True) is not False
    rows = [store.render_group(g, include_users, bool(query.get("include_children"))) for g in store.groups.values()]
    rows = [r for r in rows if _exact(r, query, ("name", "is_superuser"))]
    by_pk = set(query.get("members_by_pk") or [])
    if by_pk:
        rows = [r for r in rows if by_pk & set(r["users"])]
    by_name = set(query.get("members_by_username") or [])
    if by_name:
        rows = [r for r in rows if by_name & {store.users[p]["username"] for p in r["users"]}]
    rows = search(rows, query.get("search"), ("name",))
    return paginate(
        order(rows, query.get("ordering"), ("name", "is_superuser", "pk"), ("name",)),
        query.get("page"),
        query.get("page_size"),
    )


def _exact(row: dict[str, Any], query: dict[str, Any], fields: tuple[str, ...]) -> bool:
    return all(query.get(f) is None or str(row.get(f)) == str(query[f]) for f in fields)
