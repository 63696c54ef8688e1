"""VCF over HTTP: in-process with response validation for the API surface, and real HTTP end to
end for the sync client token at the SCIM directory (issue 4 point 4b)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from mockserver.app import create_app
from mockserver.server import LiveServer

IDPS = "/vcf/v1/identity-providers"
API_TOKEN = {"Authorization": "Bearer idsync-token"}
ERROR_KEYS = {"errorCode", "arguments", "context", "message", "nestedErrors", "referenceToken"}


def okta(name: str = "Okta", secret: str = "client-secret-1") -> dict[str, Any]:
    return {
        "name": name,
        "type": "Okta",
        "fedIdpSpec": {
            "name": name,
            "directory": {"name": "rainpole okta", "domains": ["rainpole.io"]},
            "oidcSpec": {
                "clientId": "c1",
                "clientSecret": secret,
                "discoveryEndpoint": "https://rainpole.okta.com/.well-known",
            },
        },
    }


ADFS = {
    "name": "ADFS01",
    "type": "AD_FS",
    "ldap": {
        "username": "svc",
        "password": "bind-pw",
        "domainName": "rainpole.io",
        "sourceDetails": {"usersBaseDn": "OU=U", "groupsBaseDn": "OU=G", "serverEndpoints": ["ldaps://dc01:636"]},
    },
    "oidc": {"clientId": "adfs", "clientSecret": "adfs-secret", "discoveryEndpoint": "https://adfs/.well-known"},
}
SOURCE = {
    "name": "SFO01",
    "ldap": {
        "type": "ActiveDirectory",
        "domainName": "sfo.rainpole.io",
        "username": "svc",
        "password": "ad-pw",
        "sourceDetails": {"usersBaseDn": "OU=U", "groupsBaseDn": "OU=G", "serverEndpoints": ["ldaps://dc01:636"]},
    },
}


def is_vcf_error(response: Any, status: int) -> bool:
    return bool(response.status_code == status and set(response.json()) >= ERROR_KEYS and response.json()["message"])


@pytest.fixture
def auth(idsync_client: Any) -> dict[str, str]:
    pair = idsync_client.post("/vcf/v1/tokens", json={"username": "admin", "password": "admin"})
    assert pair.status_code == 200
    return {"Authorization": f"Bearer {pair.json()['accessToken']}"}


def add(client: Any, auth: dict[str, str], spec: dict[str, Any]) -> str:
    """POST an IdP: 201 with no body, so no ``Content-Type`` either (issue 11, point 6)."""
    response = client.post(IDPS, json=spec, headers=auth)
    assert response.status_code == 201 and response.content == b""
    assert "content-type" not in response.headers, "an empty body carries no media type"
    return str(response.headers["location"].rsplit("/", 1)[1])


def test_no_content_answers_carry_no_content_type(idsync_client: Any, auth: dict[str, str]) -> None:
    idp = add(idsync_client, auth, okta())
    for response in (
        idsync_client.patch(f"{IDPS}/{idp}", json=okta(name="Okta 2"), headers=auth),
        idsync_client.delete(f"{IDPS}/{idp}", headers=auth),
    ):
        assert response.status_code == 204 and response.content == b""
        assert "content-type" not in response.headers


def test_invalidate_refresh_token(idsync_client: Any) -> None:
    """``DELETE /v1/tokens/refresh-token``: 204; the id no longer refreshes; repeating it is 204 too."""
    pair = idsync_client.post("/vcf/v1/tokens", json={"username": "admin", "password": "admin"}).json()
    refresh_id = pair["refreshToken"]["id"]
    for _ in range(2):
        gone = idsync_client.request("DELETE", "/vcf/v1/tokens/refresh-token", json=refresh_id)
        assert (gone.status_code, gone.content) == (204, b"") and "content-type" not in gone.headers
    assert is_vcf_error(idsync_client.patch("/vcf/v1/tokens/access-token/refresh", json=refresh_id), 404)
    still = {"Authorization": f"Bearer {pair['accessToken']}"}
    assert idsync_client.get(IDPS, headers=still).status_code == 200, "issued access tokens live on"
    assert is_vcf_error(idsync_client.request("DELETE", "/vcf/v1/tokens/refresh-token", json={"id": 1}), 400)


def test_token_pair_and_refresh(idsync_client: Any) -> None:
    pair = idsync_client.post("/vcf/v1/tokens", json={"username": "admin", "password": "admin"}).json()
    assert pair["accessToken"].count(".") == 2 and pair["refreshToken"]["id"]
    renewed = idsync_client.patch("/vcf/v1/tokens/access-token/refresh", json=pair["refreshToken"]["id"])
    assert renewed.status_code == 200 and isinstance(renewed.json(), str)
    assert idsync_client.get(IDPS, headers={"Authorization": f"Bearer {renewed.json()}"}).status_code == 200
    assert is_vcf_error(idsync_client.patch("/vcf/v1/tokens/access-token/refresh", json="unknown"), 404)


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"username": "admin", "password": "nope"}, 401),
        ({"username": "x", "password": "admin"}, 401),
        ({"apiKey": "k"}, 401),
        ({}, 401),
        ({"username": 5}, 400),
    ],
)
def test_bad_logins_get_vcf_errors(idsync_client: Any, body: dict[str, Any], status: int) -> None:
    assert is_vcf_error(idsync_client.post("/vcf/v1/tokens", json=body), status)


def test_seeded_api_bearer_is_accepted(idsync_client: Any) -> None:
    assert idsync_client.get(IDPS, headers=API_TOKEN).status_code == 200


def test_external_idp_lifecycle(idsync_client: Any, auth: dict[str, str]) -> None:
    idp = add(idsync_client, auth, okta())
    listed = idsync_client.get(IDPS, headers=auth).json()["elements"]
    assert [(i["type"], i["status"]) for i in listed] == [("Embedded", "INACTIVE"), ("Okta", "ACTIVE")]
    assert idsync_client.patch(f"{IDPS}/{idp}", json=okta(name="Okta 2"), headers=auth).status_code == 204
    shown = idsync_client.get(f"{IDPS}/{idp}", headers=auth).json()
    assert shown["name"] == "Okta 2" and shown["fedIdp"]["source"] == "OKTA"
    assert "client-secret-1" not in idsync_client.get(f"{IDPS}/{idp}", headers=auth).text
    assert idsync_client.delete(f"{IDPS}/{idp}", headers=auth).status_code == 204
    missing = idsync_client.get(f"{IDPS}/{idp}", headers=auth)
    assert is_vcf_error(missing, 404) and missing.json()["message"] == "Identity Provider not found"
    assert idsync_client.get(IDPS, headers=auth).json()["elements"][0]["status"] == "ACTIVE"


def test_adfs_has_no_sync_client_and_hides_secrets(idsync_client: Any, auth: dict[str, str]) -> None:
    idp = add(idsync_client, auth, ADFS)
    shown = idsync_client.get(f"{IDPS}/{idp}", headers=auth)
    assert shown.json()["type"] == "Microsoft ADFS" and shown.json()["ldap"]["type"] == "Oidc"
    assert "bind-pw" not in shown.text and "adfs-secret" not in shown.text
    assert is_vcf_error(idsync_client.post(f"{IDPS}/{idp}/sync-client", headers=auth), 400)


def test_identity_sources_on_the_embedded_idp(idsync_client: Any, auth: dict[str, str]) -> None:
    embedded = idsync_client.get(IDPS, headers=auth).json()["elements"][0]["id"]
    sources = f"{IDPS}/{embedded}/identity-sources"
    assert idsync_client.post(sources, json=SOURCE, headers=auth).status_code == 204
    assert is_vcf_error(idsync_client.post(sources, json=SOURCE, headers=auth), 400)
    shown = idsync_client.get(f"{IDPS}/{embedded}", headers=auth)
    assert "sfo.rainpole.io" in shown.json()["domainNames"] and "ad-pw" not in shown.text
    assert (
        idsync_client.patch(f"{sources}/sfo.rainpole.io", json={**SOURCE, "name": "SFO02"}, headers=auth).status_code
        == 204
    )
    assert idsync_client.delete(f"{sources}/sfo.rainpole.io", headers=auth).status_code == 204
    gone = idsync_client.delete(f"{sources}/sfo.rainpole.io", headers=auth)
    assert is_vcf_error(gone, 404) and gone.json()["message"] == "Identity Source not found"
    assert is_vcf_error(idsync_client.post(f"{IDPS}/nope/identity-sources", json=SOURCE, headers=auth), 404)


def test_sync_client_shape_and_errors(idsync_client: Any, auth: dict[str, str]) -> None:
    idp = add(idsync_client, auth, okta())
    info = idsync_client.post(f"{IDPS}/{idp}/sync-client", params={"syncClientTokenTTL": 3600}, headers=auth).json()
    assert info["expireIn"] == 3600 and info["scimUrl"] == f"http://testserver/scim/vcf-{idp}/v2"
    unknown = idsync_client.post(f"{IDPS}/nope/sync-client", headers=auth)
    assert is_vcf_error(unknown, 404) and unknown.json()["message"] == "IDP is not found"
    for ttl in ("abc", "0", "99999999999999"):
        assert is_vcf_error(idsync_client.post(f"{IDPS}/{idp}/sync-client?syncClientTokenTTL={ttl}", headers=auth), 400)


BAD = [
    ("post", IDPS, {"content": b'{"name": "x", ', "headers": {"Content-Type": "application/json"}}, 400),
    ("post", IDPS, {"content": b'{"name": "\xff"}', "headers": {"Content-Type": "application/json"}}, 400),
    ("post", IDPS, {"json": {"name": 5, "type": "Okta"}}, 400),
    ("post", IDPS, {"json": [okta()]}, 400),
    ("post", IDPS, {"json": {**okta(), "type": "Embedded"}}, 400),
    ("post", IDPS, {"json": {"name": "x", "type": "Unknown"}}, 400),
    ("get", IDPS + "?pageSize=1", {}, 400),
    ("patch", IDPS + "/nope", {"json": okta()}, 404),
    ("delete", IDPS + "/nope", {}, 404),
    ("put", IDPS, {"json": okta()}, 405),
]


@pytest.mark.parametrize(("method", "path", "kwargs", "status"), BAD)
def test_bad_input_gets_vcf_errors_and_changes_nothing(
    idsync_client: Any, auth: dict[str, str], method: str, path: str, kwargs: dict[str, Any], status: int
) -> None:
    before = idsync_client.get(IDPS, headers=auth).json()
    headers = {**auth, **kwargs.pop("headers", {})}
    assert is_vcf_error(idsync_client.request(method, path, headers=headers, **kwargs), status)
    assert idsync_client.get(IDPS, headers=auth).json() == before


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic YWRtaW46YWRtaW4="}])
def test_missing_or_wrong_credentials_are_401(idsync_client: Any, headers: dict[str, str]) -> None:
    assert is_vcf_error(idsync_client.get(IDPS, headers=headers), 401)
    assert is_vcf_error(idsync_client.post(f"{IDPS}/x/sync-client", headers=headers), 401)


# -- real HTTP, end to end ------------------------------------------------------------------------


@pytest.fixture
def live() -> Iterator[tuple[str, Any]]:
    app = create_app(validate_responses=True)
    with LiveServer(app) as server:
        yield server.url, app.runtime.world


def scim_push(info: dict[str, Any], token: str, name: str) -> int:
    user = {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": name}
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/scim+json"}
    return httpx.post(info["scimUrl"] + "/Users", json=user, headers=headers).status_code


def test_sync_client_rotation_and_expiry_end_to_end(live: tuple[str, Any]) -> None:
    url, world = live
    vcf = httpx.Client(base_url=f"{url}/vcf")
    pair = vcf.post("/v1/tokens", json={"username": "admin", "password": "admin"}).json()
    vcf.headers["Authorization"] = f"Bearer {pair['accessToken']}"
    assert vcf.post("/v1/identity-providers", json=okta()).status_code == 201
    idp = vcf.get("/v1/identity-providers").json()["elements"][1]["id"]
    first = vcf.post(f"/v1/identity-providers/{idp}/sync-client").json()
    assert first["scimUrl"] == f"{url}/scim/vcf-{idp}/v2"
    assert scim_push(first, first["token"], "alice") == 201
    second = vcf.post(f"/v1/identity-providers/{idp}/sync-client", params={"syncClientTokenTTL": 600}).json()
    assert scim_push(second, first["token"], "bob") == 401
    assert scim_push(second, second["token"], "carol") == 201
    listed = httpx.get(second["scimUrl"] + "/Users", headers={"Authorization": f"Bearer {second['token']}"}).json()
    assert sorted(u["userName"] for u in listed["Resources"]) == ["alice", "carol"]
    assert not world.directories.get(f"vcf-{idp}").token_valid(first["token"])
    httpx.post(f"{url}/__admin/clock", json={"advance": 601}, headers=API_TOKEN).raise_for_status()
    assert scim_push(second, second["token"], "dave") == 401
    assert vcf.get("/v1/identity-providers").status_code == 200  # the access token lives 60 min
    httpx.post(f"{url}/__admin/clock", json={"advance": 3000}, headers=API_TOKEN).raise_for_status()
    assert vcf.get("/v1/identity-providers").status_code == 401


def test_deleting_the_idp_revokes_its_token_and_drops_the_directory(live: tuple[str, Any]) -> None:
    url, world = live
    vcf = httpx.Client(base_url=f"{url}/vcf", headers=API_TOKEN)
    assert vcf.post("/v1/identity-providers", json=okta()).status_code == 201
    idp = vcf.get("/v1/identity-providers").json()["elements"][1]["id"]
    info = vcf.post(f"/v1/identity-providers/{idp}/sync-client").json()
    assert scim_push(info, info["token"], "alice") == 201
    assert vcf.delete(f"/v1/identity-providers/{idp}").status_code == 204
    assert scim_push(info, info["token"], "bob") in (401, 404)
    assert f"vcf-{idp}" not in world.directories.names()
