"""VCF SDDC Manager identity contracts: tokens, identity providers, sync client token rotation.

Sources: the SDDC Manager API reference (developer.broadcom.com/xapis/vmware-cloud-foundation-api,
5.1.x "Generate Sync Client Token", "Identity Providers", "Tokens"), the vSphere 8 docs on
regenerating the SCIM token, and the VCF 5.2 admin guide (one external IdP). Each check logs
in with ``POST /v1/tokens`` when the target has basic credentials, else uses its bearer token.
"""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from contracts.scenario import contract, require
from contracts.target import Target

API = "vcf"
SYNC_DOC = (
    "https://developer.broadcom.com/xapis/vmware-cloud-foundation-api/5.1.1/v1/identity-providers/id/sync-client/post"
)
IDP_DOC = "https://developer.broadcom.com/xapis/vmware-cloud-foundation-api/5.1.0/identity-providers"
TOKENS_DOC = "https://developer.broadcom.com/xapis/vmware-cloud-foundation-api/latest/tokens"
REGENERATE_DOC = "https://docs.vmware.com/en/VMware-vSphere/8.0/vsphere-authentication/GUID-865EAD7B-05A8-44FC-A2E8-99045FC79E9D.html"
ONE_IDP_DOC = (
    "https://docs.vmware.com/de/VMware-Cloud-Foundation/5.2/vcf-admin/GUID-779756CD-3FC9-4436-A324-439B8C199515.html"
)
IDPS = "/v1/identity-providers"
SECRET = "s3cr3t-" + uuid.uuid4().hex[:8]


def okta_spec(name: str = "Okta", secret: str = SECRET) -> dict[str, Any]:
    """A federated Okta ``IdentityProviderSpec`` (fields per FederatedIdentityProviderSpec)."""
    return {
        "name": name,
        "type": "Okta",
        "fedIdpSpec": {
            "name": name,
            "directory": {"name": "contract-dir", "domains": ["contract.example"]},
            "oidcSpec": {
                "clientId": "contract-client",
                "clientSecret": secret,
                "discoveryEndpoint": "https://contract.okta.example/.well-known/openid-configuration",
            },
        },
    }


def login(target: Target) -> httpx.Client:
    """A client authenticated as the VCF API guide says: ``Bearer <accessToken>`` from ``POST /v1/tokens``."""
    if target.admin is not None:
        target.admin.reset()
    creds = target.credentials
    if creds.basic_user is None and not target.embedded:
        return target.client(API)
    user, password = creds.basic_user or "admin", creds.basic_password or "admin"
    with target.http(target.base_url(API)) as anonymous:
        response = anonymous.post("/v1/tokens", json={"username": user, "password": password})
    require(response.status_code in (200, 201), "POST /v1/tokens issues a token pair", TOKENS_DOC, response.text)
    token = response.json()["accessToken"]
    return target.http(target.base_url(API), {"Authorization": f"Bearer {token}"})


def fresh_external(client: httpx.Client, spec: dict[str, Any] | None = None) -> str:
    """Delete any external IdP, add ``spec`` (Okta by default) and return its id from the list."""
    for idp in client.get(IDPS).json()["elements"]:
        if idp["type"] != "Embedded":
            client.delete(f"{IDPS}/{idp['id']}")
    spec = spec or okta_spec()
    response = client.post(IDPS, json=spec)
    require(response.status_code == 201, "POST /v1/identity-providers answers 201", IDP_DOC, response.text)
    ids = [
        i["id"] for i in client.get(IDPS).json()["elements"] if i["name"] == spec["name"] and i["type"] != "Embedded"
    ]
    require(len(ids) == 1, "the added IdP appears once in the list", IDP_DOC, str(ids))
    return str(ids[0])


def sync(client: httpx.Client, idp_id: str, **params: Any) -> dict[str, Any]:
    """``POST .../sync-client`` → ``SyncClientTokenInfo``."""
    response = client.post(f"{IDPS}/{idp_id}/sync-client", params=params)
    require(response.status_code == 200, "sync-client answers 200 SyncClientTokenInfo", SYNC_DOC, response.text)
    info: dict[str, Any] = response.json()
    return info


