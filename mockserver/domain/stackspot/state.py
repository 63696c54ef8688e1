"""StackSpot IAM SCIM store: tenant-scoped CRUD + PATCH of seven resource types.

Tenancy (docs/vendor-facts.md §3.2, Inferred details): every tenant name works; a tenant is created by its
first write and is empty until then (reads of an unknown tenant see an empty store and create
nothing); tenants never see each other's data. Statuses follow elimity-com/scim (POST 201,
GET/PUT/PATCH 200, DELETE 204, unknown id 404 ``Resource <id> not found.``); uniqueness (409
``uniqueness``) is Inferred per resource type (``Kind.unique``); integrity rules are in
``integrity.py``. Every write validates first and mutates last, so a rejected request leaves
the state unchanged.
"""

from __future__ import annotations

import copy
import uuid
from datetime import UTC, datetime
from typing import Any

from mockserver.domain.context import VendorContext
from mockserver.domain.errors import BadRequest, Conflict, NotFound
from mockserver.domain.limits import MAX_STACKSPOT_RECORDS, MAX_STACKSPOT_TENANTS, require_room
from mockserver.domain.scim.evaluate import compile_filter
from mockserver.domain.stackspot import integrity
from mockserver.domain.stackspot.dialect import STACKSPOT
from mockserver.domain.stackspot.patch import apply_patch, parse_patch
from mockserver.domain.stackspot.schema import KINDS, Kind
from mockserver.domain.stackspot.validate import normalize, slugify
from mockserver.domain.stackspot.view import Store, View
from mockserver.domain.statefile import at

LIST_RESPONSE = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
#: elimity ``ServiceProviderConfig.MaxResults`` fallback: default and maximum ``count``.
MAX_RESULTS = 100


