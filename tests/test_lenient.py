"""Issue 11, point 4: lenient where the vendor is lenient, strict where it is strict.

authentik (Django REST framework) ignores unknown query parameters and body fields and reads an
absent body as empty data; Sift (grpc-gateway v2) also takes proto names for JSON names, reads a
body of any ``Content-Type`` as JSON and an absent body as ``{}``. Each liberty shows in the
request's journal ``notes``. SCIM, StackSpot, resolution, VCF and the admin API stay strict.
"""

from __future__ import annotations

from typing import Any

import pytest

AK = "/authentik/api/v3"
SIFT = "/sift"
AUTH = {"Authorization": "Bearer idsync-token"}
BASIC = {"Authorization": "Basic YWRtaW46YWRtaW4="}


def notes_of(client: Any, method: str, path: str) -> list[str]:
    """The notes of the last journal entry for ``method path``; also checks the entry kept the
    request as the client sent it."""
    entries = client.get("/__admin/journal", headers=AUTH).json()["entries"]
    entry = [e for e in entries if e["method"] == method and e["path"] == path][-1]
    return list(entry["notes"])


def test_authentik_ignores_unknown_query_parameters_and_notes_them(idsync_client: Any) -> None:
    response = idsync_client.get(f"{AK}/core/users/?foo=1&username=akadmin", headers=AUTH)
    assert response.status_code == 200, response.text
    assert [u["username"] for u in response.json()["results"]] == ["akadmin"]
    assert notes_of(idsync_client, "GET", f"{AK}/core/users/") == ["unknown query parameter foo: authentik ignores it"]
    journal = idsync_client.get("/__admin/journal", headers=AUTH).json()["entries"]
    assert any(e["query"] == "foo=1&username=akadmin" for e in journal), "the journal keeps what the client sent"


def test_authentik_known_query_parameters_are_still_validated(idsync_client: Any) -> None:
    response = idsync_client.get(f"{AK}/core/users/?page=abc&foo=1", headers=AUTH)
    assert (response.status_code, response.json()) == (400, {"non_field_errors": ["A valid integer is required."]})
    bad = idsync_client.get(f"{AK}/core/users/?date_joined=yesterday", headers=AUTH)
    assert bad.status_code == 400
    assert "Failed validating" not in bad.text and "On instance" not in bad.text, "no jsonschema dump"
    assert list(bad.json()) == ["non_field_errors"]


def test_authentik_empty_patch_body_changes_nothing(idsync_client: Any) -> None:
    before = idsync_client.get(f"{AK}/core/users/1/", headers=AUTH).json()
    for headers in ({**AUTH, "Content-Type": "application/json"}, AUTH):
        response = idsync_client.patch(f"{AK}/core/users/1/", headers=headers, content=b"")
        assert response.status_code == 200, response.text
        after = response.json()
        assert {k: v for k, v in after.items() if k != "last_updated"} == {
            k: v for k, v in before.items() if k != "last_updated"
        }
    assert notes_of(idsync_client, "PATCH", f"{AK}/core/users/1/") == ["empty body: authentik reads it as {}"]


def test_authentik_empty_create_body_lists_a_required_field(idsync_client: Any) -> None:
    response = idsync_client.post(f"{AK}/core/users/", headers={**AUTH, "Content-Type": "application/json"})
    assert response.status_code == 400
    field, messages = next(iter(response.json().items()))
    assert field in ("username", "name") and messages == ["This field is required."]


def test_authentik_json_parse_error_is_drf_detail(idsync_client: Any) -> None:
    response = idsync_client.patch(
        f"{AK}/core/users/1/", headers={**AUTH, "Content-Type": "application/json"}, content=b"{bad"
    )
    assert response.status_code == 400
    assert response.json() == {
        "detail": "JSON parse error - Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"
    }


def test_authentik_ignores_read_only_and_unknown_fields(idsync_client: Any) -> None:
    body = {"username": "jdoe", "name": "Jane", "pk": 99, "uuid": "not-a-uuid", "colour": "blue"}
    response = idsync_client.post(f"{AK}/core/users/", headers=AUTH, json=body)
    assert response.status_code == 201, response.text
    user = response.json()
    assert user["pk"] != 99 and user["uuid"] != "not-a-uuid" and "colour" not in user
    assert notes_of(idsync_client, "POST", f"{AK}/core/users/") == [
        "unknown field pk: authentik ignores it",
        "unknown field uuid: authentik ignores it",
        "unknown field colour: authentik ignores it",
    ]


