"""Model-based test (docs/style.md rule 9): random SCIM call sequences over HTTP agree with a dict model."""

from __future__ import annotations

from typing import Any

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, consumes, invariant, rule

from mockserver.app import create_app

BASE = "/scim/default/v2"
AUTH = {"Authorization": "Bearer idsync-token"}
USER = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
NAMES = st.sampled_from(["ann", "ANN", "bob", "cid", "Dee", "dee"])
_SHARED: dict[str, Any] = {}


def shared_client(members: str) -> Any:
    """One app and test client for every example; each example starts from a reset world whose
    ``default`` tenant reads unknown group members as ``members`` says (admin API tenant options)."""
    if "client" not in _SHARED:
        _SHARED["app"] = app = create_app(validate_responses=True)
        _SHARED["client"] = app.test_client().__enter__()
    _SHARED["app"].runtime.world.reset()
    client = _SHARED["client"]
    r = client.post("/__admin/tenants", json={"name": "default", "options": {"members": members}}, headers=AUTH)
    assert r.status_code == 201 and r.json()["options"]["members"] == members, r.text
    return client


class ScimModel(RuleBasedStateMachine):
    """Model: users id → {userName, title}; groups id → set of member ids; versions per id.

    ``strict`` False is the default tenant option: a member naming an unknown id is dropped; True:
    the write is 400 ``invalidValue`` and changes nothing.
    """

    users = Bundle("users")
    groups = Bundle("groups")
    strict = False

    def __init__(self) -> None:
        super().__init__()
        self.client = shared_client("strict" if self.strict else "lenient")
        self.model_users: dict[str, dict[str, Any]] = {}
        self.model_groups: dict[str, set[str]] = {}
        self.versions: dict[str, str] = {}

    def taken(self, name: str, but: str | None = None) -> bool:
        return any(u["userName"].lower() == name.lower() for i, u in self.model_users.items() if i != but)

    @rule(target=users, name=NAMES)
    def create_user(self, name: str) -> str:
        r = self.client.post(f"{BASE}/Users", json={"schemas": [USER], "userName": name}, headers=AUTH)
        if self.taken(name):
            assert r.status_code == 409 and r.json()["scimType"] == "uniqueness"
            return "missing"
        assert r.status_code == 201, r.text
        self.model_users[r.json()["id"]] = {"userName": name, "title": None}
        self.versions[r.json()["id"]] = r.headers["etag"]
        return str(r.json()["id"])

    @rule(user=users, title=st.sampled_from(["a", "b"]), stale=st.booleans())
    def patch_title(self, user: str, title: str, stale: bool) -> None:
        version = 'W/"0"' if stale else self.versions.get(user, "*")
        body = {"schemas": [PATCH], "Operations": [{"op": "replace", "path": "title", "value": title}]}
        r = self.client.patch(f"{BASE}/Users/{user}", json=body, headers={**AUTH, "If-Match": version})
        if user not in self.model_users:
            assert r.status_code == 404
        elif stale:
            assert r.status_code == 412
        else:
            assert r.status_code == 200, r.text
            changed = self.model_users[user]["title"] != title
            assert (r.headers["etag"] != self.versions[user]) == changed
            self.model_users[user]["title"] = title
            self.versions[user] = r.headers["etag"]

    @rule(user=users, name=NAMES)
    def rename(self, user: str, name: str) -> None:
        r = self.client.put(f"{BASE}/Users/{user}", json={"schemas": [USER], "userName": name}, headers=AUTH)
        if user not in self.model_users:
            assert r.status_code == 404
        elif self.taken(name, but=user):
            assert r.status_code == 409
        else:
            assert r.status_code == 200, r.text
            self.model_users[user] = {"userName": name, "title": None}
            self.versions[user] = r.headers["etag"]

    @rule(user=consumes(users))
    def delete_user(self, user: str) -> None:
        r = self.client.delete(f"{BASE}/Users/{user}", headers=AUTH)
        assert r.status_code == (204 if user in self.model_users else 404)
        self.model_users.pop(user, None)
        for members in self.model_groups.values():
            members.discard(user)

    @rule(target=groups, members=st.lists(users, max_size=3))
    def create_group(self, members: list[str]) -> str:
        body = {"schemas": [GROUP], "displayName": "g", "members": [{"value": m} for m in members]}
        r = self.client.post(f"{BASE}/Groups", json=body, headers=AUTH)
        if self.strict and any(m not in self.model_users for m in members):
            assert r.status_code == 400 and r.json()["scimType"] == "invalidValue"
            return "missing"
        assert r.status_code == 201, r.text
        self.model_groups[r.json()["id"]] = {m for m in members if m in self.model_users}
        return str(r.json()["id"])

    @rule(group=groups, user=users, add=st.booleans())
    def change_membership(self, group: str, user: str, add: bool) -> None:
        op = (
            {"op": "add", "path": "members", "value": [{"value": user}]}
            if add
            else {"op": "remove", "path": f'members[value eq "{user}"]'}
        )
        r = self.client.patch(f"{BASE}/Groups/{group}", json={"schemas": [PATCH], "Operations": [op]}, headers=AUTH)
        if group not in self.model_groups:
            assert r.status_code == 404
        elif add and user not in self.model_users and self.strict:
            assert r.status_code == 400
        elif add and user not in self.model_users:
            assert r.status_code == 200, r.text  # lenient: the unknown member is dropped
        else:
            assert r.status_code == 200, r.text
            (self.model_groups[group].add if add else self.model_groups[group].discard)(user)

    @invariant()
    def directory_agrees_with_model(self) -> None:
        page = self.client.get(f"{BASE}/Users", params={"sortBy": "userName"}, headers=AUTH).json()
        assert page["totalResults"] == len(self.model_users)
        got = {r["id"]: {"userName": r["userName"], "title": r.get("title")} for r in page["Resources"]}
        assert got == self.model_users
        groups = self.client.get(f"{BASE}/Groups", headers=AUTH).json()["Resources"]
        assert {g["id"]: {m["value"] for m in g.get("members", [])} for g in groups} == self.model_groups


class StrictScimModel(ScimModel):
    """The same model on a tenant with ``options.members: strict``."""

    strict = True


ScimModel.TestCase.settings = settings(max_examples=10, stateful_step_count=12, deadline=None)
StrictScimModel.TestCase.settings = settings(max_examples=10, stateful_step_count=12, deadline=None)
TestScimModel = ScimModel.TestCase
TestStrictScimModel = StrictScimModel.TestCase


def teardown_module() -> None:
    if "client" in _SHARED:
        _SHARED.pop("client").__exit__(None, None, None)
