"""StackSpot over real HTTP: an IAM build-up and tear-down that walks every integrity rule, tenancy, bad input."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

AUTH = {"Authorization": "Bearer idsync-token"}
PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


class Client:
    """One tenant addressed by path prefix (or by ``X-Tenant-Id`` when ``header``)."""

    def __init__(self, root: str, tenant: str, *, header: bool = False) -> None:
        self.tenant, self.header = tenant, header
        base = f"{root}/stackspot" + ("/scim" if header else f"/{tenant}/scim")
        extra = {"X-Tenant-Id": tenant} if header else {}
        self.http = httpx.Client(base_url=base, headers={**AUTH, **extra}, timeout=30)

    def ok(self, method: str, path: str, status: int, body: Any = None) -> Any:
        response = self.http.request(method, path, json=body)
        assert response.status_code == status, f"{method} {path}: {response.status_code} {response.text}"
        if status == 204:
            assert response.content == b""
            return None
        assert response.headers["content-type"].startswith("application/scim+json")
        return response.json()

    def error(
        self, method: str, path: str, status: int, body: Any = None, scim_type: str | None = None
    ) -> dict[str, Any]:
        error = self.ok(method, path, status, body)
        assert error["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"] and error["status"] == str(status)
        assert error.get("scimType") == scim_type
        return error

    def patch(self, path: str, ops: list[dict[str, Any]], key: str = "Operations", status: int = 200) -> Any:
        return self.ok("PATCH", path, status, {"schemas": [PATCH_OP], key: ops})

    def total(self, endpoint: str) -> int:
        return int(self.ok("GET", f"/{endpoint}", 200)["totalResults"])


@pytest.fixture
def acme(idsync_url: str) -> Client:
    return Client(idsync_url, f"acme-{uuid.uuid4().hex[:6]}")


def member_count(c: Client, role_id: str) -> int:
    return int(c.ok("GET", f"/Roles/{role_id}", 200)["member_count"])


def test_build_patch_and_tear_down_walks_every_integrity_rule(acme: Client) -> None:
    c, missing = acme, str(uuid.uuid4())
    deploy = c.ok("POST", "/Actions", 201, {"name": "deploy", "description": "Deploy"})
    read = c.ok("POST", "/Actions", 201, {"name": "read"})
    assert deploy["active"] is False and deploy["client_id"] is None and "lastModified" not in deploy["meta"]
    c.error("POST", "/Resource-Types", 400, {"name": "Workspace", "actions": [deploy["id"], missing]}, "invalidValue")
    rtype = c.ok("POST", "/Resource-Types", 201, {"name": "Workspace", "actions": [deploy["id"], read["id"]]})
    assert rtype["slug"] == "workspace" and [a["id"] for a in rtype["actions"]] == [deploy["id"], read["id"]]
    c.error("POST", "/Resources", 400, {"name": "payments", "type": missing}, "invalidValue")
    resource = c.ok("POST", "/Resources", 201, {"name": "payments", "type": rtype["id"]})
    assert resource["type"]["id"] == rtype["id"]
    assert [r["id"] for r in c.ok("GET", f"/Resource-Types/{rtype['id']}", 200)["resources"]] == [resource["id"]]
    c.error(
        "POST",
        "/Permissions",
        400,
        {"name": "p", "statements": [{"actions": [missing], "resource": resource["id"]}]},
        "invalidValue",
    )
    c.error(
        "POST",
        "/Permissions",
        400,
        {"name": "p", "statements": [{"actions": [deploy["id"]], "resource": missing}]},
        "invalidValue",
    )
    assert c.total("Permissions") == 0
    permission = c.ok(
        "POST",
        "/Permissions",
        201,
        {"name": "deployer", "statements": [{"actions": [deploy["id"]], "resource": resource["id"]}]},
    )
    statement = permission["statements"][0]
    assert (
        statement["actions"][0]["meta"]["location"] == f"Actions/{deploy['id']}"
        and statement["resource"]["id"] == resource["id"]
    )
    c.error("POST", "/Roles", 400, {"name": "deployers", "permissions": [missing]}, "invalidValue")
    role = c.ok(
        "POST",
        "/Roles",
        201,
        {"name": "deployers", "permissions": [permission["id"]], "claim_mapper": {"team": "payments"}},
    )
    assert role["member_count"] == 0 and role["permissions"][0]["id"] == permission["id"]
    ana = c.ok("POST", "/Users", 201, {"userName": "ana@example.com", "password": "s3cret", "displayName": "Ana"})
    bo = c.ok("POST", "/Users", 201, {"userName": "bo@example.com"})
    assert "password" not in ana
    c.error("POST", "/Users", 409, {"userName": "ANA@example.com"}, "uniqueness")
    c.error("POST", "/Groups", 400, {"displayName": "payments", "members": [{"value": missing}]}, "invalidValue")
    c.error("POST", "/Groups", 400, {"displayName": "payments", "roles": [{"value": missing}]}, "invalidValue")
    group = c.ok(
        "POST",
        "/Groups",
        201,
        {"displayName": "payments", "members": [{"value": ana["id"]}], "roles": [{"value": role["id"]}]},
    )
    assert group["members"] == [{"value": ana["id"], "display": "Ana", "type": "User", "$ref": f"Users/{ana['id']}"}]
    assert member_count(c, role["id"]) == 1

    # PATCH: both spellings of Operations, value paths, and a PATCH that would dangle.
    c.patch(
        f"/Groups/{group['id']}", [{"op": "add", "path": "members", "value": [{"value": bo["id"]}]}], key="operations"
    )
    assert member_count(c, role["id"]) == 2
    c.patch(f"/Groups/{group['id']}", [{"op": "add", "path": "members", "value": [{"value": missing}]}], status=400)
    c.patch(
        f"/Permissions/{permission['id']}",
        [{"op": "replace", "path": "statements", "value": [{"actions": [read["id"]], "resource": missing}]}],
        status=400,
    )

    # Restrict: definitions still referenced cannot go.
    c.error("DELETE", f"/Actions/{deploy['id']}", 409)
    c.error("DELETE", f"/Resources/{resource['id']}", 409)
    c.error("DELETE", f"/Resource-Types/{rtype['id']}", 409)
    # Re-point the permission (PUT with the documented singular `action`), then `deploy` is still in the type...
    c.ok(
        "PUT",
        f"/Permissions/{permission['id']}",
        200,
        {"name": "deployer", "statements": [{"action": read["id"], "resource": resource["id"]}]},
    )
    c.error("DELETE", f"/Actions/{deploy['id']}", 409)
    # ...until the type drops it (PATCH remove with a value filter on a string list is a plain replace).
    c.patch(
        f"/Resource-Types/{rtype['id']}",
        [{"op": "replace", "path": "actions", "value": [read["id"]]}],
        key="operations",
    )
    c.ok("DELETE", f"/Actions/{deploy['id']}", 204)

    # Cascade: users leave groups, permissions leave roles, roles leave groups.
    c.ok("DELETE", f"/Users/{ana['id']}", 204)
    assert [m["value"] for m in c.ok("GET", f"/Groups/{group['id']}", 200)["members"]] == [bo["id"]]
    assert member_count(c, role["id"]) == 1
    c.ok("DELETE", f"/Permissions/{permission['id']}", 204)
    assert c.ok("GET", f"/Roles/{role['id']}", 200)["permissions"] == []
    c.ok("DELETE", f"/Roles/{role['id']}", 204)
    assert c.ok("GET", f"/Groups/{group['id']}", 200)["roles"] == []
    for endpoint, rid in (
        ("Resources", resource["id"]),
        ("Resource-Types", rtype["id"]),
        ("Actions", read["id"]),
        ("Groups", group["id"]),
        ("Users", bo["id"]),
    ):
        c.ok("DELETE", f"/{endpoint}/{rid}", 204)
        c.error("GET", f"/{endpoint}/{rid}", 404)
    assert all(
        c.total(e) == 0 for e in ("Users", "Groups", "Roles", "Permissions", "Actions", "Resource-Types", "Resources")
    )


def test_path_prefix_and_header_name_the_same_tenant_and_tenants_are_isolated(idsync_url: str) -> None:
    name = f"iso-{uuid.uuid4().hex[:6]}"
    by_path, by_header = Client(idsync_url, name), Client(idsync_url, name, header=True)
    other = Client(idsync_url, name + "-other", header=True)
    user = by_path.ok("POST", "/Users", 201, {"userName": "ana"})
    assert by_header.ok("GET", f"/Users/{user['id']}", 200) == by_path.ok("GET", f"/Users/{user['id']}", 200)
    other.error("GET", f"/Users/{user['id']}", 404)
    other.error(
        "PATCH",
        f"/Users/{user['id']}",
        404,
        {"schemas": [PATCH_OP], "Operations": [{"op": "replace", "path": "active", "value": False}]},
    )
    assert other.total("Users") == 0
    assert other.ok("POST", "/Users", 201, {"userName": "ana"})["id"] != user["id"]
    assert by_header.total("Users") == 1


def test_missing_tenant_and_credentials(idsync_url: str) -> None:
    no_tenant = httpx.get(f"{idsync_url}/stackspot/scim/Users", headers=AUTH)
    assert no_tenant.status_code == 400 and no_tenant.json()["status"] == "400"
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic YWRtaW46YWRtaW4="}):
        response = httpx.get(f"{idsync_url}/stackspot/acme/scim/Users", headers=headers)
        assert response.status_code == 401 and response.json()["status"] == "401"
    unknown = httpx.get(f"{idsync_url}/stackspot/acme/scim/Nope", headers=AUTH)
    assert unknown.status_code == 404 and unknown.json()["detail"] == "Specified endpoint does not exist."


@pytest.mark.parametrize(
    ("content", "scim_type"),
    [
        (b'{"name": ', "invalidSyntax"),
        (b'{"name": "\xff"}', "invalidSyntax"),
        (b'{"name": 5}', "invalidValue"),
        (b'{"description": "no name"}', "invalidValue"),
        (b"[]", "invalidValue"),
        (b'{"name": "x", "NAME": "y"}', "invalidSyntax"),
    ],
)
def test_bad_bodies_are_scim_400s_and_change_nothing(acme: Client, content: bytes, scim_type: str) -> None:
    action = acme.ok("POST", "/Actions", 201, {"name": "deploy"})
    for method, path in (("POST", "/Actions"), ("PUT", f"/Actions/{action['id']}")):
        response = acme.http.request(method, path, content=content, headers={"Content-Type": "application/json"})
        assert response.status_code == 400, response.text
        assert response.json()["scimType"] == scim_type and response.json()["status"] == "400"
    assert acme.ok("GET", f"/Actions/{action['id']}", 200) == action and acme.total("Actions") == 1


@pytest.mark.parametrize(
    ("body", "scim_type"),
    [
        ({"schemas": PATCH_OP, "Operations": [{"op": "remove", "path": "description"}]}, "invalidSyntax"),
        ({"schemas": ["urn:x"], "Operations": [{"op": "remove", "path": "description"}]}, "invalidValue"),
        ({"schemas": [PATCH_OP]}, "invalidValue"),
        (
            {
                "schemas": [PATCH_OP],
                "Operations": [{"op": "replace", "path": {"attributePath": {"attributeName": "name"}}, "value": "x"}],
            },
            "invalidPath",
        ),
        (
            {"schemas": [PATCH_OP], "Operations": [{"op": "replace", "path": "members[value eq", "value": "x"}]},
            "invalidPath",
        ),
        ({"schemas": [PATCH_OP], "Operations": [{"op": "remove", "path": "name"}]}, "invalidValue"),
        ({"schemas": [PATCH_OP], "Operations": [{"op": "copy", "path": "name"}]}, "invalidValue"),
        ({"schemas": [PATCH_OP], "Operations": [{"op": "replace", "path": "description"}]}, "invalidValue"),
    ],
)
def test_bad_patches_follow_elimity_and_change_nothing(acme: Client, body: dict[str, Any], scim_type: str) -> None:
    action = acme.ok("POST", "/Actions", 201, {"name": "deploy", "description": "d"})
    response = acme.http.patch(f"/Actions/{action['id']}", json=body)
    assert response.status_code == 400 and response.json()["scimType"] == scim_type, response.text
    assert acme.ok("GET", f"/Actions/{action['id']}", 200) == action
