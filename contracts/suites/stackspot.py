"""StackSpot IAM SCIM contracts: elimity-com/scim wire rules, tenancy and referential integrity.

Sources: StackSpot's reference (``DOCS``) for paths, fields and statuses; elimity-com/scim's
2024-03 release (``ELIMITY``) for wire format, errors, PATCH and paging; rules marked
"Inferred" in specs/README.md (stackspot section) (integrity, uniqueness, member_count) cite it.
On the embedded mock each contract works in tenants of its own, so contracts never see each
other's data; against a real StackSpot they use ``IDSYNC_SCIM_TENANT``, which should be empty.
"""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from contracts.scenario import contract, require
from contracts.target import Target

API = "stackspot"
DOCS = "https://docs.stackspot.com/en/home/account/access-management/scim/scim-api-spec"
ELIMITY = "elimity-com/scim@172bf2a handlers.go, errors/error.go, internal/patch"
INFERRED = "specs/README.md (stackspot section) (Inferred)"
PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"


def _tenant(target: Target) -> str:
    return f"contract-{uuid.uuid4().hex[:10]}" if target.embedded else target.credentials.scim_tenant


class Tenant:
    """One tenant addressed by path prefix (``/{tenant}/scim``) or by ``X-Tenant-Id``."""

    def __init__(self, target: Target, name: str | None = None, *, header: bool = False) -> None:
        self.http = target.client(API)
        self.name = name or _tenant(target)
        self.header = header

    def url(self, endpoint: str, rid: str | None = None) -> str:
        base = f"/scim/{endpoint}" if self.header else f"/{self.name}/scim/{endpoint}"
        return base + (f"/{rid}" if rid else "")

    def call(self, method: str, endpoint: str, rid: str | None = None, **kw: Any) -> httpx.Response:
        headers = {"X-Tenant-Id": self.name} if self.header else {}
        return self.http.request(method, self.url(endpoint, rid), headers={**headers, **kw.pop("headers", {})}, **kw)

    def create(self, endpoint: str, body: dict[str, Any]) -> dict[str, Any]:
        response = self.call("POST", endpoint, json=body)
        require(response.status_code == 201, f"POST /{endpoint} creates (201)", DOCS, _show(response))
        created: dict[str, Any] = response.json()
        return created

    def get(self, endpoint: str, rid: str) -> httpx.Response:
        return self.call("GET", endpoint, rid)

    def listing(self, endpoint: str, **params: Any) -> dict[str, Any]:
        response = self.call("GET", endpoint, params=params)
        require(response.status_code == 200, f"GET /{endpoint} lists (200)", DOCS, _show(response))
        page: dict[str, Any] = response.json()
        return page

    def patch(self, endpoint: str, rid: str, ops: list[dict[str, Any]], key: str = "Operations") -> httpx.Response:
        return self.call("PATCH", endpoint, rid, json={"schemas": [PATCH_OP], key: ops})

    def graph(self) -> dict[str, dict[str, Any]]:
        """Action → resource type → resource → permission → role, two users, a group holding both and the role."""
        made: dict[str, dict[str, Any]] = {}
        made["action"] = self.create("Actions", {"name": "deploy"})
        made["rtype"] = self.create("Resource-Types", {"name": "Workspace", "actions": [made["action"]["id"]]})
        made["resource"] = self.create("Resources", {"name": "payments", "type": made["rtype"]["id"]})
        statement = {"actions": [made["action"]["id"]], "resource": made["resource"]["id"]}
        made["permission"] = self.create("Permissions", {"name": "deployer", "statements": [statement]})
        made["role"] = self.create("Roles", {"name": "deployers", "permissions": [made["permission"]["id"]]})
        made["ana"] = self.create("Users", {"userName": "ana@example.com"})
        made["bo"] = self.create("Users", {"userName": "bo@example.com"})
        members = [{"value": made["ana"]["id"]}, {"value": made["bo"]["id"]}]
        made["group"] = self.create(
            "Groups", {"displayName": "payments", "members": members, "roles": [{"value": made["role"]["id"]}]}
        )
        return made


