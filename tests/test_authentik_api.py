"""authentik API behaviour in-process: auth, CRUD, DRF errors, bad input never 500 (docs/vendor-facts.md A2-A5)."""

from __future__ import annotations

from typing import Any

import pytest

from mockserver.app import create_app
from mockserver.seed import load_seed_file

BASE = "/authentik/api/v3"
AUTH = {"Authorization": "Bearer idsync-token"}
PROVIDER = {"name": "p1", "url": "http://127.0.0.1:9/scim/v2", "token": "secret"}


@pytest.fixture
def idsync_app() -> Any:
    """A fresh authentik install: no SCIM provider (the default seed adds provider 1 for seed page 001)."""
    seed = load_seed_file(None)
    seed["authentik"] = {}
    return create_app(seed, validate_responses=True)


def create(client: Any, path: str, body: dict[str, Any]) -> dict[str, Any]:
    response = client.post(f"{BASE}{path}", headers=AUTH, json=body)
    assert response.status_code == 201, response.text
    return dict(response.json())


@pytest.mark.parametrize(
    ("headers", "detail"),
    [
        ({}, "Authentication credentials were not provided."),
        ({"Authorization": "Bearer nope"}, "Token invalid/expired"),
        ({"Authorization": "Basic YWRtaW46YWRtaW4="}, "Authentication credentials were not provided."),
    ],
)
def test_bad_credentials_are_403_with_drf_detail(idsync_client: Any, headers: dict[str, str], detail: str) -> None:
    for path in ("/providers/scim/", "/core/users/", "/providers/scim/1/sync/status/"):
        response = idsync_client.get(f"{BASE}{path}", headers=headers)
        assert (response.status_code, response.json()) == (403, {"detail": detail})


def test_fresh_install_has_akadmin_and_the_outpost_service_account(idsync_client: Any) -> None:
    users = idsync_client.get(f"{BASE}/core/users/", headers=AUTH).json()["results"]
    admin = next(u for u in users if u["username"] == "akadmin")
    assert admin["is_superuser"] is True and [g["name"] for g in admin["groups_obj"]] == ["authentik Admins"]
    assert {u["type"] for u in users} == {"internal", "internal_service_account"}


def test_user_crud_and_unique_username(idsync_client: Any) -> None:
    user = create(idsync_client, "/core/users/", {"username": "jdoe", "name": "Jane Doe"})
    dup = idsync_client.post(f"{BASE}/core/users/", headers=AUTH, json={"username": "jdoe", "name": "x"})
    assert (dup.status_code, dup.json()) == (400, {"username": ["A user with that username already exists."]})
    url = f"{BASE}/core/users/{user['pk']}/"
    put = idsync_client.put(
        url, headers=AUTH, json={"username": "jdoe2", "name": "J D", "email": "j@example.com"}
    ).json()
    assert (put["username"], put["email"], put["uid"]) == ("jdoe2", "j@example.com", user["uid"])
    assert idsync_client.delete(url, headers=AUTH).status_code == 204
    gone = idsync_client.get(url, headers=AUTH)
    assert (gone.status_code, gone.json()) == (404, {"detail": "No User matches the given query."})


def test_group_membership_from_both_sides(idsync_client: Any) -> None:
    user = create(idsync_client, "/core/users/", {"username": "jdoe", "name": "Jane Doe"})
    group = create(idsync_client, "/core/groups/", {"name": "eng"})
    url = f"{BASE}/core/groups/{group['pk']}"
    assert idsync_client.post(f"{url}/add_user/", headers=AUTH, json={"pk": user["pk"]}).status_code == 204
    assert idsync_client.get(f"{url}/", headers=AUTH).json()["users"] == [user["pk"]]
    assert idsync_client.get(f"{BASE}/core/users/{user['pk']}/", headers=AUTH).json()["groups"] == [group["pk"]]
    missing = idsync_client.post(f"{url}/remove_user/", headers=AUTH, json={"pk": 999})
    assert (missing.status_code, missing.json()) == (404, {"detail": "Not found."})
    listed = idsync_client.get(f"{BASE}/core/groups/", headers=AUTH, params={"members_by_username": "jdoe"}).json()
    assert [g["name"] for g in listed["results"]] == ["eng"]
    assert idsync_client.delete(f"{url}/", headers=AUTH).status_code == 204
    assert idsync_client.get(f"{url}/", headers=AUTH).json() == {"detail": "No Group matches the given query."}


