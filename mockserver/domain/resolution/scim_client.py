"""resolution's client of the IdP a connector pulls users from (docs/vendor-facts.md §2.7).

User Sync reads the IdP's users and groups on every sync. In the mock the IdP is a tenant of this
server's SCIM hub (the connector's ``upstreamScimTenant``, ``resolution-upstream`` by default),
reached through the vendor context's ``directories``; it accepts the API bearer tokens, so tests
and clients change the IdP over SCIM (``/scim/<tenant>/v2``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from mockserver.domain.errors import NotFound
from mockserver.domain.scim import Directories

Json = dict[str, Any]


class UpstreamIdp:
    """The IdPs the connectors sync from: tenants of the SCIM hub, by name."""

    def __init__(self, directories: Directories) -> None:
        self.directories = directories

    def prepare(self, tenant: str, tokens: Iterable[str]) -> None:
        """Make sure the tenant exists and, while it has no token of its own, accepts ``tokens``."""
        directory = self.directories.ensure(tenant)
        if not directory.tokens:
            for token in tokens:
                directory.add_token(token)

    def read(self, tenant: str) -> tuple[list[Json], list[Json]] | None:
        """Every user and group of the tenant as SCIM resources (RFC 7643 §4), or None when it is gone."""
        try:
            directory = self.directories.get(tenant)
        except NotFound:
            return None
        return list(directory.users()), list(directory.groups())
