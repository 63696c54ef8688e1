"""``sift.user_groups.v2.UserGroupService`` (docs/vendor-facts.md B3).

Ids are UUIDs (buf.validate in user_groups.proto at 8e0a0e0e2) → INVALID_ARGUMENT; unknown ids →
NOT_FOUND; ``update_mask`` paths must be in ``['name', 'is_default', 'role_id', 'resources',
'users']``. Inferred (specs/README.md (sift section)): an external group's name and membership belong
to the IdP ("membership must be changed in the IdP", docs manage-idp), so changing them here is
FAILED_PRECONDITION, as is deleting an external or the default group; at most one group is
the default.
"""

from __future__ import annotations

import uuid
from typing import Any

from mockserver.domain.errors import BadRequest, FailedPrecondition, NotFound
from mockserver.domain.limits import MAX_SIFT_GROUPS, require_room
from mockserver.domain.sift.paging import ListQuery, select
from mockserver.domain.sift.records import SiftRecords, group_view, require_uuid

Json = dict[str, Any]

#: ``UpdateUserGroupRequest.update_mask`` (buf.validate ``invalid_field_mask_path``).
MASK_PATHS = ("name", "is_default", "role_id", "resources", "users")
MASK_MESSAGE = "field mask path must be in ['name', 'is_default', 'role_id', 'resources', 'users']"
#: protobuf JSON carries FieldMask paths in lowerCamelCase (``isDefault,roleId``).
JSON_MASK = {"name": "name", "isDefault": "is_default", "roleId": "role_id", "resources": "resources", "users": "users"}


def parse_mask(text: str) -> list[str]:
    """A JSON FieldMask (comma-separated lowerCamelCase) as proto paths, validated."""
    paths = [p.strip() for p in str(text).split(",") if p.strip()]
    if not paths:
        raise BadRequest("update_mask: must contain at least one path; " + MASK_MESSAGE)
    unknown = [p for p in paths if p not in JSON_MASK]
    if unknown:
        raise BadRequest(f"update_mask: invalid path {unknown[0]!r}: " + MASK_MESSAGE)
    return [JSON_MASK[p] for p in paths]


