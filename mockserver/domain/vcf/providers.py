"""Identity provider records: built from ``IdentityProviderSpec`` / ``IdentitySourceSpec``,
rendered as ``IdentityProvider`` without secrets (docs/vendor-facts.md §1.5, §1.7, §1.9).

A record is the spec as received (secrets included, since a real SDDC Manager must keep them to
reach the IdP) plus server fields; :func:`render` is the only way out, and it drops every
``password`` and ``clientSecret`` (docs/vendor-facts.md §1.9 point 6).
"""

from __future__ import annotations

import copy
import re
import uuid
from typing import Any

from mockserver.domain.clock import rfc3339
from mockserver.domain.errors import BadRequest
from mockserver.domain.vcf.errors import vcf_error

EMBEDDED_ID = "5c7a3e1f-2b4d-4e6f-8a9b-0c1d2e3f4a5b"
EMBEDDED = "Embedded"
ADFS_TYPES = ("AD_FS", "Microsoft ADFS")
SOURCES = ("OKTA", "MICROSOFT_ENTRA_ID", "PING_FEDERATE")
#: Inferred: federated ``type`` spellings (UI names and enum names) → ``FederatedIdpSourceType``.
TYPE_SOURCES = {
    "okta": "OKTA",
    "microsoftentraid": "MICROSOFT_ENTRA_ID",
    "entraid": "MICROSOFT_ENTRA_ID",
    "pingfederate": "PING_FEDERATE",
}
BUILT_IN_SOURCES = ("SystemDomain", "LocalOs")
#: FederatedIdentityProviderSpec doc: directory names are letters, digits, space, underscore, hyphen.
DIRECTORY_NAME = re.compile(r"^[\w \-]+$")
SECRET_KEYS = ("password", "clientSecret")
#: Sync client token lifetime: 6 months = 262800 min (VCF docs 5.2+, VCF Operations default).
DEFAULT_SYNC_TTL = 15_768_000
#: Inferred upper bound (10 years) so the expiry stays a valid date.
MAX_SYNC_TTL = 315_360_000


def embedded_record() -> dict[str, Any]:
    """The Embedded IdP as a fresh SDDC Manager shows it (API guide "Identity Providers")."""
    return {
        "id": EMBEDDED_ID,
        "name": "Embedded IDP",
        "type": EMBEDDED,
        "status": "ACTIVE",
        "identitySources": [
            {"name": "vsphere.local", "type": "SystemDomain", "domainNames": ["vsphere.local"]},
            {"name": "localos", "type": "LocalOs", "domainNames": ["localos"]},
        ],
    }


def _bad(message: str, *arguments: str) -> BadRequest:
    return vcf_error(BadRequest, message, "VALIDATION_FAILED", *arguments)  # type: ignore[return-value]


def _federated_source(spec: dict[str, Any]) -> str:
    """The federated IdP kind: the directory's ``federatedIdpSourceType``, else from ``type``."""
    given = (spec["fedIdpSpec"].get("directory") or {}).get("federatedIdpSourceType")
    source = given or TYPE_SOURCES.get(re.sub(r"[\s_\-]", "", spec["type"]).lower())
    if source not in SOURCES:
        raise _bad(f"Unsupported federated identity provider type: {spec['type']}", spec["type"])
    return str(source)


def external_record(spec: dict[str, Any], idp_id: str | None = None) -> dict[str, Any]:
    """Validate an ``IdentityProviderSpec`` for the external IdP and build its record (Inferred rules)."""
    spec = copy.deepcopy(spec)
    if not spec["name"].strip():
        raise _bad("Identity provider name must not be blank")
    if spec["type"] == EMBEDDED:
        raise _bad("The embedded identity provider cannot be added")
    record: dict[str, Any] = {"id": idp_id or str(uuid.uuid4()), "status": "ACTIVE", "spec": spec}
    if "fedIdpSpec" in spec:
        directory = spec["fedIdpSpec"]["directory"]
        if not DIRECTORY_NAME.match(directory["name"]):
            raise _bad(
                "Directory name may hold only letters, digits, spaces, underscores and hyphens", directory["name"]
            )
        domains = directory.get("domains") or []
        if not domains or directory.get("defaultDomain", domains[0]) not in domains:
            raise _bad("The directory needs at least one domain, including its default domain")
        ttl = spec["fedIdpSpec"].get("syncClientTokenTTL")
        if ttl is not None and not 1 <= ttl <= MAX_SYNC_TTL:
            raise _bad(f"syncClientTokenTTL must be between 1 and {MAX_SYNC_TTL} seconds", str(ttl))
        record["source"] = _federated_source(spec)
        record["directoryId"] = directory.get("directoryId") or str(uuid.uuid4())
    elif spec["type"] in ADFS_TYPES:
        if "oidc" not in spec:
            raise _bad("Microsoft ADFS needs oidc settings")
    else:
        raise _bad(f"Unsupported identity provider type: {spec['type']}", spec["type"])
    return record


