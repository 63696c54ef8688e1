"""authentik state: core users/groups, SCIM providers and their remote-object links.

Target: authentik 2025.8 (docs/vendor-facts.md A1-A11). Providers and links follow
``authentik/providers/scim/models.py`` and the ``OutgoingSyncProvider`` API; the push itself
is in :mod:`mockserver.domain.authentik.sync`. No web framework here; handlers render.
"""

from __future__ import annotations

import copy
import uuid
from typing import Any

from mockserver.domain.authentik.core import CoreStore
from mockserver.domain.authentik.links import LINK_KEY, ConnectionsMixin
from mockserver.domain.authentik.paging import order, paginate, search
from mockserver.domain.authentik.values import SERVICE_ACCOUNT_TYPES, is_uuid, iso, missing_pk, require_uuids
from mockserver.domain.context import VendorContext
from mockserver.domain.errors import BadRequest, NotFound
from mockserver.domain.limits import MAX_AUTHENTIK_PROVIDERS, require_room
from mockserver.domain.statefile import at

USER_MODEL = "authentik.core.models.User"
GROUP_MODEL = "authentik.core.models.Group"
PROVIDER_DEFAULTS: dict[str, Any] = {
    "property_mappings": [],
    "property_mappings_group": [],
    "verify_certificates": True,
    "compatibility_mode": "default",
    "exclude_users_service_account": False,
    "filter_group": None,
    "dry_run": False,
}
#: Read-only provider fields (``SCIMProvider`` serializer, ``authentik/providers/scim/models.py``).
PROVIDER_META = {
    "component": "ak-provider-scim-form",
    "assigned_backchannel_application_slug": None,
    "assigned_backchannel_application_name": None,
    "verbose_name": "SCIM Provider",
    "verbose_name_plural": "SCIM Providers",
    "meta_model_name": "authentik_providers_scim.scimprovider",
}