def _show(response: httpx.Response) -> str:
    return f"{response.request.method} {response.request.url} -> {response.status_code} {response.text[:400]}"


def _require_scim_error(response: httpx.Response, status: int, rule: str, scim_type: str | None = None) -> None:
    body = response.json() if response.headers.get("content-type", "").endswith("json") else {}
    require(response.status_code == status, rule, ELIMITY, _show(response))
    require(
        body.get("schemas") == [ERROR] and body.get("status") == str(status),
        "errors are SCIM errors with a string status",
        ELIMITY,
        _show(response),
    )
    if scim_type is not None:
        require(body.get("scimType") == scim_type, f"{rule}: scimType {scim_type}", ELIMITY, _show(response))


@contract(API, level="scenario", source=DOCS)
def crud_lifecycle_statuses(target: Target) -> None:
    """Each of the seven resource types answers POST 201, GET/PUT/PATCH 200, DELETE 204, then 404."""
    t = Tenant(target)
    made = t.graph()
    statement = {"actions": [made["action"]["id"]], "resource": made["resource"]["id"]}
    order = [
        ("Groups", "group", {"displayName": "payments-2", "members": [{"value": made["ana"]["id"]}]}),
        ("Users", "ana", {"userName": "ana2@example.com"}),
        ("Roles", "role", {"name": "deployers-2", "permissions": [made["permission"]["id"]]}),
        ("Permissions", "permission", {"name": "deployer-2", "statements": [statement]}),
        ("Resources", "resource", {"name": "payments-2", "slug": "payments-2", "type": made["rtype"]["id"]}),
        ("Resource-Types", "rtype", {"name": "Workspace-2", "slug": "workspace-2"}),
        ("Actions", "action", {"name": "deploy-2"}),
    ]
    t.call("DELETE", "Users", made["bo"]["id"])
    for endpoint, key, put in order:
        rid = made[key]["id"]
        got = t.get(endpoint, rid)
        require(
            got.status_code == 200 and got.json()["id"] == rid,
            f"GET /{endpoint}/{{id}} returns it (200)",
            DOCS,
            _show(got),
        )
        replaced = t.call("PUT", endpoint, rid, json=put)
        require(replaced.status_code == 200, f"PUT /{endpoint}/{{id}} replaces (200)", DOCS, _show(replaced))
        patched = t.patch(endpoint, rid, [{"op": "replace", "path": "externalId", "value": "ext-1"}])
        require(
            patched.status_code == 200 and patched.json().get("externalId") == "ext-1",
            f"PATCH /{endpoint}/{{id}} (200)",
            DOCS,
            _show(patched),
        )
        deleted = t.call("DELETE", endpoint, rid)
        require(
            deleted.status_code == 204 and not deleted.content,
            f"DELETE /{endpoint}/{{id}} (204, no body)",
            DOCS,
            _show(deleted),
        )
        _require_scim_error(t.get(endpoint, rid), 404, f"a deleted {endpoint} resource is gone (404)")


@contract(API, level="semantic", source=ELIMITY)
def wire_format_is_elimity(target: Target) -> None:
    """Resources are flattened with id/schemas/meta; lists are ListResponses with `Resources`; scim+json."""
    t = Tenant(target)
    made = t.graph()
    role = t.get("Roles", made["role"]["id"])
    require(
        role.headers.get("content-type", "").startswith("application/scim+json"),
        "Content-Type application/scim+json",
        ELIMITY,
        _show(role),
    )
    body = role.json()
    require(
        "attributes" not in body and body.get("name") == "deployers",
        "attributes are flattened (no `attributes` wrapper)",
        ELIMITY,
        _show(role),
    )
    require(
        body["meta"].get("resourceType") == "Role" and body["meta"].get("location") == f"Roles/{body['id']}",
        "meta.resourceType and relative meta.location",
        ELIMITY,
        _show(role),
    )
    require(
        isinstance(body.get("schemas"), list) and body["schemas"], "schemas is a non-empty array", ELIMITY, _show(role)
    )
    permission = body["permissions"][0]
    require(
        permission["statements"][0]["actions"][0]["id"] == made["action"]["id"],
        "role permissions carry their statements",
        DOCS,
        _show(role),
    )
    page = t.listing("Roles")
    require(
        page.get("schemas") == ["urn:ietf:params:scim:api:messages:2.0:ListResponse"]
        and isinstance(page.get("Resources"), list)
        and page.get("totalResults") == 1,
        "lists are SCIM ListResponses with `Resources`",
        ELIMITY,
        str(page)[:400],
    )


