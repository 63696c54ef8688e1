"""The Sift external-sync reconciliation as a pure function (docs/vendor-facts.md B5, B6 point 3).

Sift docs (connect-an-identity-provider): a sync "will update your account to match the IdP's
data, which may create new users or deactivate existing ones, create or delete external
groups, and add or remove users from those external groups". :func:`reconcile` computes that
change without touching anything; :func:`apply` carries it out. Running ``reconcile`` again on
the result gives an empty diff (idempotence, docs/vendor-facts.md B6 point 3).

Org state is plain JSON-able data (the shape :class:`~mockserver.domain.sift.state.SiftState`
stores): ``users`` maps ``userId`` to ``{userId, userName, membership, managed, ...}`` where
``membership`` is ``active``, ``deactivated`` or ``none`` (a Sift user who is not a member of
this org); ``groups`` maps ``userGroupId`` to the wire ``UserGroup`` plus ``scimGroupId`` (the
SCIM id an external group mirrors). Inferred rules (specs/README.md (sift section)):

- users are matched by SCIM ``userName``, case-insensitively (RFC 7643 §4.1.1: ``userName`` is
  ``caseExact: false``); a missing ``active`` counts as active (RFC 7643 §4.1.1 leaves it optional);
- a Sift user is *managed* once the directory has named it; only managed users are deactivated
  when they vanish upstream, so internal users the IdP never knew (the admin whose API key
  runs the sync) stay as they are, like internal groups;
- external groups are matched by SCIM group id (a rename upstream renames the Sift group and
  keeps its role and asset access); their members are the active SCIM users among the group's
  ``members`` (nested groups ignored); internal and default groups are never touched.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

Json = dict[str, Any]


@dataclass(frozen=True)
class Membership:
    """One (user, external group) pair added or removed; names as stored in Sift (run diff)."""

    user_id: str
    user_name: str
    user_group_id: str
    group_name: str


@dataclass
class SyncDiff:
    """Everything one sync changes, in the words of ``SyncOrganizationResponse`` and the run diff."""

    created_users: list[tuple[str, str]] = field(default_factory=list)
    added_user_ids: list[str] = field(default_factory=list)
    deactivated_user_ids: list[str] = field(default_factory=list)
    existing_user_count: int = 0
    managed_user_ids: list[str] = field(default_factory=list)
    created_groups: list[Json] = field(default_factory=list)
    deleted_groups: list[tuple[str, str]] = field(default_factory=list)
    group_updates: dict[str, Json] = field(default_factory=dict)
    existing_group_count: int = 0
    memberships_added: list[Membership] = field(default_factory=list)
    memberships_removed: list[Membership] = field(default_factory=list)

    def changes_nothing(self) -> bool:
        """True when applying this diff leaves the org as it was (besides bookkeeping)."""
        return not (
            self.created_users
            or self.added_user_ids
            or self.deactivated_user_ids
            or self.created_groups
            or self.deleted_groups
            or self.memberships_added
            or self.memberships_removed
            or any(u.get("renamed") for u in self.group_updates.values())
        )


def user_key(user_name: str) -> str:
    """The matching key of a userName (RFC 7643 §4.1.1: ``caseExact: false``)."""
    return user_name.casefold()


def is_active(scim_user: Json) -> bool:
    """RFC 7643 §4.1.1 ``active``; absent means active."""
    return scim_user.get("active", True) is not False


def reconcile(
    org: Json, scim_users: Iterable[Json], scim_groups: Iterable[Json], *, new_id: Callable[[], str] | None = None
) -> SyncDiff:
    """What a sync of ``org`` against the SCIM directory's users and groups would change."""
    make_id = new_id or (lambda: str(uuid.uuid4()))
    diff = SyncDiff()
    sift_by_scim_id = _reconcile_users(org, list(scim_users), diff, make_id)
    _reconcile_groups(org, list(scim_groups), sift_by_scim_id, diff, make_id)
    return diff


def _reconcile_users(org: Json, scim_users: list[Json], diff: SyncDiff, make_id: Callable[[], str]) -> dict[str, str]:
    """Users half of the sync; returns SCIM user id → Sift user id for the *active* upstream users."""
    by_key = {user_key(u["userName"]): u for u in org["users"].values()}
    upstream: dict[str, Json] = {}
    for scim_user in scim_users:
        upstream.setdefault(user_key(str(scim_user.get("userName", ""))), scim_user)
    active_ids: dict[str, str] = {}
    for key, scim_user in upstream.items():
        sift_user = by_key.get(key)
        if sift_user is not None:
            diff.managed_user_ids.append(sift_user["userId"])
        if not is_active(scim_user):
            if sift_user is not None and sift_user["membership"] == "active":
                diff.deactivated_user_ids.append(sift_user["userId"])
            continue
        if sift_user is None:
            user_id = make_id()
            diff.created_users.append((user_id, str(scim_user["userName"])))
        else:
            user_id = sift_user["userId"]
            if sift_user["membership"] == "active":
                diff.existing_user_count += 1
            else:
                diff.added_user_ids.append(user_id)
        active_ids[str(scim_user.get("id"))] = user_id
    for user in org["users"].values():
        gone = user_key(user["userName"]) not in upstream
        if gone and user.get("managed") and user["membership"] == "active":
            diff.deactivated_user_ids.append(user["userId"])
    return active_ids


