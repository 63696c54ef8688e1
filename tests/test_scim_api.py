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
    assert_scim_error(idsync_client.post(f"{BASE}/Bulk", json={}, headers=AUTH), 400)  # no schemas, no Operations


BAD_INPUTS = [
    ("post", "/Users", b'{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "\xff"}', 400),
    ("post", "/Users", b'{"schemas": [', 400),
    ("post", "/Users", b"[]", 400),
    ("post", "/Users", b'{"schemas": "nope", "userName": "x"}', 400),
    ("post", "/Users", b'{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": ["x"]}', 400),
    (
        "post",
        "/Users",
        b'{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "x", "active": "yes"}',
        400,
    ),
    (
        "post",
        "/Groups",
        b'{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "g", "members": [{}]}',
        400,
    ),
    ("patch", "/Users/{id}", b'{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": "x"}', 400),
    (
        "patch",
        "/Users/{id}",
        b'{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [{"op": 1}]}',
        400,
    ),
    ("put", "/Users/{id}", b'{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"]}', 400),
    ("put", "/Users/unknown", b'{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "z"}', 404),
    ("post", "/.search", b'{"count": "ten"}', 400),
    ("post", "/Users/.search", b'{"startIndex": 1.5}', 400),
    ("get", "/Users?count=abc", b"", 400),
    ("get", "/Users?sortBy=nosuch", b"", 400),
    ("get", "/Users?sortOrder=sideways", b"", 400),
    ("get", "/Users?unknownParam=1", b"", 400),
    ("get", "/Schemas/urn:nope", b"", 404),
    ("get", "/ResourceTypes/Nope", b"", 404),
]


@pytest.mark.parametrize(
    ("method", "path", "body", "status"), BAD_INPUTS, ids=[f"{m} {p} {i}" for i, (m, p, _, _) in enumerate(BAD_INPUTS)]
)
def test_bad_input_gets_scim_error_and_changes_nothing(
    idsync_app, idsync_client, method: str, path: str, body: bytes, status: int
) -> None:
    user = new_user(idsync_client, "keeper")
    before = idsync_app.runtime.world.directories.export()
    headers = {**AUTH, "Content-Type": "application/scim+json"}
    response = idsync_client.request(
        method.upper(), BASE + path.replace("{id}", user["id"]), content=body or None, headers=headers
    )
    assert_scim_error(response, status)
    assert idsync_app.runtime.world.directories.export() == before


def test_json_content_type_and_projection_over_http(idsync_client) -> None:
    user = new_user(
        idsync_client, "proj", name={"givenName": "P", "familyName": "Q"}, emails=[{"value": "p@q", "type": "work"}]
    )
    listed = idsync_client.get(
        f"{BASE}/Users", params={"attributes": "name.familyName", "filter": 'userName eq "proj"'}, headers=AUTH
    ).json()
    assert listed["Resources"] == [{"schemas": [USER], "id": user["id"], "name": {"familyName": "Q"}}]
    plain = idsync_client.put(
        f"{BASE}/Users/{user['id']}?excludedAttributes=meta",
        content=b'{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "proj", "title": "T"}',
        headers={**AUTH, "Content-Type": "application/json"},
    )
    assert plain.status_code == 200 and plain.headers["content-type"].startswith("application/scim+json")
    assert "meta" not in plain.json() and plain.headers["etag"] != user["meta"]["version"]


def test_if_none_match_and_if_match_on_groups(idsync_client) -> None:
    group = idsync_client.post(f"{BASE}/Groups", json={"schemas": [GROUP], "displayName": "G"}, headers=AUTH).json()
    etag = group["meta"]["version"]
    assert idsync_client.get(f"{BASE}/Groups/{group['id']}", headers={**AUTH, "If-None-Match": etag}).status_code == 304
    ops = {"schemas": [PATCH], "Operations": [{"op": "replace", "path": "displayName", "value": "H"}]}
    assert (
        idsync_client.patch(f"{BASE}/Groups/{group['id']}", json=ops, headers={**AUTH, "If-Match": etag}).status_code
        == 200
    )
    assert_scim_error(
        idsync_client.patch(f"{BASE}/Groups/{group['id']}", json=ops, headers={**AUTH, "If-Match": etag}), 412
    )
    assert_scim_error(idsync_client.delete(f"{BASE}/Groups/{group['id']}", headers={**AUTH, "If-Match": etag}), 412)
    assert idsync_client.delete(f"{BASE}/Groups/{group['id']}", headers={**AUTH, "If-Match": "*"}).status_code == 204