@contract(API, level="semantic", source=INFERRED)
def dangling_references_are_rejected(target: Target) -> None:
    """A permission naming a missing action/resource, or a resource naming a missing type: 400, nothing stored."""
    t = Tenant(target)
    made = t.graph()
    missing = str(uuid.uuid4())
    bad_bodies = [
        (
            "Permissions",
            {"name": "p-action", "statements": [{"actions": [missing], "resource": made["resource"]["id"]}]},
        ),
        (
            "Permissions",
            {"name": "p-resource", "statements": [{"actions": [made["action"]["id"]], "resource": missing}]},
        ),
        ("Resources", {"name": "orphan", "type": missing}),
        ("Resource-Types", {"name": "orphan-type", "actions": [missing]}),
    ]
    for endpoint, body in bad_bodies:
        before = t.listing(endpoint)["totalResults"]
        _require_scim_error(
            t.call("POST", endpoint, json=body),
            400,
            f"POST /{endpoint} with a dangling reference is rejected",
            "invalidValue",
        )
        require(t.listing(endpoint)["totalResults"] == before, "a rejected write stores nothing", INFERRED)
    patched = t.patch(
        "Permissions",
        made["permission"]["id"],
        [
            {
                "op": "replace",
                "path": "statements",
                "value": [{"actions": [missing], "resource": made["resource"]["id"]}],
            }
        ],
    )
    _require_scim_error(patched, 400, "PATCH introducing a dangling reference is rejected", "invalidValue")


@contract(API, level="semantic", source=INFERRED)
def role_member_count_is_live(target: Target) -> None:
    """`member_count` counts the distinct users of the groups holding the role, after every change."""
    t = Tenant(target)
    made = t.graph()
    role_id = made["role"]["id"]
    count = lambda: t.get("Roles", role_id).json()["member_count"]  # noqa: E731
    require(count() == 2, "member_count counts both members", INFERRED, str(count()))
    t.patch("Groups", made["group"]["id"], [{"op": "remove", "path": f'members[value eq "{made["bo"]["id"]}"]'}])
    require(count() == 1, "member_count drops when a member leaves", INFERRED, str(count()))
    t.create(
        "Groups", {"displayName": "second", "members": [{"value": made["ana"]["id"]}], "roles": [{"value": role_id}]}
    )
    require(count() == 1, "a user in two groups holding the role counts once", INFERRED, str(count()))


@contract(API, level="semantic", source=INFERRED)
def deleting_a_user_removes_it_from_groups(target: Target) -> None:
    """DELETE of a user removes it from every group's `members`."""
    t = Tenant(target)
    made = t.graph()
    t.call("DELETE", "Users", made["ana"]["id"])
    members = [m["value"] for m in t.get("Groups", made["group"]["id"]).json()["members"]]
    require(members == [made["bo"]["id"]], "the deleted user is no longer a member", INFERRED, str(members))


