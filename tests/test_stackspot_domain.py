"""StackSpot domain: seeds and snapshots, filters, PATCH paths, tenancy (no HTTP)."""

from __future__ import annotations

from typing import Any

import pytest

from mockserver.app import create_app
from mockserver.domain.errors import BadRequest, Conflict, InvalidFilter, InvalidPath, NoTarget, NotFound
from mockserver.domain.stackspot import StackSpotState
from mockserver.domain.world import World

PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
EXT = "urn:ietf:params:scim:schemas:extension:custom:2.0:User"
SEED = {
    "tenants": {
        "acme": {
            "Actions": [{"id": "act-deploy", "name": "deploy"}],
            "Resource-Types": [{"id": "rt-ws", "name": "Workspace", "actions": ["act-deploy"]}],
            "Resources": [{"id": "res-pay", "name": "payments", "type": "rt-ws"}],
            "Users": [
                {
                    "id": "u-ana",
                    "userName": "ana",
                    "name": {"givenName": "Ana"},
                    "emails": [{"value": "a@x", "type": "work"}],
                }
            ],
        }
    }
}


@pytest.fixture
def state() -> StackSpotState:
    world = World({"stackspot": SEED})
    return world.stackspot


def patch(state: StackSpotState, endpoint: str, rid: str, *ops: dict[str, Any]) -> dict[str, Any]:
    return state.patch("acme", endpoint, rid, {"schemas": [PATCH_OP], "Operations": list(ops)})


def test_seed_loads_bare_attributes_and_snapshots_round_trip(state: StackSpotState) -> None:
    resource = state.get("acme", "Resources", "res-pay")
    assert resource["slug"] == "payments" and resource["type"]["actions"][0]["id"] == "act-deploy"
    exported = state.export()
    other = World({}).stackspot
    other.load(exported)
    assert other.export() == exported
    assert other.get("acme", "Users", "u-ana") == state.get("acme", "Users", "u-ana")


def test_reads_of_an_unknown_tenant_create_nothing(state: StackSpotState) -> None:
    assert state.list_resources("ghost", "Users")["totalResults"] == 0
    with pytest.raises(NotFound):
        state.get("ghost", "Users", "u-ana")
    assert set(state.export()["tenants"]) == {"acme"}
    with pytest.raises(BadRequest):
        state.create("", "Users", {"userName": "x"})


def test_a_seeded_tenant_is_served() -> None:
    app = create_app({"stackspot": SEED}, validate_responses=True)
    with app.test_client() as client:
        response = client.get(
            "/stackspot/scim/Users/u-ana", headers={"Authorization": "Bearer idsync-token", "X-Tenant-Id": "acme"}
        )
    assert response.status_code == 200 and response.json()["userName"] == "ana"


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ('userName eq "ANA"', 1),
        ('userName ne "ana"', 0),
        ('name.givenName sw "A" and emails[type eq "work"]', 1),
        ('emails[type eq "home"] or userName co "n"', 1),
        ("not (userName pr)", 0),
        ('emails.value ew "@x"', 1),
        ('meta.created gt "2000-01-01T00:00:00Z"', 1),
        ('id eq "u-ana"', 1),
    ],
)
def test_filters(state: StackSpotState, expression: str, expected: int) -> None:
    assert state.list_resources("acme", "Users", filter=expression)["totalResults"] == expected


@pytest.mark.parametrize(
    "expression",
    ['nosuch eq "x"', "userName eq", 'userName zz "x"', "(userName pr", 'emails[type eq "x"', 'userName eq "x" junk'],
)
def test_invalid_filters(state: StackSpotState, expression: str) -> None:
    with pytest.raises(InvalidFilter):
        state.list_resources("acme", "Users", filter=expression)


def test_patch_paths_sub_attributes_extension_and_value_filters(state: StackSpotState) -> None:
    user = patch(
        state,
        "Users",
        "u-ana",
        {"op": "replace", "path": "name.familyName", "value": "Lima"},
        {"op": "add", "path": f"{EXT}:company", "value": "Example"},
        {"op": "replace", "path": 'emails[type eq "work"].value', "value": "ana@x"},
        {"op": "add", "value": {"id": "ignored", "displayName": "Ana Lima", "NickName": "an"}},
    )
    assert user["name"] == {"givenName": "Ana", "familyName": "Lima"} and user[EXT] == {"company": "Example"}
    assert user["emails"] == [{"value": "ana@x", "type": "work"}] and user["id"] == "u-ana"
    assert user["displayName"] == "Ana Lima" and user["nickName"] == "an" and user["meta"]["lastModified"]
    user = patch(
        state, "Users", "u-ana", {"op": "remove", "path": f"{EXT}:company"}, {"op": "remove", "path": "emails"}
    )
    assert "emails" not in user and user[EXT] == {}


def test_patch_errors_leave_the_resource_alone(state: StackSpotState) -> None:
    before = state.get("acme", "Users", "u-ana")
    with pytest.raises(NoTarget):
        patch(state, "Users", "u-ana", {"op": "replace", "path": 'emails[type eq "home"].value', "value": "x"})
    with pytest.raises(InvalidPath):
        patch(state, "Users", "u-ana", {"op": "replace", "path": "name.nosuch", "value": "x"})
    with pytest.raises(InvalidPath):
        patch(state, "Users", "u-ana", {"op": 1, "path": "userName", "value": "x"})
    with pytest.raises(BadRequest):
        patch(state, "Users", "u-ana", {"op": "replace", "path": "active", "value": "yes"})
    assert state.get("acme", "Users", "u-ana") == before


def test_role_id_may_be_chosen_once(state: StackSpotState) -> None:
    assert state.create("acme", "Roles", {"id": "admins", "name": "Admins"})["id"] == "admins"
    with pytest.raises(Conflict):
        state.create("acme", "Roles", {"id": "admins", "name": "Other"})
    assert state.list_resources("acme", "Roles")["totalResults"] == 1