class AuthentikState(ConnectionsMixin):
    """All authentik state: core objects, SCIM providers, their connections and sync runs."""

    def __init__(self, context: VendorContext) -> None:
        self.context = context
        self.core = CoreStore(self.now)
        self.providers: dict[int, dict[str, Any]] = {}
        self.links: dict[str, dict[str, dict[str, Any]]] = {"user": {}, "group": {}}
        self.sync_runs: dict[str, dict[str, Any]] = {}

    def now(self) -> str:
        return iso(self.context.clock.now())

    def load(self, data: dict[str, Any]) -> None:
        """Replace the state from a seed section or snapshot; an empty section is a fresh install."""
        self.core.load(data)
        self.providers = {int(p["pk"]): {**PROVIDER_DEFAULTS, **copy.deepcopy(p)} for p in data.get("providers", [])}
        self.links = {
            kind: {str(c["id"]): copy.deepcopy(c) for c in data.get(f"scim_{kind}s", [])} for kind in LINK_KEY
        }
        self.sync_runs = copy.deepcopy(dict(data.get("sync_runs", {})))
        self._check_references()

    def _check_references(self) -> None:
        """An imported state refers only to records it holds (what Django's foreign keys ensure);
        a dangling one is a 400 naming it, not a 500 when a list renders it (statefile.py)."""
        users, groups = self.core.users, self.core.groups
        for i, g in enumerate(self.core.groups.values()):
            if any(u not in users for u in g["users"]) or (g["parent"] is not None and g["parent"] not in groups):
                raise at(("authentik", "groups", i), BadRequest("a member or the parent is not in the state"))
        for i, p in enumerate(self.providers.values()):
            if p["filter_group"] is not None and str(p["filter_group"]) not in groups:
                raise at(("authentik", "providers", i, "filter_group"), BadRequest("no such group in the state"))
        for kind, objects in (("user", users), ("group", groups)):
            for i, c in enumerate(self.links[kind].values()):
                if c[kind] not in objects or c["provider"] not in self.providers:
                    missing = BadRequest(f"its {kind} or provider is not in the state")
                    raise at(("authentik", f"scim_{kind}s", i), missing)

    def export(self) -> dict[str, Any]:
        """JSON-able state; ``load(export())`` round-trips."""
        return {
            **self.core.export(),
            "providers": copy.deepcopy(list(self.providers.values())),
            "scim_users": copy.deepcopy(list(self.links["user"].values())),
            "scim_groups": copy.deepcopy(list(self.links["group"].values())),
            "sync_runs": copy.deepcopy(self.sync_runs),
        }

    def delete_user(self, pk: int) -> None:
        """The user's connections go with it; no remote DELETE (the mock runs no signals)."""
        self.core.delete_user(pk)
        self.drop_object_links("user", pk)

    def delete_group(self, pk: str) -> None:
        group = self.core.group(pk)
        self.core.delete_group(group["pk"])
        self.drop_object_links("group", group["pk"])

    def user_used_by(self, pk: int) -> list[dict[str, Any]]:
        self.core.user(pk)
        return self.object_used_by("user", pk)

    def group_used_by(self, pk: str) -> list[dict[str, Any]]:
        """The group's connections (``cascade``) and the providers filtering on it (``set_null``)."""
        group = self.core.group(pk)
        providers = [
            {
                "app": "authentik_providers_scim",
                "model_name": "scimprovider",
                "pk": str(p["pk"]),
                "name": p["name"],
                "action": "set_null",
            }
            for p in self.providers.values()
            if p["filter_group"] == group["pk"]
        ]
        return self.object_used_by("group", group["pk"]) + providers

    def link_used_by(self, kind: str, link_id: str) -> list[dict[str, Any]]:
        """Nothing refers to a connection."""
        self.get_link(kind, link_id)
        return []

    # -- providers ----------------------------------------------------------------------
    def provider(self, pk: int) -> dict[str, Any]:
        if pk not in self.providers:
            raise NotFound("No SCIMProvider matches the given query.")
        return self.providers[pk]

    def render_provider(self, provider: dict[str, Any]) -> dict[str, Any]:
        """``SCIMProvider``; ``token`` is returned in clear text up to 2025.8 (docs/vendor-facts.md A4)."""
        return {**copy.deepcopy(provider), **PROVIDER_META}

    def save_provider(self, pk: int | None, body: dict[str, Any]) -> dict[str, Any]:
        """Create (``pk`` None) or update from a validated ``SCIMProviderRequest``."""
        require_uuids(body, ("property_mappings", "property_mappings_group"))
        group = body.get("filter_group")
        if group is not None and str(group) not in self.core.groups:
            raise BadRequest("Invalid filter_group", fields={"filter_group": missing_pk(group)})
        if pk is None:
            require_room(len(self.providers), MAX_AUTHENTIK_PROVIDERS, "SCIM providers")
            pk = max(self.providers, default=0) + 1
            self.providers[pk] = {"pk": pk, **copy.deepcopy(PROVIDER_DEFAULTS)}
        provider = self.providers[pk]
        provider.update(
            {k: copy.deepcopy(v) for k, v in body.items() if k in PROVIDER_DEFAULTS or k in ("name", "url", "token")}
        )
        return provider

    def delete_provider(self, pk: int) -> None:
        """Connections go with the provider (``on_delete=CASCADE``); nothing is deleted remotely."""
        self.provider(pk)
        del self.providers[pk]
        for kind in LINK_KEY:
            self.links[kind] = {k: c for k, c in self.links[kind].items() if c["provider"] != pk}
        self.sync_runs.pop(str(pk), None)

    def list_providers(self, query: dict[str, Any]) -> dict[str, Any]:
        require_uuids(query, ("filter_group",), "Enter a valid UUID.")
        rows = [self.render_provider(p) for p in self.providers.values()]
        rows = [r for r in rows if _matches(r, query, ("exclude_users_service_account", "filter_group", "name", "url"))]
        rows = order(
            search(rows, query.get("search"), ("name", "url")),
            query.get("ordering"),
            ("pk", "name", "url"),
            ("name", "url"),
        )
        return paginate(rows, query.get("page"), query.get("page_size"))

    def used_by(self, provider_pk: int) -> list[dict[str, Any]]:
        """Objects deleted with the provider: its connections (``cascade``)."""
        self.provider(provider_pk)
        return [
            self._used_by_link(kind, c)
            for kind in LINK_KEY
            for c in self.links[kind].values()
            if c["provider"] == provider_pk
        ]

    # -- sync ---------------------------------------------------------------------------
    def check_sync_id(self, model: str, object_id: str) -> None:
        """A User id is its integer pk, a Group id its uuid. Inferred: authentik would fail the
        task (500) on a malformed id; the mock answers DRF-style 400 instead."""
        if model == USER_MODEL and not object_id.strip().lstrip("-").isdigit():
            raise BadRequest("Invalid sync_object_id", fields={"sync_object_id": ["A valid integer is required."]})
        if model == GROUP_MODEL and not is_uuid(object_id):
            raise BadRequest("Invalid sync_object_id", fields={"sync_object_id": ["Must be a valid UUID."]})

    def in_scope(self, provider: dict[str, Any], model: str, object_id: str) -> dict[str, Any] | None:
        """``get_object_qs(...).filter(pk=id)``: the object, or None when missing or out of scope."""
        if model == GROUP_MODEL:
            return copy.deepcopy(self.core.groups.get(str(uuid.UUID(object_id))))
        user = self.core.users.get(int(object_id))
        if user is None:
            return None
        if provider["exclude_users_service_account"] and user["type"] in SERVICE_ACCOUNT_TYPES:
            return None
        group = self.core.groups.get(str(provider["filter_group"]))
        if provider["filter_group"] and (group is None or user["pk"] not in group["users"]):
            return None
        return copy.deepcopy(user)

    def record_sync(self, provider_pk: int, status: str) -> None:
        """Remember the last run for ``sync/status`` (the provider may be gone meanwhile)."""
        if provider_pk not in self.providers:
            return
        run = self.sync_runs.setdefault(str(provider_pk), {})
        run["last_sync_status"] = status
        if status in ("done", "info"):
            run["last_successful_sync"] = self.now()

    def sync_status(self, provider_pk: int) -> dict[str, Any]:
        """``SyncStatus`` (2025.6+): no run is ever in progress once a request has answered."""
        self.provider(provider_pk)
        return {"is_running": False, **copy.deepcopy(self.sync_runs.get(str(provider_pk), {}))}


def _matches(row: dict[str, Any], query: dict[str, Any], fields: tuple[str, ...]) -> bool:
    """Exact-match DRF filterset fields (absent query values do not filter)."""
    return all(query.get(f) is None or str(row.get(f)) == str(query[f]) for f in fields)
