"""authentik core users and groups: the objects a SCIM provider pushes (docs/vendor-facts.md A5).

Records are plain dicts; ``render_*`` give the 2025.8 serializer shapes (``User``, ``Group``,
``GroupMember``, ``UserGroup``). Membership lives on the group (``users``: user pks), as
authentik's ``ak_groups`` many-to-many reads from both sides.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Callable
from hashlib import sha256
from typing import Any

from mockserver.domain.authentik.values import (
    DEFAULT_AVATAR,
    GROUP_WRITABLE,
    INSTALL_ID,
    USER_WRITABLE,
    default_core,
    missing_pk,
    norm_uuid,
    num_pk,
    require_uuids,
)
from mockserver.domain.errors import BadRequest, NotFound
from mockserver.domain.limits import MAX_AUTHENTIK_GROUPS, MAX_AUTHENTIK_USERS, require_room


class CoreStore:
    """Users by integer pk and groups by uuid; copies in, rendered dicts out."""

    def __init__(self, now: Callable[[], str]) -> None:
        self.now = now
        self.install_id = INSTALL_ID
        self.users: dict[int, dict[str, Any]] = {}
        self.groups: dict[str, dict[str, Any]] = {}
        #: Salted password hashes by user pk (``set_password``); never rendered.
        self.passwords: dict[int, str] = {}

    def load(self, data: dict[str, Any]) -> None:
        """Replace users and groups (missing sections: the fresh-install defaults)."""
        defaults = default_core(self.now())
        self.install_id = str(data.get("install_id", INSTALL_ID))
        self.users = {int(u["pk"]): copy.deepcopy(u) for u in data.get("users", defaults["users"])}
        self.groups = {str(g["pk"]): copy.deepcopy(g) for g in data.get("groups", defaults["groups"])}
        self.passwords = {int(pk): str(h) for pk, h in (data.get("passwords") or {}).items()}

    def export(self) -> dict[str, Any]:
        return {
            "install_id": self.install_id,
            "users": copy.deepcopy(list(self.users.values())),
            "groups": copy.deepcopy(list(self.groups.values())),
            "passwords": {str(pk): h for pk, h in self.passwords.items()},
        }

    # -- lookups ------------------------------------------------------------------------
    def user(self, pk: int) -> dict[str, Any]:
        if pk not in self.users:
            raise NotFound("No User matches the given query.")
        return self.users[pk]

    def group(self, pk: str) -> dict[str, Any]:
        key = norm_uuid(pk)
        if key not in self.groups:
            raise NotFound("No Group matches the given query.")
        return self.groups[key]

    def uid(self, pk: int) -> str:
        """``User.uid``: sha256 of ``<pk>-<install id>`` (``authentik/core/models.py``)."""
        return sha256(f"{pk}-{self.install_id}".encode("ascii")).hexdigest()

    def groups_of(self, pk: int) -> list[dict[str, Any]]:
        return [g for g in self.groups.values() if pk in g["users"]]

    def is_superuser(self, pk: int) -> bool:
        """``User.is_superuser``: member of a group with ``is_superuser``."""
        return any(g["is_superuser"] for g in self.groups_of(pk))

    # -- rendering ----------------------------------------------------------------------
    def render_member(self, u: dict[str, Any]) -> dict[str, Any]:
        """``GroupMember``."""
        keys = ("pk", "username", "name", "is_active", "last_login", "email", "attributes")
        return {**{k: copy.deepcopy(u[k]) for k in keys}, "uid": self.uid(u["pk"])}

    def render_user_group(self, g: dict[str, Any]) -> dict[str, Any]:
        """``UserGroup``."""
        parent = self.groups.get(g["parent"] or "")
        return {
            "pk": g["pk"],
            "num_pk": num_pk(g["pk"]),
            "name": g["name"],
            "is_superuser": g["is_superuser"],
            "parent": g["parent"],
            "parent_name": parent["name"] if parent else None,
            "attributes": copy.deepcopy(g["attributes"]),
        }

    def render_user(self, u: dict[str, Any], include_groups: bool = True) -> dict[str, Any]:
        """``User`` (2025.8)."""
        groups = self.groups_of(u["pk"])
        body = copy.deepcopy(u)
        body.update(
            is_superuser=self.is_superuser(u["pk"]),
            groups=[g["pk"] for g in groups],
            avatar=DEFAULT_AVATAR,
            groups_obj=[self.render_user_group(g) for g in groups] if include_groups else None,
            uid=self.uid(u["pk"]),
        )
        return body

    def render_group(
        self, g: dict[str, Any], include_users: bool = True, include_children: bool = False
    ) -> dict[str, Any]:
        """``Group`` (2025.8)."""
        children = [c for c in self.groups.values() if c["parent"] == g["pk"]]
        body = self.render_user_group(g)
        body.update(
            users=list(g["users"]),
            roles=list(g["roles"]),
            roles_obj=[],
            users_obj=[self.render_member(self.users[p]) for p in g["users"]] if include_users else None,
            children=[c["pk"] for c in children],
            children_obj=[self.render_child(c) for c in children] if include_children else None,
        )
        return body

    @staticmethod
    def render_child(g: dict[str, Any]) -> dict[str, Any]:
        """``GroupChild`` (2025.8): ``pk`` and ``group_uuid`` are both the group's uuid."""
        keys = ("pk", "name", "is_superuser")
        return {**{k: g[k] for k in keys}, "attributes": copy.deepcopy(g["attributes"]), "group_uuid": g["pk"]}

    # -- writes -------------------------------------------------------------------------
    def save_user(self, pk: int | None, body: dict[str, Any]) -> dict[str, Any]:
        """Create (``pk`` None) or update a user from a validated ``UserRequest`` body."""
        errors: dict[str, list[str]] = {}
        if "username" in body and any(u["username"] == body["username"] and u["pk"] != pk for u in self.users.values()):
            errors["username"] = ["A user with that username already exists."]
        bad = [g for g in body.get("groups", []) if norm_uuid(g) not in self.groups]
        if bad:
            errors["groups"] = missing_pk(bad[0])
        if errors:
            raise BadRequest("Invalid user", fields=errors)
        now = self.now()
        if pk is None:
            require_room(len(self.users), MAX_AUTHENTIK_USERS, "users")
            pk = max(self.users, default=0) + 1
            self.users[pk] = {
                "pk": pk,
                "username": "",
                "name": "",
                "is_active": True,
                "last_login": None,
                "date_joined": now,
                "email": "",
                "attributes": {},
                "path": "users",
                "type": "internal",
                "uuid": str(uuid.uuid4()),
                "password_change_date": now,
                "last_updated": now,
            }
        user = self.users[pk]
        user.update({k: copy.deepcopy(v) for k, v in body.items() if k in USER_WRITABLE})
        user["last_updated"] = now
        if "groups" in body:
            wanted = {norm_uuid(g) for g in body["groups"]}
            for g in self.groups.values():
                _set_member(g, pk, g["pk"] in wanted)
        return user

    def delete_user(self, pk: int) -> None:
        self.user(pk)
        del self.users[pk]
        self.passwords.pop(pk, None)
        for g in self.groups.values():
            _set_member(g, pk, False)

    def save_group(self, pk: str | None, body: dict[str, Any]) -> dict[str, Any]:
        """Create or update a group from a validated ``GroupRequest`` body; ``children`` (2025.8)
        makes exactly the named groups children of this one when given."""
        require_uuids(body, ("roles",))
        parent = body.get("parent", self.groups[pk]["parent"] if pk else None)
        parent = None if parent is None else norm_uuid(parent)
        errors = self._group_errors(pk, body, parent)
        if errors:
            raise BadRequest("Invalid group", fields=errors)
        if pk is None:
            require_room(len(self.groups), MAX_AUTHENTIK_GROUPS, "groups")
            pk = str(uuid.uuid4())
            self.groups[pk] = {
                "pk": pk,
                "name": "",
                "is_superuser": False,
                "parent": None,
                "attributes": {},
                "roles": [],
                "users": [],
            }
        group = self.groups[pk]
        group.update({k: copy.deepcopy(v) for k, v in body.items() if k in GROUP_WRITABLE})
        group["parent"] = parent
        group["users"] = list(dict.fromkeys(group["users"]))
        if "children" in body:
            self._set_children(pk, {norm_uuid(c) for c in body["children"]})
        return group

    def _group_errors(self, pk: str | None, body: dict[str, Any], parent: str | None) -> dict[str, list[str]]:
        """DRF field errors: unknown parent, users or children; a parent or child closing a cycle
        (authentik ``validate_parent``: "Cannot set group as parent of itself."); a name taken
        under the same parent (``unique_together``, docs/vendor-facts.md A5)."""
        errors: dict[str, list[str]] = {}
        if parent is not None and (parent not in self.groups or parent == pk):
            errors["parent"] = missing_pk(parent)
        elif parent is not None and pk is not None and pk in self._ancestors(parent):
            errors["parent"] = ["Cannot set group as parent of itself."]
        bad = [u for u in body.get("users", []) if u not in self.users]
        if bad:
            errors["users"] = missing_pk(bad[0])
        children = [norm_uuid(c) for c in body.get("children") or []]
        missing = [c for c in children if c not in self.groups]
        if missing:
            errors["children"] = missing_pk(missing[0])
        elif set(children) & ({pk} | self._ancestors(parent)):
            errors["children"] = ["Cannot set group as parent of itself."]
        name = body.get("name", self.groups[pk]["name"] if pk else "")
        if parent is not None and any(
            g["name"] == name and g["parent"] == parent and g["pk"] != pk for g in self.groups.values()
        ):
            errors["non_field_errors"] = ["The fields name, parent must make a unique set."]
        return errors

    def _ancestors(self, pk: str | None) -> set[str]:
        """``pk`` and every group above it."""
        found: set[str] = set()
        while pk is not None and pk not in found and pk in self.groups:
            found.add(pk)
            pk = self.groups[pk]["parent"]
        return found

    def _set_children(self, pk: str, children: set[str]) -> None:
        for g in self.groups.values():
            if g["pk"] in children:
                g["parent"] = pk
            elif g["parent"] == pk:
                g["parent"] = None

    def delete_group(self, pk: str) -> None:
        """Children keep existing with ``parent`` null (``on_delete=SET_NULL``)."""
        group = self.group(pk)
        del self.groups[group["pk"]]
        for g in self.groups.values():
            if g["parent"] == group["pk"]:
                g["parent"] = None

    def set_membership(self, group_pk: str, user_pk: int, member: bool) -> None:
        """``add_user`` / ``remove_user``: 404 ``User not found`` for an unknown user."""
        group = self.group(group_pk)
        if user_pk not in self.users:
            raise NotFound("Not found.")
        _set_member(group, user_pk, member)


def _set_member(group: dict[str, Any], user_pk: int, member: bool) -> None:
    if member and user_pk not in group["users"]:
        group["users"].append(user_pk)
    if not member and user_pk in group["users"]:
        group["users"].remove(user_pk)
