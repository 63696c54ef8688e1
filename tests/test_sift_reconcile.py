"""Property tests of Sift's external-sync reconciliation (issue 4, point 5; docs/vendor-facts.md B5, B6 point 3).

For any upstream directory history (users and groups added, renamed, deactivated, removed
between runs), after each sync: the org's managed active users and its external groups equal
the directory's; every list of the diff equals the actual difference between the states
before and after; internal users and groups are untouched; and an immediate second sync changes
nothing and counts everything as existing.
"""

from __future__ import annotations

import copy
import itertools
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from mockserver.domain.sift.reconcile import SyncDiff, apply, reconcile, user_key

NAMES = ["ada", "bob", "cy", "dee", "eve", "fay"]
GROUP_IDS = ["g1", "g2", "g3"]
GROUP_NAMES = ["Eng", "Ops", "QA", "Flight"]
ADMIN = "u-admin"

Json = dict[str, Any]


@st.composite
def snapshots(draw: st.DrawFn) -> Json:
    """One state of the upstream directory, as SCIM resources (ids stable per userName)."""
    present = draw(st.lists(st.sampled_from(NAMES), unique=True))
    users = []
    for name in present:
        shown = name.upper() if draw(st.booleans()) else name
        user: Json = {"id": f"scim-{name}", "userName": shown}
        active = draw(st.sampled_from([True, False, None]))
        if active is not None:
            user["active"] = active
        users.append(user)
    groups = []
    for gid in draw(st.lists(st.sampled_from(GROUP_IDS), unique=True)):
        members = draw(st.lists(st.sampled_from(present), unique=True)) if present else []
        extra = [{"value": "scim-nobody"}] if draw(st.booleans()) else []
        groups.append(
            {
                "id": gid,
                "displayName": draw(st.sampled_from(GROUP_NAMES)),
                "members": [{"value": f"scim-{m}"} for m in members] + extra,
            }
        )
    return {"users": users, "groups": groups}


@st.composite
def initial_orgs(draw: st.DrawFn) -> Json:
    """A Sift org before any sync: internal users in every membership state, default and internal groups,
    and possibly external groups left from an earlier directory."""
    users = {
        ADMIN: {
            "userId": ADMIN,
            "userName": "admin@example.com",
            "membership": "active",
            "managed": False,
            "createdDate": 0.0,
        }
    }
    for name in draw(st.lists(st.sampled_from(NAMES), unique=True)):
        users[f"u-{name}"] = {
            "userId": f"u-{name}",
            "userName": name,
            "createdDate": 0.0,
            "managed": draw(st.booleans()),
            "membership": draw(st.sampled_from(["active", "deactivated", "none"])),
        }
    ids = list(users)
    groups: dict[str, Json] = {}
    for gid, external, default in [("d", False, True), ("i", False, False), ("x1", True, False), ("x9", True, False)]:
        if external and not draw(st.booleans()):
            continue
        groups[gid] = {
            "userGroupId": gid,
            "name": f"group-{gid}",
            "roleId": "",
            "isDefault": default,
            "resources": {"assetIds": [], "allAssets": False},
            "isExternal": external,
            "userIds": draw(st.lists(st.sampled_from(ids), unique=True)),
            "scimGroupId": {"x1": "g1", "x9": "g9"}.get(gid),
            "createdDate": 0.0,
            "modifiedDate": 0.0,
        }
    return {"users": users, "groups": groups}


def _active_upstream(snapshot: Json) -> dict[str, Json]:
    return {user_key(u["userName"]): u for u in snapshot["users"] if u.get("active", True) is not False}


def _memberships(org: Json) -> set[tuple[str, str]]:
    return {(u, g["userGroupId"]) for g in org["groups"].values() if g["isExternal"] for u in g["userIds"]}


