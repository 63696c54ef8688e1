"""VCF SDDC Manager identity (docs/vendor-facts.md §1): API tokens, identity providers, embedded
identity sources and the federated IdP's SCIM sync client token.

Modules: ``state`` (the identity providers and their rules), ``providers`` (records and their
rendering without secrets), ``tokens`` (``POST /v1/tokens``), ``errors`` (VCF error codes) and
``scim_client`` (the federated IdPs' SCIM directories in the hub).
"""

from __future__ import annotations

from mockserver.domain.planted import planted
from mockserver.domain.vcf.scim_client import tenant_name
from mockserver.domain.vcf.state import VcfState

PLANTED_FAULTS = (
    planted(
        "vcf-expired-token-accepted",
        "sync client tokens never expire at the SCIM directory",
        catches="sync_token_expires_at_expire_at",
    ),
    planted(
        "vcf-rotation-keeps-old-token",
        "sync-client does not revoke the previous token",
        catches="sync_client_rotation_revokes_previous",
    ),
    planted(
        "vcf-secret-echoed",
        "GET identity providers echoes client secrets and passwords",
        catches="secrets_never_echoed",
    ),
    planted(
        "vcf-access-token-never-expires",
        "access tokens from POST /v1/tokens are accepted after exp",
        catches="access_token_expires",
    ),
    planted(
        "vcf-second-external-idp-accepted",
        "a second external identity provider is accepted",
        catches="single_external_identity_provider",
    ),
)

__all__ = ["PLANTED_FAULTS", "VcfState", "tenant_name"]