def _reconcile_groups(
    org: Json, scim_groups: list[Json], sift_by_scim_id: dict[str, str], diff: SyncDiff, make_id: Callable[[], str]
) -> None:
    """Groups half: create, rename, re-member and delete *external* groups only."""
    names = {u["userId"]: u["userName"] for u in org["users"].values()} | dict(diff.created_users)
    external = {g["scimGroupId"]: g for g in org["groups"].values() if g.get("isExternal") and not g.get("isDefault")}
    seen: set[str] = set()
    for scim_group in scim_groups:
        scim_id = str(scim_group.get("id"))
        if scim_id in seen:
            continue
        seen.add(scim_id)
        members = _members(scim_group, sift_by_scim_id)
        name = str(scim_group.get("displayName", ""))
        group = external.get(scim_id)
        if group is None:
            created: Json = {"userGroupId": make_id(), "name": name, "scimGroupId": scim_id, "userIds": members}
            diff.created_groups.append(created)
            diff.memberships_added += [Membership(u, names[u], created["userGroupId"], name) for u in members]
            continue
        diff.existing_group_count += 1
        diff.group_updates[group["userGroupId"]] = {"name": name, "userIds": members, "renamed": name != group["name"]}
        before = list(group.get("userIds") or [])
        before_set, members_set = set(before), set(members)
        diff.memberships_added += [
            Membership(u, names[u], group["userGroupId"], name) for u in members if u not in before_set
        ]
        diff.memberships_removed += [
            Membership(u, names.get(u, ""), group["userGroupId"], group["name"]) for u in before if u not in members_set
        ]
    for scim_id, group in external.items():
        if scim_id not in seen:
            diff.deleted_groups.append((group["userGroupId"], group["name"]))
            diff.memberships_removed += [
                Membership(u, names.get(u, ""), group["userGroupId"], group["name"]) for u in group.get("userIds") or []
            ]


def _members(scim_group: Json, sift_by_scim_id: dict[str, str]) -> list[str]:
    """Sift ids of the group's members that are active upstream users, in SCIM order, once each."""
    found: dict[str, None] = {}
    for member in scim_group.get("members") or []:
        user_id = sift_by_scim_id.get(str(member.get("value")))
        if user_id is not None:
            found.setdefault(user_id)
    return list(found)


def apply(org: Json, diff: SyncDiff, now: float) -> None:
    """Carry out ``diff`` on ``org`` (mutates it); ``now`` stamps created and modified records."""
    users = org["users"]
    for user_id, user_name in diff.created_users:
        users[user_id] = {
            "userId": user_id,
            "userName": user_name,
            "membership": "active",
            "managed": True,
            "createdDate": now,
        }
    for user_id in diff.added_user_ids:
        users[user_id]["membership"] = "active"
    for user_id in diff.deactivated_user_ids:
        users[user_id]["membership"] = "deactivated"
    for user_id in diff.managed_user_ids:
        users[user_id]["managed"] = True
    groups = org["groups"]
    for group_id, _ in diff.deleted_groups:
        del groups[group_id]
    for group_id, update in diff.group_updates.items():
        group = groups[group_id]
        if update["renamed"] or group["userIds"] != update["userIds"]:
            group.update(name=update["name"], userIds=list(update["userIds"]), modifiedDate=now)
    for plan in diff.created_groups:
        groups[plan["userGroupId"]] = new_external_group(plan, now)


def new_external_group(plan: Json, now: float) -> Json:
    """An external group as a sync creates it (docs/vendor-facts.md B5: ``isExternal: true``, ``isDefault: false``).

    Inferred: no role and no asset access until an admin grants them in Sift, since "permissions
    can be managed in Sift" while membership stays with the IdP.
    """
    return {
        "userGroupId": plan["userGroupId"],
        "name": plan["name"],
        "roleId": "",
        "isDefault": False,
        "resources": {"assetIds": [], "allAssets": False},
        "userIds": list(plan["userIds"]),
        "isExternal": True,
        "scimGroupId": plan["scimGroupId"],
        "createdDate": now,
        "modifiedDate": now,
    }
