"""State import and seeds at scale, checked whole before anything changes (issue 12 point 5).

``PUT /__admin/state`` and ``POST /__admin/seed`` take states far beyond the 1 MiB limit of vendor
requests (their own limit, ``max_import_bytes``); every state is checked against the published
schema (``GET /__admin/state/schema``, ``mockserver/data/state.schema.json``), the JSON policy and
each vendor's rules; a refusal is a 400 naming the JSONPath of the offending value and leaves the
state exactly as it was; a state accepted never fails later (every list still answers); and a
snapshot taken while a resolution sync runs restores to a connector that syncs again.
"""

from __future__ import annotations

import copy
import json
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import jsonschema
import pytest

from mockserver.app import create_app

AUTH = {"Authorization": "Bearer idsync-token"}
BASIC = ("admin", "admin")
USER = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
CONNECTOR = "7df9fd3f-793f-4595-b415-b839b76b0018"
SYNC = f"/resolution/rest/samlsso-admin/1.0/usersync/connector/{CONNECTOR}"
#: One read of every kind of record, to prove an accepted state does not fail later.
READS = [
    "/scim/default/v2/Users",
    "/scim/default/v2/Groups",
    "/sift/api/v2/users:all",
    "/sift/api/v2/user-groups",
    "/sift/api/v1/external-sync:list-tokens",
    "/sift/api/v1/external-sync:list-runs",
    "/sift/api/v1/external-sync",
    "/authentik/api/v3/core/users/",
    "/authentik/api/v3/core/groups/",
    "/authentik/api/v3/providers/scim/",
    "/authentik/api/v3/providers/scim_users/",
    "/authentik/api/v3/providers/scim_groups/",
    "/authentik/api/v3/providers/scim/1/sync/status/",
    "/stackspot/acme/scim/Users",
    "/stackspot/acme/scim/Roles",
    f"{SYNC}/syncstatus",
    "/resolution/rest/samlsso-admin/1.0/directory/10100",
]


def drive_every_api(client: Any) -> None:
    """Leave at least one record of every kind the state holds (the API's own way)."""
    user = client.post("/scim/default/v2/Users", json={"schemas": [USER], "userName": "ada", "password": "pw"}).json()
    client.post(
        "/scim/default/v2/Groups", json={"schemas": [GROUP], "displayName": "g", "members": [{"value": user["id"]}]}
    )
    sift = client.post("/sift/api/v1/external-sync:generate-token", json={}).json()
    tenant = httpx.URL(sift["externalSync"]["scimServerUrl"]).path
    bob = {"schemas": [USER], "userName": "bob@example.com", "active": True}
    pushed = client.post(f"{tenant}/Users", json=bob, headers={"Authorization": f"Bearer {sift['token']}"}).json()
    client.post(
        f"{tenant}/Groups",
        json={"schemas": [GROUP], "displayName": "ext", "members": [{"value": pushed["id"]}]},
        headers={"Authorization": f"Bearer {sift['token']}"},
    )
    client.post("/sift/api/v1/external-sync", json={})
    provider = {"name": "p", "url": "http://127.0.0.1:9/scim/default/v2", "token": "idsync-token"}
    client.post("/authentik/api/v3/providers/scim/", json=provider)
    client.post("/authentik/api/v3/core/users/", json={"username": "u2", "name": "U2", "attributes": {"k": [1]}})
    client.post("/authentik/api/v3/providers/scim_users/", json={"scim_id": "x1", "user": 1, "provider": 1})
    login = client.post("/vcf/v1/tokens", json={"username": "admin", "password": "admin"}).json()
    vcf = {"Authorization": f"Bearer {login['accessToken']}"}
    directory = {"name": "rainpole-okta", "domains": ["rainpole.io"], "defaultDomain": "rainpole.io"}
    oidc = {"clientId": "0oa8", "clientSecret": "s3cr3t", "discoveryEndpoint": "https://idp.example/.well-known/x"}
    idp = {"name": "Okta", "type": "Okta", "fedIdpSpec": {"name": "Okta", "directory": directory, "oidcSpec": oidc}}
    made = client.post("/vcf/v1/identity-providers", json=idp, headers=vcf)
    idp_id = made.headers["location"].rsplit("/", 1)[-1]
    client.post(f"/vcf/v1/identity-providers/{idp_id}/sync-client", headers=vcf)
    client.post("/scim/resolution-upstream/v2/Users", json={"schemas": [USER], "userName": "carl"})
    client.post(f"{SYNC}/syncsingle/carl", auth=BASIC)
    client.post("/stackspot/acme/scim/Users", json={"userName": "s1", "password": "x"})
    client.post("/stackspot/acme/scim/Roles", json={"name": "r1"})


