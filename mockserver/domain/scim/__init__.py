"""SCIM 2.0 directories (RFC 7643 / RFC 7644): one per tenant, the hub every vendor syncs through.

``Directories`` (``tenants``) holds the tenants by name; a :class:`Directory` is one tenant's
users, groups and bearer tokens. Modules: ``schema`` (attribute definitions), ``paths`` and
``filter`` (RFC 7644 §3.4.2.2 grammar), ``evaluate``, ``query`` (paging, sorting, projection),
``listing``, ``validate``, ``patchop`` (reading PatchOp requests and paths, §3.5.2), ``patch``
(applying them), ``members``, ``options`` (per-tenant choices), ``directory`` (the store),
``tenants``, ``bulk`` (§3.7), ``discovery``.
``dialect`` names how another server reads SCIM: StackSpot's store
(``mockserver.domain.stackspot``) uses these same modules in its own dialect.
"""

from __future__ import annotations

from mockserver.domain.planted import PlantedFault
from mockserver.domain.scim.directory import Directory, check_etag, etag_matches
from mockserver.domain.scim.listing import Page
from mockserver.domain.scim.options import TenantOptions
from mockserver.domain.scim.query import ListQuery
from mockserver.domain.scim.tenants import Directories

__all__ = [
    "FIELD_RENAMED",
    "PLANTED_FAULTS",
    "Directories",
    "Directory",
    "ListQuery",
    "Page",
    "TenantOptions",
    "check_etag",
    "etag_matches",
]

#: Wire-level planted bugs, applied by ``mockserver.apis.scim`` (caught by Schemathesis levels).
FIELD_RENAMED = "scim-list-field-renamed"

PLANTED_FAULTS = (
    PlantedFault(
        name=FIELD_RENAMED,
        api="scim",
        level="conformance",
        catches="response_schema_conformance",
        description="SCIM ListResponse says total_results instead of totalResults (RFC 7644 §3.4.2 field names)",
    ),
    PlantedFault(
        name="scim-total-results-page-size",
        api="scim",
        level="semantic",
        catches="paging_total_results_counts_every_match",
        description="SCIM list totalResults reports the page size instead of every match (RFC 7644 §3.4.2)",
    ),
    PlantedFault(
        name="scim-patch-not-atomic",
        api="scim",
        level="semantic",
        catches="patch_is_atomic",
        description="SCIM PATCH keeps the operations before a failing one (RFC 7644 §3.5.2 atomicity)",
    ),
    PlantedFault(
        name="scim-etag-not-bumped",
        api="scim",
        level="semantic",
        catches="etag_bumps_and_if_match",
        description="SCIM meta.version/ETag stays the same after a change, so If-Match cannot detect it",
    ),
    PlantedFault(
        name="scim-expired-token-accepted",
        api="scim",
        level="semantic",
        catches="expired_token_rejected",
        description="SCIM tenant keeps accepting a bearer token after its expiry on the mock clock",
    ),
)
