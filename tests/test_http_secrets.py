"""Issue 12, point 2: no secret at rest or in output.

``idsync serve`` runs with a seed of its own secrets and debug logging; the test drives every API
with credentials in headers, bodies (passwords, client secrets, LDAP bind passwords, provider
tokens, PATCH values, a bare refresh token), query strings and filters, succeeds and fails with
them, and collects the tokens the APIs issue. Then none of those secrets may appear in the
journal, in any error body, in the banner or in the server's log; the journal keeps no state
export, import or seed body. The state export itself holds them (that is where they live), which
shows the secrets were really in play.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.test_serve_cli import start, stop

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
SEED = {
    "credentials": {
        "basic": {"root": "Basic-Pass-4b1d9"},
        "bearer": ["Api-Token-8c2e7f"],
        "admin_token": "Admin-Token-3f9a1c",
    },
    "scim": {"tenants": {"default": {"tokens": ["Tenant-Token-6d0b2a"]}}},
}
SUBMITTED = {
    "Basic-Pass-4b1d9",
    "Api-Token-8c2e7f",
    "Admin-Token-3f9a1c",
    "Tenant-Token-6d0b2a",
    "Scim-Pass-1a2b3c",
    "Scim-Pass-Patch-9z8y",
    "Scim-Pass-Value-7x6w",
    "Scim-Pass-Put-5v4u",
    "Scim-Pass-List-3t2s",
    "Scim-Filter-Pass-1r",
    "Stack-Pass-0q9p8o",
    "Stack-Pass-Bad-7n6m",
    "Wrong-Vcf-Pass-5l4k",
    "Vcf-Client-Secret-3j2i",
    "Vcf-Secret-List-1h0g",
    "Vcf-Ldap-Pass-9f8e",
    "Vcf-Adfs-Secret-7d6c",
    "Vcf-Source-Pass-5b4a",
    "Unknown-Refresh-3z2y",
    "Wrong-Sift-Token-1x0w",
    "Ak-Provider-Token-9v8u",
    "Ak-Token-List-7t6s",
    "Ak-Token-Patch-5r4q",
    "Wrong-Basic-Pass-3p2o",
    "New-Tenant-Token-1n0m",
    "Wrong-Admin-Token-9l8k",
    "Query-Token-7j6i5h",
    "Form-Pass-4g3f2e",
    "Untyped-Pass-1d0c9b",
}


class Driver:
    """Sends requests, keeping every error body and every token the APIs issue."""

    def __init__(self, url: str) -> None:
        self.http = httpx.Client(base_url=url, timeout=30)
        self.errors: list[str] = []
        self.issued: set[str] = set()

    def send(self, method: str, path: str, token: str | None = None, **kwargs: Any) -> httpx.Response:
        headers = dict(kwargs.pop("headers", {}))
        if token:
            headers["Authorization"] = f"Bearer {token}"
        response = self.http.request(method, path, headers=headers, **kwargs)
        if response.status_code >= 400:
            self.errors.append(f"{method} {path} -> {response.status_code} {response.text}")
        return response


def drive_scim(d: Driver) -> None:
    t = "Tenant-Token-6d0b2a"
    user = {"schemas": [USER], "userName": "ada", "password": "Scim-Pass-1a2b3c"}
    uid = d.send("POST", "/scim/default/v2/Users", t, json=user).json()["id"]
    d.send("POST", "/scim/default/v2/Users", t, json=user)  # 409: userName taken
    ops = [{"op": "replace", "path": "password", "value": "Scim-Pass-Patch-9z8y"}]
    d.send("PATCH", f"/scim/default/v2/Users/{uid}", t, json={"schemas": [PATCH_OP], "Operations": ops})
    ops = [{"op": "replace", "value": {"password": "Scim-Pass-Value-7x6w"}}]
    d.send("PATCH", f"/scim/default/v2/Users/{uid}", t, json={"schemas": [PATCH_OP], "Operations": ops})
    put = {"schemas": [USER], "userName": "ada", "password": "Scim-Pass-Put-5v4u"}
    d.send("PUT", f"/scim/default/v2/Users/{uid}", t, json=put)
    d.send(
        "POST",
        "/scim/default/v2/Users",
        t,
        json={"schemas": [USER], "userName": 7, "password": ["Scim-Pass-List-3t2s"]},
    )
    d.send("GET", "/scim/default/v2/Users", t, params={"filter": 'password eq "Scim-Filter-Pass-1r"'})
    d.send("POST", "/scim/default/v2/Users/.search", t, json={"filter": 'password sw "Scim-Filter-Pass-1r"'})
    d.send("GET", "/scim/default/v2/Users", t, params={"access_token": "Query-Token-7j6i5h"})


def drive_stackspot(d: Driver) -> None:
    t = "Api-Token-8c2e7f"
    d.send("POST", "/stackspot/acme/scim/Users", t, json={"userName": "bob", "password": "Stack-Pass-0q9p8o"})
    d.send("POST", "/stackspot/acme/scim/Users", t, json={"userName": ["x"], "password": "Stack-Pass-Bad-7n6m"})
    untyped = json.dumps({"userName": "carl", "password": "Untyped-Pass-1d0c9b"}).encode()
    d.send("POST", "/stackspot/acme/scim/Users", t, content=untyped)


def drive_vcf(d: Driver) -> None:
    d.send("POST", "/vcf/v1/tokens", json={"username": "root", "password": "Wrong-Vcf-Pass-5l4k"})
    d.send(
        "POST",
        "/vcf/v1/tokens",
        content=b"username=root&password=Form-Pass-4g3f2e",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    pair = d.send("POST", "/vcf/v1/tokens", json={"username": "root", "password": "Basic-Pass-4b1d9"}).json()
    access, refresh = pair["accessToken"], pair["refreshToken"]["id"]
    d.issued |= {access, refresh}
    refreshed = d.send("PATCH", "/vcf/v1/tokens/access-token/refresh", json=refresh)
    d.issued.add(refreshed.json() if isinstance(refreshed.json(), str) else "")
    d.send("PATCH", "/vcf/v1/tokens/access-token/refresh", json="Unknown-Refresh-3z2y")
    okta = {
        "name": "Okta",
        "type": "Okta",
        "fedIdpSpec": {
            "name": "Okta",
            "directory": {"name": "d", "domains": ["rainpole.io"], "defaultDomain": "rainpole.io"},
            "oidcSpec": {
                "clientId": "c",
                "clientSecret": "Vcf-Client-Secret-3j2i",
                "discoveryEndpoint": "https://rainpole.okta.com/.well-known/openid-configuration",
            },
        },
    }
    created = d.send("POST", "/vcf/v1/identity-providers", access, json=okta)
    bad = json.loads(json.dumps(okta).replace('"Vcf-Client-Secret-3j2i"', '["Vcf-Secret-List-1h0g"]'))
    d.send("POST", "/vcf/v1/identity-providers", access, json=bad)
    adfs = {
        "name": "ADFS",
        "type": "AD_FS",
        "certChain": ["MII"],
        "ldap": {
            "username": "svc",
            "password": "Vcf-Ldap-Pass-9f8e",
            "sourceDetails": {"usersBaseDn": "OU=U", "groupsBaseDn": "OU=G", "serverEndpoints": ["ldaps://dc01:636"]},
        },
        "oidc": {"clientId": "a", "clientSecret": "Vcf-Adfs-Secret-7d6c", "discoveryEndpoint": "https://adfs/x"},
    }
    d.send("POST", "/vcf/v1/identity-providers", access, json=adfs)
    idps = d.send("GET", "/vcf/v1/identity-providers", access).json().get("elements", [])
    embedded = next((i["id"] for i in idps if i.get("type") == "Embedded"), "none")
    source = {
        "name": "S",
        "ldap": {
            "type": "ActiveDirectory",
            "domainName": "sfo.rainpole.io",
            "username": "svc",
            "password": "Vcf-Source-Pass-5b4a",
            "sourceDetails": {"usersBaseDn": "OU=U", "groupsBaseDn": "OU=G", "serverEndpoints": ["ldaps://dc01:636"]},
        },
    }
    d.send("POST", f"/vcf/v1/identity-providers/{embedded}/identity-sources", access, json=source)
    location = created.headers.get("location", "")
    sync = d.send("POST", f"/vcf/v1/identity-providers/{location.rsplit('/', 1)[-1]}/sync-client", access)
    d.issued.add(sync.json().get("token", "") if sync.status_code < 400 else "")


def drive_sift(d: Driver) -> None:
    issued = d.send("POST", "/sift/api/v1/external-sync:generate-token", "Api-Token-8c2e7f", json={}).json()
    d.issued.add(issued["token"])
    d.send("GET", "/sift/api/v2/users", "Wrong-Sift-Token-1x0w")


def drive_authentik(d: Driver) -> None:
    t = "Api-Token-8c2e7f"
    body = {"name": "p", "url": "/scim/default/v2", "token": "Ak-Provider-Token-9v8u"}
    pk = d.send("POST", "/authentik/api/v3/providers/scim/", t, json=body).json()["pk"]
    d.send("POST", "/authentik/api/v3/providers/scim/", t, json={**body, "token": ["Ak-Token-List-7t6s"]})
    d.send("PATCH", f"/authentik/api/v3/providers/scim/{pk}/", t, json={"token": "Ak-Token-Patch-5r4q"})
    d.send("GET", f"/authentik/api/v3/providers/scim/{pk}/", t)
    d.send("GET", "/authentik/api/v3/core/users/", "Wrong-Sift-Token-1x0w")


def drive_resolution(d: Driver) -> None:
    d.send("GET", "/resolution/rest/samlsso-admin/1.0/usersync/connector", auth=("root", "Basic-Pass-4b1d9"))
    d.send("GET", "/resolution/rest/samlsso-admin/1.0/usersync/connector", auth=("root", "Wrong-Basic-Pass-3p2o"))


def drive_admin(d: Driver) -> str:
    t = "Admin-Token-3f9a1c"
    state = d.send("GET", "/__admin/state", t)
    d.send("PUT", "/__admin/state", t, json=state.json())
    d.send("POST", "/__admin/tenants", t, json={"name": "acme2", "tokens": ["New-Tenant-Token-1n0m"]})
    d.send("GET", "/__admin/tenants", "Wrong-Admin-Token-9l8k")
    d.send("GET", "/__admin/tenants", "Api-Token-8c2e7f")
    return state.text


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    seed = Path(tmp_path_factory.mktemp("seed")) / "seed.json"
    seed.write_text(json.dumps(SEED))
    proc, url, banner = start("--seed", str(seed), "--log-level", "debug")
    driver = Driver(url)
    try:
        for drive in (drive_scim, drive_stackspot, drive_vcf, drive_sift, drive_authentik, drive_resolution):
            drive(driver)
        state = drive_admin(driver)
        journal = driver.http.get("/__admin/journal", headers={"Authorization": "Bearer Admin-Token-3f9a1c"})
        driver.http.post("/__admin/seed", json=SEED, headers={"Authorization": "Bearer Admin-Token-3f9a1c"})
    finally:
        output = banner + stop(proc)
    yield {
        "journal": journal.json()["entries"],
        "state": state,
        "errors": driver.errors,
        "output": output,
        "banner": banner,
        "secrets": SUBMITTED | (driver.issued - {""}),
    }


def leaks(text: str, secrets: set[str]) -> list[str]:
    return sorted(s for s in secrets if s in text)


def test_the_secrets_were_in_play(served: dict[str, Any]) -> None:
    """The control: the state export holds the seeded and submitted secrets, and tokens were issued."""
    assert {"Basic-Pass-4b1d9", "Admin-Token-3f9a1c", "Ak-Token-Patch-5r4q"} <= set(
        leaks(served["state"], served["secrets"])
    )
    assert len(served["secrets"] - SUBMITTED) >= 4, "VCF access/refresh, sync-client and Sift tokens"
    assert len(served["errors"]) >= 15


def test_the_journal_holds_no_secret(served: dict[str, Any]) -> None:
    assert not leaks(json.dumps(served["journal"]), served["secrets"])
    masked = [e for e in served["journal"] if "***" in json.dumps(e)]
    assert len(masked) >= 20, "credentials were masked, not dropped"


def test_the_journal_keeps_no_state_export_import_or_seed(served: dict[str, Any]) -> None:
    state = [e for e in served["journal"] if e["path"] == "/__admin/state"]
    assert {e["method"] for e in state} == {"GET", "PUT"}
    for entry in state:
        assert "not journaled" in entry["request_body"] + entry["response_body"], entry


def test_no_error_body_echoes_a_secret(served: dict[str, Any]) -> None:
    for error in served["errors"]:
        assert not leaks(error, served["secrets"]), error


def test_the_banner_and_the_log_hold_no_secret(served: dict[str, Any]) -> None:
    assert "***" in served["banner"]
    assert not leaks(served["output"], served["secrets"]), served["output"][-3000:]
    assert "GET /scim/default/v2/Users?access_token=***" in served["output"], "the access log masks queries"