def _check_state_matches_directory(before: Json, after: Json, snapshot: Json) -> None:
    upstream = _active_upstream(snapshot)
    by_key = {user_key(u["userName"]): u for u in after["users"].values()}
    managed_active = {
        user_key(u["userName"]) for u in after["users"].values() if u["managed"] and u["membership"] == "active"
    }
    assert managed_active == set(upstream)
    scim_to_sift = {u["id"]: by_key[key]["userId"] for key, u in upstream.items()}
    expected = {
        g["id"]: (g["displayName"], {scim_to_sift[m["value"]] for m in g["members"] if m["value"] in scim_to_sift})
        for g in snapshot["groups"]
    }
    actual = {g["scimGroupId"]: (g["name"], set(g["userIds"])) for g in after["groups"].values() if g["isExternal"]}
    assert actual == expected
    for gid, group in before["groups"].items():
        if not group["isExternal"]:
            assert after["groups"][gid] == group, "internal and default groups are never touched"
    named = {user_key(u["userName"]) for u in snapshot["users"]}
    for uid, user in before["users"].items():
        if not user["managed"] and user_key(user["userName"]) not in named:
            assert after["users"][uid] == user, "users the directory never named are left alone"


def _check_diff_is_the_difference(before: Json, after: Json, snapshot: Json, diff: SyncDiff) -> None:
    b_users, a_users = before["users"], after["users"]
    assert {uid for uid, _ in diff.created_users} == set(a_users) - set(b_users)
    assert len(diff.created_users) == len({uid for uid, _ in diff.created_users})
    reactivated = {u for u in b_users if b_users[u]["membership"] != "active" and a_users[u]["membership"] == "active"}
    assert sorted(diff.added_user_ids) == sorted(reactivated)
    deactivated = {u for u in b_users if b_users[u]["membership"] == "active" and a_users[u]["membership"] != "active"}
    assert sorted(diff.deactivated_user_ids) == sorted(deactivated)
    ext_before = {g for g, v in before["groups"].items() if v["isExternal"]}
    ext_after = {g for g, v in after["groups"].items() if v["isExternal"]}
    assert {g["userGroupId"] for g in diff.created_groups} == ext_after - ext_before
    assert sorted(n for _, n in diff.deleted_groups) == sorted(
        before["groups"][g]["name"] for g in ext_before - ext_after
    )
    assert {(m.user_id, m.user_group_id) for m in diff.memberships_added} == _memberships(after) - _memberships(before)
    assert {(m.user_id, m.user_group_id) for m in diff.memberships_removed} == _memberships(before) - _memberships(
        after
    )
    upstream = _active_upstream(snapshot)
    was_active = {user_key(u["userName"]) for u in b_users.values() if u["membership"] == "active"}
    assert diff.existing_user_count == len(set(upstream) & was_active)
    scim_ids = {g["id"] for g in snapshot["groups"]}
    assert diff.existing_group_count == len({before["groups"][g]["scimGroupId"] for g in ext_before} & scim_ids)


@settings(max_examples=150, deadline=None)
@given(org=initial_orgs(), history=st.lists(snapshots(), min_size=1, max_size=4))
def test_sync_makes_the_org_match_the_directory_and_reports_exactly_the_change(org: Json, history: list[Json]) -> None:
    counter = itertools.count()
    new_id = lambda: f"new-{next(counter)}"  # noqa: E731
    for step, snapshot in enumerate(history):
        before = copy.deepcopy(org)
        diff = reconcile(org, snapshot["users"], snapshot["groups"], new_id=new_id)
        assert org == before, "reconcile is pure"
        apply(org, diff, now=float(step + 1))
        _check_state_matches_directory(before, org, snapshot)
        _check_diff_is_the_difference(before, org, snapshot, diff)
        again = reconcile(org, snapshot["users"], snapshot["groups"], new_id=new_id)
        assert again.changes_nothing(), again
        assert again.existing_user_count == len(_active_upstream(snapshot))
        assert again.existing_group_count == len(snapshot["groups"])


def test_rename_upstream_renames_in_place_and_keeps_permissions() -> None:
    org: Json = {"users": {}, "groups": {}}
    diff = reconcile(org, [], [{"id": "g1", "displayName": "Eng", "members": []}], new_id=lambda: "x")
    apply(org, diff, now=1.0)
    org["groups"]["x"]["roleId"] = "role-admin"
    diff = reconcile(org, [], [{"id": "g1", "displayName": "Engineering", "members": []}])
    apply(org, diff, now=2.0)
    assert not diff.created_groups and not diff.deleted_groups
    assert org["groups"]["x"]["name"] == "Engineering" and org["groups"]["x"]["roleId"] == "role-admin"
