"""VCF SDDC Manager identity (docs/vendor-facts.md §1): API tokens, identity providers, embedded
identity sources and the federated IdP's SCIM sync client token.

Modules: ``state`` (the identity providers and their rules), ``providers`` (records and their
rendering without secrets), ``tokens`` (``POST /v1/tokens``), ``errors`` (VCF error codes) and
``scim_client`` (the federated IdPs' SCIM directories in the hub).
"""

from __future__ import annotations

from mockserver.domain.planted import PlantedFault
from mockserver.domain.vcf.scim_client import tenant_name
from mockserver.domain.vcf.state import VcfState

PLANTED_FAULTS = (
    PlantedFault(
        name="vcf-expired-token-accepted",
        api="vcf",
        level="scenario",
        catches="sync_token_expires_at_expire_at",
        description="sync client tokens never expire at the SCIM directory",
    ),
    PlantedFault(
        name="vcf-rotation-keeps-old-token",
        api="vcf",
        level="scenario",
        catches="sync_client_rotation_revokes_previous",
        description="sync-client does not revoke the previous token",
    ),
    PlantedFault(
        name="vcf-secret-echoed",
        api="vcf",
        level="semantic",
        catches="secrets_never_echoed",
        description="GET identity providers echoes client secrets and passwords",
    ),
    PlantedFault(
        name="vcf-access-token-never-expires",
        api="vcf",
        level="semantic",
        catches="access_token_expires",
        description="access tokens from POST /v1/tokens are accepted after exp",
    ),
    PlantedFault(
        name="vcf-second-external-idp-accepted",
        api="vcf",
        level="semantic",
        catches="single_external_identity_provider",
        description="a second external identity provider is accepted",
    ),
)

__all__ = ["PLANTED_FAULTS", "VcfState", "tenant_name"]
