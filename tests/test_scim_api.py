"""SCIM 2.0 over HTTP (in-process, response validation on): CRUD, auth, errors, discovery."""

from __future__ import annotations

from typing import Any

import pytest

BASE = "/scim/default/v2"
AUTH = {"Authorization": "Bearer idsync-token"}
USER = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


def new_user(client: Any, user_name: str, **extra: Any) -> dict[str, Any]:
    response = client.post(f"{BASE}/Users", json={"schemas": [USER], "userName": user_name, **extra}, headers=AUTH)
    assert response.status_code == 201, response.text
    return response.json()


def assert_scim_error(response: Any, status: int, scim_type: str | None = None) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/scim+json")
    body = response.json()
    assert body["schemas"] == [ERROR] and body["status"] == str(status) and body["detail"]
    if scim_type:
        assert body["scimType"] == scim_type


def test_create_get_replace_delete_user(idsync_client) -> None:
    created = idsync_client.post(
        f"{BASE}/Users",
        json={"schemas": [USER], "userName": "bjensen", "password": "secret", "name": {"familyName": "Jensen"}},
        headers=AUTH,
    )
    assert created.status_code == 201
    assert created.headers["content-type"].startswith("application/scim+json")
    body = created.json()
    assert created.headers["location"] == body["meta"]["location"] and body["meta"]["location"].endswith(
        f"/Users/{body['id']}"
    )
    assert created.headers["etag"] == body["meta"]["version"]
    assert "password" not in body and body["meta"]["resourceType"] == "User"
    got = idsync_client.get(f"{BASE}/Users/{body['id']}", headers=AUTH).json()
    assert got == body
    replaced = idsync_client.put(
        f"{BASE}/Users/{body['id']}", json={"schemas": [USER], "userName": "babs"}, headers=AUTH
    )
    assert replaced.status_code == 200 and replaced.json()["userName"] == "babs" and "name" not in replaced.json()
    assert replaced.json()["meta"]["version"] != body["meta"]["version"]
    assert idsync_client.delete(f"{BASE}/Users/{body['id']}", headers=AUTH).status_code == 204
    assert_scim_error(idsync_client.get(f"{BASE}/Users/{body['id']}", headers=AUTH), 404)


def test_group_members_and_user_delete(idsync_client) -> None:
    alice = new_user(idsync_client, "alice", displayName="Alice")
    group = idsync_client.post(
        f"{BASE}/Groups",
        json={"schemas": [GROUP], "displayName": "Eng", "members": [{"value": alice["id"]}]},
        headers=AUTH,
    )
    assert group.status_code == 201
    member = group.json()["members"][0]
    assert member["value"] == alice["id"] and member["type"] == "User" and member["display"] == "Alice"
    assert member["$ref"].endswith(f"/Users/{alice['id']}")
    user = idsync_client.get(f"{BASE}/Users/{alice['id']}", headers=AUTH).json()
    assert user["groups"][0]["value"] == group.json()["id"]
    idsync_client.delete(f"{BASE}/Users/{alice['id']}", headers=AUTH)
    after = idsync_client.get(f"{BASE}/Groups/{group.json()['id']}", headers=AUTH).json()
    assert "members" not in after and after["meta"]["version"] != group.json()["meta"]["version"]


def test_unknown_member_is_invalid_value(idsync_client) -> None:
    response = idsync_client.post(
        f"{BASE}/Groups", json={"schemas": [GROUP], "displayName": "X", "members": [{"value": "nobody"}]}, headers=AUTH
    )
    assert_scim_error(response, 400, "invalidValue")


def test_username_unique_case_insensitively(idsync_client) -> None:
    new_user(idsync_client, "Bjensen")
    response = idsync_client.post(f"{BASE}/Users", json={"schemas": [USER], "userName": "BJENSEN"}, headers=AUTH)
    assert_scim_error(response, 409, "uniqueness")


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic YWRtaW46YWRtaW4="}],
    ids=["missing", "wrong", "basic"],
)
def test_bad_credentials_are_scim_401(idsync_client, headers: dict[str, str]) -> None:
    response = idsync_client.get(f"{BASE}/Users", headers=headers)
    assert_scim_error(response, 401)
    assert response.headers["www-authenticate"].startswith("Bearer")


def test_unknown_tenant_is_401(idsync_client) -> None:
    assert_scim_error(idsync_client.get("/scim/nope/v2/Users", headers=AUTH), 401)


def test_list_with_filter_and_paging(idsync_client) -> None:
    for name in ("ann", "bob", "cid"):
        new_user(idsync_client, name)
    body = idsync_client.get(f"{BASE}/Users", params={"filter": 'userName eq "BOB"'}, headers=AUTH).json()
    assert body["totalResults"] == 1 and body["Resources"][0]["userName"] == "bob"
    page = idsync_client.get(
        f"{BASE}/Users", params={"startIndex": 2, "count": 1, "sortBy": "userName"}, headers=AUTH
    ).json()
    assert page["totalResults"] == 3 and page["itemsPerPage"] == 1 and page["startIndex"] == 2
    assert page["Resources"][0]["userName"] == "bob"


def test_errors_are_scim_bodies(idsync_client) -> None:
    assert_scim_error(
        idsync_client.get(f"{BASE}/Users", params={"filter": "userName eq"}, headers=AUTH), 400, "invalidFilter"
    )
    assert_scim_error(idsync_client.get(f"{BASE}/Users/nope", headers=AUTH), 404)
    assert_scim_error(idsync_client.patch(f"{BASE}/Users", headers=AUTH), 405)
    bad_type = idsync_client.post(f"{BASE}/Users", content=b"x", headers={**AUTH, "Content-Type": "text/plain"})
    assert_scim_error(bad_type, 415)
    assert_scim_error(idsync_client.post(f"{BASE}/Bulk", json={}, headers=AUTH), 501)