class UserGroups:
    """CRUD and membership of user groups."""

    def __init__(self, state: SiftRecords) -> None:
        self.state = state

    def list_groups(self, query: ListQuery) -> Json:
        """``ListUserGroups``: CEL variable ``name``; ``orderBy`` name/created_date/modified_date, default name."""
        orders = {
            "name": lambda g: g["name"],
            "created_date": lambda g: g["createdDate"],
            "modified_date": lambda g: g["modifiedDate"],
        }
        items, token = select(
            list(self.state.groups.values()),
            query,
            filters={"name": lambda g: g["name"]},
            orders=orders,
            default_order="name",
        )
        return {"userGroups": [group_view(g) for g in items], "nextPageToken": token}

    def get(self, group_id: str) -> Json:
        return {"userGroup": group_view(self.state.group(group_id))}

    def create(self, body: Json) -> Json:
        """``CreateUserGroup``: the server assigns ``userGroupId``; created groups are internal."""
        data = body.get("userGroup")
        if not isinstance(data, dict):
            raise BadRequest("user_group: value is required")
        name = self._name(data.get("name"))
        require_room(len(self.state.groups), MAX_SIFT_GROUPS, "user groups")
        now = self.state.now()
        group: Json = {
            "userGroupId": str(uuid.uuid4()),
            "name": name,
            "roleId": self._role(data.get("roleId", "")),
            "isDefault": False,
            "resources": self._resources(data.get("resources")),
            "userIds": self._user_ids(data.get("userIds") or []),
            "isExternal": False,
            "scimGroupId": None,
            "createdDate": now,
            "modifiedDate": now,
        }
        self.state.groups[group["userGroupId"]] = group
        if data.get("isDefault") is True:
            self._make_default(group)
        return {"userGroup": group_view(group)}

    def update(self, group_id: str, body: Json) -> Json:
        """``UpdateUserGroup``: only the masked fields change; the path's id wins over the body's."""
        group = self.state.group(group_id)
        data = body.get("userGroup")
        if not isinstance(data, dict):
            raise BadRequest("user_group: value is required")
        paths = parse_mask(body.get("updateMask", ""))
        self._check_formats(data)
        if group["isExternal"] and (
            {"name", "users"} & set(paths) or (data.get("isDefault") is True and "is_default" in paths)
        ):
            raise FailedPrecondition(
                "the name and membership of an external group are managed by the identity provider"
            )
        changes: Json = {}
        if "name" in paths:
            changes["name"] = self._name(data.get("name"))
        if "role_id" in paths:
            changes["roleId"] = self._role(data.get("roleId", ""))
        if "resources" in paths:
            changes["resources"] = self._resources(data.get("resources"))
        if "users" in paths:
            changes["userIds"] = self._user_ids(data.get("userIds") or [])
        group.update(changes, modifiedDate=self.state.now())
        if "is_default" in paths:
            if data.get("isDefault") is True:
                self._make_default(group)
            else:
                group["isDefault"] = False
        return {"userGroup": group_view(group)}

    def delete(self, group_id: str) -> Json:
        group = self.state.group(group_id)
        if group["isExternal"] or group["isDefault"]:
            raise FailedPrecondition("external groups and the default group cannot be deleted")
        del self.state.groups[group["userGroupId"]]
        return {}

    def add_user(self, group_id: str, user_id: str) -> Json:
        group, user = self._internal(group_id), self.state.user(user_id)
        if user["userId"] not in group["userIds"]:
            group["userIds"].append(user["userId"])
            group["modifiedDate"] = self.state.now()
        return {}

    def remove_user(self, group_id: str, user_id: str) -> Json:
        group, user = self._internal(group_id), self.state.user(user_id)
        if user["userId"] in group["userIds"]:
            group["userIds"].remove(user["userId"])
            group["modifiedDate"] = self.state.now()
        return {}

    def update_user(self, user_id: str, group_ids: list[str]) -> Json:
        """``UpdateUserUserGroups``: the user's groups become exactly ``userGroupIds``."""
        user_id = self.state.user(user_id)["userId"]
        wanted = {self.state.group(g, "user_group_ids")["userGroupId"] for g in group_ids}
        changing = [g for g in self.state.groups.values() if (g["userGroupId"] in wanted) != (user_id in g["userIds"])]
        if any(g["isExternal"] for g in changing):
            raise FailedPrecondition("membership of external groups is managed by the identity provider")
        for group in changing:
            group["userIds"] = [u for u in group["userIds"] if u != user_id] + (
                [user_id] if group["userGroupId"] in wanted else []
            )
            group["modifiedDate"] = self.state.now()
        return {}

    def for_assets(self, asset_ids: list[str]) -> Json:
        """``GetUserGroupsForAssets``: the groups granted any of the assets (``allAssets`` or a listed
        id), by name, and the roles those groups carry. Inferred (the protos say only "Retrieves user
        groups for a list of assets"): ``asset_ids`` is REQUIRED, so none is INVALID_ARGUMENT."""
        wanted = {require_uuid(a, "asset_ids") for a in asset_ids}
        if not wanted:
            raise BadRequest("asset_ids: value is required")
        groups = sorted(
            (
                g
                for g in self.state.groups.values()
                if g["resources"]["allAssets"] or wanted & set(g["resources"]["assetIds"])
            ),
            key=lambda g: g["name"],
        )
        role_ids = {g["roleId"] for g in groups}
        roles = [dict(r) for r in self.state.roles if r["roleId"] in role_ids]
        return {"userGroups": [group_view(g) for g in groups], "roles": roles}

    # -- validation -------------------------------------------------------------------------

    def _check_formats(self, data: Json) -> None:
        """buf.validate checks the whole message, masked or not: ids must be UUIDs."""
        for user_id in data.get("userIds") or []:
            require_uuid(user_id, "user_group.user_ids")
        self._resources(data.get("resources"))

    def _internal(self, group_id: str) -> Json:
        group = self.state.group(group_id)
        if group["isExternal"]:
            raise FailedPrecondition("membership of external groups is managed by the identity provider")
        return group

    def _make_default(self, group: Json) -> None:
        for other in self.state.groups.values():
            other["isDefault"] = other is group

    @staticmethod
    def _name(value: Any) -> str:
        if not isinstance(value, str) or not value.strip():
            raise BadRequest("user_group.name: value is required")
        return value

    def _role(self, value: Any) -> str:
        if value in ("", None):
            return ""
        if value not in self.state.role_ids():
            raise NotFound(f"role {value} not found")
        return str(value)

    def _user_ids(self, values: list[Any]) -> list[str]:
        found: list[str] = []
        for value in values:
            user_id = self.state.user(value, "user_group.user_ids")["userId"]
            if user_id not in found:
                found.append(user_id)
        return found

    @staticmethod
    def _resources(value: Any) -> Json:
        value = value if isinstance(value, dict) else {}
        asset_ids = [require_uuid(a, "user_group.resources.asset_ids") for a in value.get("assetIds") or []]
        return {"assetIds": asset_ids, "allAssets": bool(value.get("allAssets", False))}
