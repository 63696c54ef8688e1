"""The planted faults of the IdP replays (``mockserver.domain.scim.idp_faults``) break what they say.

Each check drives one IdP's documented request (specs/README.md "Client compatibility modes")
against a server with the faithful profile, where it holds, and against a server with the
fault's profile, where it must not: the direct proof, independent of the replays of
``idsync verify --api scim --idp ...`` that tests/test_planted_faults.py runs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from mockserver.app import create_app
from mockserver.domain.scim import IDP_FAULTS
from mockserver.domain.scim import idp_faults as idp

AUTH = {"Authorization": "Bearer idsync-token"}
USER = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


class Scim:
    """One tenant (``options.compat`` as given) of a server built with one profile."""

    def __init__(self, client: Any, compat: str) -> None:
        self.client, self.base = client, f"/scim/{compat}/v2"
        made = client.post(
            "/__admin/tenants", json={"name": compat, "tokens": ["idsync-token"], "options": {"compat": compat}}
        )
        assert made.status_code == 201, made.text

    def call(self, method: str, path: str, body: Any = None, **query: Any) -> Any:
        return self.client.request(method, self.base + path, json=body, params=query or None, headers=AUTH)

    def user(self, user_name: str, **extra: Any) -> str:
        made = self.call("POST", "/Users", {"schemas": [USER], "userName": user_name, **extra})
        assert made.status_code == 201, made.text
        return str(made.json()["id"])

    def group(self, name: str, *members: str) -> str:
        body = {"schemas": [GROUP], "displayName": name, "members": [{"value": m} for m in members]}
        made = self.call("POST", "/Groups", body)
        assert made.status_code == 201, made.text
        return str(made.json()["id"])

    def patch(self, path: str, *ops: dict[str, Any]) -> Any:
        return self.call("PATCH", path, {"schemas": [PATCH_OP], "Operations": list(ops)})

    def members(self, group: str) -> list[str]:
        return [m["value"] for m in self.call("GET", f"/Groups/{group}").json().get("members", [])]


def entra_finds_the_user_it_looks_up(scim: Scim) -> bool:
    """[E1] "Get User by query": an existing user is found, so Entra ID does not create it again."""
    scim.user("Test_User_1")
    found = scim.call("GET", "/Users", filter='userName eq "Test_User_1"').json()
    return bool(found["totalResults"] == 1 and found["Resources"])


def entra_replace_is_read(scim: Scim) -> bool:
    """[E1] "Update Group [Non-member attributes]": op "Replace" on a tenant in compat mode entra."""
    group = scim.group("displayName")
    answer = scim.patch(f"/Groups/{group}", {"op": "Replace", "path": "displayName", "value": "updated"})
    return bool(answer.status_code == 200 and answer.json()["displayName"] == "updated")


def entra_member_batches_apply_whole(scim: Scim) -> bool:
    """[E1] gallery checklist: "updating multiple group memberships with a single PATCH"."""
    a, b, c = scim.user("a"), scim.user("b"), scim.user("c")
    group = scim.group("g")
    scim.patch(
        f"/Groups/{group}", {"op": "Add", "path": "members", "value": [{"value": a}, {"value": b}, {"value": c}]}
    )
    added = scim.members(group) == [a, b, c]
    scim.patch(f"/Groups/{group}", {"op": "Remove", "path": "members", "value": [{"value": a}, {"value": b}]})
    return added and scim.members(group) == [c]


def okta_paged_lookup_finds_the_user(scim: Scim) -> bool:
    """[O1] "Determine if the User already exists": filter=userName eq ...&startIndex=1&count=100."""
    id = scim.user("test.user@okta.local")
    found = scim.call("GET", "/Users", filter='userName eq "test.user@okta.local"', startIndex=1, count=100).json()
    return bool(found["totalResults"] == 1 and [r["id"] for r in found["Resources"]] == [id])


def okta_put_keeps_what_it_sent(scim: Scim) -> bool:
    """[O1] "Update a specific User (PUT)": the whole user, name changed."""
    id = scim.user("test.user@okta.local", name={"givenName": "Test", "familyName": "User"})
    body = {"schemas": [USER], "id": id, "userName": "test.user@okta.local", "active": True, "groups": []}
    body["name"] = {"givenName": "Another", "middleName": "Excited", "familyName": "User"}
    scim.call("PUT", f"/Users/{id}", body)
    return bool(scim.call("GET", f"/Users/{id}").json().get("name") == body["name"])


def okta_deactivation_deactivates(scim: Scim) -> bool:
    """[O1] "Update a specific User (PATCH)": replace without path, ``{"active": false}``."""
    id = scim.user("test.user@okta.local", active=True)
    scim.patch(f"/Users/{id}", {"op": "replace", "value": {"active": False}})
    return bool(scim.call("GET", f"/Users/{id}").json()["active"] is False)


def authentik_gets_409_for_a_taken_user_name(scim: Scim) -> bool:
    """A8: a 409 on create makes authentik look the user up and link it; any other 4xx is an error."""
    scim.user("jdoe")
    again = scim.call("POST", "/Users", {"schemas": [USER], "userName": "jdoe"})
    return bool(again.status_code == 409 and again.json()["scimType"] == "uniqueness")


def authentik_group_update_renames(scim: Scim) -> bool:
    """A8: update is one replace without path carrying the whole group (``id`` included)."""
    group = scim.group("engineering")
    value = {"schemas": [GROUP], "displayName": "platform", "externalId": "x", "id": group}
    scim.patch(f"/Groups/{group}", {"op": "replace", "value": value})
    return bool(scim.call("GET", f"/Groups/{group}").json()["displayName"] == "platform")


def authentik_delete_deletes(scim: Scim) -> bool:
    """A8: ``DELETE /Users/{scim_id}``, then the connection is dropped: the user must be gone."""
    id = scim.user("jdoe")
    return bool(
        scim.call("DELETE", f"/Users/{id}").status_code == 204 and scim.call("GET", f"/Users/{id}").status_code == 404
    )


#: fault → (the tenant's compat mode, the behaviour it breaks)
BEHAVIOURS: dict[str, tuple[str, Callable[[Scim], bool]]] = {
    idp.LOOKUP_MISSES: ("entra", entra_finds_the_user_it_looks_up),
    idp.CAPITALISED_OP_REJECTED: ("entra", entra_replace_is_read),
    idp.MEMBER_BATCH_PARTIAL: ("entra", entra_member_batches_apply_whole),
    idp.START_INDEX_OFF_BY_ONE: ("okta", okta_paged_lookup_finds_the_user),
    idp.PUT_DROPS_NAME: ("okta", okta_put_keeps_what_it_sent),
    idp.ACTIVE_FALSE_IGNORED: ("okta", okta_deactivation_deactivates),
    idp.CONFLICT_AS_BAD_REQUEST: ("authentik", authentik_gets_409_for_a_taken_user_name),
    idp.GROUP_RENAME_LOST: ("authentik", authentik_group_update_renames),
    idp.DELETE_KEEPS_USER: ("authentik", authentik_delete_deletes),
}


def _client(profile: str) -> Iterator[Any]:
    with create_app(profile=profile, validate_responses=True).test_client() as client:
        client.headers.update(AUTH)
        yield client


@pytest.fixture(scope="module")
def faithful() -> Iterator[Any]:
    yield from _client("default")


def test_every_idp_fault_has_a_behaviour_and_three_per_idp() -> None:
    assert set(BEHAVIOURS) == {f.name for f in IDP_FAULTS}
    for name in ("entra", "okta", "authentik"):
        assert sum(f.catches.startswith(f"idp_{name}_") for f in IDP_FAULTS) >= 3
    assert all(f.api == "scim" and f.level == "scenario" for f in IDP_FAULTS)


@pytest.mark.parametrize("fault", list(BEHAVIOURS))
def test_idp_fault_breaks_its_behaviour(fault: str, faithful: Any) -> None:
    compat, holds = BEHAVIOURS[fault]
    assert faithful.post("/__admin/reset").status_code == 200
    assert holds(Scim(faithful, compat)), f"{holds.__name__} fails without the fault"
    for client in _client(fault):
        assert not holds(Scim(client, compat)), f"{fault} leaves {holds.__name__} intact"
