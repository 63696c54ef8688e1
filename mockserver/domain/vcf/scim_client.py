"""VCF's client of the SCIM directories its federated IdPs push to (docs/vendor-facts.md §1.9, seed 004).

Each federated IdP syncs users and groups into its own SCIM directory. In the mock that directory
is the SCIM hub's tenant ``vcf-<idp id>`` (``/scim/<tenant>/v2`` on this server), reached through
the vendor context's ``directories``: created on first use, dropped with the IdP. A ``sync-client``
token is registered there with its expiry and revoked when it is rotated or its IdP deleted.
"""

from __future__ import annotations

from mockserver.domain.scim import Directories


def tenant_name(idp_id: str) -> str:
    """The hub tenant that is the SCIM directory of federated IdP ``idp_id``."""
    return f"vcf-{idp_id}"


class SyncDirectories:
    """The federated IdPs' SCIM directories: tenants of the hub, by name."""

    def __init__(self, directories: Directories) -> None:
        self.directories = directories

    def register(self, tenant: str, token: str, expires_at: float | None) -> None:
        """Accept ``token`` until ``expires_at`` (mock clock; None = never)."""
        self.directories.ensure(tenant).add_token(token, expires_at)

    def revoke(self, tenant: str, token: str) -> None:
        """Stop accepting ``token``."""
        self.directories.ensure(tenant).revoke_token(token)

    def drop(self, idp_id: str) -> None:
        """Delete the IdP's directory and everything in it."""
        self.directories.drop(tenant_name(idp_id))
