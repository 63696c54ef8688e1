"""Issue 4 point 4(a): authentik pushes over real HTTP into the SCIM tenant Sift hands out.

One live server: Sift's ``:generate-token`` gives the SCIM URL and token (Sift docs, "External
sync"); an authentik SCIM provider with that URL and token pushes core users and a group
(``providers_scim_sync_object_create``, docs/vendor-facts.md A8); Sift's ``SyncOrganization`` then reports
them, a deactivation, and finally no change. The admin journal proves the pushes were real
HTTP requests at the Sift tenant (RFC 7644 §3.3 POST, §3.5.1 PUT, §3.5.2 PATCH).
"""

from __future__ import annotations

from typing import Any

import httpx

AUTH = {"Authorization": "Bearer idsync-token"}
USER = "authentik.core.models.User"
GROUP = "authentik.core.models.Group"
CHANGE_LISTS = (
    "createdUsers",
    "createdUserGroups",
    "addedToOrganizationUserIds",
    "deactivatedUserIds",
    "deletedUserGroupNames",
)


def _push(api: httpx.Client, pk: int, model: str, oid: Any) -> None:
    response = api.post(
        f"/providers/scim/{pk}/sync/object/", json={"sync_object_model": model, "sync_object_id": str(oid)}
    )
    assert response.status_code == 200, response.text
    assert [m["log_level"] for m in response.json()["messages"]] == ["info"], response.text


def _sync(sift: httpx.Client) -> dict[str, Any]:
    response = sift.post("/api/v1/external-sync", json={})
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_authentik_pushes_into_sift_scim_then_sync_reports_created_deactivated_and_no_change(
    idsync_url: str, idsync_admin: Any
) -> None:
    with (
        httpx.Client(base_url=f"{idsync_url}/sift", headers=AUTH, timeout=30) as sift,
        httpx.Client(base_url=f"{idsync_url}/authentik/api/v3", headers=AUTH, timeout=30) as api,
    ):
        generated = sift.post("/api/v1/external-sync:generate-token", json={})
        assert generated.status_code == 200, generated.text
        scim_url, token = generated.json()["externalSync"]["scimServerUrl"], generated.json()["token"]
        assert scim_url.startswith(f"{idsync_url}/scim/")
        provider = api.post("/providers/scim/", json={"name": "sift", "url": scim_url, "token": token})
        assert provider.status_code == 201, provider.text
        pk = int(provider.json()["pk"])

        names = ["ada@example.com", "bob@example.com", "cy@example.com"]
        users = []
        for name in names:
            created = api.post("/core/users/", json={"username": name, "name": name.split("@")[0], "email": name})
            assert created.status_code == 201, created.text
            users.append(created.json())
        members = users[:2]
        group = api.post("/core/groups/", json={"name": "engineering", "users": [u["pk"] for u in members]})
        assert group.status_code == 201, group.text
        idsync_admin.clear_journal()
        for user in users:
            _push(api, pk, USER, user["pk"])
        _push(api, pk, GROUP, group.json()["pk"])

        first = _sync(sift)
        sift_ids = {u["userName"]: u["userId"] for u in first["createdUsers"]}
        assert sorted(sift_ids) == sorted(names) and len(first["createdUsers"]) == len(names)
        assert [g["name"] for g in first["createdUserGroups"]] == ["engineering"]
        assert sorted(first["createdUserGroups"][0]["userIds"]) == sorted(sift_ids[u["username"]] for u in members)
        assert first["deactivatedUserIds"] == [] and first["deletedUserGroupNames"] == []

        scim_path = scim_url.removeprefix(idsync_url)
        sent = [(e["method"], e["path"].removeprefix(scim_path), e["status"]) for e in idsync_admin.journal(api="scim")]
        assert [s for s in sent if s[0] == "POST"] == [("POST", "/Users", 201)] * 3 + [("POST", "/Groups", 201)]
        assert any(m == "PATCH" and p.startswith("/Groups/") and st == 200 for m, p, st in sent), sent

        gone = users[1]
        patched = api.patch(f"/core/users/{gone['pk']}/", json={"is_active": False})
        assert patched.status_code == 200 and patched.json()["is_active"] is False
        idsync_admin.clear_journal()
        _push(api, pk, USER, gone["pk"])
        journal = idsync_admin.journal(api="scim")
        writes = [(e["method"], e["path"].removeprefix(scim_path)[:7], e["status"]) for e in journal]
        assert [w for w in writes if w[0] != "GET"] == [("PUT", "/Users/", 200)]

        second = _sync(sift)
        assert second["deactivatedUserIds"] == [sift_ids[gone["username"]]]
        assert all(second[key] == [] for key in CHANGE_LISTS if key != "deactivatedUserIds"), second

        third = _sync(sift)
        assert {key: third[key] for key in CHANGE_LISTS} == {key: [] for key in CHANGE_LISTS}
        assert third["existingGroupCount"] == second["existingGroupCount"]
