"""``sync/object`` over real HTTP: the mock pushes to a live SCIM server exactly as authentik does.

Source: docs/vendor-facts.md A6/A8 (``authentik/lib/sync/outgoing/tasks.py``, ``providers/scim/clients``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from test_authentik_scim_stub import TOKEN, ScimStub

from mockserver.server import LiveServer, free_port

USER = "authentik.core.models.User"
GROUP = "authentik.core.models.Group"
Stub = tuple[ScimStub, str]


@pytest.fixture
def target_stub() -> Iterator[Stub]:
    """A live recording SCIM server and the provider ``url`` pointing at it."""
    server_stub = ScimStub()
    with LiveServer(server_stub.app) as server:
        yield server_stub, f"{server.url}/scim/v2"


def api(idsync_url: str) -> httpx.Client:
    return httpx.Client(
        base_url=f"{idsync_url}/authentik/api/v3", headers={"Authorization": "Bearer idsync-token"}, timeout=30
    )


def make_provider(client: httpx.Client, url: str, token: str = TOKEN, **extra: Any) -> int:
    response = client.post("/providers/scim/", json={"name": "stub", "url": url, "token": token, **extra})
    assert response.status_code == 201, response.text
    return int(response.json()["pk"])


def make_user(client: httpx.Client, username: str = "jdoe", **extra: Any) -> dict[str, Any]:
    body = {"username": username, "name": "Jane Doe", "email": f"{username}@example.com", **extra}
    response = client.post("/core/users/", json=body)
    assert response.status_code == 201, response.text
    return dict(response.json())


def sync(client: httpx.Client, pk: int, model: str, oid: Any, **extra: Any) -> list[dict[str, Any]]:
    response = client.post(
        f"/providers/scim/{pk}/sync/object/", json={"sync_object_model": model, "sync_object_id": str(oid), **extra}
    )
    assert response.status_code == 200, response.text
    return list(response.json()["messages"])


def test_user_is_created_with_authentiks_exact_body_and_linked(idsync_url: str, target_stub: Stub) -> None:
    stub, url = target_stub
    client = api(idsync_url)
    pk, user = make_provider(client, url + "/"), make_user(client)
    messages = sync(client, pk, USER, user["pk"])
    assert [m["event"] for m in messages] == ["Syncing page 1 or Users"]
    assert [(r["method"], r["path"]) for r in stub.requests] == [("GET", "/ServiceProviderConfig"), ("POST", "/Users")]
    post = stub.requests[1]
    assert post["headers"]["authorization"] == f"Bearer {TOKEN}"
    assert post["headers"]["content-type"] == post["headers"]["accept"] == "application/scim+json"
    assert post["body"] == {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "userName": "jdoe",
        "name": {"formatted": "Jane Doe", "givenName": "Jane", "familyName": "Doe"},
        "displayName": "Jane Doe",
        "active": True,
        "emails": [{"value": "jdoe@example.com", "type": "other", "primary": True}],
        "externalId": user["uid"],
    }
    links = client.get("/providers/scim_users/", params={"provider__id": pk, "user__id": user["pk"]}).json()["results"]
    remote_id = next(iter(stub.users))
    assert [(link["scim_id"], link["attributes"]["userName"]) for link in links] == [(remote_id, "jdoe")]


def test_inactive_user_is_put_with_active_false(idsync_url: str, target_stub: Stub) -> None:
    stub, url = target_stub
    client = api(idsync_url)
    pk, user = make_provider(client, url), make_user(client)
    sync(client, pk, USER, user["pk"])
    assert client.patch(f"/core/users/{user['pk']}/", json={"is_active": False}).status_code == 200
    sync(client, pk, USER, user["pk"])
    remote_id = next(iter(stub.users))
    put = stub.requests[-1]
    assert (put["method"], put["path"]) == ("PUT", f"/Users/{remote_id}")
    assert put["body"]["active"] is False and put["body"]["id"] == remote_id
    assert stub.users[remote_id]["active"] is False and len(stub.users) == 1


def test_group_is_created_then_members_patched_in(idsync_url: str, target_stub: Stub) -> None:
    stub, url = target_stub
    client = api(idsync_url)
    pk, user = make_provider(client, url), make_user(client)
    group = client.post("/core/groups/", json={"name": "engineering", "users": [user["pk"]]}).json()
    sync(client, pk, USER, user["pk"])
    messages = sync(client, pk, GROUP, group["pk"])
    assert [m["event"] for m in messages] == ["Syncing page 1 or Groups"]
    user_id, (group_id, remote) = next(iter(stub.users)), next(iter(stub.groups.items()))
    assert stub.writes()[-2:] == [("POST", "/Groups"), ("PATCH", f"/Groups/{group_id}")]
    assert stub.requests[-2]["body"] == {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
        "displayName": "engineering",
        "externalId": group["pk"],
    }
    assert stub.requests[-1]["body"]["Operations"] == [{"op": "add", "path": "members", "value": [{"value": user_id}]}]
    assert remote["members"] == [{"value": user_id}]
    links = client.get("/providers/scim_groups/", params={"provider__id": pk}).json()["results"]
    assert [link["scim_id"] for link in links] == [group_id]


def test_group_resync_replaces_and_reconciles_members(idsync_url: str, target_stub: Stub) -> None:
    stub, url = target_stub
    client = api(idsync_url)
    pk, user = make_provider(client, url), make_user(client)
    group = client.post("/core/groups/", json={"name": "engineering", "users": [user["pk"]]}).json()
    sync(client, pk, USER, user["pk"])
    sync(client, pk, GROUP, group["pk"])
    client.patch(f"/core/groups/{group['pk']}/", json={"name": "platform", "users": []})
    stub.requests.clear()
    sync(client, pk, GROUP, group["pk"])
    group_id, remote = next(iter(stub.groups.items()))
    assert [(r["method"], r["path"]) for r in stub.requests[1:]] == [
        ("PATCH", f"/Groups/{group_id}"),
        ("GET", f"/Groups/{group_id}"),
        ("PATCH", f"/Groups/{group_id}"),
    ]
    assert stub.requests[1]["body"]["Operations"][0]["op"] == "replace"
    assert remote["displayName"] == "platform" and remote["members"] == []


def test_group_without_patch_support_carries_members_in_post(idsync_url: str) -> None:
    stub = ScimStub(patch=False)
    with LiveServer(stub.app) as server:
        client = api(idsync_url)
        pk, user = make_provider(client, f"{server.url}/scim/v2"), make_user(client)
        group = client.post("/core/groups/", json={"name": "engineering", "users": [user["pk"]]}).json()
        sync(client, pk, USER, user["pk"])
        sync(client, pk, GROUP, group["pk"])
    user_id = next(iter(stub.users))
    post = next(r for r in stub.requests if r["path"] == "/Groups")
    assert post["body"]["members"] == [{"value": user_id}]


def test_dry_run_sends_nothing_mutating_and_logs_the_drop(idsync_url: str, target_stub: Stub) -> None:
    stub, url = target_stub
    client = api(idsync_url)
    pk, user = make_provider(client, url, dry_run=True), make_user(client)
    messages = sync(client, pk, USER, user["pk"])
    assert stub.writes() == [] and stub.users == {}
    drop = messages[-1]
    assert drop["event"] == "Dropping mutating request due to dry run"
    assert (drop["attributes"]["method"], drop["attributes"]["url"]) == ("POST", f"{url}/Users")
    assert drop["attributes"]["body"]["userName"] == "jdoe"
    assert client.get("/providers/scim_users/", params={"provider__id": pk}).json()["pagination"]["count"] == 0
    sync(client, pk, USER, user["pk"], override_dry_run=True)
    assert stub.writes() == [("POST", "/Users")]
    assert client.get(f"/providers/scim/{pk}/").json()["dry_run"] is True


@pytest.mark.parametrize("case", ["missing", "service_account", "filter_group"])
def test_out_of_scope_object_is_200_without_push(idsync_url: str, target_stub: Stub, case: str) -> None:
    stub, url = target_stub
    client = api(idsync_url)
    admins = client.get("/core/groups/", params={"name": "authentik Admins"}).json()["results"][0]["pk"]
    outpost = client.get("/core/users/", params={"type": "internal_service_account"}).json()["results"][0]["pk"]
    settings = {
        "missing": {},
        "service_account": {"exclude_users_service_account": True},
        "filter_group": {"filter_group": admins},
    }
    pk = make_provider(client, url, **settings[case])
    target = {"missing": 9999, "service_account": outpost, "filter_group": make_user(client)["pk"]}[case]
    messages = sync(client, pk, USER, target)
    assert [m["event"] for m in messages] == ["Syncing page 1 or Users"]
    assert stub.writes() == []


def test_filter_group_member_is_pushed(idsync_url: str, target_stub: Stub) -> None:
    stub, url = target_stub
    client = api(idsync_url)
    user = make_user(client)
    group = client.post("/core/groups/", json={"name": "scoped", "users": [user["pk"]]}).json()
    pk = make_provider(client, url, filter_group=group["pk"])
    sync(client, pk, USER, user["pk"])
    assert stub.writes() == [("POST", "/Users")]


def test_unreachable_target_is_200_with_a_warning(idsync_url: str) -> None:
    client = api(idsync_url)
    pk, user = make_provider(client, f"http://127.0.0.1:{free_port()}/scim/v2"), make_user(client)
    messages = sync(client, pk, USER, user["pk"])
    warning = messages[-1]
    assert warning["log_level"] == "warning" and "due to transient error" in warning["event"]
    status = client.get(f"/providers/scim/{pk}/sync/status/").json()
    assert status == {"is_running": False, "last_sync_status": "warning"}


@pytest.mark.parametrize("status", [400, 500, 503])
def test_target_errors_become_warnings(idsync_url: str, target_stub: Stub, status: int) -> None:
    stub, url = target_stub
    stub.fail_status = status
    client = api(idsync_url)
    pk, user = make_provider(client, url), make_user(client)
    messages = sync(client, pk, USER, user["pk"])
    assert messages[-1]["log_level"] == "warning"
    assert f"forced {status}" in messages[-1]["event"]


def test_conflict_with_filter_support_links_the_existing_user(idsync_url: str, target_stub: Stub) -> None:
    stub, url = target_stub
    existing = httpx.post(
        f"{url}/Users", json={"userName": "jdoe"}, headers={"Authorization": f"Bearer {TOKEN}"}
    ).json()
    client = api(idsync_url)
    pk, user = make_provider(client, url), make_user(client)
    sync(client, pk, USER, user["pk"])
    assert stub.requests[-1]["query"] == {"filter": 'userName eq "jdoe"'}
    links = client.get("/providers/scim_users/", params={"provider__id": pk}).json()["results"]
    assert [link["scim_id"] for link in links] == [existing["id"]]


def test_sync_status_reports_the_last_run(idsync_url: str, target_stub: Stub) -> None:
    _, url = target_stub
    client = api(idsync_url)
    pk, user = make_provider(client, url), make_user(client)
    assert client.get(f"/providers/scim/{pk}/sync/status/").json() == {"is_running": False}
    sync(client, pk, USER, user["pk"])
    status = client.get(f"/providers/scim/{pk}/sync/status/").json()
    assert status["last_sync_status"] == "info" and "last_successful_sync" in status
