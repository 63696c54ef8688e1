"""Sift sync against a reference model: Hypothesis IdP histories pushed over SCIM (docs/design.md level 4)."""

from __future__ import annotations

from typing import Any

from contracts.reproducible import seed_and_spec_only
from contracts.scenario import contract, require
from contracts.suites.sift.idp import GROUP_SCHEMA, IDP_DOC, PATCH_OP, Idp, created_ids
from contracts.target import Target


class _Model:
    """Reference model of one IdP history and of what Sift should hold for it (docs/vendor-facts.md B6 point 3).

    ``upstream``: userName → active flag (absent = not in SCIM); ``sift``: userName → ``active`` or
    ``deactivated`` for users a sync has seen. ``groups``: name → (SCIM id, member userNames) upstream;
    ``synced``: SCIM id → name of the external groups Sift holds (matched by SCIM id). Only this
    model's own names (random suffix) are compared, so the check also runs against a shared,
    non-empty organisation.
    """

    def __init__(self) -> None:
        self.upstream: dict[str, bool] = {}
        self.sift: dict[str, str] = {}
        self.groups: dict[str, tuple[str, list[str]]] = {}
        self.synced: dict[str, str] = {}

    def expected(self) -> dict[str, set[str]]:
        active = {n for n, on in self.upstream.items() if on}
        return {
            "created": active - set(self.sift),
            "added": {n for n in active if self.sift.get(n) == "deactivated"},
            "deactivated": {n for n, s in self.sift.items() if s == "active" and n not in active},
            "groups_created": {n for n, (gid, _) in self.groups.items() if gid not in self.synced},
            "groups_deleted": {n for gid, n in self.synced.items() if gid not in {g for g, _ in self.groups.values()}},
        }

    def apply(self) -> None:
        active = {n for n, on in self.upstream.items() if on}
        self.sift.update({n: "active" for n in active})
        self.sift.update({n: "deactivated" for n in self.sift if n not in active})
        self.synced = {gid: n for n, (gid, _) in self.groups.items()}


class _Upstream:
    """Drives the SCIM server to a wanted snapshot and checks each sync against :class:`_Model`."""

    def __init__(self, target: Target) -> None:
        self.idp = Idp(target)
        self.model = _Model()
        self.scim_ids: dict[str, str] = {}
        self.group_ids: dict[str, str] = {}
        self.sift_ids: dict[str, str] = {}
        self.sift_groups: dict[str, str] = {}

    def reach(self, users: dict[str, bool], groups: dict[str, list[str]]) -> None:
        """Create, PATCH and DELETE over SCIM until upstream holds exactly ``users`` and ``groups``."""
        for short, active in users.items():
            name = f"{short}-{self.idp.suffix}@example.com"
            if name not in self.scim_ids:
                self.scim_ids[name] = self.idp.user(short, active=active)["id"]
            elif self.model.upstream[name] != active:
                self._patch(f"/Users/{self.scim_ids[name]}", {"op": "replace", "path": "active", "value": active})
            self.model.upstream[name] = active
        for name in [n for n in self.scim_ids if n.split("-")[0] not in users]:
            self.idp.scim.delete(f"/Users/{self.scim_ids.pop(name)}")
            del self.model.upstream[name]
        for short, members in groups.items():
            wanted = [f"{m}-{self.idp.suffix}@example.com" for m in members if m in users]
            value = [{"value": self.scim_ids[m]} for m in wanted]
            if short in self.group_ids:
                self._patch(f"/Groups/{self.group_ids[short]}", {"op": "replace", "path": "members", "value": value})
            else:
                body = {"schemas": [GROUP_SCHEMA], "displayName": f"{short}-{self.idp.suffix}", "members": value}
                self.group_ids[short] = self.idp.scim.post("/Groups", json=body).json()["id"]
            self.model.groups[f"{short}-{self.idp.suffix}"] = (self.group_ids[short], wanted)
        for short in [g for g in self.group_ids if g not in groups]:
            self.idp.scim.delete(f"/Groups/{self.group_ids.pop(short)}")
            del self.model.groups[f"{short}-{self.idp.suffix}"]

    def _patch(self, path: str, op: dict[str, Any]) -> None:
        patched = self.idp.scim.patch(path, json={"schemas": [PATCH_OP], "Operations": [op]})
        require(patched.status_code in (200, 204), "the SCIM server accepts PATCH", "RFC 7644 §3.5.2", patched.text)

    def sync_and_check(self) -> None:
        expected, body = self.model.expected(), self.idp.sync()
        self.sift_ids.update(created_ids(body))
        mine, by_id = self.model.upstream.keys() | self.model.sift.keys(), {v: k for k, v in self.sift_ids.items()}
        groups = {n for n, _ in self.model.groups.items()} | set(self.model.synced.values())
        actual = {
            "created": set(created_ids(body)) & mine,
            "added": {by_id.get(i, "") for i in body["addedToOrganizationUserIds"]} & mine,
            "deactivated": {by_id.get(i, "") for i in body["deactivatedUserIds"]} & mine,
            "groups_created": {g["name"] for g in body["createdUserGroups"]} & groups,
            "groups_deleted": set(body["deletedUserGroupNames"]) & groups,
        }
        require(
            actual == expected,
            "the sync reports exactly the IdP's change",
            IDP_DOC,
            f"expected {expected}, got {actual}",
        )
        self.model.apply()
        self.sift_groups.update({g["name"]: g["userGroupId"] for g in body["createdUserGroups"]})
        for name, (_, members) in self.model.groups.items():
            group = self.idp.sift.get(f"/api/v2/user-groups/{self.sift_groups[name]}").json()["userGroup"]
            want = {self.sift_ids[m] for m in members if self.model.upstream.get(m)}
            require(
                set(group["userIds"]) == want,
                "external group members are the IdP's active members",
                IDP_DOC,
                str(group),
            )


def _run_model(target: Target) -> None:
    from hypothesis import given, seed, settings
    from hypothesis import strategies as st

    names = ("ann", "ben", "cat", "dan")
    snapshot = st.dictionaries(st.sampled_from(names), st.booleans()).flatmap(
        lambda users: st.tuples(
            st.just(users),
            st.dictionaries(
                st.sampled_from(("red", "blue")), st.lists(st.sampled_from(names), unique=True, max_size=3)
            ),
        )
    )

    @seed(target.random_seed)  # the run's --random-seed: the same histories on every run
    @settings(max_examples=12, deadline=None, database=None)
    @given(history=st.lists(snapshot, min_size=1, max_size=4))
    def run(history: list[tuple[dict[str, bool], dict[str, list[str]]]]) -> None:
        upstream = _Upstream(target)
        try:
            for users, groups in history:
                upstream.reach(users, groups)
                upstream.sync_and_check()
            upstream.sync_and_check()
        finally:
            upstream.idp.close()

    with seed_and_spec_only():
        run()


@contract("sift", level="semantic", source=IDP_DOC + " (a sync makes Sift match the IdP)")
def sync_agrees_with_reference_model(target: Target) -> None:
    """Random IdP histories pushed over SCIM: every sync reports what a reference model predicts (Hypothesis).

    Each history is a list of upstream snapshots (users with their ``active`` flag, groups with
    members); the check drives the SCIM server to each snapshot with POST/PATCH/DELETE, syncs, and
    compares the reported change and the external groups' members with :class:`_Model`; a final
    sync with no change must report nothing.
    """
    _run_model(target)