def test_discovery_endpoints(idsync_client) -> None:
    spc = idsync_client.get(f"{BASE}/ServiceProviderConfig", headers=AUTH).json()
    assert spc["patch"]["supported"] and spc["bulk"]["supported"] and spc["changePassword"]["supported"]
    assert spc["authenticationSchemes"][0]["type"] == "oauthbearertoken"
    types = idsync_client.get(f"{BASE}/ResourceTypes", headers=AUTH).json()
    assert {t["id"] for t in types["Resources"]} == {"User", "Group"} and types["totalResults"] == 2
    user_type = idsync_client.get(f"{BASE}/ResourceTypes/User", headers=AUTH).json()
    assert user_type["schemaExtensions"][0]["schema"].endswith("enterprise:2.0:User")
    schemas = idsync_client.get(f"{BASE}/Schemas", headers=AUTH).json()
    assert len(schemas["Resources"]) == 3
    assert schemas["Resources"][0]["meta"]["location"].startswith("http://testserver/scim/default/v2/Schemas/")


def test_payload_too_large_is_scim_413() -> None:
    from mockserver.app import create_app

    with create_app(max_body_bytes=200).test_client() as client:
        response = client.post(f"{BASE}/Users", json={"schemas": [USER], "userName": "x" * 500}, headers=AUTH)
    assert_scim_error(response, 413)


def test_admin_state_round_trips_the_directory(idsync_client) -> None:
    admin = {"Authorization": "Bearer idsync-token"}
    alice = new_user(idsync_client, "alice", password="pw")
    idsync_client.post(
        f"{BASE}/Groups",
        json={"schemas": [GROUP], "displayName": "A", "members": [{"value": alice["id"]}]},
        headers=AUTH,
    )
    state = idsync_client.get("/__admin/state", headers=admin).json()
    before = idsync_client.get(f"{BASE}/Users", headers=AUTH).json()
    idsync_client.post("/__admin/reset", headers=admin)
    assert idsync_client.get(f"{BASE}/Users", headers=AUTH).json()["totalResults"] == 0
    assert idsync_client.put("/__admin/state", json=state, headers=admin).status_code == 200
    assert idsync_client.get(f"{BASE}/Users", headers=AUTH).json() == before
    assert idsync_client.get("/__admin/state", headers=admin).json()["scim"] == state["scim"]


def test_undeclared_query_parameter_is_scim_400(idsync_client) -> None:
    assert_scim_error(idsync_client.get(f"{BASE}/ServiceProviderConfig", params={"x": "1"}, headers=AUTH), 400)


def test_root_query_lists_users_and_groups(idsync_client) -> None:
    new_user(idsync_client, "root-user", displayName="Root")
    idsync_client.post(f"{BASE}/Groups", json={"schemas": [GROUP], "displayName": "Root group"}, headers=AUTH)
    body = idsync_client.get(
        BASE, params={"filter": 'displayName sw "root"', "sortBy": "displayName"}, headers=AUTH
    ).json()
    assert [r["meta"]["resourceType"] for r in body["Resources"]] == ["User", "Group"] and body["totalResults"] == 2


@pytest.mark.parametrize("path", ["/ServiceProviderConfig", "/ResourceTypes", "/ResourceTypes/User", "/Schemas"])
def test_discovery_ignores_query_parameters(idsync_client, path: str) -> None:
    """RFC 7644 §4: filter, sort and paging parameters on discovery endpoints "SHALL be ignored"."""
    plain = idsync_client.get(f"{BASE}{path}", headers=AUTH)
    params = {"filter": 'id eq "x"', "sortBy": "id", "startIndex": 5, "count": 1, "attributes": "id"}
    assert idsync_client.get(f"{BASE}{path}", params=params, headers=AUTH).json() == plain.json()
