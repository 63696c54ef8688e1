"""VCF SDDC Manager identity state: API tokens, identity providers, embedded identity sources
and the federated IdP's SCIM sync client token (docs/vendor-facts.md §1; docs/design.md "VCF").

Rules (docs/vendor-facts.md §1.9): the Embedded IdP always exists and cannot be deleted; at most one
external IdP (SDDC Manager admin guide: "You can only add one external identity provider");
``sync-client`` mints a token for that IdP's SCIM directory, revoking the previous one (vSphere
docs, "regenerate SCIM token"), valid until ``expireAt`` on the mock clock. The directory is the
SCIM tenant ``vcf-<idp id>``, created on first use and dropped with the IdP.
"""

from __future__ import annotations

import copy
import secrets
from typing import Any

from mockserver.domain.context import VendorContext
from mockserver.domain.errors import BadRequest, Conflict, NotFound
from mockserver.domain.limits import MAX_VCF_SOURCES, require_room
from mockserver.domain.statefile import at
from mockserver.domain.vcf import providers
from mockserver.domain.vcf.errors import vcf_error
from mockserver.domain.vcf.scim_client import SyncDirectories, tenant_name
from mockserver.domain.vcf.tokens import TokenStore

IDP_NOT_FOUND = "IDENTITY_PROVIDER_NOT_FOUND"