def scim_status(info: dict[str, Any], token: str | None = None) -> int:
    """Status of a SCIM push (``POST /Users``) to ``scimUrl`` with the given bearer token."""
    user = {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": f"u-{uuid.uuid4().hex[:10]}"}
    headers = {"Authorization": f"Bearer {token or info['token']}", "Content-Type": "application/scim+json"}
    return httpx.post(info["scimUrl"].rstrip("/") + "/Users", json=user, headers=headers, timeout=30).status_code


def is_vcf_error(response: httpx.Response) -> bool:
    """docs/vendor-facts.md §1.6: VCF errors are JSON objects with ``errorCode`` and ``message``."""
    try:
        body = response.json()
    except ValueError:
        return False
    return isinstance(body, dict) and isinstance(body.get("errorCode"), str) and isinstance(body.get("message"), str)


@contract(API, level="semantic", source=SYNC_DOC)
def sync_client_returns_token_info(target: Target) -> None:
    """sync-client returns expireAt, token and an absolute scimUrl; GET shows the same token; unknown id → 404."""
    client = login(target)
    idp_id = fresh_external(client)
    info = sync(client, idp_id)
    require(
        all(isinstance(info.get(k), str) and info[k] for k in ("expireAt", "token", "scimUrl")),
        "SyncClientTokenInfo has expireAt, token and scimUrl strings",
        SYNC_DOC,
        str(info),
    )
    require(
        info["scimUrl"].startswith(("http://", "https://")), "scimUrl is an absolute URL", SYNC_DOC, info["scimUrl"]
    )
    shown = client.get(f"{IDPS}/{idp_id}").json().get("fedIdp", {}).get("syncClientTokenInfo", {})
    require(shown.get("token") == info["token"], "GET shows the current sync client token", IDP_DOC, str(shown))
    missing = client.post(f"{IDPS}/{uuid.uuid4()}/sync-client")
    require(
        missing.status_code == 404 and is_vcf_error(missing), "unknown IdP → 404 ErrorResponse", SYNC_DOC, missing.text
    )


@contract(API, level="scenario", source=REGENERATE_DOC)
def sync_client_rotation_revokes_previous(target: Target) -> None:
    """A new sync client token works at scimUrl at once and the previous one is revoked (401)."""
    client = login(target)
    idp_id = fresh_external(client)
    first = sync(client, idp_id)
    require(scim_status(first) == 201, "a SCIM push with the sync client token succeeds", SYNC_DOC)
    second = sync(client, idp_id)
    require(second["token"] != first["token"], "each sync-client call mints a new token", REGENERATE_DOC)
    require(scim_status(second) == 201, "the new token is active immediately", REGENERATE_DOC)
    status = scim_status(second, first["token"])
    require(status == 401, "the previous token is revoked", REGENERATE_DOC, f"old token got {status}")


@contract(API, level="scenario", source=SYNC_DOC, needs=("admin",))
def sync_token_expires_at_expire_at(target: Target) -> None:
    """A sync client token is rejected at scimUrl once syncClientTokenTTL seconds have passed."""
    client = login(target)
    idp_id = fresh_external(client)
    info = sync(client, idp_id, syncClientTokenTTL=120)
    require(info.get("expireIn") in (None, 120), "expireIn equals the requested TTL", SYNC_DOC, str(info))
    require(scim_status(info) == 201, "the token works before expireAt", SYNC_DOC)
    assert target.admin is not None
    target.admin.advance_clock(121)
    status = scim_status(info)
    require(status == 401, "an expired sync client token gets 401 at scimUrl", SYNC_DOC, f"got {status}")


@contract(API, level="semantic", source=IDP_DOC)
def secrets_never_echoed(target: Target) -> None:
    """Client secrets and LDAP passwords never appear in identity provider reads."""
    client = login(target)
    idp_id = fresh_external(client)
    embedded = next(i["id"] for i in client.get(IDPS).json()["elements"] if i["type"] == "Embedded")
    domain = f"c{uuid.uuid4().hex[:6]}.example"
    source = {
        "name": "contract",
        "ldap": {
            "type": "ActiveDirectory",
            "domainName": domain,
            "username": "svc",
            "password": SECRET,
            "sourceDetails": {
                "usersBaseDn": "OU=U",
                "groupsBaseDn": "OU=G",
                "serverEndpoints": ["ldap://dc.example:389"],
            },
        },
    }
    added = client.post(f"{IDPS}/{embedded}/identity-sources", json=source)
    require(added.status_code == 204, "adding an identity source answers 204", IDP_DOC, added.text)
    for path in (IDPS, f"{IDPS}/{idp_id}", f"{IDPS}/{embedded}"):
        text = client.get(path).text
        require(
            SECRET not in text and "clientSecret" not in text and '"password"' not in text,
            "reads never echo secrets",
            IDP_DOC,
            f"GET {path}: {text[:300]}",
        )
    client.delete(f"{IDPS}/{embedded}/identity-sources/{domain}")


@contract(API, level="semantic", source=TOKENS_DOC, needs=("admin",))
def access_token_expires(target: Target) -> None:
    """An access token stops working after its JWT exp; the refresh token gives a working one."""
    login(target)
    pair = httpx.post(
        target.base_url(API) + "/v1/tokens",
        json={
            "username": target.credentials.basic_user or "admin",
            "password": target.credentials.basic_password or "admin",
        },
    )
    require(pair.status_code in (200, 201), "POST /v1/tokens issues a token pair", TOKENS_DOC, pair.text)
    access, refresh_id = pair.json()["accessToken"], pair.json()["refreshToken"]["id"]
    url = target.base_url(API) + IDPS
    require(
        httpx.get(url, headers={"Authorization": f"Bearer {access}"}).status_code == 200,
        "a fresh access token works",
        TOKENS_DOC,
    )
    assert target.admin is not None
    target.admin.advance_clock(3601)
    stale = httpx.get(url, headers={"Authorization": f"Bearer {access}"})
    require(
        stale.status_code == 401 and is_vcf_error(stale), "an expired access token gets 401", TOKENS_DOC, stale.text
    )
    renewed = httpx.patch(target.base_url(API) + "/v1/tokens/access-token/refresh", json=refresh_id)
    require(
        renewed.status_code == 200 and isinstance(renewed.json(), str),
        "refresh answers a bare JSON string",
        TOKENS_DOC,
        renewed.text,
    )
    require(
        httpx.get(url, headers={"Authorization": f"Bearer {renewed.json()}"}).status_code == 200,
        "the refreshed token works",
        TOKENS_DOC,
    )


@contract(API, level="semantic", source=ONE_IDP_DOC)
def single_external_identity_provider(target: Target) -> None:
    """The Embedded IdP always exists and cannot be deleted; a second external IdP is refused."""
    client = login(target)
    fresh_external(client)
    second = client.post(IDPS, json=okta_spec(name="Second"))
    require(
        second.status_code in (400, 409) and is_vcf_error(second),
        "a second external IdP → 400 or 409 Error",
        ONE_IDP_DOC,
        second.text,
    )
    elements = client.get(IDPS).json()["elements"]
    require(
        sum(1 for i in elements if i["type"] != "Embedded") == 1, "exactly one external IdP", ONE_IDP_DOC, str(elements)
    )
    embedded = [i for i in elements if i["type"] == "Embedded"]
    require(len(embedded) == 1, "the Embedded IdP is listed", IDP_DOC, str(elements))
    refused = client.delete(f"{IDPS}/{embedded[0]['id']}")
    require(
        refused.status_code >= 400 and is_vcf_error(refused),
        "the Embedded IdP cannot be deleted",
        IDP_DOC,
        refused.text,
    )


@contract(API, level="semantic", source=IDP_DOC)
def bad_input_gets_vcf_errors(target: Target) -> None:
    """Malformed JSON, wrong types, unknown ids and missing credentials get VCF error bodies, never 500."""
    client = login(target)
    before = client.get(IDPS).json()
    probes = {
        "malformed JSON": client.post(IDPS, content=b'{"name": ', headers={"Content-Type": "application/json"}),
        "wrong type": client.post(IDPS, json={"name": 5, "type": []}),
        "unknown id": client.patch(f"{IDPS}/{uuid.uuid4()}", json=okta_spec()),
        "no credentials": httpx.get(target.base_url(API) + IDPS),
        "bad token": httpx.get(target.base_url(API) + IDPS, headers={"Authorization": "Bearer nope"}),
    }
    expected = {"malformed JSON": 400, "wrong type": 400, "unknown id": 404, "no credentials": 401, "bad token": 401}
    for name, response in probes.items():
        require(
            response.status_code == expected[name] and is_vcf_error(response),
            f"{name} → {expected[name]} with a VCF error body",
            IDP_DOC,
            f"{response.status_code} {response.text[:200]}",
        )
    require(client.get(IDPS).json() == before, "rejected requests leave state unchanged", IDP_DOC)


@contract(API, level="scenario", source=SYNC_DOC)
def delete_idp_revokes_sync_token(target: Target) -> None:
    """Deleting the federated IdP revokes its sync client token and the IdP is gone (404)."""
    client = login(target)
    idp_id = fresh_external(client)
    info = sync(client, idp_id)
    require(scim_status(info) == 201, "the sync token works before the IdP is deleted", SYNC_DOC)
    require(client.delete(f"{IDPS}/{idp_id}").status_code == 204, "DELETE answers 204", IDP_DOC)
    require(client.get(f"{IDPS}/{idp_id}").status_code == 404, "the deleted IdP is not found", IDP_DOC)
    status = scim_status(info)
    require(status in (401, 404), "the deleted IdP's sync token is no longer accepted", SYNC_DOC, f"got {status}")
