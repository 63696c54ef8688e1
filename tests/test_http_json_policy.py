"""Issue 12, point 4: the cases the hostile-input pass found, each named (the corpus covers them all too).

One JSON policy (``mockserver.domain.jsonpolicy``) for every API's requests: past 64 levels, or
with ``NaN``/``Infinity``/``1e400``, a body is the vendor's 400 and nothing is kept (no blank
authentik user or group); a JSON body without ``Content-Type`` (as Python ``requests`` sends
``data=``) gets what the vendor's server answers: read as JSON (grpc-gateway, elimity-com/scim,
SCIM, admin) or 415 (DRF, Spring, Jersey), never a 500.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from mockserver.app import create_app
from tests.error_shapes import is_vendor_error

BEARER = {"Authorization": "Bearer idsync-token"}
BASIC = {"Authorization": "Basic YWRtaW46YWRtaW4="}


@pytest.fixture
def client() -> Iterator[TestClient]:
    with TestClient(create_app(validate_responses=True), raise_server_exceptions=False) as test_client:
        yield test_client


def deep_text(depth: int) -> str:
    return '{"a": ' * depth + "1" + "}" * depth


def state(client: TestClient) -> dict[str, Any]:
    exported: dict[str, Any] = client.get("/__admin/state", headers=BEARER).json()
    return exported


#: The deep bodies the hostile-input pass found: (API, path, body around the deep value).
DEEP = [
    pytest.param(
        "authentik",
        "/authentik/api/v3/core/users/",
        '{"username": "d", "name": "D", "attributes": %s}',
        800,
        id="authentik-user-attributes-800",
    ),
    pytest.param(
        "authentik",
        "/authentik/api/v3/core/groups/",
        '{"name": "deep", "attributes": %s}',
        800,
        id="authentik-group-attributes-800",
    ),
    pytest.param(
        "vcf", "/vcf/v1/identity-providers", '{"name": "Okta", "type": "Okta", "fedIdpSpec": %s}', 900, id="vcf-idp-900"
    ),
    pytest.param(
        "stackspot",
        "/stackspot/acme/scim/Resources",
        '{"name": "deploy", "properties": %s}',
        500,
        id="stackspot-properties-500",
    ),
]


@pytest.mark.parametrize(("api", "path", "body", "depth"), DEEP)
def test_deep_bodies_are_the_vendors_400_and_keep_nothing(
    client: TestClient, api: str, path: str, body: str, depth: int
) -> None:
    """No blank authentik user or group is kept, and the state export still works."""
    before = state(client)
    response = client.post(
        path, content=body % deep_text(depth), headers={**BEARER, "Content-Type": "application/json"}
    )
    assert response.status_code == 400 and is_vendor_error(api, 400, response.json())
    assert state(client) == before


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e400"])
def test_numbers_json_cannot_carry_are_rejected_not_echoed(client: TestClient, number: str) -> None:
    body = '{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "n", "x": ' + number + "}"
    response = client.post(
        "/scim/default/v2/Users", content=body, headers={**BEARER, "Content-Type": "application/scim+json"}
    )
    strict = {"parse_constant": lambda name: pytest.fail(f"{name} written as a JSON number")}
    assert response.status_code == 400 and json.loads(response.text, **strict)["scimType"] == "invalidSyntax"
    json.loads(client.get("/__admin/state", headers=BEARER).text, **strict)


#: One JSON body per API sent without Content-Type: what the vendor's server answers.
UNTYPED = [
    pytest.param("/sift/api/v1/external-sync:generate-token", {}, BEARER, 200, id="sift-grpc-gateway-reads-json"),
    pytest.param("/stackspot/acme/scim/Users", {"userName": "untyped"}, BEARER, 201, id="stackspot-elimity-reads-json"),
    pytest.param("/scim/default/v2/Users/.search", {"count": 1}, BEARER, 200, id="scim-search"),
    pytest.param("/scim/default/v2/Groups/.search", {"count": 1}, BEARER, 200, id="scim-groups-search"),
    pytest.param("/scim/default/v2/.search", {"count": 1}, BEARER, 200, id="scim-root-search"),
    pytest.param("/__admin/tenants", {"name": "untyped"}, BEARER, 201, id="admin"),
    pytest.param("/vcf/v1/tokens", {"username": "admin", "password": "admin"}, {}, 415, id="vcf-spring-415"),
    pytest.param("/authentik/api/v3/core/groups/", {"name": "untyped"}, BEARER, 415, id="authentik-drf-415"),
]


@pytest.mark.parametrize(("path", "body", "auth", "status"), UNTYPED)
def test_a_json_body_without_content_type_gets_the_vendors_answer(
    client: TestClient, path: str, body: dict[str, Any], auth: dict[str, str], status: int
) -> None:
    response = client.post(path, content=json.dumps(body).encode(), headers=auth)
    assert response.status_code == status, response.text
    if status >= 400:
        api = path.split("/")[1]
        assert is_vendor_error(api, status, response.json()), response.text


def test_resolution_answers_an_untyped_body_415_like_jersey(client: TestClient) -> None:
    connector = "/resolution/rest/samlsso-admin/1.0/usersync/connector/7df9fd3f-793f-4595-b415-b839b76b0018"
    response = client.put(connector, content=b'{"name": "x"}', headers=BASIC)
    assert response.status_code == 415 and is_vendor_error("resolution", 415, response.json())