class VcfState:
    """Identity providers in list order (Embedded first) and the API token store."""

    def __init__(self, context: VendorContext) -> None:
        self.context = context
        self.tokens = TokenStore(context)
        self.scim = SyncDirectories(context.directories)
        self.idps: list[dict[str, Any]] = []

    def load(self, data: dict[str, Any]) -> None:
        """Seed or snapshot: ``identity_providers`` (records as exported; the Embedded IdP is added
        when missing) and ``tokens``. Live sync tokens are re-registered with their directories."""
        self.idps = copy.deepcopy(list(data.get("identity_providers") or []))
        if not any(r.get("type") == providers.EMBEDDED for r in self.idps):
            self.idps.insert(0, providers.embedded_record())
            self._embedded()["status"] = "INACTIVE" if self._externals() else "ACTIVE"
        self.tokens.load(data.get("tokens") or {})
        for index, record in enumerate(self.idps):
            _check_record(index, record)
        for record in self.idps:
            if record.get("sync"):
                self._register(record["sync"])

    def export(self) -> dict[str, Any]:
        """JSON-able state; ``load(export())`` round-trips."""
        return {"identity_providers": copy.deepcopy(self.idps), "tokens": self.tokens.export()}

    # -- identity providers (API guide "Identity Providers APIs") --------------------------------

    def list_all(self) -> list[dict[str, Any]]:
        """Every IdP as ``IdentityProvider``, secrets removed."""
        now = self.context.clock.now()
        return [providers.render(r, now, leak=self.context.quirk("vcf-secret-echoed")) for r in self.idps]

    def get(self, idp_id: str, message: str = "Identity Provider not found") -> dict[str, Any]:
        """One IdP as ``IdentityProvider``; unknown id → 404 (Inferred for GET)."""
        record = self._record(idp_id, message)
        return providers.render(record, self.context.clock.now(), leak=self.context.quirk("vcf-secret-echoed"))

    def add_external(self, spec: dict[str, Any]) -> str:
        """``POST /v1/identity-providers``: the new IdP becomes ACTIVE, the Embedded one INACTIVE."""
        record = providers.external_record(spec)
        if self._externals() and not self.context.quirk("vcf-second-external-idp-accepted"):
            raise vcf_error(
                Conflict, "Only one external identity provider can be configured", "IDENTITY_PROVIDER_LIMIT_REACHED"
            )
        self.idps.append(record)
        self._embedded()["status"] = "INACTIVE"
        return str(record["id"])

    def update_external(self, idp_id: str, spec: dict[str, Any]) -> None:
        """``PATCH /v1/identity-providers/{id}``: replace the configuration, keep id and token."""
        record = self._external(idp_id)
        if spec["type"] != record["spec"]["type"]:
            raise vcf_error(BadRequest, "The identity provider type cannot change", "VALIDATION_FAILED", spec["type"])
        fresh = providers.external_record(spec, idp_id)
        record.update(
            spec=fresh["spec"],
            source=fresh.get("source"),
            directoryId=record.get("directoryId", fresh.get("directoryId")),
        )

    def delete_external(self, idp_id: str) -> None:
        """``DELETE /v1/identity-providers/{id}``: revoke the sync token and drop the SCIM directory."""
        record = self._external(idp_id)
        if record.get("sync"):
            self.scim.revoke(record["sync"]["tenant"], record["sync"]["token"])
        self.scim.drop(idp_id)
        self.idps.remove(record)
        if not self._externals():
            self._embedded()["status"] = "ACTIVE"

    # -- embedded identity sources -----------------------------------------------------------------

    def add_source(self, idp_id: str, spec: dict[str, Any]) -> None:
        """``POST .../identity-sources`` (Inferred: Embedded IdP only, one source per domain)."""
        sources = self._sources(idp_id)
        source = providers.source_record(spec)
        require_room(len(sources), MAX_VCF_SOURCES, "identity sources")
        if any(source["ldap"]["domainName"] in s["domainNames"] for s in sources):
            raise vcf_error(
                BadRequest,
                "Identity Source already exists",
                "IDENTITY_SOURCE_ALREADY_EXISTS",
                source["ldap"]["domainName"],
            )
        sources.append(source)

    def update_source(self, idp_id: str, domain: str, spec: dict[str, Any]) -> None:
        """``PATCH .../identity-sources/{domainName}``; the domain itself cannot change (Inferred)."""
        sources = self._sources(idp_id)
        index = self._source_index(sources, domain)
        source = providers.source_record(spec)
        if source["ldap"]["domainName"] != domain:
            raise vcf_error(
                BadRequest, "The domain name of an identity source cannot change", "VALIDATION_FAILED", domain
            )
        sources[index] = source

    def delete_source(self, idp_id: str, domain: str) -> None:
        """``DELETE .../identity-sources/{domainName}``."""
        sources = self._sources(idp_id)
        del sources[self._source_index(sources, domain)]

    # -- sync client (seed 004) --------------------------------------------------------------------

    def generate_sync_client(self, idp_id: str, ttl: int | None, origin: str) -> dict[str, Any]:
        """``POST .../sync-client``: new token for the IdP's SCIM directory; the previous one is revoked."""
        record = self._record(idp_id, "IDP is not found")
        if "fedIdpSpec" not in record.get("spec", {}):
            raise vcf_error(
                BadRequest, "Identity provider does not support sync client tokens", "SYNC_CLIENT_NOT_SUPPORTED", idp_id
            )
        ttl = int(
            ttl
            if ttl is not None
            else record["spec"]["fedIdpSpec"].get("syncClientTokenTTL") or providers.DEFAULT_SYNC_TTL
        )
        if not 1 <= ttl <= providers.MAX_SYNC_TTL:
            raise vcf_error(
                BadRequest,
                f"syncClientTokenTTL must be between 1 and {providers.MAX_SYNC_TTL} seconds",
                "VALIDATION_FAILED",
                str(ttl),
            )
        tenant = tenant_name(idp_id)
        old = record.get("sync")
        if old and not self.context.quirk("vcf-rotation-keeps-old-token"):
            self.scim.revoke(tenant, old["token"])
        now = self.context.clock.now()
        record["sync"] = {
            "token": secrets.token_urlsafe(32),
            "expiresAt": now + ttl,
            "tenant": tenant,
            "scimUrl": f"{origin.rstrip('/')}/scim/{tenant}/v2",
        }
        self._register(record["sync"])
        return providers.token_info(record["sync"], now)

    # -- helpers -----------------------------------------------------------------------------------

    def _register(self, sync: dict[str, Any]) -> None:
        expires = None if self.context.quirk("vcf-expired-token-accepted") else float(sync["expiresAt"])
        self.scim.register(sync["tenant"], sync["token"], expires)

    def _record(self, idp_id: str, message: str) -> dict[str, Any]:
        for record in self.idps:
            if record["id"] == idp_id:
                return record
        raise vcf_error(NotFound, message, IDP_NOT_FOUND, idp_id)

    def _embedded(self) -> dict[str, Any]:
        return next(r for r in self.idps if r.get("type") == providers.EMBEDDED)

    def _externals(self) -> list[dict[str, Any]]:
        return [r for r in self.idps if r.get("type") != providers.EMBEDDED]

    def _external(self, idp_id: str) -> dict[str, Any]:
        record = self._record(idp_id, "Identity Provider not found")
        if record.get("type") == providers.EMBEDDED:
            raise vcf_error(
                BadRequest,
                "The embedded identity provider cannot be changed or deleted",
                "EMBEDDED_IDENTITY_PROVIDER_READ_ONLY",
                idp_id,
            )
        return record

    def _sources(self, idp_id: str) -> list[dict[str, Any]]:
        record = self._record(idp_id, "Identity Provider not found")
        if record.get("type") != providers.EMBEDDED:
            raise vcf_error(
                BadRequest,
                "Identity sources can only be managed on the embedded identity provider",
                "VALIDATION_FAILED",
                idp_id,
            )
        sources: list[dict[str, Any]] = record["identitySources"]
        return sources

    @staticmethod
    def _source_index(sources: list[dict[str, Any]], domain: str) -> int:
        for index, source in enumerate(sources):
            if domain in source["domainNames"]:
                if source["type"] in providers.BUILT_IN_SOURCES:
                    raise vcf_error(
                        BadRequest,
                        "Built-in identity sources cannot be changed or deleted",
                        "VALIDATION_FAILED",
                        domain,
                    )
                return index
        raise vcf_error(NotFound, "Identity Source not found", "IDENTITY_SOURCE_NOT_FOUND", domain)


def _check_record(index: int, record: dict[str, Any]) -> None:
    """An imported IdP is one the API could have made: the Embedded one has its name and sources,
    an external one a spec that ``POST /v1/identity-providers`` accepts (statefile.py); what the
    API derives from that spec (``source``, ``directoryId``) is filled in when a seed leaves it out."""
    try:
        if record.get("type") == providers.EMBEDDED:
            if "name" not in record or "identitySources" not in record:
                raise BadRequest("the Embedded identity provider needs name and identitySources")
        elif "spec" not in record:
            raise BadRequest("an external identity provider needs its spec")
        else:
            made = providers.external_record(record["spec"], record["id"])
            for derived in ("source", "directoryId"):
                record.setdefault(derived, made.get(derived))
    except BadRequest as exc:
        raise at(("vcf", "identity_providers", index), exc) from None
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise at(("vcf", "identity_providers", index, "spec"), BadRequest(f"malformed: {exc!r}")) from None
