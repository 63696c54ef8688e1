"""Sift over HTTP: custom-method routing, the documented sample, the IdP → SCIM → sync flow over a
real socket, token expiry on the mock clock, CRUD of user groups, and bad input (docs/vendor-facts.md part B)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pytest

from mockserver.app import create_app
from mockserver.domain.sift.records import ADMIN_USER_ID, DEFAULT_GROUP_ID, INTERNAL_GROUP_ID, ORG_ID
from mockserver.seed import load_seed_file
from mockserver.specs import load_spec

H = {"Authorization": "Bearer idsync-token"}
SCIM = {"Content-Type": "application/scim+json"}
SAMPLES = Path(__file__).parent / "samples"
USER = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"


def _not_enabled_app() -> Any:
    """The default seed with ``sift: {}``: an org whose external sync is not enabled yet (the
    default seed enables it, so seed page 000 works on a fresh server)."""
    seed = load_seed_file(None)
    seed["sift"] = {}
    return create_app(seed, validate_responses=True)


@pytest.fixture
def idsync_app() -> Any:
    return _not_enabled_app()


def _schema(name: str) -> jsonschema.Draft4Validator:
    spec = load_spec("sift.yaml")
    return jsonschema.Draft4Validator({"$ref": f"#/components/schemas/{name}", "components": spec["components"]})


def _generate(client: Any) -> tuple[str, str]:
    body = client.post("/sift/api/v1/external-sync:generate-token", json={}, headers=H).json()
    return body["externalSync"]["scimServerUrl"], body["token"]


def _push_user(client: Any, url: str, token: str, name: str, **extra: Any) -> dict[str, Any]:
    auth = {"Authorization": f"Bearer {token}", **SCIM}
    response = client.post(f"{url}/Users", json={"schemas": [USER], "userName": name, **extra}, headers=auth)
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_colon_custom_methods_route_to_their_own_operations(idsync_client) -> None:
    """AIP-136 custom methods (``:generate-token``) are literal path text beside ``/external-sync``."""
    assert idsync_client.get("/sift/api/v1/external-sync", headers=H).json()["success"] is False
    assert idsync_client.post("/sift/api/v1/external-sync", json={}, headers=H).json()["code"] == 9
    assert "token" in idsync_client.post("/sift/api/v1/external-sync:generate-token", json={}, headers=H).json()
    assert idsync_client.get("/sift/api/v1/external-sync", headers=H).json()["success"] is True
    assert len(idsync_client.get("/sift/api/v1/external-sync:list-tokens", headers=H).json()["externalSyncTokens"]) == 1
    assert idsync_client.get("/sift/api/v1/external-sync:list-runs", headers=H).json()["externalSyncRunSummaries"] == []
    provisioned = idsync_client.get("/sift/api/v1/external-sync:is-org-externally-provisioned", headers=H).json()
    assert provisioned == {"isExternallyProvisioned": True}
    assert idsync_client.post("/sift/api/v1/external-sync", json={}, headers=H).status_code == 200
    encoded = idsync_client.get("/sift/api/v1/external-sync%3Alist-runs", headers=H)
    assert len(encoded.json()["externalSyncRunSummaries"]) == 1


def test_documented_sync_response_fits_the_spec_and_the_mock_answers_the_same_fields(idsync_client) -> None:
    sample = json.loads((SAMPLES / "seed-000-sift-sync-organization.json").read_text(encoding="utf-8"))
    documented = sample["response"]["body"]
    _schema("v1SyncOrganizationResponse").validate(documented)
    url, token = _generate(idsync_client)
    group_member = _push_user(idsync_client, url, token, "ada@example.com")
    auth = {"Authorization": f"Bearer {token}", **SCIM}
    group = {"schemas": [GROUP], "displayName": "Eng", "members": [{"value": group_member["id"]}]}
    assert idsync_client.post(f"{url}/Groups", json=group, headers=auth).status_code == 201
    ours = idsync_client.post(sample["request"]["path"].join(["/sift", ""]), json=sample["request"]["body"], headers=H)
    assert ours.status_code == sample["response"]["status"]
    body = ours.json()
    assert set(body) == set(documented)
    assert set(body["externalSync"]) == set(documented["externalSync"])
    assert set(body["createdUsers"][0]) == set(documented["createdUsers"][0])
    assert set(body["createdUserGroups"][0]) == set(documented["createdUserGroups"][0])


def test_idp_pushes_over_http_to_the_handed_out_scim_url_then_sync_shows_them(idsync_url: str) -> None:
    sift = httpx.Client(base_url=f"{idsync_url}/sift", headers=H)
    url, token = _generate(httpx.Client(base_url=idsync_url))
    assert url == f"{idsync_url}/scim/sift-{ORG_ID}/v2"
    scim = httpx.Client(headers={"Authorization": f"Bearer {token}", **SCIM})
    ada = _push_user(scim, url, token, "Ada@Example.com")
    bob = _push_user(scim, url, token, "bob@example.com", active=False)
    group = scim.post(
        f"{url}/Groups",
        json={"schemas": [GROUP], "displayName": "Eng", "members": [{"value": ada["id"]}, {"value": bob["id"]}]},
    )
    assert group.status_code == 201
    first = sift.post("/api/v1/external-sync", json={}).json()
    assert [u["userName"] for u in first["createdUsers"]] == ["Ada@Example.com"], (
        "inactive upstream users are not created"
    )
    ada_id = first["createdUsers"][0]["userId"]
    assert first["createdUserGroups"][0]["userIds"] == [ada_id]
    assert first["externalSync"]["mostRecentSyncByUserId"] == ADMIN_USER_ID
    second = sift.post("/api/v1/external-sync", json={}).json()
    assert second["createdUsers"] == second["createdUserGroups"] == second["addedToOrganizationUserIds"] == []
    assert (second["existingUserCount"], second["existingGroupCount"]) == (1, 1)
    assert scim.delete(f"{url}/Users/{ada['id']}").status_code == 204
    third = sift.post("/api/v1/external-sync", json={}).json()
    assert third["deactivatedUserIds"] == [ada_id]
    assert sift.get(f"/api/v2/users/{ada_id}").status_code == 200
    assert ada_id in {u["userId"] for u in sift.get("/api/v2/users:all").json()["users"]}
    assert ada_id not in {u["userId"] for u in sift.get("/api/v2/users").json()["users"]}
    sift.close()
    scim.close()


def test_scim_token_expires_on_the_mock_clock_and_earlier_tokens_stay_valid(idsync_url: str, idsync_admin) -> None:
    sift = httpx.Client(base_url=f"{idsync_url}/sift", headers=H)
    root = httpx.Client(base_url=idsync_url)
    url, first = _generate(root)
    idsync_admin.advance_clock(1000)
    _, second = _generate(root)
    assert httpx.get(f"{url}/Users", headers={"Authorization": f"Bearer {first}"}).status_code == 200
    idsync_admin.advance_clock(2_592_000 - 999)
    assert httpx.get(f"{url}/Users", headers={"Authorization": f"Bearer {first}"}).status_code == 401
    assert httpx.get(f"{url}/Users", headers={"Authorization": f"Bearer {second}"}).status_code == 200
    tokens = sift.get("/api/v1/external-sync:list-tokens").json()["externalSyncTokens"]
    assert tokens[0]["createdDate"] > tokens[1]["createdDate"]
    sift.close()


def test_user_group_crud_and_membership(idsync_client) -> None:
    created = idsync_client.post(
        "/sift/api/v2/user-groups", json={"userGroup": {"name": "Test", "isDefault": False}}, headers=H
    )
    group_id = created.json()["userGroup"]["userGroupId"]
    query = {"userGroupId": group_id, "userId": ADMIN_USER_ID}
    assert idsync_client.post("/sift/api/v2/user-groups:add-user", params=query, headers=H).json() == {}
    assert idsync_client.get(f"/sift/api/v2/user-groups/{group_id}", headers=H).json()["userGroup"]["userIds"] == [
        ADMIN_USER_ID
    ]
    patched = idsync_client.patch(
        f"/sift/api/v2/user-groups/{group_id}",
        json={"userGroup": {"name": "Renamed", "roleId": "x"}, "updateMask": "name"},
        headers=H,
    )
    assert patched.json()["userGroup"]["name"] == "Renamed" and patched.json()["userGroup"]["roleId"] == ""
    params = {"userId": ADMIN_USER_ID, "userGroupIds": [DEFAULT_GROUP_ID]}
    assert idsync_client.post("/sift/api/v2/user-groups:update-user", params=params, headers=H).status_code == 200
    groups = {
        g["userGroupId"]: g["userIds"]
        for g in idsync_client.get("/sift/api/v2/user-groups", headers=H).json()["userGroups"]
    }
    assert groups == {DEFAULT_GROUP_ID: [ADMIN_USER_ID], INTERNAL_GROUP_ID: [], group_id: []}
    assert idsync_client.delete(f"/sift/api/v2/user-groups/{group_id}", headers=H).json() == {}
    assert idsync_client.get(f"/sift/api/v2/user-groups/{group_id}", headers=H).json()["code"] == 5


def test_external_groups_keep_idp_membership(idsync_client) -> None:
    url, token = _generate(idsync_client)
    auth = {"Authorization": f"Bearer {token}", **SCIM}
    assert (
        idsync_client.post(f"{url}/Groups", json={"schemas": [GROUP], "displayName": "Ext"}, headers=auth).status_code
        == 201
    )
    group_id = idsync_client.post("/sift/api/v1/external-sync", json={}, headers=H).json()["createdUserGroups"][0][
        "userGroupId"
    ]
    add = idsync_client.post(
        "/sift/api/v2/user-groups:add-user", params={"userGroupId": group_id, "userId": ADMIN_USER_ID}, headers=H
    )
    assert (add.status_code, add.json()["code"]) == (400, 9)
    assert idsync_client.delete(f"/sift/api/v2/user-groups/{group_id}", headers=H).json()["code"] == 9
    role = idsync_client.get("/sift/api/v2/roles", headers=H).json()["roles"][0]["roleId"]
    patched = idsync_client.patch(
        f"/sift/api/v2/user-groups/{group_id}", json={"userGroup": {"roleId": role}, "updateMask": "roleId"}, headers=H
    )
    assert patched.json()["userGroup"]["roleId"] == role, "permissions of external groups are managed in Sift"


def test_deactivated_users_api_keys_stop_working(idsync_client, idsync_app) -> None:
    other = "2e7c9a1b-4d6f-4a8e-b3c5-7f1e9d2b4a60"
    seed = {
        "apiKeys": {"idsync-token": ADMIN_USER_ID, "other-key": other},
        "users": [
            {"userId": ADMIN_USER_ID, "userName": "admin@idsync.example"},
            {"userId": other, "userName": "o@x.example"},
        ],
    }
    idsync_app.runtime.world.sift.load(seed)
    assert idsync_client.get("/sift/api/v2/roles", headers={"Authorization": "Bearer other-key"}).status_code == 200
    body = {"organizationId": ORG_ID, "active": False}
    assert idsync_client.post(f"/sift/api/v2/users/{other}/active", json=body, headers=H).status_code == 200
    assert idsync_client.get("/sift/api/v2/roles", headers={"Authorization": "Bearer other-key"}).status_code == 401


def test_page_tokens_walk_and_must_match_the_query(idsync_client) -> None:
    first = idsync_client.get("/sift/api/v2/roles", params={"pageSize": 3}, headers=H).json()
    assert len(first["roles"]) == 3 and first["nextPageToken"]
    rest = idsync_client.get(
        "/sift/api/v2/roles", params={"pageSize": 3, "pageToken": first["nextPageToken"]}, headers=H
    ).json()
    assert len(rest["roles"]) == 1 and rest["nextPageToken"] == ""
    mismatch = {"pageToken": first["nextPageToken"], "orderBy": "description"}
    assert idsync_client.get("/sift/api/v2/roles", params=mismatch, headers=H).json()["code"] == 3
    ordered = idsync_client.get("/sift/api/v2/roles", params={"orderBy": "name desc"}, headers=H).json()["roles"]
    assert [r["name"] for r in ordered] == ["Viewer", "Editor", "Collaborator", "Admin"]


def test_state_round_trips_through_export(idsync_client, idsync_app) -> None:
    url, token = _generate(idsync_client)
    _push_user(idsync_client, url, token, "ada@example.com")
    idsync_client.post("/sift/api/v1/external-sync", json={}, headers=H)
    world = idsync_app.runtime.world
    exported = world.export()
    world.restore(json.loads(json.dumps(exported)))
    assert world.export() == exported
    assert world.directories.get(f"sift-{ORG_ID}").token_valid(token), "the SCIM token survives a snapshot"


GROUP_PATH = f"/sift/api/v2/user-groups/{INTERNAL_GROUP_ID}"
BAD_INPUT = [
    ("post", "/sift/api/v1/external-sync", {"content": b"{", "headers": {"Content-Type": "application/json"}}, 400, 3),
    (
        "post",
        "/sift/api/v1/external-sync",
        {"content": b'{"a": "\xff"}', "headers": {"Content-Type": "application/json"}},
        400,
        3,
    ),
    ("post", "/sift/api/v1/external-sync", {"json": []}, 400, 3),
    ("post", "/sift/api/v1/external-sync", {"json": {}}, 400, 9),
    ("post", "/sift/api/v2/user-groups", {"json": {"userGroup": {"name": 5}}}, 400, 3),
    ("post", "/sift/api/v2/user-groups", {"json": {"userGroup": {"name": "x", "userIds": ["nope"]}}}, 400, 3),
    ("post", "/sift/api/v2/user-groups", {"json": {"userGroup": {"name": "x", "roleId": "nope"}}}, 404, 5),
    ("post", "/sift/api/v2/user-groups", {"json": {"userGroup": {"name": ""}}}, 400, 3),
    ("post", "/sift/api/v2/user-groups", {"json": {}}, 400, 3),
    ("patch", GROUP_PATH, {"json": {"userGroup": {"name": "x"}, "updateMask": "userIds"}}, 400, 3),
    ("patch", GROUP_PATH, {"json": {"userGroup": {"name": "x"}, "updateMask": "is_default"}}, 400, 3),
    ("patch", GROUP_PATH, {"json": {"userGroup": {"name": "x"}, "updateMask": ""}}, 400, 3),
    ("patch", GROUP_PATH, {"json": {"userGroup": {"name": "x"}}}, 400, 3),
    (
        "patch",
        "/sift/api/v2/user-groups/not-a-uuid",
        {"json": {"userGroup": {"name": "x"}, "updateMask": "name"}},
        400,
        3,
    ),
    ("delete", "/sift/api/v2/user-groups/9b4e1d2c-6a3f-4e8b-b1c0-5d2a7f3e9c99", {}, 404, 5),
    ("delete", f"/sift/api/v2/user-groups/{DEFAULT_GROUP_ID}", {}, 400, 9),
    ("post", f"/sift/api/v2/user-groups:add-user?userGroupId={INTERNAL_GROUP_ID}", {}, 400, 3),
    ("post", f"/sift/api/v2/user-groups:update-user?userId={ADMIN_USER_ID}&userGroupIds=x", {}, 400, 3),
    ("get", "/sift/api/v2/roles?pageSize=abc", {}, 400, 3),
    ("get", "/sift/api/v2/roles?pageSize=-1", {}, 400, 3),
    ("get", "/sift/api/v2/roles?pageToken=%%%", {}, 400, 3),
    ("get", "/sift/api/v2/roles?filter=size(name)%3E1", {}, 400, 3),
    ("get", "/sift/api/v2/roles?orderBy=roleOrder", {}, 400, 3),
    ("get", "/sift/api/v1/external-sync:list-tokens?filter=a%3D%3D%22b%22", {}, 400, 3),
    ("get", "/sift/api/v1/external-sync/runs/not-a-uuid", {}, 400, 3),
    ("get", "/sift/api/v1/external-sync/runs/1f2e3d4c-5b6a-4978-8a9b-0c1d2e3f4a50", {}, 404, 5),
    ("get", "/sift/api/v2/users/1f2e3d4c-5b6a-4978-8a9b-0c1d2e3f4a50", {}, 404, 5),
    (
        "post",
        f"/sift/api/v2/users/{ADMIN_USER_ID}/active",
        {"json": {"organizationId": "other", "active": True}},
        403,
        7,
    ),
    (
        "post",
        f"/sift/api/v2/users/{ADMIN_USER_ID}/active",
        {"json": {"organizationId": ORG_ID, "active": "no"}},
        400,
        3,
    ),
    (
        "post",
        f"/sift/api/v2/users/{ADMIN_USER_ID}/active",
        {"json": {"organizationId": ORG_ID, "active": False}},
        400,
        9,
    ),
    ("get", "/sift/api/v2/roles", {"headers": {"Authorization": ""}}, 401, 16),
    ("get", "/sift/api/v2/roles", {"headers": {"Authorization": "Bearer wrong"}}, 401, 16),
    (
        "post",
        "/sift/api/v1/external-sync:generate-token",
        {"json": {}, "headers": {"Authorization": "Basic YWRtaW46YWRtaW4="}},
        401,
        16,
    ),
    ("get", "/sift/api/v2/nowhere", {}, 404, 5),
]


@pytest.fixture(scope="module")
def shared_app() -> Iterator[tuple[Any, Any]]:
    """One app for the bad-input cases: none of them may change its state."""
    app = _not_enabled_app()
    with app.test_client() as client:
        yield app, client


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "status", "code"),
    BAD_INPUT,
    ids=[f"{m} {p[5:60]} {s}" for m, p, _, s, _c in BAD_INPUT],
)
def test_bad_input_gets_rpc_status_and_changes_nothing(shared_app, method, path, kwargs, status, code) -> None:
    app, idsync_client = shared_app
    world = app.runtime.world
    before = world.export()
    headers = {**H, **kwargs.get("headers", {})}
    send = {k: v for k, v in kwargs.items() if k != "headers"}
    response = idsync_client.request(method.upper(), path, headers=headers, **send)
    assert (response.status_code, response.json().get("code")) == (status, code), response.text
    assert isinstance(response.json()["message"], str) and response.json()["details"] == []
    after = world.export()
    before.pop("clock"), after.pop("clock")
    assert after == before


def test_user_groups_for_assets(idsync_client: Any) -> None:
    """``GetUserGroupsForAssets``: groups granting any of the assets (listed or ``allAssets``) and their roles."""
    asset = "0f1e2d3c-4b5a-4697-8877-665544332211"
    body = {
        "userGroup": {
            "name": "Flight",
            "roleId": "3f6b2c1e-8d4a-4b7e-9c2f-1a5d0e6b7c22",
            "resources": {"assetIds": [asset], "allAssets": False},
        }
    }
    assert idsync_client.post("/sift/api/v2/user-groups", json=body, headers=H).status_code == 200
    found = idsync_client.get("/sift/api/v2/user-groups:get-for-assets", params={"assetIds": asset}, headers=H)
    assert found.status_code == 200, found.text
    assert [g["name"] for g in found.json()["userGroups"]] == ["Administrators", "Default", "Flight"]
    assert {r["name"] for r in found.json()["roles"]} == {"Admin", "Viewer", "Editor"}
    other = idsync_client.get(
        "/sift/api/v2/user-groups:get-for-assets",
        params={"assetIds": "1f1e2d3c-4b5a-4697-8877-665544332211"},
        headers=H,
    )
    assert "Flight" not in [g["name"] for g in other.json()["userGroups"]]
    missing = idsync_client.get("/sift/api/v2/user-groups:get-for-assets", headers=H)
    assert (missing.status_code, missing.json()["code"]) == (400, 3)