def test_provider_crud_returns_token_and_defaults(idsync_client: Any) -> None:
    provider = create(idsync_client, "/providers/scim/", PROVIDER)
    assert provider["token"] == "secret"  # clear text up to 2025.8 (docs/vendor-facts.md A4)
    assert (provider["compatibility_mode"], provider["exclude_users_service_account"], provider["dry_run"]) == (
        "default",
        False,
        False,
    )
    assert provider["component"] == "ak-provider-scim-form" and provider["verbose_name"] == "SCIM Provider"
    url = f"{BASE}/providers/scim/{provider['pk']}/"
    updated = idsync_client.put(url, headers=AUTH, json={**PROVIDER, "name": "p2"}).json()
    assert updated["name"] == "p2" and updated["pk"] == provider["pk"]
    assert idsync_client.delete(url, headers=AUTH).status_code == 204
    assert idsync_client.delete(url, headers=AUTH).json() == {"detail": "No SCIMProvider matches the given query."}


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"name": "p", "url": "u"}, {"token": ["This field is required."]}),
        ({**PROVIDER, "name": ""}, {"name": ["This field may not be blank."]}),
        ({**PROVIDER, "compatibility_mode": "x"}, {"compatibility_mode": ['"x" is not a valid choice.']}),
        ({**PROVIDER, "dry_run": "maybe"}, {"dry_run": ["Must be a valid boolean."]}),
        (
            {**PROVIDER, "filter_group": "0b0b0b0b-0b0b-4b0b-8b0b-0b0b0b0b0b0b"},
            {"filter_group": ['Invalid pk "0b0b0b0b-0b0b-4b0b-8b0b-0b0b0b0b0b0b" - object does not exist.']},
        ),
        (["not", "an", "object"], {"non_field_errors": ["Invalid data. Expected a dictionary, but got list."]}),
    ],
)
def test_provider_validation_errors_are_drf_field_maps(idsync_client: Any, body: Any, errors: dict[str, Any]) -> None:
    response = idsync_client.post(f"{BASE}/providers/scim/", headers=AUTH, json=body)
    assert (response.status_code, response.json()) == (400, errors)
    assert idsync_client.get(f"{BASE}/providers/scim/", headers=AUTH).json()["pagination"]["count"] == 0


@pytest.mark.parametrize("raw", [b'{"name": "p", "url": "u", "token": ', b'{"name": "\xff"}', b"", b"null", b"42"])
def test_malformed_bodies_are_400_and_change_nothing(idsync_client: Any, raw: bytes) -> None:
    headers = {**AUTH, "Content-Type": "application/json"}
    response = idsync_client.post(f"{BASE}/providers/scim/", headers=headers, content=raw)
    assert response.status_code == 400 and isinstance(response.json(), dict)
    assert idsync_client.get(f"{BASE}/providers/scim/", headers=AUTH).json()["pagination"]["count"] == 0


@pytest.mark.parametrize("suffix", ["", "sync/status/", "used_by/"])
def test_unknown_provider_is_drf_404(idsync_client: Any, suffix: str) -> None:
    response = idsync_client.get(f"{BASE}/providers/scim/4242/{suffix}", headers=AUTH)
    assert (response.status_code, response.json()) == (404, {"detail": "No SCIMProvider matches the given query."})


def test_sync_object_on_unknown_provider_is_404(idsync_client: Any) -> None:
    body = {"sync_object_model": "authentik.core.models.User", "sync_object_id": "1"}
    response = idsync_client.post(f"{BASE}/providers/scim/4242/sync/object/", headers=AUTH, json=body)
    assert response.json() == {"detail": "No SCIMProvider matches the given query."}