@contract(API, level="semantic", source=DOCS, needs=("admin",))
def tenants_are_isolated(target: Target) -> None:
    """Path prefix and X-Tenant-Id address the same tenant; another tenant sees none of it.

    Needs a second tenant the token may use: only the embedded mock (with its admin API) guarantees one.
    """
    a = Tenant(target)
    a_by_header = Tenant(target, a.name, header=True)
    b = Tenant(target, header=True)
    action = a.create("Actions", {"name": "deploy"})
    got = a_by_header.get("Actions", action["id"])
    require(got.status_code == 200, "X-Tenant-Id reaches the tenant the path prefix wrote to", DOCS, _show(got))
    _require_scim_error(b.get("Actions", action["id"]), 404, "another tenant cannot read it")
    require(b.listing("Actions")["totalResults"] == 0, "another tenant does not list it", DOCS)
    require(
        b.create("Actions", {"name": "deploy"})["id"] != action["id"],
        "the same name is free in another tenant",
        INFERRED,
    )
    _require_scim_error(b.call("DELETE", "Actions", action["id"]), 404, "another tenant cannot delete it")
    _require_scim_error(a.http.get("/scim/Actions"), 400, "no tenant at all is a 400")


@contract(API, level="semantic", source=ELIMITY)
def patch_accepts_both_operations_spellings(target: Target) -> None:
    """PATCH takes `Operations` and `operations` (case-insensitive JSON keys); ops are case-insensitive."""
    t = Tenant(target)
    action = t.create("Actions", {"name": "deploy"})
    for key, op, text in (("Operations", "replace", "first"), ("operations", "Replace", "second")):
        response = t.patch("Actions", action["id"], [{"op": op, "path": "description", "value": text}], key=key)
        require(
            response.status_code == 200 and response.json().get("description") == text,
            f"PATCH with `{key}` applies",
            ELIMITY,
            _show(response),
        )
    _require_scim_error(
        t.call(
            "PATCH",
            "Actions",
            action["id"],
            json={
                "schemas": [PATCH_OP],
                "Operations": [{"op": "replace", "path": {"attributePath": {"attributeName": "name"}}, "value": "x"}],
            },
        ),
        400,
        "an object path (the documented rendering) is invalidPath",
        "invalidPath",
    )
    require(
        t.get("Actions", action["id"]).json()["description"] == "second", "a rejected PATCH changes nothing", ELIMITY
    )


@contract(API, level="semantic", source=INFERRED)
def unique_attributes_conflict(target: Target) -> None:
    """A taken unique attribute is 409 `uniqueness` and stores nothing (userName case-insensitively)."""
    t = Tenant(target)
    made = t.graph()
    for endpoint, body in (
        ("Users", {"userName": "ANA@example.com"}),
        ("Groups", {"displayName": "payments"}),
        ("Actions", {"name": "deploy"}),
        ("Roles", {"name": "deployers"}),
        ("Resource-Types", {"name": "Workspace", "actions": []}),
    ):
        before = t.listing(endpoint)["totalResults"]
        _require_scim_error(
            t.call("POST", endpoint, json=body), 409, f"POST /{endpoint} with a taken unique value", "uniqueness"
        )
        require(t.listing(endpoint)["totalResults"] == before, "nothing stored", INFERRED)
    renamed = t.call("PUT", "Users", made["bo"]["id"], json={"userName": "ana@example.com"})
    _require_scim_error(renamed, 409, "PUT onto a taken userName", "uniqueness")


@contract(API, level="semantic", source=ELIMITY)
def pagination_follows_elimity(target: Target) -> None:
    """startIndex/count slice the matches; totalResults counts all matches; itemsPerPage is the count used."""
    t = Tenant(target)
    ids = [t.create("Actions", {"name": f"a{i}"})["id"] for i in range(3)]
    page = t.listing("Actions", count=2)
    require(
        (page["totalResults"], page["itemsPerPage"], page["startIndex"]) == (3, 2, 1),
        "first page header",
        ELIMITY,
        str(page)[:300],
    )
    require([r["id"] for r in page["Resources"]] == ids[:2], "first page holds the first two", ELIMITY)
    page = t.listing("Actions", startIndex=3, count=2)
    require([r["id"] for r in page["Resources"]] == ids[2:], "startIndex is 1-based", ELIMITY, str(page)[:300])
    page = t.listing("Actions", startIndex=0, count=500)
    require(
        (page["startIndex"], page["itemsPerPage"], len(page["Resources"])) == (1, 100, 3),
        "startIndex < 1 is 1, count clamps to 100",
        ELIMITY,
    )
    page = t.listing("Actions", filter='name eq "a1"')
    require(
        [r["id"] for r in page["Resources"]] == [ids[1]] and page["totalResults"] == 1,
        "filter selects the matches",
        INFERRED,
        str(page)[:300],
    )
    _require_scim_error(
        t.call("GET", "Actions", params={"filter": "nosuch eq 1"}),
        400,
        "a filter on an unknown attribute",
        "invalidFilter",
    )