@pytest.fixture(scope="module")
def rich_state() -> dict[str, Any]:
    app = create_app()
    with app.test_client(headers=AUTH) as client:
        drive_every_api(client)
        exported: dict[str, Any] = client.get("/__admin/state").json()
    return exported


@pytest.fixture
def client() -> Iterator[Any]:
    with create_app(validate_responses=True).test_client(headers=AUTH) as made:
        yield made


def test_the_schema_is_published_and_every_export_fits_it(client: Any, rich_state: dict[str, Any]) -> None:
    served = client.get("/__admin/state/schema")
    assert served.headers["content-type"] == "application/schema+json"
    schema = served.json()
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    for state in (rich_state, client.get("/__admin/state").json()):
        assert [e.json_path for e in validator.iter_errors(state)] == []
    for section in ("sift", "authentik", "vcf", "resolution", "stackspot", "scim", "credentials", "clock"):
        assert rich_state[section], section


def test_every_kind_of_record_round_trips(client: Any, rich_state: dict[str, Any]) -> None:
    assert client.put("/__admin/state", json=rich_state).status_code == 200
    assert client.get("/__admin/state").json() == rich_state
    for path in READS:
        assert client.get(path, auth=BASIC if "resolution" in path else None).status_code < 500, path


Mutation = Callable[[dict[str, Any]], None]


def _set(path: str, value: Any) -> Mutation:
    def mutate(state: dict[str, Any]) -> None:
        *parents, last = [int(p) if p.isdigit() else p for p in path.split("/")]
        node: Any = state
        for part in parents:
            node = node[part]
        node[last] = value

    return mutate


#: (mutation, the start of the 400's detail): each was accepted, or a 500 later, before.
CORRUPT = [
    pytest.param(_set("scim/tenants/default/users", "nope"), "$.scim.tenants.default.users: ", id="users-not-array"),
    pytest.param(
        _set("scim/tenants/default/users/0/meta/version", 7), "$.scim.tenants.default.users[0].meta.version: "
    ),
    pytest.param(_set("scim/tenants/default/users/0/emails", "x"), "$.scim.tenants.default.users[0]: ", id="emails"),
    pytest.param(_set("scim/tenants/default/groups/0/members/0/value", "ghost"), "$.scim.tenants.default.groups: "),
    pytest.param(_set("scim/tenants/bad name!", {}), '$.scim.tenants: "bad name!"', id="tenant-name"),
    pytest.param(_set("authentik/users/0/attributes", []), "$.authentik.users[0].attributes: ", id="ak-attributes"),
    pytest.param(_set("authentik/groups/0/users", [999]), "$.authentik.groups[0]: ", id="ak-dangling-member"),
    pytest.param(_set("authentik/scim_users/0/user", 999), "$.authentik.scim_users[0]: ", id="ak-dangling-link"),
    pytest.param(_set("sift/users/0/membership", "boss"), "$.sift.users[0].membership: ", id="sift-membership"),
    pytest.param(_set("sift/runs/0/syncedAt", "yesterday"), "$.sift.runs[0].syncedAt: ", id="sift-run"),
    pytest.param(
        _set("vcf/identity_providers/1/spec/fedIdpSpec/directory/domains", []), "$.vcf.identity_providers[1]: "
    ),
    pytest.param(_set("resolution/syncStatuses/0/status", "LOST"), "$.resolution.syncStatuses[0].status: "),
    pytest.param(
        _set("resolution/connectors/0/cleanupBehaviour", "BURN"), "$.resolution.connectors[0].cleanupBehaviour"
    ),
    pytest.param(_set("stackspot/tenants/acme/Users/0/attrs", {"userName": 5}), "$.stackspot.tenants.acme.Users[0]: "),
    pytest.param(
        _set("stackspot/tenants/acme/Users/0/lastModified", 0), "$.stackspot.tenants.acme.Users[0].lastModified"
    ),
    pytest.param(_set("clock/offset", "soon"), "$.clock.offset: ", id="clock"),
    pytest.param(_set("sift/unknown", 1), "$.sift.unknown: unknown key", id="unknown-key"),
]


@pytest.mark.parametrize(("mutate", "where"), CORRUPT)
def test_a_corrupt_state_is_a_400_naming_the_value(
    client: Any, rich_state: dict[str, Any], mutate: Mutation, where: str
) -> None:
    before = client.get("/__admin/state").json()
    corrupt = copy.deepcopy(rich_state)
    mutate(corrupt)
    for route in ("PUT /__admin/state", "POST /__admin/seed"):
        method, path = route.split()
        answer = client.request(method, path, json=corrupt)
        assert answer.status_code == 400, (route, answer.text)
        assert answer.json()["detail"].startswith(where), answer.json()["detail"]
        assert client.get("/__admin/state").json() == before


