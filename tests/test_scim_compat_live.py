"""Client compatibility modes over real HTTP: an Entra-like and an Okta-like provisioning life cycle.

Each sequence runs against a uvicorn server on a loopback port (``mockserver.server.LiveServer``),
on a tenant made through the admin API with ``options.compat``; the test asserts that each step
works as that identity provider needs, and which journal notes (``GET /__admin/journal``) each
request left: how far from RFC 7644 the client is. The requests are those of the vendor documents
(specs/README.md "Client compatibility modes": [E1], [E2] Microsoft Learn, [O1] Okta), chained
into one life cycle. The same Entra sequence on a strict tenant stops at its first departure.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from mockserver.app import create_app
from mockserver.server import LiveServer

ADMIN = {"Authorization": "Bearer idsync-token"}
TOKEN = {"Authorization": "Bearer live-compat-token"}
USER = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
ADSCIM_GROUP = "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"
OP = "compat entra: op {!r} is not RFC 7644 §3.5.2 (lower-case {!r})"


@pytest.fixture(scope="module")
def http() -> Iterator[httpx.Client]:
    with LiveServer(create_app(validate_responses=True)) as live, httpx.Client(base_url=live.url) as client:
        yield client


class Tenant:
    """A tenant of the live server in one compat mode, and the journal notes of its requests."""

    def __init__(self, http: httpx.Client, name: str, compat: str) -> None:
        self.http, self.base = http, f"/scim/{name}/v2"
        body = {"name": name, "tokens": ["live-compat-token"], "options": {"compat": compat}}
        made = http.post("/__admin/tenants", json=body, headers=ADMIN)
        assert made.status_code == 201 and made.json()["options"]["compat"] == compat, made.text

    def call(self, method: str, path: str, body: Any = None, status: int = 200, **query: Any) -> Any:
        answer = self.http.request(method, self.base + path, json=body, params=query or None, headers=TOKEN)
        assert answer.status_code == status, f"{method} {path}: {answer.status_code} {answer.text}"
        return answer.json() if answer.content else None

    def patch(self, path: str, *ops: dict[str, Any]) -> Any:
        return self.call("PATCH", path, {"schemas": [PATCH_OP], "Operations": list(ops)})

    def journal(self) -> list[tuple[str, int, list[str]]]:
        """(method, status, notes) of every request to this tenant, oldest first."""
        query = {"path": f"^{self.base}/", "limit": 1000}
        entries = self.http.get("/__admin/journal", params=query, headers=ADMIN).json()["entries"]
        return [(e["method"], e["status"], e["notes"]) for e in entries]


def test_entra_life_cycle_works_in_compat_entra_and_the_journal_names_each_departure(http: httpx.Client) -> None:
    scim = Tenant(http, "live-entra", "entra")
    name = "Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1"
    lookup = {"filter": f'userName eq "{name}"'}
    assert scim.call("GET", "/Users", **lookup)["totalResults"] == 0  # [E1] "Get User by query"
    user = scim.call("POST", "/Users", status=201, body=_entra_user(name))  # [E1] "Create User"
    assert [r["id"] for r in scim.call("GET", "/Users", **lookup)["Resources"]] == [user["id"]]
    found = scim.call("GET", "/Users", filter="externalId eq 0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef")  # [E1] ex. 1
    assert [r["id"] for r in found["Resources"]] == [user["id"]]
    at = f"/Users/{user['id']}"
    changed = scim.patch(  # [E1] "Update User [Multi-valued properties]"
        at,
        {"op": "Replace", "path": 'emails[type eq "work"].value', "value": "updatedEmail@microsoft.com"},
        {"op": "Replace", "path": "name.familyName", "value": "updatedFamilyName"},
    )
    assert changed["emails"][0]["value"] == "updatedEmail@microsoft.com"
    phone = scim.patch(at, {"op": "Add", "path": 'phoneNumbers[type eq "work"].value', "value": "+1 555 0100"})
    assert phone["phoneNumbers"] == [{"type": "work", "value": "+1 555 0100"}]
    disabled = scim.patch(at, {"op": "Replace", "path": "active", "value": "False"})  # [E2] without the flag
    assert disabled["active"] is False
    other = scim.call("POST", "/Users", status=201, body=_entra_user("Test_User_2"))
    group = scim.call("POST", "/Groups", status=201, body=_entra_group())  # [E1] "Create Group"
    listed = scim.call("GET", "/Groups", excludedAttributes="members", filter='displayName eq "displayName"')
    assert [g["id"] for g in listed["Resources"]] == [group["id"]] and "members" not in listed["Resources"][0]
    members = [{"$ref": None, "value": user["id"]}, {"$ref": None, "value": other["id"]}]
    added = scim.patch(f"/Groups/{group['id']}", {"op": "Add", "path": "members", "value": members})
    assert {m["value"] for m in added["members"]} == {user["id"], other["id"]}
    removed = scim.patch(f"/Groups/{group['id']}", {"op": "Remove", "path": "members", "value": members[:1]})
    assert [m["value"] for m in removed["members"]] == [other["id"]]
    scim.call("DELETE", at, status=204)
    scim.call("GET", at, status=404)
    phone_note = (
        "compat entra: add on 'phoneNumbers[type eq \"work\"].value' matches no value (RFC 7644 §3.5.2.3:"
        ' noTarget): read as an add of {"type": "work", "value": "+1 555 0100"} to phoneNumbers'
    )
    assert scim.journal() == [
        ("GET", 200, []),
        ("POST", 201, []),
        ("GET", 200, []),
        (
            "GET",
            200,
            [
                "compat entra: filter 'externalId eq 0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef' has unquoted values"
                " (RFC 7644 §3.4.2.2: a JSON string): read as 'externalId eq \"0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef\"'"
            ],
        ),
        ("PATCH", 200, [OP.format("Replace", "replace"), OP.format("Replace", "replace")]),
        ("PATCH", 200, [OP.format("Add", "add"), phone_note]),
        (
            "PATCH",
            200,
            [
                OP.format("Replace", "replace"),
                "compat entra: active 'False' is a string, not a JSON boolean (RFC 7643 §2.3.2)",
            ],
        ),
        ("POST", 201, []),
        ("POST", 201, [f"compat entra: schema {ADSCIM_GROUP!r} is unknown to this server: ignored"]),
        ("GET", 200, []),
        ("PATCH", 200, [OP.format("Add", "add")]),
        (
            "PATCH",
            200,
            [
                OP.format("Remove", "remove"),
                "compat entra: remove on 'members' with a value list is not RFC 7644 §3.5.2.2 (a value filter"
                " selects what to remove): read as 1 remove(s) of members[value eq ...]",
            ],
        ),
        ("DELETE", 204, []),
        ("GET", 404, []),
    ]


def test_the_entra_sequence_stops_at_its_first_departure_on_a_strict_tenant(http: httpx.Client) -> None:
    scim = Tenant(http, "live-strict", "strict")
    user = scim.call("POST", "/Users", status=201, body=_entra_user("Test_User_3"))
    at = f"/Users/{user['id']}"
    refused = scim.call("GET", "/Users", status=400, filter="externalId eq 0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef")
    assert refused["scimType"] == "invalidFilter"
    assert (
        scim.call("PATCH", at, {"schemas": [PATCH_OP], "Operations": [_disable()]}, 400)["scimType"] == "invalidValue"
    )
    assert scim.call("GET", at)["active"] is True
    assert scim.call("POST", "/Groups", _entra_group(), 400)["scimType"] == "invalidValue"
    assert all(notes == [] for _, _, notes in scim.journal())


def test_okta_life_cycle_works_in_compat_okta_and_only_its_custom_attribute_is_noted(http: httpx.Client) -> None:
    scim = Tenant(http, "live-okta", "okta")
    lookup = {"filter": 'userName eq "test.user@okta.local"', "startIndex": 1, "count": 100}
    assert scim.call("GET", "/Users", **lookup)["totalResults"] == 0  # [O1] "Determine if the User already exists"
    user = scim.call("POST", "/Users", status=201, body=_okta_user())  # [O1] "Create the User"
    at = f"/Users/{user['id']}"
    assert scim.call("GET", at)["userName"] == "test.user@okta.local"  # [O1] "Retrieve a specific User"
    put = {
        **_okta_user(),
        "id": user["id"],
        "name": {"givenName": "Another", "middleName": "Excited", "familyName": "User"},
    }
    put["schemas"] = [USER, CUSTOM]  # Inferred: an attribute an administrator mapped to a custom extension
    put[CUSTOM] = {"costCenter": "4711"}
    put.pop("password")
    assert scim.call("PUT", at, put)["name"]["middleName"] == "Excited"  # [O1] "Update a specific User (PUT)"
    assert scim.patch(at, {"op": "replace", "value": {"active": False}})["active"] is False  # [O1] deactivate
    again = scim.call("GET", "/Users", **lookup)
    assert [(r["id"], r["active"]) for r in again["Resources"]] == [(user["id"], False)]
    group = scim.call("POST", "/Groups", {"schemas": [GROUP], "displayName": "Test SCIMv2", "members": []}, 201)
    at_group = f"/Groups/{group['id']}"
    renamed = scim.patch(at_group, {"op": "replace", "value": {"id": group["id"], "displayName": "Test SCIMv20"}})
    assert renamed["displayName"] == "Test SCIMv20"
    member = {"value": user["id"], "display": "test.user@okta.local"}
    assert (
        scim.patch(at_group, {"op": "add", "path": "members", "value": [member]})["members"][0]["value"] == user["id"]
    )
    scim.call("DELETE", at_group, status=204)
    custom_notes = [
        f"compat okta: schema {CUSTOM!r} is unknown to this server: ignored",
        f"compat okta: attribute {CUSTOM!r} is unknown to this server: ignored",
    ]
    journal = scim.journal()
    assert [(m, s) for m, s, _ in journal] == [
        ("GET", 200),
        ("POST", 201),
        ("GET", 200),
        ("PUT", 200),
        ("PATCH", 200),
        ("GET", 200),
        ("POST", 201),
        ("PATCH", 200),
        ("PATCH", 200),
        ("DELETE", 204),
    ]
    assert [notes for _, _, notes in journal] == [[], [], [], custom_notes, [], [], [], [], [], []]


CUSTOM = "urn:ietf:params:scim:schemas:extension:example:2.0:User"


def _entra_user(name: str) -> dict[str, Any]:
    """[E1] "Create User" (the request body as the tutorial shows it)."""
    return {
        "schemas": [USER, ENTERPRISE],
        "externalId": "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef" if name.endswith("b5dd1") else name,
        "userName": name,
        "active": True,
        "emails": [{"primary": True, "type": "work", "value": f"{name}@testuser.com"}],
        "meta": {"resourceType": "User"},
        "name": {"formatted": "givenName familyName", "familyName": "familyName", "givenName": "givenName"},
        "roles": [],
    }


def _entra_group() -> dict[str, Any]:
    """[E1] "Create Group"."""
    return {
        "schemas": [GROUP, ADSCIM_GROUP],
        "externalId": "8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159",
        "displayName": "displayName",
        "meta": {"resourceType": "Group"},
    }


def _disable() -> dict[str, Any]:
    """[E2] "Requests made to disable users", without the flag."""
    return {"op": "Replace", "path": "active", "value": "False"}


def _okta_user() -> dict[str, Any]:
    """[O1] "Create the User"."""
    return {
        "schemas": [USER],
        "userName": "test.user@okta.local",
        "name": {"givenName": "Test", "familyName": "User"},
        "emails": [{"primary": True, "value": "test.user@okta.local", "type": "work"}],
        "displayName": "Test User",
        "locale": "en-US",
        "externalId": "00ujl29u0le5T6Aj10h7",
        "groups": [],
        "password": "1mz050nq",
        "active": True,
    }
