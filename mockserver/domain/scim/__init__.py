"""SCIM 2.0 directories (RFC 7643 / RFC 7644): one per tenant, the hub every vendor syncs through.

``Directories`` holds the tenants by name; a :class:`Directory` is one tenant's users,
groups and bearer tokens. Modules: ``schema`` (attribute definitions), ``paths`` and
``filter`` (RFC 7644 §3.4.2.2 grammar), ``evaluate``, ``query`` (paging, sorting, projection),
``listing``, ``validate``, ``patchop`` (reading PatchOp requests and paths, §3.5.2), ``patch``
(applying them), ``members``, ``directory`` (the store), ``discovery``. ``dialect`` names how
another server reads SCIM: StackSpot's store (``mockserver.domain.stackspot``) uses these same
modules in its own dialect.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mockserver.domain.clock import Clock
from mockserver.domain.errors import NotFound
from mockserver.domain.planted import planted
from mockserver.domain.scim.directory import Directory, check_etag, etag_matches
from mockserver.domain.scim.listing import Page
from mockserver.domain.scim.query import ListQuery
from mockserver.domain.scim.schema import GROUP_TYPE, USER_TYPE

__all__ = [
    "FIELD_RENAMED",
    "PLANTED_FAULTS",
    "Directories",
    "Directory",
    "ListQuery",
    "Page",
    "check_etag",
    "etag_matches",
]

#: Wire-level planted bugs, applied by ``mockserver.apis.scim`` (caught by Schemathesis levels).
FIELD_RENAMED = "scim-list-field-renamed"

PLANTED_FAULTS = (
    planted(
        FIELD_RENAMED,
        "SCIM ListResponse says total_results instead of totalResults (RFC 7644 §3.4.2 field names)",
        catches="response_schema_conformance",
    ),
    planted(
        "scim-total-results-page-size",
        "SCIM list totalResults reports the page size instead of every match (RFC 7644 §3.4.2)",
        catches="paging_total_results_counts_every_match",
    ),
    planted(
        "scim-patch-not-atomic",
        "SCIM PATCH keeps the operations before a failing one (RFC 7644 §3.5.2 atomicity)",
        catches="patch_is_atomic",
    ),
    planted(
        "scim-etag-not-bumped",
        "SCIM meta.version/ETag stays the same after a change, so If-Match cannot detect it",
        catches="etag_bumps_and_if_match",
    ),
    planted(
        "scim-expired-token-accepted",
        "SCIM tenant keeps accepting a bearer token after its expiry on the mock clock",
        catches="expired_token_rejected",
    ),
)


class Directories:
    """All tenants by name. ``quirk`` is the world's planted-fault test (mockserver.domain.planted)."""

    def __init__(self, clock: Clock, quirk: Callable[[str], bool] | None = None) -> None:
        self.clock = clock
        self._by_name: dict[str, Directory] = {}
        self.quirk = quirk or _no_quirk

    def get(self, name: str) -> Directory:
        """The tenant ``name``; :class:`NotFound` if there is none."""
        try:
            return self._by_name[name]
        except KeyError:
            raise NotFound(f"SCIM tenant {name!r} not found") from None

    def ensure(self, name: str) -> Directory:
        """The tenant ``name``, created empty if missing."""
        if name not in self._by_name:
            self._by_name[name] = Directory(name, self.clock, lambda q: self.quirk(q))
        return self._by_name[name]

    def drop(self, name: str) -> None:
        """Delete the tenant and everything in it."""
        self._by_name.pop(name, None)

    def names(self) -> list[str]:
        """Tenant names, sorted."""
        return sorted(self._by_name)

    def load(self, data: dict[str, Any]) -> None:
        """Replace all tenants from the seed's ``scim`` section (``{tenants: {name: {tokens, users, groups}}}``).

        Tokens are strings or ``{token, expires_at}``; users and groups are SCIM resources,
        with or without ``id``/``meta`` (kept when given, so ``load(export())`` round-trips).
        """
        self._by_name = {}
        for name, tenant in (data.get("tenants") or {}).items():
            directory = self.ensure(str(name))
            tenant = tenant or {}
            for token in tenant.get("tokens") or []:
                if isinstance(token, dict):
                    directory.add_token(str(token["token"]), token.get("expires_at"))
                else:
                    directory.add_token(str(token))
            for user in tenant.get("users") or []:
                directory.load_resource(USER_TYPE, user)
            for group in tenant.get("groups") or []:
                directory.load_resource(GROUP_TYPE, group, check_members=False)
            directory.check_all_members()

    def export(self) -> dict[str, Any]:
        """Seed-shaped state; ``load(export())`` gives an identical state."""
        return {"tenants": {n: d.export() for n, d in self._by_name.items()}}


def _no_quirk(name: str) -> bool:
    return False
