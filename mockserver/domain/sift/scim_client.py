"""Sift's client of its organisation's SCIM server (docs/vendor-facts.md B2, B6).

Sift hosts one SCIM server per organisation for the IdP to provision (a Keycloak realm). In the
mock it is the SCIM hub's tenant ``sift-<organizationId>`` (``/scim/<tenant>/v2`` on this
server), reached through the vendor context's ``directories``. Sift does two things with it:
issue bearer tokens for the IdP (``GenerateToken``) and read the users and groups a sync
reconciles from (``SyncOrganization``).
"""

from __future__ import annotations

import contextlib
from typing import Any

from mockserver.domain.errors import FailedPrecondition, NotFound
from mockserver.domain.scim import Directories

Json = dict[str, Any]


def tenant_name(organization_id: str) -> str:
    """The hub tenant that is the organisation's SCIM server."""
    return f"sift-{organization_id}"


class OrgScimServer:
    """The organisation's SCIM server: one tenant of the hub."""

    def __init__(self, directories: Directories) -> None:
        self.directories = directories

    def add_token(self, tenant: str, token: str, expires_at: float | None) -> None:
        """Accept ``token`` until ``expires_at`` (mock clock; None = never); the tenant is created on first use."""
        self.directories.ensure(tenant).add_token(token, expires_at)

    def revoke_token(self, tenant: str, token: str) -> None:
        """Stop accepting ``token`` (a tenant that is gone has nothing to revoke)."""
        with contextlib.suppress(NotFound):
            self.directories.get(tenant).revoke_token(token)

    def read(self, tenant: str) -> tuple[list[Json], list[Json]]:
        """Every user and group of the tenant as SCIM resources (RFC 7643 §4).

        Inferred: a tenant that is gone (deleted over the admin API) is FAILED_PRECONDITION.
        """
        try:
            directory = self.directories.get(tenant)
        except NotFound:
            raise FailedPrecondition("the organization's SCIM server is gone; generate a token first") from None
        return directory.read_users(), directory.read_groups()  # only read by the reconciliation
