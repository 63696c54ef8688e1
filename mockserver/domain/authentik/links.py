"""authentik's provider ↔ remote-object connections: ``SCIMProviderUser`` / ``SCIMProviderGroup``.

A connection records the remote SCIM ``id`` of a pushed user or group and the last JSON the
target returned (``attributes``); the sync looks it up to decide create vs update (docs/vendor-facts.md
A4, A8). ``/providers/scim_users/`` and ``/providers/scim_groups/`` expose them.
"""

from __future__ import annotations

import copy
import uuid
from typing import Any

from mockserver.domain.authentik.core import CoreStore
from mockserver.domain.authentik.paging import order, paginate, search
from mockserver.domain.authentik.values import is_uuid, missing_pk, require_uuids
from mockserver.domain.errors import BadRequest, NotFound
from mockserver.domain.limits import MAX_AUTHENTIK_CONNECTIONS, require_room

LINK_KEY = {"user": "user", "group": "group"}


class ConnectionsMixin:
    """Connection records by kind (``user``/``group``) and id; mixed into ``AuthentikState``."""

    core: CoreStore
    providers: dict[int, dict[str, Any]]
    links: dict[str, dict[str, dict[str, Any]]]

    def link_for(self, kind: str, provider_pk: int, obj_pk: Any) -> dict[str, Any] | None:
        return next((c for c in self.links[kind].values() if c["provider"] == provider_pk and c[kind] == obj_pk), None)

    def link(self, kind: str, provider_pk: int, obj_pk: Any, scim_id: str, attributes: dict[str, Any]) -> None:
        """Record a pushed object, unless the provider or object vanished during the push."""
        objects = self.core.users if kind == "user" else self.core.groups
        if provider_pk in self.providers and obj_pk in objects and self.link_for(kind, provider_pk, obj_pk) is None:
            require_room(len(self.links[kind]), MAX_AUTHENTIK_CONNECTIONS, f"SCIM provider {kind} connections")
            cid = str(uuid.uuid4())
            self.links[kind][cid] = {
                "id": cid,
                "scim_id": scim_id,
                kind: obj_pk,
                "provider": provider_pk,
                "attributes": copy.deepcopy(attributes),
            }

    def set_link_attributes(self, kind: str, link_id: str, attributes: Any) -> None:
        if link_id in self.links[kind] and isinstance(attributes, dict):
            self.links[kind][link_id]["attributes"] = copy.deepcopy(attributes)

    def unlink(self, kind: str, link_id: str) -> None:
        self.links[kind].pop(link_id, None)

    def scim_ids(self, provider_pk: int, user_pks: list[int]) -> list[str]:
        """Remote ids of those users that are linked to the provider, in user pk order."""
        ids = []
        for pk in user_pks:
            link = self.link_for("user", provider_pk, pk)
            if link is not None:
                ids.append(link["scim_id"])
        return ids

    def get_link(self, kind: str, link_id: str) -> dict[str, Any]:
        if link_id not in self.links[kind]:
            raise NotFound(f"No SCIMProvider{kind.title()} matches the given query.")
        return self.links[kind][link_id]

    def render_link(self, kind: str, link: dict[str, Any]) -> dict[str, Any]:
        """``SCIMProviderUser`` (``user_obj``: GroupMember) / ``SCIMProviderGroup`` (``group_obj``: UserGroup)."""
        body = copy.deepcopy(link)
        if kind == "user":
            body["user_obj"] = self.core.render_member(self.core.users[link["user"]])
        else:
            body["group_obj"] = self.core.render_user_group(self.core.groups[link["group"]])
        return body

    def create_link(self, kind: str, body: dict[str, Any]) -> dict[str, Any]:
        """``POST /providers/scim_users/`` / ``scim_groups/``: link to an existing remote object."""
        objects: dict[Any, Any] = self.core.users if kind == "user" else self.core.groups
        obj_pk = body[kind] if kind == "user" else (str(uuid.UUID(body[kind])) if is_uuid(body[kind]) else body[kind])
        errors = {}
        if obj_pk not in objects:
            errors[kind] = missing_pk(body[kind])
        if body["provider"] not in self.providers:
            errors["provider"] = missing_pk(body["provider"])
        if not errors and any(
            c["scim_id"] == body["scim_id"] and c[kind] == obj_pk and c["provider"] == body["provider"]
            for c in self.links[kind].values()
        ):
            errors["non_field_errors"] = [f"The fields scim_id, {kind}, provider must make a unique set."]
        if errors:
            raise BadRequest("Invalid connection", fields=errors)
        require_room(len(self.links[kind]), MAX_AUTHENTIK_CONNECTIONS, f"SCIM provider {kind} connections")
        cid = str(uuid.uuid4())
        self.links[kind][cid] = {
            "id": cid,
            "scim_id": body["scim_id"],
            kind: obj_pk,
            "provider": body["provider"],
            "attributes": {},
        }
        return self.links[kind][cid]

    def list_links(self, kind: str, query: dict[str, Any]) -> dict[str, Any]:
        require_uuids(query, ("group__group_uuid",), "Enter a valid UUID.")
        rows = [self.render_link(kind, c) for c in self.links[kind].values()]
        obj = f"{kind}_obj"
        wanted = {
            "provider": query.get("provider__id"),
            "user": query.get("user__id"),
            "username": query.get("user__username"),
            "group": query.get("group__group_uuid"),
            "name": query.get("group__name"),
        }
        rows = [
            r
            for r in rows
            if (wanted["provider"] is None or r["provider"] == wanted["provider"])
            and (wanted["user"] is None or r.get("user") == wanted["user"])
            and (wanted["username"] is None or r[obj].get("username") == wanted["username"])
            and (wanted["group"] is None or r.get("group") == str(wanted["group"]))
            and (wanted["name"] is None or r[obj].get("name") == wanted["name"])
        ]
        rows = order(
            search(rows, query.get("search"), ("scim_id",)), query.get("ordering"), ("scim_id", "provider", kind), ()
        )
        return paginate(rows, query.get("page"), query.get("page_size"))

    def _used_by_link(self, kind: str, link: dict[str, Any]) -> dict[str, Any]:
        return {
            "app": "authentik_providers_scim",
            "model_name": f"scimprovider{kind}",
            "pk": link["id"],
            "name": f"SCIM Provider {kind.title()} {link[kind]} to {link['provider']}",
            "action": "cascade",
        }

    def drop_object_links(self, kind: str, obj_pk: Any) -> None:
        """A deleted user/group takes its connections with it (``on_delete=CASCADE``)."""
        self.links[kind] = {k: c for k, c in self.links[kind].items() if c[kind] != obj_pk}
        if kind == "group":
            for provider in self.providers.values():
                if provider["filter_group"] == obj_pk:
                    provider["filter_group"] = None

    def object_used_by(self, kind: str, obj_pk: Any) -> list[dict[str, Any]]:
        return [self._used_by_link(kind, c) for c in self.links[kind].values() if c[kind] == obj_pk]