def test_sift_accepts_proto_names_in_the_query(idsync_client: Any) -> None:
    by_json = idsync_client.get(f"{SIFT}/api/v2/roles?pageSize=2&orderBy=name", headers=AUTH).json()
    by_proto = idsync_client.get(f"{SIFT}/api/v2/roles?page_size=2&order_by=name", headers=AUTH)
    assert by_proto.status_code == 200, by_proto.text
    assert by_proto.json() == by_json and len(by_json["roles"]) == 2
    assert notes_of(idsync_client, "GET", f"{SIFT}/api/v2/roles") == [
        "query parameter page_size: grpc-gateway reads it as pageSize",
        "query parameter order_by: grpc-gateway reads it as orderBy",
    ]
    bad = idsync_client.get(f"{SIFT}/api/v2/roles?page_size=abc", headers=AUTH)
    assert bad.status_code == 400 and bad.json()["code"] == 3, "a proto name is validated like the JSON name"
    assert bad.json()["message"] == "'abc' is not of type 'integer'", "no validator dump"


def test_sift_ignores_unknown_query_parameters(idsync_client: Any) -> None:
    response = idsync_client.get(f"{SIFT}/api/v2/roles?foo=1", headers=AUTH)
    assert response.status_code == 200, response.text
    assert notes_of(idsync_client, "GET", f"{SIFT}/api/v2/roles") == [
        "unknown query parameter foo: grpc-gateway ignores it"
    ]


@pytest.mark.parametrize("path", ["/api/v1/external-sync:generate-token", "/api/v1/external-sync"])
def test_sift_bodiless_post_of_an_empty_message_is_accepted(idsync_client: Any, path: str) -> None:
    if path == "/api/v1/external-sync":
        assert idsync_client.post(f"{SIFT}/api/v1/external-sync:generate-token", headers=AUTH).status_code == 200
    response = idsync_client.post(f"{SIFT}{path}", headers=AUTH)
    assert response.status_code == 200, response.text
    assert notes_of(idsync_client, "POST", f"{SIFT}{path}") == ["empty body: grpc-gateway reads it as {}"]


def test_sift_bodiless_post_of_a_message_with_required_fields_is_invalid_argument(idsync_client: Any) -> None:
    response = idsync_client.post(f"{SIFT}/api/v2/user-groups", headers=AUTH)
    assert (response.status_code, response.json()["code"]) == (400, 3)


def test_sift_body_takes_proto_names_any_content_type_and_drops_unknown_fields(idsync_client: Any) -> None:
    body = b'{"user_group": {"name": "Ops", "all_assets": true, "user_ids": []}, "extra": 1}'
    response = idsync_client.post(
        f"{SIFT}/api/v2/user-groups", headers={**AUTH, "Content-Type": "text/plain"}, content=body
    )
    assert response.status_code == 200, response.text
    assert response.json()["userGroup"]["name"] == "Ops"
    assert notes_of(idsync_client, "POST", f"{SIFT}/api/v2/user-groups") == [
        "body sent as text/plain: grpc-gateway reads it as JSON",
        "field user_group: grpc-gateway reads it as userGroup",
        "unknown field user_group.all_assets: grpc-gateway ignores it",
        "field user_group.user_ids: grpc-gateway reads it as userIds",
        "unknown field extra: grpc-gateway ignores it",
    ]


@pytest.mark.parametrize(
    ("path", "headers"),
    [
        ("/scim/default/v2/Users?foo=1", AUTH),
        ("/stackspot/acme/scim/Users?foo=1", AUTH),
        ("/resolution/rest/samlsso-admin/1.0/usersync/connector/7df9fd3f-793f-4595-b415-b839b76b0018?foo=1", BASIC),
        ("/vcf/v1/identity-providers?foo=1", AUTH),
        ("/__admin/journal?foo=1", AUTH),
    ],
)
def test_other_apis_stay_strict(idsync_client: Any, path: str, headers: dict[str, str]) -> None:
    response = idsync_client.get(path, headers=headers)
    assert response.status_code == 400, f"{path}: {response.status_code} {response.text}"