def test_json_the_policy_refuses_is_named_too(client: Any) -> None:
    deep: Any = "leaf"
    for _ in range(70):
        deep = {"k": deep}
    seed = {"authentik": {"users": [], "groups": [], "install_id": "x"}, "stackspot": {"tenants": {"t": {"Users": []}}}}
    seed["stackspot"]["tenants"]["t"]["Users"] = [{"userName": "deep", "properties": deep}]
    from mockserver.domain.world import World

    with pytest.raises(Exception, match=r"^\$\.stackspot\.tenants\.t\.Users\[0\]\.properties(\.k)+: the state nests"):
        World(seed)


def leaf_paths(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from leaf_paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from leaf_paths(item, (*path, index))
    else:
        yield path


def test_no_accepted_state_fails_later(client: Any, rich_state: dict[str, Any]) -> None:
    """Every leaf of a state with every kind of record, changed to a wrong value in turn: each
    import is refused (400) or, if accepted, every list still answers without a 5xx."""
    wrong: list[Any] = [None, [], {}, "x", -1, True, 1.5]
    paths = [p for p in leaf_paths(rich_state) if p[0] != "clock"]
    assert len(paths) > 150
    for n, path in enumerate(paths):
        state = copy.deepcopy(rich_state)
        node: Any = state
        for part in path[:-1]:
            node = node[part]
        node[path[-1]] = wrong[n % len(wrong)]
        answer = client.put("/__admin/state", json=state)
        assert answer.status_code in (200, 400, 409), (path, answer.text)
        if answer.status_code == 200:
            for read in READS:
                got = client.get(read, auth=BASIC if "resolution" in read else None)
                assert got.status_code < 500, (path, read, got.text)


def test_states_past_the_vendor_body_limit_import_and_seed(idsync_url: str) -> None:
    users = [{"schemas": [USER], "userName": f"user{i:05d}@example.com", "displayName": "x" * 200} for i in range(6000)]
    seed = {"scim": {"tenants": {"big": {"tokens": ["idsync-token"], "users": users}}}}
    with httpx.Client(base_url=idsync_url, headers=AUTH, timeout=120) as admin:
        assert len(json.dumps(seed)) > 1_048_576
        assert admin.post("/__admin/seed", json=seed).status_code == 200
        exported = admin.get("/__admin/state")
        assert len(exported.content) > 1_048_576
        assert admin.post("/__admin/reset").status_code == 200
        imported = admin.put("/__admin/state", content=exported.content, headers={"Content-Type": "application/json"})
        assert imported.status_code == 200, imported.text
        assert admin.get("/__admin/state").content == exported.content
        assert admin.post("/__admin/seed", json={}).status_code == 200
        assert (
            admin.post("/scim/default/v2/Users", json={"schemas": [USER], "userName": "x" * 1_100_000}).status_code
            == 413
        )


def test_the_import_limit_is_separate_and_configurable() -> None:
    app = create_app(max_body_bytes=1000, max_import_bytes=100_000)
    with app.test_client(headers=AUTH) as client:
        body = {"scim": {"tenants": {"t": {"tokens": ["a" * 5000]}}}}
        assert client.put("/__admin/state", json=body).status_code == 200
        assert client.post("/__admin/seed", json=body).status_code == 200
        assert client.post("/__admin/tenants", json={"name": "x", "tokens": ["a" * 5000]}).status_code == 413
        too_big = client.put("/__admin/state", json={"scim": {"tenants": {"t": {"tokens": ["a" * 200_000]}}}})
        assert too_big.status_code == 413
        assert "t" in client.get("/__admin/state").json()["scim"]["tenants"]


def test_a_snapshot_taken_mid_sync_restores_a_usable_connector(idsync_url: str) -> None:
    with httpx.Client(base_url=idsync_url, headers=AUTH, timeout=30) as client:
        started = client.post(f"{SYNC}/sync", auth=BASIC).json()
        snapshot = client.get("/__admin/state").json()
        statuses = {s["jobId"]: s["status"] for s in snapshot["resolution"]["syncStatuses"]}
        assert statuses[started["jobId"]] == "SCHEDULED"
        assert list(statuses.values()).count("SCHEDULED") == 1  # the seed's initial sync is DONE
        assert client.put("/__admin/state", json=snapshot).status_code == 200
        restored = client.get(f"{SYNC}/syncstatus", auth=BASIC).json()
        assert (restored["jobId"], restored["status"], restored["result"]) == (started["jobId"], "DONE", "FAILED")
        again = client.post(f"{SYNC}/sync", auth=BASIC)
        assert again.status_code == 200, again.text
        deadline = time.monotonic() + 10
        while client.get(f"{SYNC}/syncstatus", auth=BASIC).json()["status"] != "DONE":
            assert time.monotonic() < deadline, "the new sync never finished"
            time.sleep(0.05)
        assert client.get(f"{SYNC}/syncstatus", auth=BASIC).json()["result"] == "SUCCESS"