def source_record(spec: dict[str, Any]) -> dict[str, Any]:
    """``IdentitySourceSpec`` → ``VcIdentitySources`` record (Inferred: ldap type and domain needed)."""
    ldap = copy.deepcopy(spec["ldap"])
    if not ldap.get("type") or not ldap.get("domainName"):
        raise _bad("An identity source needs ldap.type and ldap.domainName")
    domains = [ldap["domainName"]] + ([ldap["domainAlias"]] if ldap.get("domainAlias") else [])
    return {"name": spec["name"], "type": ldap["type"], "domainNames": domains, "ldap": ldap}


def strip_secrets(value: Any) -> Any:
    """A deep copy without ``password`` / ``clientSecret`` keys (docs/vendor-facts.md §1.9 point 6)."""
    if isinstance(value, dict):
        return {k: strip_secrets(v) for k, v in value.items() if k not in SECRET_KEYS}
    if isinstance(value, list):
        return [strip_secrets(v) for v in value]
    return value


def token_info(sync: dict[str, Any], now: float) -> dict[str, Any]:
    """``SyncClientTokenInfo``: ``expireAt`` as RFC 3339 (Inferred), ``expireIn`` seconds left."""
    return {
        "expireAt": rfc3339(sync["expiresAt"]),
        "expireIn": max(0, int(sync["expiresAt"] - now)),
        "token": sync["token"],
        "scimUrl": sync["scimUrl"],
    }


def render(record: dict[str, Any], now: float, *, leak: bool = False) -> dict[str, Any]:
    """``IdentityProvider`` for GET; ``leak`` is the planted ``vcf-secret-echoed`` fault."""
    clean = (lambda v: copy.deepcopy(v)) if leak else strip_secrets
    if record.get("type") == EMBEDDED:
        sources = clean(record["identitySources"])
        domains = [d for s in sources for d in s["domainNames"]]
        return {
            "id": record["id"],
            "name": record["name"],
            "type": EMBEDDED,
            "status": record["status"],
            "domainNames": domains,
            "identitySources": sources,
        }
    spec = record["spec"]
    out: dict[str, Any] = {"id": record["id"], "name": spec["name"], "status": record["status"]}
    if "fedIdpSpec" in spec:
        out.update(type=spec["type"], domainNames=list(spec["fedIdpSpec"]["directory"]["domains"]))
        out["fedIdp"] = _fed_info(record, clean, now)
        return out
    out["type"] = "Microsoft ADFS"
    out["oidc"] = clean(spec["oidc"])
    ldap = spec.get("ldap")
    out["domainNames"] = [ldap["domainName"]] if ldap and ldap.get("domainName") else []
    if ldap:
        out["ldap"] = {**clean(ldap), "type": "Oidc"}
    return out


def _fed_info(record: dict[str, Any], clean: Any, now: float) -> dict[str, Any]:
    fed = record["spec"]["fedIdpSpec"]
    directory = fed["directory"]
    info: dict[str, Any] = {
        "name": fed["name"],
        "source": record["source"],
        "directoryList": {
            "directoryId": record["directoryId"],
            "name": directory["name"],
            "defaultDomain": directory.get("defaultDomain", directory["domains"][0]),
            "domains": list(directory["domains"]),
            "federatedIdpSourceType": record["source"],
        },
        "oidcInfo": clean(fed["oidcSpec"]),
        "syncClientTokenTTL": int(fed.get("syncClientTokenTTL") or DEFAULT_SYNC_TTL),
    }
    if record.get("sync"):
        info["syncClientTokenInfo"] = token_info(record["sync"], now)
    return info
