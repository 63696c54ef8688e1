"""Per-tenant SCIM options (specs/README.md "scim"): lenient defaults, strict on request, seed and admin API.

The choice RFC 7644 leaves open for group members naming ids the tenant does not hold: the
default drops them and notes it in the request journal (identity providers treat a 400 on a
group push as a permanent failure of the whole push); ``options.members: strict`` answers 400
``invalidValue`` and changes nothing.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from mockserver.domain.errors import BadRequest
from mockserver.domain.world import World

AUTH = {"Authorization": "Bearer idsync-token"}
USER = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
DEFAULTS = {
    "members": "lenient",
    "bulk": {"supported": True, "maxOperations": 1000, "maxPayloadSize": 1048576},
    "compat": "strict",
}


def _user(client: Any, base: str, name: str) -> dict[str, Any]:
    r = client.post(f"{base}/Users", json={"schemas": [USER], "userName": name}, headers=AUTH)
    assert r.status_code == 201, r.text
    return dict(r.json())


def _notes(client: Any, method: str) -> list[str]:
    entries = client.get("/__admin/journal", params={"api": "scim", "method": method}, headers=AUTH).json()["entries"]
    return [note for entry in entries for note in entry["notes"]]


def test_default_tenant_drops_unknown_members_and_notes_it(idsync_client) -> None:
    base = "/scim/default/v2"
    ann = _user(idsync_client, base, "ann")
    body = {"schemas": [GROUP], "displayName": "G", "members": [{"value": ann["id"]}, {"value": "ghost"}]}
    created = idsync_client.post(f"{base}/Groups", json=body, headers=AUTH)
    assert created.status_code == 201, created.text
    assert [m["value"] for m in created.json()["members"]] == [ann["id"]]
    assert _notes(idsync_client, "POST") == ["member 'ghost' names no user or group of this directory: dropped"]
    patch = {"schemas": [PATCH], "Operations": [{"op": "add", "path": "members", "value": [{"value": "ghost2"}]}]}
    patched = idsync_client.patch(f"{base}/Groups/{created.json()['id']}", json=patch, headers=AUTH)
    assert patched.status_code == 200 and patched.json()["meta"]["version"] == created.json()["meta"]["version"]
    assert _notes(idsync_client, "PATCH") == ["member 'ghost2' names no user or group of this directory: dropped"]


def test_strict_tenant_rejects_unknown_members_and_changes_nothing(idsync_client) -> None:
    made = idsync_client.post(
        "/__admin/tenants",
        json={"name": "acme", "tokens": ["idsync-token"], "options": {"members": "strict"}},
        headers=AUTH,
    )
    assert made.status_code == 201 and made.json()["options"] == {**DEFAULTS, "members": "strict"}
    base = "/scim/acme/v2"
    ann = _user(idsync_client, base, "ann")
    body = {"schemas": [GROUP], "displayName": "G", "members": [{"value": ann["id"]}, {"value": "ghost"}]}
    refused = idsync_client.post(f"{base}/Groups", json=body, headers=AUTH)
    assert refused.status_code == 400 and refused.json()["scimType"] == "invalidValue"
    assert idsync_client.get(f"{base}/Groups", headers=AUTH).json()["totalResults"] == 0
    mistyped = {"schemas": [GROUP], "displayName": "H", "members": [{"value": ann["id"], "type": "Group"}]}
    assert idsync_client.post(f"{base}/Groups", json=mistyped, headers=AUTH).status_code == 400


def test_admin_api_shows_and_changes_options_of_any_tenant(idsync_client) -> None:
    listed = idsync_client.get("/__admin/tenants", headers=AUTH).json()["tenants"]
    assert {"name": "default", "base_path": "/scim/default/v2", "options": DEFAULTS} in listed
    assert all(t["options"] == DEFAULTS for t in listed)  # resolution's upstream tenant too
    changed = idsync_client.post(
        "/__admin/tenants", json={"name": "default", "options": {"bulk": {"maxOperations": 5}}}, headers=AUTH
    )
    assert changed.json()["options"] == {**DEFAULTS, "bulk": {**DEFAULTS["bulk"], "maxOperations": 5}}
    assert idsync_client.get("/__admin/tenants/default", headers=AUTH).json() == changed.json()
    spc = idsync_client.get("/scim/default/v2/ServiceProviderConfig", headers=AUTH).json()
    assert spc["bulk"]["maxOperations"] == 5


@pytest.mark.parametrize(
    "options",
    [{"members": "loose"}, {"bulk": {"maxOperations": 0}}, {"bulk": {"supported": "yes"}}, {"colour": "blue"}],
)
def test_invalid_options_are_400_and_create_nothing(idsync_client, options: dict[str, Any]) -> None:
    r = idsync_client.post("/__admin/tenants", json={"name": "newco", "options": options}, headers=AUTH)
    assert r.status_code == 400 and r.json()["status"] == 400
    assert idsync_client.get("/__admin/tenants/newco", headers=AUTH).status_code == 404


def test_options_come_from_the_seed_and_round_trip_through_export() -> None:
    seed = {
        "scim": {
            "tenants": {
                "x": {"tokens": ["t"], "options": {"members": "strict", "bulk": {"supported": False}, "compat": "okta"}}
            }
        }
    }
    world = World(seed)
    directory = world.directories.get("x")
    assert directory.options.strict_members and not directory.options.bulk.supported
    assert directory.options.compat == "okta"
    exported = world.export()["scim"]
    assert exported["tenants"]["x"]["options"] == {
        "members": "strict",
        "bulk": {"supported": False, "maxOperations": 1000, "maxPayloadSize": 1048576},
        "compat": "okta",
    }
    again = World({"scim": json.loads(json.dumps(exported))})
    assert again.directories.export() == exported
    with pytest.raises(BadRequest):
        World({"scim": {"tenants": {"y": {"options": {"members": 1}}}}})


def test_state_import_restores_options(idsync_client) -> None:
    idsync_client.post("/__admin/tenants", json={"name": "default", "options": {"members": "strict"}}, headers=AUTH)
    state = idsync_client.get("/__admin/state", headers=AUTH).json()
    idsync_client.post("/__admin/reset", headers=AUTH)
    assert idsync_client.get("/__admin/tenants/default", headers=AUTH).json()["options"]["members"] == "lenient"
    assert idsync_client.put("/__admin/state", json=state, headers=AUTH).status_code == 200
    assert idsync_client.get("/__admin/tenants/default", headers=AUTH).json()["options"]["members"] == "strict"


def test_vendor_tenants_start_lenient_and_take_options(idsync_client) -> None:
    token = idsync_client.post("/sift/api/v1/external-sync:generate-token", json={}, headers=AUTH).json()
    base = token["externalSync"]["scimServerUrl"].split("://", 1)[1].split("/", 1)[1]
    name = base.split("/")[1]
    assert name.startswith("sift-")
    assert idsync_client.get(f"/__admin/tenants/{name}", headers=AUTH).json()["options"] == DEFAULTS
    idsync_client.post("/__admin/tenants", json={"name": name, "options": {"members": "strict"}}, headers=AUTH)
    sift_auth = {"Authorization": f"Bearer {token['token']}"}
    body = {"schemas": [GROUP], "displayName": "G", "members": [{"value": "ghost"}]}
    assert idsync_client.post(f"/{base}/Groups", json=body, headers=sift_auth).status_code == 400