@contract(API, level="semantic", source=INFERRED)
def referenced_definitions_cannot_be_deleted(target: Target) -> None:
    """Deleting an action, resource or resource type still referenced is 409; cascades for the rest."""
    t = Tenant(target)
    made = t.graph()
    for endpoint, key in (("Actions", "action"), ("Resources", "resource"), ("Resource-Types", "rtype")):
        _require_scim_error(
            t.call("DELETE", endpoint, made[key]["id"]), 409, f"DELETE of a referenced {endpoint} resource"
        )
        require(t.get(endpoint, made[key]["id"]).status_code == 200, "it is still there", INFERRED)
    require(
        t.call("DELETE", "Permissions", made["permission"]["id"]).status_code == 204,
        "a permission in a role can be deleted",
        INFERRED,
    )
    require(t.get("Roles", made["role"]["id"]).json()["permissions"] == [], "the role no longer lists it", INFERRED)
    require(
        t.call("DELETE", "Roles", made["role"]["id"]).status_code == 204,
        "a role held by a group can be deleted",
        INFERRED,
    )
    require(t.get("Groups", made["group"]["id"]).json()["roles"] == [], "the group no longer holds it", INFERRED)


@contract(API, level="semantic", source=ELIMITY)
def bad_input_gets_scim_errors(target: Target) -> None:
    """Malformed JSON, missing or mistyped values, bad PATCH bodies, no token: SCIM 4xx, state unchanged."""
    t = Tenant(target)
    action = t.create("Actions", {"name": "deploy"})
    json_header = {"Content-Type": "application/json"}
    _require_scim_error(
        t.call("POST", "Actions", content=b'{"name": ', headers=json_header), 400, "malformed JSON", "invalidSyntax"
    )
    _require_scim_error(
        t.call("POST", "Actions", content=b'{"name": "\xff"}', headers=json_header), 400, "invalid UTF-8"
    )
    _require_scim_error(t.call("POST", "Actions", json={"description": "no name"}), 400, "a missing required attribute")
    _require_scim_error(t.call("POST", "Actions", json={"name": 7}), 400, "a wrong attribute type")
    _require_scim_error(
        t.call(
            "PATCH",
            "Actions",
            action["id"],
            json={"schemas": ["urn:x"], "Operations": [{"op": "remove", "path": "description"}]},
        ),
        400,
        "PATCH schemas other than PatchOp",
        "invalidValue",
    )
    _require_scim_error(t.patch("Actions", action["id"], []), 400, "PATCH without operations", "invalidValue")
    _require_scim_error(
        t.patch("Actions", action["id"], [{"op": "remove"}]), 400, "remove without a path", "invalidValue"
    )
    _require_scim_error(
        t.patch("Actions", action["id"], [{"op": "move", "path": "name"}]), 400, "an unknown op", "invalidValue"
    )
    _require_scim_error(
        t.patch("Actions", action["id"], [{"op": "replace", "path": "nosuch", "value": 1}]),
        400,
        "an unknown path",
        "invalidPath",
    )
    _require_scim_error(
        t.patch("Actions", action["id"], [{"op": "remove", "path": "name"}]), 400, "removing a required attribute"
    )
    with target.http(target.base_url(API)) as anonymous:
        unauthenticated = anonymous.get(t.url("Actions"))
    _require_scim_error(unauthenticated, 401, "no bearer token")
    after = t.get("Actions", action["id"]).json()
    require(
        after["name"] == "deploy" and after["description"] is None and t.listing("Actions")["totalResults"] == 1,
        "state unchanged",
        ELIMITY,
        str(after),
    )
