"""Group membership: reference checks and the member → groups index (RFC 7643 §4.2, §4.1.2).

Members are stored as ``{value, type}``; ``display`` and ``$ref`` are read-only and derived
when a group is read, so they never go stale. A user's read-only ``groups`` attribute is
derived from this index (direct memberships only; Inferred: nested groups are not expanded
into ``indirect`` entries).
"""

from __future__ import annotations

from typing import Any

from mockserver.domain.errors import BadRequest


class MemberIndex:
    """``member id → {group id}``, kept in step with every group write."""

    def __init__(self) -> None:
        self._groups_of: dict[str, dict[str, None]] = {}

    def add(self, group_id: str, members: list[dict[str, Any]]) -> None:
        """Record ``group_id``'s members."""
        for m in members:
            self._groups_of.setdefault(m["value"], {})[group_id] = None

    def remove(self, group_id: str, members: list[dict[str, Any]]) -> None:
        """Forget ``group_id``'s members."""
        for m in members:
            found = self._groups_of.get(m["value"])
            if found is not None:
                found.pop(group_id, None)
                if not found:
                    del self._groups_of[m["value"]]

    def groups_of(self, member_id: str) -> list[str]:
        """Ids of the groups that list ``member_id`` directly."""
        return list(self._groups_of.get(member_id, {}))

    @staticmethod
    def resolve(
        members: list[dict[str, Any]], users: dict[str, Any], groups: dict[str, Any], *, strict: bool = True
    ) -> tuple[list[dict[str, Any]], list[str]]:
        """Members deduplicated by ``value``, each naming an existing user or group, typed; and notes.

        A member that names no resource of the tenant, or whose ``type`` names the other resource
        type: ``strict`` raises 400 ``invalidValue`` (RFC 7644 §3.12: "the value specified was not
        compatible"); otherwise the member is dropped (unknown id) or retyped (wrong ``type``)
        and a note says so (the tenant option ``members``, ``options.TenantOptions``).
        """
        out: dict[str, dict[str, Any]] = {}
        notes: list[str] = []
        for m in members:
            value = m["value"]
            kind = "User" if value in users else "Group" if value in groups else None
            if kind is None:
                _refuse(strict, f"Member {value!r} is not a user or group of this directory")
                notes.append(f"member {value!r} names no user or group of this directory: dropped")
                continue
            if m.get("type") not in (None, kind):
                _refuse(strict, f"Member {value!r} is a {kind}, not a {m['type']}")
                notes.append(f"member {value!r} is a {kind}, not a {m['type']}: stored as a {kind}")
            out[value] = {"value": value, "type": kind}
        return list(out.values()), notes

    @staticmethod
    def render(
        members: list[dict[str, Any]], users: dict[str, Any], groups: dict[str, Any], base_path: str
    ) -> list[dict[str, Any]]:
        """Members with their derived ``display`` and ``$ref``."""
        out = []
        for m in members:
            kind = m.get("type", "User")
            target = (users if kind == "User" else groups).get(m["value"], {})
            display = target.get("displayName") or target.get("userName")
            item = {"value": m["value"], "$ref": f"{base_path}/{kind}s/{m['value']}", "type": kind}
            if display:
                item["display"] = display
            out.append(item)
        return out

    def user_groups(self, user_id: str, groups: dict[str, Any], base_path: str) -> list[dict[str, Any]]:
        """The user's read-only ``groups`` (RFC 7643 §4.1.2), direct memberships."""
        return [
            {"value": gid, "$ref": f"{base_path}/Groups/{gid}", "display": groups[gid]["displayName"], "type": "direct"}
            for gid in self._groups_of.get(user_id, {})
            if gid in groups
        ]


def _refuse(strict: bool, detail: str) -> None:
    if strict:
        raise BadRequest(detail)
