"""Model-based test: CRUD and PATCH across the seven StackSpot resource types agree with a small model.

A Hypothesis ``RuleBasedStateMachine`` drives the in-process app (response validation on) in a
fresh tenant per example; the model is plain dicts holding each resource's unique name and its
references, and encodes the rules of specs/README.md (stackspot section): uniqueness (409),
dangling references (400), restrict/cascade on delete (409/204), live ``member_count``.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from mockserver.app import create_app

AUTH = {"Authorization": "Bearer idsync-token"}
PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
ENDPOINTS = ("Users", "Groups", "Roles", "Permissions", "Actions", "Resource-Types", "Resources")
UNIQUE = {"Users": "userName", "Groups": "displayName"}
RESTRICT = ("Actions", "Resources", "Resource-Types")
NAMES = st.sampled_from(["a", "b", "c", "A"])
MISSING = "00000000-0000-4000-8000-000000000000"


class Model:
    """``records[endpoint][id] = {"name": ..., "refs": {endpoint: [ids]}}`` in creation order."""

    def __init__(self) -> None:
        self.records: dict[str, dict[str, dict[str, Any]]] = {e: {} for e in ENDPOINTS}

    def taken(self, endpoint: str, name: str, own: str | None = None) -> bool:
        fold = (lambda s: s.lower()) if endpoint == "Users" else (lambda s: s)
        return any(fold(r["name"]) == fold(name) for i, r in self.records[endpoint].items() if i != own)

    def dangling(self, refs: dict[str, list[str]]) -> bool:
        return any(i not in self.records[e] for e, ids in refs.items() for i in ids)

    def referrers(self, endpoint: str, rid: str) -> list[tuple[str, str]]:
        return [
            (e, i) for e, recs in self.records.items() for i, r in recs.items() if rid in r["refs"].get(endpoint, [])
        ]

    def delete(self, endpoint: str, rid: str) -> None:
        for other, oid in self.referrers(endpoint, rid):
            refs = self.records[other][oid]["refs"]
            refs[endpoint] = [i for i in refs[endpoint] if i != rid]
        del self.records[endpoint][rid]

    def member_count(self, role_id: str) -> int:
        users = {
            u for g in self.records["Groups"].values() if role_id in g["refs"]["Roles"] for u in g["refs"]["Users"]
        }
        return len(users)


def body_for(endpoint: str, name: str, refs: dict[str, list[str]]) -> dict[str, Any]:
    """Request body of ``endpoint`` with the unique ``name`` and the references in ``refs``."""
    if endpoint == "Users":
        return {"userName": name}
    if endpoint == "Groups":
        return {
            "displayName": name,
            "members": [{"value": i} for i in refs["Users"]],
            "roles": [{"value": i} for i in refs["Roles"]],
        }
    body: dict[str, Any] = {"name": name}
    if endpoint == "Roles":
        body["permissions"] = refs["Permissions"]
    elif endpoint == "Permissions":
        body["statements"] = [{"actions": refs["Actions"], "resource": r} for r in refs["Resources"]]
    elif endpoint == "Resource-Types":
        body.update(actions=refs["Actions"], slug=name)
    elif endpoint == "Resources":
        body.update(type=refs["Resource-Types"][0], slug=name)
    return body


REF_SHAPE = {
    "Users": {},
    "Actions": {},
    "Groups": {"Users": 3, "Roles": 2},
    "Roles": {"Permissions": 2},
    "Permissions": {"Actions": 2, "Resources": 1},
    "Resource-Types": {"Actions": 2},
    "Resources": {"Resource-Types": 1},
}


class StackSpotMachine(RuleBasedStateMachine):
    def __init__(self, client: Any) -> None:
        super().__init__()
        self.client = client
        self.base = f"/stackspot/sm-{uuid.uuid4().hex[:8]}/scim"
        self.model = Model()
        self.touched: set[str] = set()

    def call(self, method: str, endpoint: str, rid: str = "", body: Any = None) -> Any:
        self.touched.add(endpoint)
        return self.client.request(
            method, f"{self.base}/{endpoint}" + (f"/{rid}" if rid else ""), json=body, headers=AUTH
        )

    def draw_refs(self, data: st.DataObject, endpoint: str) -> dict[str, list[str]]:
        """Existing ids for each reference; about one write in four also names a missing id."""
        refs: dict[str, list[str]] = {}
        for target, most in REF_SHAPE[endpoint].items():
            pool = list(self.model.records[target]) or [MISSING]
            exact = target in ("Resources", "Resource-Types")
            size = 1 if exact else data.draw(st.integers(0, most))
            refs[target] = list(dict.fromkeys(data.draw(st.sampled_from(pool)) for _ in range(size)))
        if refs and data.draw(st.integers(0, 3)) == 0:
            target = data.draw(st.sampled_from(sorted(refs)))
            refs[target] = [MISSING] if target in ("Resources", "Resource-Types") else [*refs[target], MISSING]
        return refs

    @initialize()
    def build_graph(self) -> None:
        """Start every example from a small IAM graph: user, action, type, resource, permission, role, group."""
        for endpoint in ("Users", "Actions", "Resource-Types", "Resources", "Permissions", "Roles", "Groups"):
            refs = {target: list(self.model.records[target])[:1] for target in REF_SHAPE[endpoint]}
            response = self.call("POST", endpoint, body=body_for(endpoint, "seed", refs))
            assert response.status_code == 201, response.text
            self.model.records[endpoint][response.json()["id"]] = {"name": "seed", "refs": refs}

    def expect_write(
        self, response: Any, endpoint: str, name: str, refs: dict[str, list[str]], own: str | None
    ) -> bool:
        if self.model.dangling(refs):
            assert response.status_code == 400, response.text
            return False
        if self.model.taken(endpoint, name, own):
            assert response.status_code == 409, response.text
            return False
        assert response.status_code == (200 if own else 201), response.text
        return True

    @rule(data=st.data(), endpoint=st.sampled_from(ENDPOINTS), name=NAMES)
    def create(self, data: st.DataObject, endpoint: str, name: str) -> None:
        refs = self.draw_refs(data, endpoint)
        response = self.call("POST", endpoint, body=body_for(endpoint, name, refs))
        if self.expect_write(response, endpoint, name, refs, None):
            self.model.records[endpoint][response.json()["id"]] = {"name": name, "refs": refs}

    @rule(data=st.data(), endpoint=st.sampled_from(ENDPOINTS), name=NAMES)
    def replace(self, data: st.DataObject, endpoint: str, name: str) -> None:
        rid = data.draw(st.sampled_from([*self.model.records[endpoint], MISSING]))
        refs = self.draw_refs(data, endpoint)
        response = self.call("PUT", endpoint, rid, body_for(endpoint, name, refs))
        if rid == MISSING:
            assert response.status_code == 404
        elif self.expect_write(response, endpoint, name, refs, rid):
            self.model.records[endpoint][rid] = {"name": name, "refs": refs}

    @rule(
        data=st.data(),
        endpoint=st.sampled_from(ENDPOINTS),
        name=NAMES,
        key=st.sampled_from(["Operations", "operations"]),
    )
    def patch_rename(self, data: st.DataObject, endpoint: str, name: str, key: str) -> None:
        rid = data.draw(st.sampled_from([*self.model.records[endpoint], MISSING]))
        attr = UNIQUE.get(endpoint, "name")
        response = self.call(
            "PATCH", endpoint, rid, {"schemas": [PATCH_OP], key: [{"op": "replace", "path": attr, "value": name}]}
        )
        if rid == MISSING:
            assert response.status_code == 404
            return
        refs = self.model.records[endpoint][rid]["refs"]
        if self.expect_write(response, endpoint, name, {}, rid):
            self.model.records[endpoint][rid] = {"name": name, "refs": refs}

    @rule(data=st.data(), op=st.sampled_from(["add", "remove"]))
    def patch_members(self, data: st.DataObject, op: str) -> None:
        groups, users = list(self.model.records["Groups"]), [*self.model.records["Users"], MISSING]
        if not groups:
            return
        gid, uid = data.draw(st.sampled_from(groups)), data.draw(st.sampled_from(users))
        members = self.model.records["Groups"][gid]["refs"]["Users"]
        if op == "add":
            operation = {"op": "add", "path": "members", "value": [{"value": uid}]}
        else:
            operation = {"op": "remove", "path": f'members[value eq "{uid}"]'}
        response = self.call("PATCH", "Groups", gid, {"schemas": [PATCH_OP], "Operations": [operation]})
        if op == "add" and uid == MISSING:
            assert response.status_code == 400
        elif op == "remove" and uid not in members:
            assert response.status_code == 400 and response.json()["scimType"] == "noTarget"
        else:
            assert response.status_code == 200, response.text
            self.model.records["Groups"][gid]["refs"]["Users"] = (
                [*members, uid]
                if op == "add" and uid not in members
                else [m for m in members if m != uid]
                if op == "remove"
                else members
            )

    @rule(data=st.data(), endpoint=st.sampled_from(ENDPOINTS))
    def delete(self, data: st.DataObject, endpoint: str) -> None:
        rid = data.draw(st.sampled_from([*self.model.records[endpoint], MISSING]))
        response = self.call("DELETE", endpoint, rid)
        if rid == MISSING:
            assert response.status_code == 404
        elif endpoint in RESTRICT and self.model.referrers(endpoint, rid):
            assert response.status_code == 409, response.text
        else:
            assert response.status_code == 204, response.text
            self.model.delete(endpoint, rid)

    @invariant()
    def agrees_with_model(self) -> None:
        """After each step: what it touched, plus Groups and Roles (cascades, ``member_count``)."""
        self.compare(self.touched | {"Groups", "Roles"})
        self.touched = set()

    def teardown(self) -> None:
        self.compare(set(ENDPOINTS))

    def compare(self, endpoints: set[str]) -> None:
        for endpoint in sorted(endpoints):
            page = self.call("GET", endpoint).json()
            assert page["totalResults"] == len(self.model.records[endpoint])
            got = {r["id"]: r for r in page["Resources"]}
            assert list(got) == list(self.model.records[endpoint])
            for rid, expected in self.model.records[endpoint].items():
                assert got[rid][UNIQUE.get(endpoint, "name")] == expected["name"]
                self.check_refs(endpoint, got[rid], expected)

    def check_refs(self, endpoint: str, got: dict[str, Any], expected: dict[str, Any]) -> None:
        refs = expected["refs"]
        if endpoint == "Groups":
            assert [m["value"] for m in got["members"]] == refs["Users"]
            assert [r["value"] for r in got["roles"]] == refs["Roles"]
        elif endpoint == "Roles":
            assert [p["id"] for p in got["permissions"]] == refs["Permissions"]
            assert got["member_count"] == self.model.member_count(got["id"])
        elif endpoint == "Resources":
            assert got["type"]["id"] == refs["Resource-Types"][0]
        elif endpoint == "Resource-Types":
            assert [a["id"] for a in got["actions"]] == refs["Actions"]


def run_machine(profile: str = "default", max_examples: int = 25, phases: tuple[Phase, ...] = tuple(Phase)) -> None:
    """Run the machine in-process; responses are not schema-validated here (the flow tests do that) to stay fast."""
    with create_app(profile=profile).test_client() as client:
        run_state_machine_as_test(
            lambda: StackSpotMachine(client),
            settings=settings(
                max_examples=max_examples,
                stateful_step_count=20,
                deadline=None,
                suppress_health_check=list(HealthCheck),
            ),
        )


def test_crud_and_patch_agree_with_the_model() -> None:
    run_machine()


def test_the_machine_bites() -> None:
    """The planted stale ``member_count`` disagrees with the model (every planted fault is also caught by a
    named contract: tests/test_planted_faults.py)."""
    with pytest.raises(AssertionError):
        run_machine("stackspot-member-count-stale", max_examples=20, phases=(Phase.generate,))
