"""RFC 7643 §2.5 over HTTP: null and empty values are unassigned on create, PUT and in PATCH values;
``pr`` does not match them; PATCH ``add`` on an extension URN may carry ``schemas`` in its value."""

from __future__ import annotations

from typing import Any

import pytest

BASE = "/scim/default/v2"
AUTH = {"Authorization": "Bearer idsync-token"}
USER = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
UNASSIGNED = {
    "displayName": None,
    "title": "",
    "externalId": None,
    "active": None,
    "emails": [],
    "phoneNumbers": None,
    "name": {"givenName": None, "familyName": ""},
    "addresses": [{"locality": None}],
    ENTERPRISE: {"department": None},
}


def _patch(client: Any, path: str, *operations: dict[str, Any]) -> dict[str, Any]:
    r = client.patch(f"{BASE}{path}", json={"schemas": [PATCH], "Operations": list(operations)}, headers=AUTH)
    assert r.status_code == 200, r.text
    return dict(r.json())


def _stored(body: dict[str, Any]) -> set[str]:
    return set(body) - {"schemas", "id", "meta"}


def test_create_and_put_treat_null_and_empty_as_unassigned(idsync_client) -> None:
    created = idsync_client.post(
        f"{BASE}/Users", json={"schemas": [USER], "userName": "ann", **UNASSIGNED}, headers=AUTH
    )
    assert created.status_code == 201, created.text
    assert _stored(created.json()) == {"userName"} and created.json()["schemas"] == [USER]
    url = f"{BASE}/Users/{created.json()['id']}"
    full = {"schemas": [USER], "userName": "ann", "title": "Guide", "emails": [{"value": "a@x", "type": None}]}
    assert idsync_client.put(url, json=full, headers=AUTH).json()["emails"] == [{"value": "a@x"}]
    replaced = idsync_client.put(url, json={"schemas": [USER], "userName": "ann", **UNASSIGNED}, headers=AUTH)
    assert replaced.status_code == 200 and _stored(replaced.json()) == {"userName"}


def test_a_required_attribute_sent_empty_is_still_400(idsync_client) -> None:
    r = idsync_client.post(
        f"{BASE}/Groups", json={"schemas": [GROUP], "displayName": "G", "members": [{"value": ""}]}, headers=AUTH
    )
    assert r.status_code == 400 and r.json()["scimType"] == "invalidValue"


def test_patch_values_null_and_empty_unassign(idsync_client) -> None:
    body = {
        "schemas": [USER, ENTERPRISE],
        "userName": "bo",
        "title": "T",
        "nickName": "B",
        "name": {"givenName": "Bo", "familyName": "X"},
    }
    body[ENTERPRISE] = {"department": "Sales", "costCenter": "1"}
    user = idsync_client.post(f"{BASE}/Users", json=body, headers=AUTH).json()
    path = f"/Users/{user['id']}"
    after = _patch(
        idsync_client,
        path,
        {"op": "replace", "path": "title", "value": None},
        {"op": "add", "value": {"nickName": "", "name": {"givenName": None}}},
        {"op": "replace", "path": ENTERPRISE, "value": {"department": None}},
    )
    assert "title" not in after and "nickName" not in after
    assert after["name"] == {"familyName": "X"} and after[ENTERPRISE] == {"costCenter": "1"}
    cleared = _patch(idsync_client, path, {"op": "replace", "path": "name", "value": None})
    assert "name" not in cleared


def test_members_display_null_and_ref_null_are_ignored(idsync_client) -> None:
    ann = idsync_client.post(f"{BASE}/Users", json={"schemas": [USER], "userName": "ann"}, headers=AUTH).json()
    member = {"value": ann["id"], "display": None, "$ref": None, "type": None}
    group = idsync_client.post(
        f"{BASE}/Groups", json={"schemas": [GROUP], "displayName": "G", "members": [member]}, headers=AUTH
    )
    assert group.status_code == 201 and group.json()["members"][0]["display"] == "ann"
    patched = _patch(
        idsync_client, f"/Groups/{group.json()['id']}", {"op": "add", "path": "members", "value": [member]}
    )
    assert len(patched["members"]) == 1


@pytest.mark.parametrize(
    ("attribute", "matches"), [("title", 1), ("nickName", 0), ("emails", 1), ("name.givenName", 0)]
)
def test_pr_does_not_match_unassigned_values(idsync_client, attribute: str, matches: int) -> None:
    for name, extra in (("set", {"title": "T", "emails": [{"value": "e@x"}]}), ("unset", UNASSIGNED)):
        r = idsync_client.post(f"{BASE}/Users", json={"schemas": [USER], "userName": name, **extra}, headers=AUTH)
        assert r.status_code == 201, r.text
    page = idsync_client.get(f"{BASE}/Users", params={"filter": f"{attribute} pr"}, headers=AUTH).json()
    assert [u["userName"] for u in page["Resources"]] == ["set"] * matches
    absent = idsync_client.get(f"{BASE}/Users", params={"filter": f"{attribute} eq null"}, headers=AUTH).json()
    assert "unset" in [u["userName"] for u in absent["Resources"]]


def test_patch_add_on_the_extension_urn_with_schemas_in_the_value(idsync_client) -> None:
    """The shape scim2-client sends for an extension object (issue 11: was 400)."""
    user = idsync_client.post(f"{BASE}/Users", json={"schemas": [USER], "userName": "ext"}, headers=AUTH).json()
    value = {"schemas": [ENTERPRISE], "department": "Tours", "manager": {"value": user["id"]}}
    after = _patch(idsync_client, f"/Users/{user['id']}", {"op": "add", "path": ENTERPRISE, "value": value})
    assert after[ENTERPRISE] == {"department": "Tours", "manager": {"value": user["id"]}}
    assert after["schemas"] == [USER, ENTERPRISE]
    put = {"schemas": [USER, ENTERPRISE], "userName": "ext", ENTERPRISE: {"schemas": [ENTERPRISE], "division": "D"}}
    assert idsync_client.put(f"{BASE}/Users/{user['id']}", json=put, headers=AUTH).json()[ENTERPRISE] == {
        "division": "D"
    }
