"""authentik → this server's own SCIM directory, over real HTTP (docs/design.md, "one identity world").

The provider's ``url`` is ``<server>/scim/default/v2`` with token ``idsync-token``; the pushed
users and groups are read back with SCIM GETs (RFC 7644 §3.4.1) and the journal shows the
requests authentik sent (docs/vendor-facts.md A8).
"""

from __future__ import annotations

from typing import Any

import httpx

USER = "authentik.core.models.User"
GROUP = "authentik.core.models.Group"
AUTH = {"Authorization": "Bearer idsync-token"}


class World:
    """The authentik API and the SCIM tenant of one live server."""

    def __init__(self, base: str) -> None:
        self.api = httpx.Client(base_url=f"{base}/authentik/api/v3", headers=AUTH, timeout=30)
        self.scim_url = f"{base}/scim/default/v2"
        self.scim = httpx.Client(base_url=self.scim_url, headers=AUTH, timeout=30)

    def provider(self, **extra: Any) -> int:
        body = {"name": "idsync", "url": self.scim_url, "token": "idsync-token", **extra}
        return int(self.api.post("/providers/scim/", json=body).json()["pk"])

    def sync(self, pk: int, model: str, oid: Any, **extra: Any) -> list[dict[str, Any]]:
        body = {"sync_object_model": model, "sync_object_id": str(oid), **extra}
        response = self.api.post(f"/providers/scim/{pk}/sync/object/", json=body)
        assert response.status_code == 200, response.text
        return list(response.json()["messages"])

    def link(self, kind: str, pk: int) -> dict[str, Any]:
        results = self.api.get(f"/providers/scim_{kind}s/", params={"provider__id": pk}).json()["results"]
        assert len(results) == 1, results
        return dict(results[0])

    def remote_users(self, username: str) -> list[dict[str, Any]]:
        page = self.scim.get("/Users", params={"filter": f'userName eq "{username}"'}).json()
        return list(page.get("Resources", []))


def test_user_and_group_land_in_the_scim_directory(idsync_url: str, idsync_admin: Any) -> None:
    world = World(idsync_url)
    pk = world.provider()
    user = world.api.post(
        "/core/users/", json={"username": "jdoe", "name": "Jane Doe", "email": "jane@example.com"}
    ).json()
    group = world.api.post("/core/groups/", json={"name": "engineering", "users": [user["pk"]]}).json()
    assert [m["log_level"] for m in world.sync(pk, USER, user["pk"])] == ["info"]
    assert [m["log_level"] for m in world.sync(pk, GROUP, group["pk"])] == ["info"]
    user_link, group_link = world.link("user", pk), world.link("group", pk)
    remote_user = world.scim.get(f"/Users/{user_link['scim_id']}").json()
    assert (remote_user["userName"], remote_user["externalId"], remote_user["active"]) == ("jdoe", user["uid"], True)
    assert remote_user["emails"][0]["value"] == "jane@example.com"
    remote_group = world.scim.get(f"/Groups/{group_link['scim_id']}").json()
    assert remote_group["displayName"] == "engineering" and remote_group["externalId"] == group["pk"]
    assert [m["value"] for m in remote_group["members"]] == [user_link["scim_id"]]
    sent = [(e["method"], e["path"].removeprefix("/scim/default/v2")) for e in idsync_admin.journal(path="^/scim/")]
    pushes = [
        ("GET", "/ServiceProviderConfig"),
        ("POST", "/Users"),
        ("GET", "/ServiceProviderConfig"),
        ("POST", "/Groups"),
    ]
    assert sent[:5] == [*pushes, ("PATCH", f"/Groups/{group_link['scim_id']}")]


def test_inactive_user_is_put_with_active_false(idsync_url: str, idsync_admin: Any) -> None:
    world = World(idsync_url)
    pk = world.provider()
    user = world.api.post("/core/users/", json={"username": "jdoe", "name": "Jane Doe"}).json()
    world.sync(pk, USER, user["pk"])
    world.api.patch(f"/core/users/{user['pk']}/", json={"is_active": False})
    idsync_admin.clear_journal()
    world.sync(pk, USER, user["pk"])
    scim_id = world.link("user", pk)["scim_id"]
    assert [(e["method"], e["status"]) for e in idsync_admin.journal(path=f"/Users/{scim_id}$")] == [("PUT", 200)]
    assert world.scim.get(f"/Users/{scim_id}").json()["active"] is False


def test_group_resync_renames_and_drops_removed_members(idsync_url: str) -> None:
    world = World(idsync_url)
    pk = world.provider()
    user = world.api.post("/core/users/", json={"username": "jdoe", "name": "Jane Doe"}).json()
    group = world.api.post("/core/groups/", json={"name": "engineering", "users": [user["pk"]]}).json()
    world.sync(pk, USER, user["pk"])
    world.sync(pk, GROUP, group["pk"])
    world.api.patch(f"/core/groups/{group['pk']}/", json={"name": "platform", "users": []})
    assert [m["log_level"] for m in world.sync(pk, GROUP, group["pk"])] == ["info"]
    remote = world.scim.get(f"/Groups/{world.link('group', pk)['scim_id']}").json()
    assert remote["displayName"] == "platform" and remote.get("members", []) == []


def test_dry_run_lands_nothing(idsync_url: str) -> None:
    world = World(idsync_url)
    pk = world.provider(dry_run=True)
    user = world.api.post("/core/users/", json={"username": "jdoe", "name": "Jane Doe"}).json()
    messages = world.sync(pk, USER, user["pk"])
    assert messages[-1]["event"] == "Dropping mutating request due to dry run"
    assert world.remote_users("jdoe") == []
    world.sync(pk, USER, user["pk"], override_dry_run=True)
    assert [u["userName"] for u in world.remote_users("jdoe")] == ["jdoe"]


def test_existing_remote_user_is_linked_after_409(idsync_url: str) -> None:
    world = World(idsync_url)
    existing = world.scim.post(
        "/Users", json={"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "jdoe"}
    )
    assert existing.status_code == 201, existing.text
    pk = world.provider()
    user = world.api.post("/core/users/", json={"username": "jdoe", "name": "Jane Doe"}).json()
    assert [m["log_level"] for m in world.sync(pk, USER, user["pk"])] == ["info"]
    assert world.link("user", pk)["scim_id"] == existing.json()["id"]


def test_wrong_token_on_the_target_is_a_warning(idsync_url: str) -> None:
    world = World(idsync_url)
    pk = world.provider(token="not-a-scim-token")
    user = world.api.post("/core/users/", json={"username": "jdoe", "name": "Jane Doe"}).json()
    messages = world.sync(pk, USER, user["pk"])
    assert messages[-1]["log_level"] == "warning" and "due to transient error" in messages[-1]["event"]
    assert world.remote_users("jdoe") == []


def test_relative_provider_url_means_this_server(idsync_url: str) -> None:
    """Mock convenience (provenance): ``/scim/default/v2`` resolves against the serving origin."""
    world = World(idsync_url)
    pk = int(
        world.api.post(
            "/providers/scim/", json={"name": "own", "url": "/scim/default/v2", "token": "idsync-token"}
        ).json()["pk"]
    )
    assert [m["log_level"] for m in world.sync(pk, USER, 1)] == ["info"]
    assert [u["userName"] for u in world.remote_users("akadmin")] == ["akadmin"]