@pytest.mark.parametrize(
    ("model", "oid", "field"),
    [
        ("authentik.core.models.User", "abc", "A valid integer is required."),
        ("authentik.core.models.Group", "42", "Must be a valid UUID."),
    ],
)
def test_malformed_sync_object_id_is_400(idsync_client: Any, model: str, oid: str, field: str) -> None:
    pk = create(idsync_client, "/providers/scim/", PROVIDER)["pk"]
    body = {"sync_object_model": model, "sync_object_id": oid}
    response = idsync_client.post(f"{BASE}/providers/scim/{pk}/sync/object/", headers=AUTH, json=body)
    assert (response.status_code, response.json()) == (400, {"sync_object_id": [field]})


def test_pagination_search_and_ordering(idsync_client: Any) -> None:
    for name in ("charlie", "alpha", "bravo"):
        create(idsync_client, "/providers/scim/", {**PROVIDER, "name": name})
    page = idsync_client.get(f"{BASE}/providers/scim/", headers=AUTH, params={"page_size": 2, "page": 2}).json()
    assert page["pagination"] == {
        "next": 0,
        "previous": 1,
        "count": 3,
        "current": 2,
        "total_pages": 2,
        "start_index": 3,
        "end_index": 3,
    }
    assert [p["name"] for p in page["results"]] == ["charlie"]
    desc = idsync_client.get(f"{BASE}/providers/scim/", headers=AUTH, params={"ordering": "-name"}).json()
    assert [p["name"] for p in desc["results"]] == ["charlie", "bravo", "alpha"]
    found = idsync_client.get(f"{BASE}/providers/scim/", headers=AUTH, params={"search": "RAV"}).json()
    assert [p["name"] for p in found["results"]] == ["bravo"]
    beyond = idsync_client.get(f"{BASE}/providers/scim/", headers=AUTH, params={"page": 9})
    assert (beyond.status_code, beyond.json()) == (404, {"detail": "Invalid page."})


def test_connections_crud_used_by_and_cascade(idsync_client: Any) -> None:
    provider = create(idsync_client, "/providers/scim/", PROVIDER)
    user = create(idsync_client, "/core/users/", {"username": "jdoe", "name": "Jane Doe"})
    link = create(
        idsync_client, "/providers/scim_users/", {"scim_id": "remote-1", "user": user["pk"], "provider": provider["pk"]}
    )
    assert link["user_obj"]["username"] == "jdoe" and link["attributes"] == {}
    dup = idsync_client.post(
        f"{BASE}/providers/scim_users/",
        headers=AUTH,
        json={"scim_id": "remote-1", "user": user["pk"], "provider": provider["pk"]},
    )
    assert dup.json() == {"non_field_errors": ["The fields scim_id, user, provider must make a unique set."]}
    used = idsync_client.get(f"{BASE}/providers/scim/{provider['pk']}/used_by/", headers=AUTH).json()
    assert [(u["model_name"], u["pk"], u["action"]) for u in used] == [("scimprovideruser", link["id"], "cascade")]
    assert idsync_client.get(f"{BASE}/providers/scim_users/{link['id']}/", headers=AUTH).json()["scim_id"] == "remote-1"
    idsync_client.delete(f"{BASE}/providers/scim/{provider['pk']}/", headers=AUTH)
    gone = idsync_client.get(f"{BASE}/providers/scim_users/{link['id']}/", headers=AUTH)
    assert (gone.status_code, gone.json()) == (404, {"detail": "No SCIMProviderUser matches the given query."})


def test_state_export_load_round_trip() -> None:
    app = create_app(validate_responses=True)
    with app.test_client() as client:
        provider = create(client, "/providers/scim/", PROVIDER)
        user = create(client, "/core/users/", {"username": "jdoe", "name": "Jane Doe"})
        create(client, "/core/groups/", {"name": "eng", "users": [user["pk"]]})
        create(client, "/providers/scim_users/", {"scim_id": "r1", "user": user["pk"], "provider": provider["pk"]})
    state = app.runtime.world.authentik
    exported = state.export()
    state.load({})
    assert state.export() != exported
    state.load(exported)
    assert state.export() == exported
