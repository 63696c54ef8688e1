"""VCF domain rules without HTTP: sync client tokens at the SCIM directory, IdP lifecycle, snapshots."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from mockserver.domain.errors import BadRequest, Conflict, NotFound, Unauthenticated
from mockserver.domain.vcf import tenant_name
from mockserver.domain.world import World

ORIGIN = "http://127.0.0.1:9"


def okta(secret: str = "top-secret") -> dict[str, Any]:
    return {
        "name": "Okta",
        "type": "Okta",
        "fedIdpSpec": {
            "name": "Okta",
            "directory": {"name": "dir", "domains": ["a.example"]},
            "oidcSpec": {"clientId": "c", "clientSecret": secret, "discoveryEndpoint": "https://a.example/.well-known"},
        },
    }


def world(*quirks: str) -> World:
    made = World({}, quirks=frozenset(quirks))
    made.clock.set(1_800_000_000, frozen=True)
    return made


def test_sync_token_valid_until_expire_at_then_rejected() -> None:
    w = world()
    idp = w.vcf.add_external(okta())
    info = w.vcf.generate_sync_client(idp, 60, ORIGIN)
    directory = w.directories.get(tenant_name(idp))
    assert info["scimUrl"] == f"{ORIGIN}/scim/{tenant_name(idp)}/v2"
    assert info["expireIn"] == 60 and info["expireAt"] == "2027-01-15T08:01:00Z"
    assert directory.token_valid(info["token"])
    w.clock.advance(60)
    assert not directory.token_valid(info["token"])


def test_rotation_revokes_previous_token() -> None:
    w = world()
    idp = w.vcf.add_external(okta())
    first = w.vcf.generate_sync_client(idp, None, ORIGIN)
    second = w.vcf.generate_sync_client(idp, None, ORIGIN)
    directory = w.directories.get(tenant_name(idp))
    assert first["token"] != second["token"]
    assert not directory.token_valid(first["token"]) and directory.token_valid(second["token"])
    assert second["expireIn"] == 15_768_000  # default: 6 months


def test_planted_expired_token_accepted_keeps_token_alive() -> None:
    w = world("vcf-expired-token-accepted")
    idp = w.vcf.add_external(okta())
    info = w.vcf.generate_sync_client(idp, 60, ORIGIN)
    w.clock.advance(61)
    assert w.directories.get(tenant_name(idp)).token_valid(info["token"])


def test_planted_rotation_keeps_old_token() -> None:
    w = world("vcf-rotation-keeps-old-token")
    idp = w.vcf.add_external(okta())
    first = w.vcf.generate_sync_client(idp, 60, ORIGIN)
    w.vcf.generate_sync_client(idp, 60, ORIGIN)
    assert w.directories.get(tenant_name(idp)).token_valid(first["token"])


def test_delete_revokes_token_and_drops_directory() -> None:
    w = world()
    idp = w.vcf.add_external(okta())
    w.vcf.generate_sync_client(idp, None, ORIGIN)
    assert w.vcf.get(w.vcf.idps[0]["id"])["status"] == "INACTIVE"
    w.vcf.delete_external(idp)
    assert tenant_name(idp) not in w.directories.names()
    assert w.vcf.list_all()[0]["status"] == "ACTIVE"
    with pytest.raises(NotFound, match="IDP is not found"):
        w.vcf.generate_sync_client(idp, None, ORIGIN)


def test_embedded_always_present_and_single_external() -> None:
    w = world()
    embedded = w.vcf.list_all()[0]
    assert embedded["type"] == "Embedded" and {s["name"] for s in embedded["identitySources"]} == {
        "vsphere.local",
        "localos",
    }
    w.vcf.add_external(okta())
    with pytest.raises(Conflict, match="Only one external"):
        w.vcf.add_external(okta())
    with pytest.raises(BadRequest):
        w.vcf.delete_external(embedded["id"])
    with pytest.raises(BadRequest):
        w.vcf.generate_sync_client(embedded["id"], None, ORIGIN)


@pytest.mark.parametrize("ttl", [0, -5, 315_360_001])
def test_ttl_out_of_range_is_bad_request(ttl: int) -> None:
    w = world()
    idp = w.vcf.add_external(okta())
    with pytest.raises(BadRequest):
        w.vcf.generate_sync_client(idp, ttl, ORIGIN)


def test_reads_strip_secrets_unless_planted() -> None:
    for quirks, leaked in (((), False), (("vcf-secret-echoed",), True)):
        w = world(*quirks)
        idp = w.vcf.add_external(okta("hunter2"))
        assert ("hunter2" in repr(w.vcf.get(idp))) is leaked
        assert ("hunter2" in repr(w.vcf.list_all())) is leaked


def test_identity_sources_by_domain_name() -> None:
    w = world()
    embedded = w.vcf.idps[0]["id"]
    ldap = {
        "type": "ActiveDirectory",
        "domainName": "ad.example",
        "username": "u",
        "password": "pw",
        "sourceDetails": {"usersBaseDn": "u", "groupsBaseDn": "g", "serverEndpoints": ["ldaps://dc:636"]},
    }
    w.vcf.add_source(embedded, {"name": "AD", "ldap": ldap})
    with pytest.raises(BadRequest, match="already exists"):
        w.vcf.add_source(embedded, {"name": "AD", "ldap": ldap})
    w.vcf.update_source(embedded, "ad.example", {"name": "AD2", "ldap": ldap})
    assert w.vcf.get(embedded)["identitySources"][-1]["name"] == "AD2"
    with pytest.raises(BadRequest):
        w.vcf.delete_source(embedded, "vsphere.local")
    w.vcf.delete_source(embedded, "ad.example")
    with pytest.raises(NotFound, match="Identity Source not found"):
        w.vcf.delete_source(embedded, "ad.example")


def test_access_tokens_expire_and_refresh() -> None:
    w = world()
    pair = w.vcf.tokens.create({"username": "admin", "password": "admin"})
    assert w.vcf.tokens.verify(pair["accessToken"])["sub"] == "admin"
    w.clock.advance(3600)
    assert w.vcf.tokens.verify(pair["accessToken"]) is None
    assert w.vcf.tokens.verify(w.vcf.tokens.refresh_access(pair["refreshToken"]["id"])) is not None
    with pytest.raises(Unauthenticated):
        w.vcf.tokens.create({"username": "admin", "password": "wrong"})


def test_export_load_round_trips_and_reregisters_tokens() -> None:
    w = world()
    idp = w.vcf.add_external(okta())
    info = w.vcf.generate_sync_client(idp, 600, ORIGIN)
    w.vcf.tokens.create({"username": "admin", "password": "admin"})
    snapshot = copy.deepcopy(w.vcf.export())
    other = world()
    other.vcf.load(snapshot)
    assert other.vcf.export() == snapshot
    assert other.directories.get(tenant_name(idp)).token_valid(info["token"])


def test_seeded_external_idp_gets_an_inactive_embedded_idp() -> None:
    source = world()
    source.vcf.add_external(okta())
    external = [r for r in source.vcf.export()["identity_providers"] if r.get("type") != "Embedded"]
    seeded = World({"vcf": {"identity_providers": external}})
    assert [i["status"] for i in seeded.vcf.list_all()] == ["INACTIVE", "ACTIVE"]
    assert [i["status"] for i in World({}).vcf.list_all()] == ["ACTIVE"]
