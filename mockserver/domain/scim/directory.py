"""One SCIM tenant (RFC 7644 §3): users, groups, indexes, versions and the bearer tokens it accepts.

Store contract (docs/style.md rule 5): resources go in and come out as copies; a stored resource
is replaced on every change, never edited in place, so reads inside the directory (listing,
projection) share it instead of copying it (copy-on-write); ``meta.version``
(a weak ETag, RFC 7644 §3.14) is bumped in exactly one place, :meth:`Directory._commit`;
``totalResults`` counts every match before paging; ``userName`` is unique case-insensitively
(RFC 7643 §4.1.1) and ``externalId`` has an exact-match index, so ``eq`` filters on either
(and on ``id``) are answered without a scan. Deleting a user or group removes it from every
group's ``members`` (RFC 7644 §3.6 leaves it to the provider; Inferred, as Azure AD expects).
Requests from clients go through the tenant's compatibility mode (``compat``, ``options.compat``)
first, which brings an identity provider's documented departures to RFC form and notes them.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from mockserver.domain.clock import Clock
from mockserver.domain.errors import BadRequest, Conflict, DomainError, NotFound, PreconditionFailed
from mockserver.domain.limits import MAX_SCIM_RESOURCES, require_room
from mockserver.domain.scim import compat
from mockserver.domain.scim.compat_values import CAPITALISED_OP
from mockserver.domain.scim.evaluate import index_keys
from mockserver.domain.scim.idp_faults import (
    CAPITALISED_OP_REJECTED,
    CONFLICT_AS_BAD_REQUEST,
    DELETE_KEEPS_USER,
    LOOKUP_MISSES,
    PUT_DROPS_NAME,
    START_INDEX_OFF_BY_ONE,
    patch_dialect,
    planted_ops,
)
from mockserver.domain.scim.listing import Page, list_resources
from mockserver.domain.scim.members import MemberIndex
from mockserver.domain.scim.options import TenantOptions
from mockserver.domain.scim.patch import apply_patch
from mockserver.domain.scim.patchop import Operation, read_operations
from mockserver.domain.scim.query import MAX_RESULTS, ListQuery, _clone, project
from mockserver.domain.scim.schema import GROUP_TYPE, USER_TYPE, ResourceType
from mockserver.domain.scim.validate import _schemas, normalize

Quirk = Callable[[str], bool]


def _no_quirks(name: str) -> bool:
    return False


class Directory:
    """One SCIM tenant: users, groups and the bearer tokens it accepts."""

    def __init__(self, name: str, clock: Clock, quirk: Quirk = _no_quirks) -> None:
        self.name = name
        self.clock = clock
        self.quirk = quirk
        self.base_path = f"/scim/{name}/v2"
        self.tokens: dict[str, float | None] = {}
        self._users: dict[str, dict[str, Any]] = {}
        self._groups: dict[str, dict[str, Any]] = {}
        self._by_username: dict[str, str] = {}
        self._by_external: dict[str, dict[str, dict[str, None]]] = {
            "User": {},
            "Group": {},
        }  # not unique (RFC 7643 §3.1)
        self.members = MemberIndex()
        self._version = 0
        self.options = TenantOptions()
        self.notes: list[str] = []  # what a lenient option or the compat mode let through, for the journal

    def take_notes(self) -> list[str]:
        """The notes of the requests since the last call (``options.TenantOptions``), then forget them."""
        notes, self.notes = self.notes, []
        return notes

    def _client_mode(self) -> compat.Mode:
        """The tenant's compatibility mode (``options.compat``)."""
        current = compat.mode(self.options.compat)
        if self.quirk(CAPITALISED_OP_REJECTED):
            return current.without(CAPITALISED_OP)  # Planted bug: Entra's "Replace" reaches a lower-case reading
        return current

    def _rfc_form(self, reading: compat.Reading) -> Any:
        """What the compat mode read a request as; its notes are kept for the journal."""
        self.notes += reading.notes
        return reading.body

    # --- tokens (RFC 6750 §3.1) -------------------------------------------------------
    def add_token(self, token: str, expires_at: float | None = None) -> None:
        """Accept ``token`` until ``expires_at`` (epoch seconds on the mock clock; None = never)."""
        self.tokens[token] = expires_at

    def revoke_token(self, token: str) -> None:
        """Stop accepting ``token``; unknown tokens are ignored."""
        self.tokens.pop(token, None)

    def token_valid(self, token: str) -> bool:
        """RFC 6750 §3.1: a token that is unknown, revoked or expired is ``invalid_token``."""
        if token not in self.tokens:
            return False
        expires = self.tokens[token]
        if self.quirk("scim-expired-token-accepted"):
            return True  # Planted bug: expiry ignored
        return expires is None or self.clock.now() < expires

    # --- read ---------------------------------------------------------------------------
    def users(self) -> Iterator[dict[str, Any]]:
        """Every user as a SCIM resource (copies), in creation order."""
        return (_clone(self._view(USER_TYPE, u)) for u in list(self._users.values()))

    def groups(self) -> Iterator[dict[str, Any]]:
        """Every group as a SCIM resource (copies) with ``members``, in creation order."""
        return (_clone(self._view(GROUP_TYPE, g)) for g in list(self._groups.values()))

    def sizes(self) -> dict[str, int]:
        """How many users and groups the tenant holds (admin ``GET /counts``)."""
        return {"users": len(self._users), "groups": len(self._groups)}

    def read_users(self) -> list[dict[str, Any]]:
        """Every user to read, not to keep: the read-only views (:meth:`_view`), no copies."""
        return [self._view(USER_TYPE, u) for u in self._users.values()]

    def read_groups(self) -> list[dict[str, Any]]:
        """Every group to read, not to keep: the read-only views with ``members``, no copies."""
        return [self._view(GROUP_TYPE, g) for g in self._groups.values()]

    def get_user(self, id: str) -> dict[str, Any]:
        """The user ``id`` (copy); :class:`NotFound` if none."""
        return _clone(self._view(USER_TYPE, self._find(USER_TYPE, id)))

    def get_group(self, id: str) -> dict[str, Any]:
        """The group ``id`` (copy); :class:`NotFound` if none."""
        return _clone(self._view(GROUP_TYPE, self._find(GROUP_TYPE, id)))

    def read_user(self, id: str) -> dict[str, Any]:
        """The user ``id`` to render, not to keep: the read-only view (:meth:`_view`), no copy."""
        return self._view(USER_TYPE, self._find(USER_TYPE, id))

    def read_group(self, id: str) -> dict[str, Any]:
        """The group ``id`` to render, not to keep: the read-only view (:meth:`_view`), no copy."""
        return self._view(GROUP_TYPE, self._find(GROUP_TYPE, id))

    def find_user(self, user_name: str) -> dict[str, Any] | None:
        """The user with ``userName`` (case-insensitive), or None."""
        id = self._by_username.get(user_name.lower())
        return None if id is None else self.get_user(id)

    # --- write --------------------------------------------------------------------------
    def create_user(self, data: dict[str, Any]) -> dict[str, Any]:
        """RFC 7644 §3.3: a new user; 409 ``uniqueness`` if ``userName`` is taken."""
        return self._create(USER_TYPE, data)

    def create_group(self, data: dict[str, Any]) -> dict[str, Any]:
        """RFC 7644 §3.3: a new group; members must name existing users or groups."""
        return self._create(GROUP_TYPE, data)

    def replace_user(self, id: str, data: dict[str, Any], *, if_match: str | None = None) -> dict[str, Any]:
        """RFC 7644 §3.5.1 PUT."""
        return self._replace(USER_TYPE, id, data, if_match)

    def replace_group(self, id: str, data: dict[str, Any], *, if_match: str | None = None) -> dict[str, Any]:
        """RFC 7644 §3.5.1 PUT."""
        return self._replace(GROUP_TYPE, id, data, if_match)

    def patch_user(self, id: str, patch: dict[str, Any], *, if_match: str | None = None) -> dict[str, Any]:
        """RFC 7644 §3.5.2 PATCH with a PatchOp body; atomic."""
        return self._patch(USER_TYPE, id, patch, if_match)

    def patch_group(self, id: str, patch: dict[str, Any], *, if_match: str | None = None) -> dict[str, Any]:
        """RFC 7644 §3.5.2 PATCH with a PatchOp body; atomic."""
        return self._patch(GROUP_TYPE, id, patch, if_match)

    def delete_user(self, id: str, *, if_match: str | None = None) -> None:
        """RFC 7644 §3.6; the user also leaves every group."""
        self._delete(USER_TYPE, id, if_match)

    def delete_group(self, id: str, *, if_match: str | None = None) -> None:
        """RFC 7644 §3.6; the group also leaves every group it was nested in."""
        self._delete(GROUP_TYPE, id, if_match)

    # --- list ---------------------------------------------------------------------------
    def list_users(self, query: ListQuery | None = None) -> Page:
        """RFC 7644 §3.4.2 query of /Users."""
        return self._list((USER_TYPE,), query or ListQuery())

    def list_groups(self, query: ListQuery | None = None) -> Page:
        """RFC 7644 §3.4.2 query of /Groups."""
        return self._list((GROUP_TYPE,), query or ListQuery())

    def search(self, query: ListQuery) -> Page:
        """RFC 7644 §3.4.3 ``POST /.search`` at the root: users and groups together."""
        return self._list((USER_TYPE, GROUP_TYPE), query)

    def project(
        self, resource: dict[str, Any], attributes: tuple[str, ...] = (), excluded: tuple[str, ...] = ()
    ) -> dict[str, Any]:
        """``resource`` as returned with ``attributes``/``excludedAttributes`` (RFC 7644 §3.9)."""
        rtype = USER_TYPE if resource.get("meta", {}).get("resourceType") == "User" else GROUP_TYPE
        return project(resource, rtype, attributes, excluded)

    # --- seed / snapshot ------------------------------------------------------------------
    def load_resource(self, rtype: ResourceType, data: dict[str, Any], *, check_members: bool = True) -> None:
        """Insert a seeded or exported resource as is: ``id`` and ``meta`` (version included) kept."""
        body = normalize({k: v for k, v in data.items() if k not in ("id", "meta")}, rtype)
        id = str(data.get("id") or uuid.uuid4())
        meta = dict(data.get("meta") or {})
        now = self._now()
        meta.setdefault("resourceType", rtype.id)
        meta.setdefault("created", now)
        meta.setdefault("lastModified", meta["created"])
        meta.setdefault("location", f"{self.base_path}{rtype.endpoint}/{id}")
        if "version" not in meta:
            self._version += 1
            meta["version"] = f'W/"{self._version}"'
        else:
            number = str(meta["version"]).removeprefix("W/").strip('"')
            self._version = max(self._version, int(number) if number.isdigit() else 0)
        resource = {"schemas": body.pop("schemas"), "id": id, **body, "meta": meta}
        if check_members or rtype is USER_TYPE:
            self._check(rtype, resource, None)
        self._store(rtype)[id] = resource
        self._index(rtype, resource)

    def check_all_members(self) -> None:
        """After a seed load: every group member must exist (400 ``invalidValue`` otherwise), whatever
        the tenant's ``members`` option: a seed or an import is written by hand, so a typo fails loudly."""
        for group in self._groups.values():
            if group.get("members"):
                group["members"] = self.members.resolve(group["members"], self._users, self._groups)[0]

    def export(self) -> dict[str, Any]:
        """Seed-shaped copy: ``{tokens, options, users, groups}`` with ids, meta and versions."""
        tokens: list[Any] = [t if exp is None else {"token": t, "expires_at": exp} for t, exp in self.tokens.items()]
        return {
            "tokens": tokens,
            "options": self.options.export(),
            "users": [_clone(u) for u in self._users.values()],
            "groups": [_clone(g) for g in self._groups.values()],
        }

    # --- internals ----------------------------------------------------------------------
    def _store(self, rtype: ResourceType) -> dict[str, dict[str, Any]]:
        return self._users if rtype is USER_TYPE else self._groups

    def _find(self, rtype: ResourceType, id: str) -> dict[str, Any]:
        found = self._store(rtype).get(id)
        if found is None:
            raise NotFound(f"{rtype.id} {id} not found")
        return found

    def _now(self) -> str:
        return datetime.fromtimestamp(self.clock.now(), tz=UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"

    def _create(self, rtype: ResourceType, data: dict[str, Any]) -> dict[str, Any]:
        body = normalize(self._rfc_form(compat.read_resource(self._client_mode(), rtype, data)), rtype)
        require_room(len(self._users) + len(self._groups), MAX_SCIM_RESOURCES, "users and groups in this tenant")
        id = str(uuid.uuid4())
        now = self._now()
        body["meta"] = {
            "resourceType": rtype.id,
            "created": now,
            "lastModified": now,
            "location": f"{self.base_path}{rtype.endpoint}/{id}",
        }
        resource = {"schemas": body.pop("schemas"), "id": id, **body}
        self._check(rtype, resource, None)
        self._commit(rtype, resource, None)
        return _clone(self._view(rtype, resource))

    def _replace(self, rtype: ResourceType, id: str, data: dict[str, Any], if_match: str | None) -> dict[str, Any]:
        data = self._rfc_form(compat.read_resource(self._client_mode(), rtype, data))
        _schemas(data, rtype)  # before 404 and 412, as request validation checked them (apis/scim.py mounted_spec)
        old = self._find(rtype, id)
        check_etag(old, if_match)
        body = normalize(data, rtype)
        if rtype is USER_TYPE and self.quirk(PUT_DROPS_NAME):
            body.pop("name", None)  # Planted bug: PUT stores the user without the name it sent
        resource = {"schemas": body.pop("schemas"), "id": id, **body, "meta": dict(old["meta"])}
        return self._update(rtype, old, resource)

    def _patch(self, rtype: ResourceType, id: str, patch: dict[str, Any], if_match: str | None) -> dict[str, Any]:
        old = self._find(rtype, id)
        check_etag(old, if_match)
        rfc_patch = self._rfc_form(compat.read_patch(self._client_mode(), rtype, patch, old))
        if rfc_patch is None:  # every operation named an attribute the compat mode ignores
            return self.get_user(id) if rtype is USER_TYPE else self.get_group(id)
        ops = planted_ops(self.quirk, rtype, read_operations(rfc_patch, rtype, patch_dialect(self.quirk)))
        try:
            return self._update(rtype, old, self._patched(rtype, old, ops))
        except DomainError:
            if self.quirk("scim-patch-not-atomic"):
                self._commit_prefix(rtype, old, ops)  # Planted bug: the ops before the failing one stick
            raise

    def _patched(self, rtype: ResourceType, old: dict[str, Any], ops: list[Operation]) -> dict[str, Any]:
        changed = apply_patch(old, ops, rtype)
        body = normalize({k: v for k, v in changed.items() if k not in ("id", "meta")}, rtype)
        return {"schemas": body.pop("schemas"), "id": old["id"], **body, "meta": dict(old["meta"])}

    def _commit_prefix(self, rtype: ResourceType, old: dict[str, Any], ops: list[Operation]) -> None:
        for n in range(len(ops) - 1, 0, -1):
            try:
                self._update(rtype, old, self._patched(rtype, old, ops[:n]))
                return
            except DomainError:
                continue

    def _update(self, rtype: ResourceType, old: dict[str, Any], resource: dict[str, Any]) -> dict[str, Any]:
        self._check(rtype, resource, old)
        if _content(resource) != _content(old):
            self._commit(rtype, resource, old)
        return self.get_user(old["id"]) if rtype is USER_TYPE else self.get_group(old["id"])

    def _delete(self, rtype: ResourceType, id: str, if_match: str | None) -> None:
        old = self._find(rtype, id)
        check_etag(old, if_match)
        if rtype is USER_TYPE and self.quirk(DELETE_KEEPS_USER):
            return  # Planted bug: the user is answered as deleted and kept
        del self._store(rtype)[id]
        self._unindex(rtype, old)
        for group_id in self.members.groups_of(id):
            group = self._groups[group_id]
            kept = [m for m in group.get("members", []) if m.get("value") != id]
            updated = {**group, "members": kept} if kept else {k: v for k, v in group.items() if k != "members"}
            updated["meta"] = dict(group["meta"])
            self._commit(GROUP_TYPE, updated, group)

    def _check(self, rtype: ResourceType, resource: dict[str, Any], old: dict[str, Any] | None) -> None:
        """Uniqueness (RFC 7643 §2.2 ``uniqueness: server``) and member references."""
        if rtype is USER_TYPE:
            owner = self._by_username.get(resource["userName"].lower())
            if owner is not None and (old is None or owner != old["id"]):
                taken = BadRequest if self.quirk(CONFLICT_AS_BAD_REQUEST) else Conflict  # Planted bug: 400
                raise taken(f"userName {resource['userName']!r} is already taken")
        else:
            resource_members, notes = self.members.resolve(
                resource.get("members") or [], self._users, self._groups, strict=self.options.strict_members
            )
            self.notes += notes
            if resource_members:
                resource["members"] = resource_members
            else:
                resource.pop("members", None)

    def _commit(self, rtype: ResourceType, resource: dict[str, Any], old: dict[str, Any] | None) -> None:
        """The one place a change lands: new ``lastModified`` and ``meta.version`` (RFC 7644 §3.14)."""
        meta = resource["meta"]
        if old is not None:
            meta["lastModified"] = max(self._now(), meta["lastModified"])
        if old is None or not self.quirk("scim-etag-not-bumped"):
            self._version += 1
            meta["version"] = f'W/"{self._version}"'
        if old is not None:
            self._unindex(rtype, old)
        self._store(rtype)[resource["id"]] = resource
        self._index(rtype, resource)

    def _index(self, rtype: ResourceType, resource: dict[str, Any]) -> None:
        if rtype is USER_TYPE:
            self._by_username[resource["userName"].lower()] = resource["id"]
        if resource.get("externalId") is not None:
            self._by_external[rtype.id].setdefault(resource["externalId"], {})[resource["id"]] = None
        if rtype is GROUP_TYPE:
            self.members.add(resource["id"], resource.get("members") or [])

    def _unindex(self, rtype: ResourceType, resource: dict[str, Any]) -> None:
        if rtype is USER_TYPE:
            self._by_username.pop(resource["userName"].lower(), None)
        ext = resource.get("externalId")
        holders = self._by_external[rtype.id].get(ext) if isinstance(ext, str) else None
        if holders is not None:
            holders.pop(resource["id"], None)
            if not holders:
                del self._by_external[rtype.id][str(ext)]
        if rtype is GROUP_TYPE:
            self.members.remove(resource["id"], resource.get("members") or [])

    def _view(self, rtype: ResourceType, resource: dict[str, Any]) -> dict[str, Any]:
        """A read-only view with the derived attributes: user ``groups``, member ``display``/``$ref``.

        A new top-level object whose nested values are the stored ones: stored resources are
        replaced, never changed in place (:meth:`_commit`), so a view stays as it was read. Listing
        and projection only read it; what leaves the directory for a caller to keep is a copy
        (:meth:`get_user`, :meth:`users`).
        """
        out = {k: v for k, v in resource.items() if k != "password"}  # RFC 7643 §4.1.1: returned "never"
        if rtype is USER_TYPE:
            groups = self.members.user_groups(resource["id"], self._groups, self.base_path)
            if groups:
                out["groups"] = groups
        elif out.get("members"):
            out["members"] = self.members.render(out["members"], self._users, self._groups, self.base_path)
        return out

    def _candidates(self, rtype: ResourceType, node: Any) -> list[dict[str, Any]] | None:
        """Resources an indexed ``eq`` filter can only match (None: a scan is needed)."""
        indexed = {"id": True, "externalid": True, **({"username": False} if rtype is USER_TYPE else {})}
        keys = index_keys(node, indexed)
        if keys is None:
            return None
        store = self._store(rtype)
        ids: dict[str, None] = {}
        for name, key in keys:
            if name == "id":
                found: list[str] = [key]
            elif name == "username":
                found = [self._by_username[key]] if key in self._by_username else []
                if self.quirk(LOOKUP_MISSES):
                    found = []  # Planted bug: the userName index answers no user
            else:
                found = list(self._by_external[rtype.id].get(key, {}))
            ids.update((i, None) for i in found if i in store)
        return [store[i] for i in ids]

    def _list(self, rtypes: tuple[ResourceType, ...], query: ListQuery) -> Page:
        """RFC 7644 §3.4.2 filter, count, sort, page and project (see ``listing``), the filter read
        in the tenant's compat mode."""
        text = self._rfc_form(compat.read_filter(self._client_mode(), query.filter))
        if text is not query.filter:
            query = replace(query, filter=text)
        asked = query.start_index
        if query.count < MAX_RESULTS and self.quirk(START_INDEX_OFF_BY_ONE):
            query = replace(query, start_index=asked + 1)  # Planted bug: a paged request skips one match
        page = list_resources(self, rtypes, query)
        page.start_index = asked
        if self.quirk("scim-total-results-page-size"):
            page.total_results = len(page.resources)  # Planted bug: totalResults is the page size
        return page


def _content(resource: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in resource.items() if k != "meta"}


def check_etag(resource: dict[str, Any], if_match: str | None) -> None:
    """RFC 7232 §3.1 / RFC 7644 §3.14: ``If-Match`` must name the current version (or be ``*``)."""
    if if_match is None:
        return
    if not etag_matches(resource["meta"].get("version", ""), if_match):
        raise PreconditionFailed(
            f"If-Match {if_match} does not match the current version {resource['meta'].get('version')}"
        )


def etag_matches(version: str, header: str) -> bool:
    """Weak comparison (RFC 7232 §2.3.2) of ``version`` against a list of ETags or ``*``."""
    if header.strip() == "*":
        return True
    want = version.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == want for tag in header.split(","))
