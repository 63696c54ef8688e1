"""No answer depends on a secret the API never returns (issue 12 point 3): no search oracle.

``tests/test_scim_hostile.py`` covers the SCIM core and StackSpot (filter and sort on ``password``
are 400). Here every other API that takes a filter, search, ordering or lookup parameter is
asked, for each secret it stores (authentik provider tokens, Sift SCIM tokens and API keys, VCF
client secrets and LDAP bind passwords, the password of a user the resolution connector reads),
once with the right value or prefix and once with a wrong one: the two answers must be the same,
status and body, so a client learns nothing by guessing. Where the vendor refuses the parameter
outright (Sift's filter fields, strict query parameters) the answer is a 400 both times.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

AUTH = {"Authorization": "Bearer idsync-token"}
BASIC = ("admin", "admin")
USER = "urn:ietf:params:scim:schemas:core:2.0:User"
SECRET = "Zq9-secret-value"
WRONG = "Aa1-wrong-guess!"

Ask = Callable[[str], Any]


def same_answer(ask: Ask, right: str, wrong: str) -> int:
    """Both guesses get the same status and body (where it echoes the guess, the guess aside)."""
    hit, miss = ask(right), ask(wrong)
    seen = [_stable(r.content, (right, wrong)) for r in (hit, miss)]
    assert (hit.status_code, seen[0]) == (miss.status_code, seen[1]), (hit.text[:300], miss.text[:300])
    assert hit.status_code < 500
    return int(hit.status_code)


def _stable(body: bytes, guesses: tuple[str, ...]) -> bytes:
    """The body with both guesses and VCF's per-error ``referenceToken`` (random) blanked.

    Both are blanked in both answers: a body may echo the guess (an error naming it) or hold the
    secret itself where the vendor returns it (authentik's provider ``token``); what must not
    differ is everything else.
    """
    for guess in sorted(guesses, key=len, reverse=True):
        body = body.replace(guess.encode(), b"<guess>")
    return re.sub(rb'"referenceToken": "[^"]*"', b"", body)


def test_authentik_provider_tokens_are_no_search_key(idsync_client: Any) -> None:
    """SCIMProviderViewSet: filters name/url/exclude_users_service_account/filter_group, search
    name/url, ordering name (docs/vendor-facts.md A2); the token is none of them."""
    for name, token in (("alpha", SECRET), ("omega", "A" + SECRET)):
        body = {"name": name, "url": "http://127.0.0.1:9/scim/v2", "token": token}
        assert idsync_client.post("/authentik/api/v3/providers/scim/", json=body, headers=AUTH).status_code == 201

    def ask(params: Callable[[str], dict[str, str]]) -> Ask:
        return lambda guess: idsync_client.get("/authentik/api/v3/providers/scim/", params=params(guess), headers=AUTH)

    same_answer(ask(lambda g: {"search": g}), SECRET, WRONG)
    same_answer(ask(lambda g: {"search": g[:3]}), SECRET, WRONG)
    same_answer(ask(lambda g: {"token": g}), SECRET, WRONG)
    ordered = idsync_client.get("/authentik/api/v3/providers/scim/", params={"ordering": "-token"}, headers=AUTH)
    default = idsync_client.get("/authentik/api/v3/providers/scim/", headers=AUTH)
    assert ordered.status_code == 400 or ordered.json() == default.json()


def test_authentik_users_have_no_searchable_secret(idsync_client: Any) -> None:
    def ask(params: Callable[[str], dict[str, str]]) -> Ask:
        return lambda guess: idsync_client.get("/authentik/api/v3/core/users/", params=params(guess), headers=AUTH)

    for field in ("password", "token", "key"):
        same_answer(ask(lambda g, f=field: {f: g}), SECRET, WRONG)
    same_answer(ask(lambda g: {"search": g}), SECRET, WRONG)
    ascending, descending = (ask(lambda g: {"ordering": g})(o) for o in ("password", "-password"))
    assert (ascending.status_code, ascending.content) == (descending.status_code, descending.content)


@pytest.mark.parametrize(
    ("path", "template"),
    [
        ("/sift/api/v1/external-sync:list-tokens", 'token == "{}"'),
        ("/sift/api/v1/external-sync:list-tokens", 'token.startsWith("{}")'),
        ("/sift/api/v2/users", 'api_key.startsWith("{}")'),
        ("/sift/api/v2/users:all", 'password == "{}"'),
        ("/sift/api/v2/user-groups", 'name.contains("{}") && token.startsWith("{}")'),
    ],
)
def test_sift_filters_never_reach_a_secret(idsync_client: Any, path: str, template: str) -> None:
    issued = idsync_client.post("/sift/api/v1/external-sync:generate-token", json={}, headers=AUTH).json()["token"]

    def ask(guess: str) -> Any:
        return idsync_client.get(path, params={"filter": template.format(guess, guess)}, headers=AUTH)

    assert same_answer(ask, issued[:12], "sift-scim-zz") == 400
    assert same_answer(ask, issued, WRONG) == 400


@pytest.mark.parametrize("order_by", ["token", "token desc", "password"])
def test_sift_cannot_order_by_a_secret(idsync_client: Any, order_by: str) -> None:
    for _ in range(2):
        idsync_client.post("/sift/api/v1/external-sync:generate-token", json={}, headers=AUTH)
    answer = idsync_client.get("/sift/api/v1/external-sync:list-tokens", params={"orderBy": order_by}, headers=AUTH)
    assert answer.status_code == 400 and answer.json()["code"] == 3


def test_vcf_secrets_are_no_lookup_key(idsync_client: Any) -> None:
    login = idsync_client.post("/vcf/v1/tokens", json={"username": "admin", "password": "admin"}).json()
    vcf = {"Authorization": f"Bearer {login['accessToken']}"}
    idps = "/vcf/v1/identity-providers"
    embedded = idsync_client.get(idps, headers=vcf).json()["elements"][0]["id"]
    ldap = {"type": "ActiveDirectory", "domainName": "sfo.example", "username": "svc", "password": SECRET}
    source = {
        "name": "SFO",
        "ldap": {
            **ldap,
            "sourceDetails": {"usersBaseDn": "OU=U", "groupsBaseDn": "OU=G", "serverEndpoints": ["ldaps://dc:636"]},
        },
    }
    assert idsync_client.post(f"{idps}/{embedded}/identity-sources", json=source, headers=vcf).status_code == 204
    directory = {"name": "okta", "domains": ["example.org"]}
    oidc = {"clientId": "c1", "clientSecret": SECRET, "discoveryEndpoint": "https://idp.example/.well-known/x"}
    spec = {"name": "Okta", "type": "Okta", "fedIdpSpec": {"name": "Okta", "directory": directory, "oidcSpec": oidc}}
    assert idsync_client.post(idps, json=spec, headers=vcf).status_code == 201
    same_answer(lambda g: idsync_client.get(idps, params={"clientSecret": g}, headers=vcf), SECRET, WRONG)
    same_answer(lambda g: idsync_client.get(f"{idps}/{g}", headers=vcf), SECRET, WRONG)
    same_answer(lambda g: idsync_client.delete(f"{idps}/{embedded}/identity-sources/{g}", headers=vcf), SECRET, WRONG)
    same_answer(
        lambda g: idsync_client.patch(f"{idps}/{embedded}/identity-sources/{g}", json=source, headers=vcf),
        SECRET,
        WRONG,
    )


def test_resolution_never_matches_an_idp_password(idsync_client: Any) -> None:
    """The connector reads users of its IdP (a SCIM tenant) by ``userName`` only."""
    victim = {"schemas": [USER], "userName": "victim", "password": SECRET}
    assert idsync_client.post("/scim/resolution-upstream/v2/Users", json=victim, headers=AUTH).status_code == 201
    sync = "/resolution/rest/samlsso-admin/1.0/usersync/connector/7df9fd3f-793f-4595-b415-b839b76b0018"

    def single(guess: str) -> Any:
        answer = idsync_client.post(f"{sync}/syncsingle/{guess}", auth=BASIC)
        return answer

    assert same_answer(single, SECRET, WRONG) == 404
    directory = "/resolution/rest/samlsso-admin/1.0/directory/10100"
    same_answer(lambda g: idsync_client.get(directory, params={"password": g}, auth=BASIC), SECRET, WRONG)
    assert idsync_client.post(f"{sync}/syncsingle/victim", auth=BASIC).status_code == 200
    assert SECRET not in idsync_client.get(directory, auth=BASIC).text