class StackSpotState:
    """All StackSpot tenants: ``tenants[name][endpoint][id] = record``.

    A record is ``{"id", "created", "lastModified", "attrs", "member_count"}``: ``attrs`` are
    the validated writable attributes; ``member_count`` (roles) is the count at the role's last
    write, only read by the planted fault ``stackspot-member-count-stale``.
    """

    def __init__(self, context: VendorContext) -> None:
        self.context = context
        self.tenants: dict[str, Store] = {}

    # -- seed / snapshot -------------------------------------------------------------------
    def load(self, data: dict[str, Any]) -> None:
        """Replace all tenants from ``{"tenants": {name: {endpoint: [record or attributes]}}}``.

        Seed entries may be bare attribute objects (``{"name": "deploy"}``, optional ``id``);
        exported records (with ``attrs``) load unchanged, so ``load(export())`` round-trips.
        """
        self.tenants = {}
        for name, endpoints in (data.get("tenants") or {}).items():
            store = self._ensure(str(name))
            for endpoint in KINDS:
                for index, entry in enumerate((endpoints or {}).get(endpoint) or []):
                    try:
                        record = self._load_record(KINDS[endpoint], entry)
                    except BadRequest as exc:  # name the offending record (statefile.py)
                        raise at(("stackspot", "tenants", str(name), endpoint, index), exc) from None
                    store[endpoint][record["id"]] = record

    def _load_record(self, kind: Kind, entry: dict[str, Any]) -> dict[str, Any]:
        """An exported record (its ``attrs`` must pass the API's own validation) or seed attributes."""
        if "attrs" not in entry:
            return self._seed_record(kind, entry)
        normalize(kind, entry["attrs"])
        return copy.deepcopy(entry)

    def _seed_record(self, kind: Kind, entry: dict[str, Any]) -> dict[str, Any]:
        attrs = self._defaults(kind, normalize(kind, {k: v for k, v in entry.items() if k != "id"}))
        return self._new_record(attrs, str(entry["id"]) if entry.get("id") else None)

    def export(self) -> dict[str, Any]:
        """JSON-able copy of every tenant, records in creation order."""
        return {
            "tenants": {
                name: {ep: list(copy.deepcopy(recs).values()) for ep, recs in store.items()}
                for name, store in self.tenants.items()
            }
        }

    # -- operations --------------------------------------------------------------------------
    def list_resources(
        self, tenant: str, endpoint: str, *, filter: str | None = None, start_index: int = 1, count: int | None = None
    ) -> dict[str, Any]:
        """SCIM ListResponse as elimity writes it (docs/vendor-facts.md §3.6): ``itemsPerPage`` is the ``count``."""
        kind = KINDS[endpoint]
        start_index = max(start_index, 1)
        count = MAX_RESULTS if count is None else min(max(count, 0), MAX_RESULTS)
        filter_fn = compile_filter(filter, kind.rtype, dialect=STACKSPOT)[1] if filter else None
        records = [r for store in self._stores(tenant) for r in store[endpoint].values()]
        if filter_fn is not None:
            records = [r for r in records if filter_fn(self._filterable(kind, r))]
        page = records[start_index - 1 : start_index - 1 + count]
        return {
            "schemas": [LIST_RESPONSE],
            "totalResults": len(records),
            "itemsPerPage": count,
            "startIndex": start_index,
            "Resources": [self._view(tenant).render(endpoint, r) for r in page],
        }

    def create(self, tenant: str, endpoint: str, body: Any) -> dict[str, Any]:
        """POST: validate, check references and uniqueness, store; returns the resource (201)."""
        kind = KINDS[endpoint]
        attrs = self._defaults(kind, normalize(kind, body))
        store = self._existing(tenant)
        wanted = (
            body.get("id") if kind.client_id_allowed and isinstance(body.get("id"), str) and body.get("id") else None
        )
        if wanted and wanted in (store or {}).get(endpoint, {}):
            raise Conflict("One or more of the attribute values are already in use or are reserved.")
        self._validate(store or {}, kind, attrs, None)
        self._require_room(new_tenant=store is None)
        record = self._new_record(attrs, wanted)
        store = self._ensure(tenant)
        store[endpoint][record["id"]] = record
        self._snapshot_member_count(store, endpoint, record)
        return self._view(tenant).render(endpoint, record)

    def get(self, tenant: str, endpoint: str, resource_id: str) -> dict[str, Any]:
        """GET by id; 404 ``Resource <id> not found.``"""
        return self._view(tenant).render(endpoint, self._find(tenant, endpoint, resource_id))

    def replace(self, tenant: str, endpoint: str, resource_id: str, body: Any) -> dict[str, Any]:
        """PUT: the body replaces every writable attribute (elimity ``Replace``)."""
        kind = KINDS[endpoint]
        record = self._find(tenant, endpoint, resource_id, own=True)
        attrs = self._defaults(kind, normalize(kind, body))
        if endpoint == "Resource-Types" and "actions" not in attrs:
            attrs["actions"] = record["attrs"].get("actions", [])  # the documented replace body has no actions
        return self._store_update(tenant, endpoint, record, attrs)

    def patch(self, tenant: str, endpoint: str, resource_id: str, body: Any) -> dict[str, Any]:
        """PATCH (RFC 7644 §3.5.2, elimity validation), then validated like a PUT."""
        kind = KINDS[endpoint]
        ops = parse_patch(kind, body, lowercase_ignored=self.context.quirk("stackspot-operations-lowercase-ignored"))
        record = self._find(tenant, endpoint, resource_id, own=True)
        attrs = self._defaults(kind, normalize(kind, apply_patch(kind, record["attrs"], ops)))
        return self._store_update(tenant, endpoint, record, attrs)

    def delete(self, tenant: str, endpoint: str, resource_id: str) -> None:
        """DELETE (204): cascades or refuses per ``integrity``; then removes the record."""
        record = self._find(tenant, endpoint, resource_id, own=True)
        store = self.tenants[tenant]
        found = integrity.guard_delete(store, endpoint, resource_id)
        if endpoint == "Users" and self.context.quirk("stackspot-user-delete-keeps-membership"):
            found = []
        for other, referrer in found:
            referrer["attrs"] = integrity.strip_reference(KINDS[other], referrer["attrs"], endpoint, resource_id)
            referrer["lastModified"] = self._now()
        del store[endpoint][record["id"]]

    # -- helpers -----------------------------------------------------------------------------
    def _store_update(
        self, tenant: str, endpoint: str, record: dict[str, Any], attrs: dict[str, Any]
    ) -> dict[str, Any]:
        store = self.tenants[tenant]
        self._validate(store, KINDS[endpoint], attrs, record["id"])
        record["attrs"] = attrs
        record["lastModified"] = self._now()
        self._snapshot_member_count(store, endpoint, record)
        return self._view(tenant).render(endpoint, record)

    def _validate(self, store: Store, kind: Kind, attrs: dict[str, Any], own_id: str | None) -> None:
        skip = (
            frozenset({"Actions", "Resources"})
            if kind.endpoint == "Permissions" and self.context.quirk("stackspot-dangling-permission-accepted")
            else frozenset()
        )
        integrity.check_references(store, kind, attrs, skip=skip)
        key = _unique_key(kind, attrs.get(kind.unique))
        for other in store.get(kind.endpoint, {}).values():
            if other["id"] != own_id and _unique_key(kind, other["attrs"].get(kind.unique)) == key:
                raise Conflict("One or more of the attribute values are already in use or are reserved.")

    @staticmethod
    def _defaults(kind: Kind, attrs: dict[str, Any]) -> dict[str, Any]:
        """Inferred: a missing ``slug`` is derived from ``name`` (resource types and resources)."""
        if kind.lookup("slug") is not None and not attrs.get("slug"):
            attrs["slug"] = slugify(attrs["name"])
        return attrs

    def _new_record(self, attrs: dict[str, Any], wanted: str | None) -> dict[str, Any]:
        return {
            "id": wanted or str(uuid.uuid4()),
            "created": self._now(),
            "lastModified": None,
            "attrs": attrs,
            "member_count": 0,
        }

    def _snapshot_member_count(self, store: Store, endpoint: str, record: dict[str, Any]) -> None:
        if endpoint == "Roles":
            record["member_count"] = _member_count(store, record["id"])

    def _find(self, tenant: str, endpoint: str, resource_id: str, *, own: bool = False) -> dict[str, Any]:
        stores = [self.tenants.get(tenant) or {}] if own else self._stores(tenant)
        for store in stores:
            record = store.get(endpoint, {}).get(resource_id)
            if record is not None:
                return record
        raise NotFound(f"Resource {resource_id} not found.")

    def _stores(self, tenant: str) -> list[Store]:
        """The stores a read sees: its tenant's (planted ``stackspot-tenant-leak``: every tenant's)."""
        if self.context.quirk("stackspot-tenant-leak"):
            return list(self.tenants.values())
        return [self.tenants[tenant]] if tenant in self.tenants else [_empty()]

    def _existing(self, tenant: str) -> Store | None:
        if not tenant:
            raise BadRequest("A tenant is required: use /{tenant}/scim/... or the X-Tenant-Id header.")
        return self.tenants.get(tenant)

    def _require_room(self, *, new_tenant: bool) -> None:
        """429 past the tenant and record caps (limits.py): a write loop cannot grow the store."""
        if new_tenant:
            require_room(len(self.tenants), MAX_STACKSPOT_TENANTS, "StackSpot tenants")
        records = sum(len(recs) for store in self.tenants.values() for recs in store.values())
        require_room(records, MAX_STACKSPOT_RECORDS, "StackSpot records")

    def _ensure(self, tenant: str) -> Store:
        """The tenant's store, created by its first write."""
        if self._existing(tenant) is None:
            self.tenants[tenant] = _empty()
        return self.tenants[tenant]

    def _view(self, tenant: str) -> View:
        store = self.tenants.get(tenant) or _empty()
        if self.context.quirk("stackspot-member-count-stale"):
            return View(store, lambda role: role.get("member_count", 0))
        return View(store, lambda role: _member_count(store, role["id"]))

    @staticmethod
    def _filterable(kind: Kind, record: dict[str, Any]) -> dict[str, Any]:
        return {
            **record["attrs"],
            "id": record["id"],
            "meta": {"created": record["created"], "lastModified": record["lastModified"], "resourceType": kind.name},
        }

    def _now(self) -> str:
        return datetime.fromtimestamp(self.context.clock.now(), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _empty() -> Store:
    return {endpoint: {} for endpoint in KINDS}


def _unique_key(kind: Kind, value: Any) -> Any:
    """``userName`` is case-insensitive (RFC 7643 §4.1.1 ``caseExact: false``); other names exact."""
    return value.lower() if kind.endpoint == "Users" and isinstance(value, str) else value


def _member_count(store: Store, role_id: str) -> int:
    """Inferred: distinct users who hold the role through a group's ``roles``."""
    users: set[str] = set()
    for group in store.get("Groups", {}).values():
        if any(r.get("value") == role_id for r in group["attrs"].get("roles", [])):
            users.update(m["value"] for m in group["attrs"].get("members", []))
    return len(users)
