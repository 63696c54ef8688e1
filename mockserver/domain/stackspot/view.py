"""Resources as elimity-com/scim puts them on the wire (``Resource.response``), with StackSpot's expansions.

Wire shape (docs/vendor-facts.md §3.5-3.6, T5/T7 examples): attributes flattened at the top level beside
``id``, ``externalId`` (only when set), ``schemas`` (the core schema then every extension) and
``meta {resourceType, created, lastModified?, location}``; ``location`` is relative
(``Roles/<id>``) as in the 2024 release. StackSpot's reference documents the expansions:
permission statements carry whole Action and Resource resources, a resource carries its
resource type (with its actions), a resource type lists its actions and resources, a role
lists its permissions and ``member_count``. The documented ``{attributes: {...}}`` wrapper is
a swaggo rendering of Go structs, not the wire (docs/vendor-facts.md §3.5 point 4).
"""

from __future__ import annotations

from typing import Any

from mockserver.domain.stackspot.schema import KINDS, Kind

Store = dict[str, dict[str, dict[str, Any]]]


def meta(kind: Kind, record: dict[str, Any]) -> dict[str, Any]:
    """elimity ``meta`` in its JSON field order; ``lastModified`` omitted until the first update."""
    out: dict[str, Any] = {"resourceType": kind.name, "created": record["created"]}
    if record.get("lastModified"):
        out["lastModified"] = record["lastModified"]
    out["location"] = f"{kind.endpoint}/{record['id']}"
    return out


def envelope(kind: Kind, record: dict[str, Any], attributes: dict[str, Any]) -> dict[str, Any]:
    """Flattened attributes + ``id``, ``externalId``?, ``schemas``, ``meta``."""
    body = dict(attributes)
    body["id"] = record["id"]
    if record["attrs"].get("externalId") is not None:
        body["externalId"] = record["attrs"]["externalId"]
    body["schemas"] = [kind.schema, *kind.extensions]
    body["meta"] = meta(kind, record)
    return body


def _plain(kind: Kind, record: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    attrs = record["attrs"]
    out: dict[str, Any] = {}
    for name in names:
        if name == "id":
            out[name] = record["id"]
        elif name == "created_at":
            out[name] = record["created"]
        elif name == "active":
            out[name] = False  # Inferred: server-managed; StackSpot's only wire example (T7) shows false
        else:
            out[name] = attrs.get(name)
    return out


class View:
    """Renders the records of one tenant."""

    def __init__(self, store: Store, member_count: Any) -> None:
        self.store = store
        self.member_count = member_count

    def _records(self, endpoint: str, ids: list[str]) -> list[dict[str, Any]]:
        records = self.store.get(endpoint, {})
        return [records[i] for i in ids if i in records]

    def action_attrs(self, record: dict[str, Any]) -> dict[str, Any]:
        return _plain(KINDS["Actions"], record, ("active", "client_id", "created_at", "description", "id", "name"))

    def resource_type_nested(self, record: dict[str, Any]) -> dict[str, Any]:
        out = _plain(KINDS["Resource-Types"], record, ("client_id", "created_at", "description", "id", "name", "slug"))
        out["actions"] = [self.action_attrs(a) for a in self._records("Actions", record["attrs"].get("actions", []))]
        return out

    def statements(self, attrs: dict[str, Any]) -> list[dict[str, Any]]:
        out = []
        for st in attrs.get("statements", []):
            resource = self.store.get("Resources", {}).get(st.get("resource", ""))
            out.append(
                {
                    "actions": [self.render("Actions", a) for a in self._records("Actions", st.get("actions", []))],
                    "resource": self.render("Resources", resource) if resource else None,
                }
            )
        return out

    def permission_attrs(self, record: dict[str, Any]) -> dict[str, Any]:
        out = _plain(KINDS["Permissions"], record, ("client_id", "created_at", "description", "id", "name"))
        out["statements"] = self.statements(record["attrs"])
        return out

    def render(self, endpoint: str, record: dict[str, Any]) -> dict[str, Any]:
        """The wire JSON of one record."""
        kind = KINDS[endpoint]
        return envelope(kind, record, getattr(self, "_" + endpoint.replace("-", "_").lower())(record))

    def _users(self, record: dict[str, Any]) -> dict[str, Any]:
        hidden = KINDS["Users"].hidden
        return {k: v for k, v in record["attrs"].items() if k != "externalId" and k not in hidden}

    def _groups(self, record: dict[str, Any]) -> dict[str, Any]:
        users, roles = self.store.get("Users", {}), self.store.get("Roles", {})
        members = []
        for m in record["attrs"].get("members", []):
            user = users.get(m["value"], {}).get("attrs", {})
            members.append(
                {
                    "value": m["value"],
                    "display": user.get("displayName") or user.get("userName"),
                    "type": m.get("type", "User"),
                    "$ref": f"Users/{m['value']}",
                }
            )
        granted = [
            {"value": r["value"], "display": roles.get(r["value"], {}).get("attrs", {}).get("name")}
            for r in record["attrs"].get("roles", [])
        ]
        return {"displayName": record["attrs"]["displayName"], "members": members, "roles": granted}

    def _roles(self, record: dict[str, Any]) -> dict[str, Any]:
        out = _plain(KINDS["Roles"], record, ("claim_mapper", "client_id", "created_at", "description", "id", "name"))
        out["member_count"] = self.member_count(record)
        out["permissions"] = [
            self.permission_attrs(p) for p in self._records("Permissions", record["attrs"].get("permissions", []))
        ]
        return out

    def _permissions(self, record: dict[str, Any]) -> dict[str, Any]:
        return self.permission_attrs(record)

    def _actions(self, record: dict[str, Any]) -> dict[str, Any]:
        return self.action_attrs(record)

    def _resource_types(self, record: dict[str, Any]) -> dict[str, Any]:
        out = _plain(KINDS["Resource-Types"], record, ("client_id", "description", "name", "slug"))
        out["actions"] = [self.action_attrs(a) for a in self._records("Actions", record["attrs"].get("actions", []))]
        out["resources"] = [
            _plain(KINDS["Resources"], r, ("client_id", "created_at", "description", "id", "name", "slug"))
            for r in self.store.get("Resources", {}).values()
            if r["attrs"].get("type") == record["id"]
        ]
        return out

    def _resources(self, record: dict[str, Any]) -> dict[str, Any]:
        out = _plain(KINDS["Resources"], record, ("client_id", "description", "name", "slug"))
        rtype = self.store.get("Resource-Types", {}).get(record["attrs"].get("type", ""))
        out["type"] = self.resource_type_nested(rtype) if rtype else None
        return out
