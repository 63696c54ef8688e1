"""SCIM 2.0 directories (RFC 7643 / RFC 7644): one per tenant, the hub every vendor syncs through.

``Directories`` (``tenants``) holds the tenants by name; a :class:`Directory` is one tenant's
users, groups and bearer tokens. Modules: ``schema`` (attribute definitions), ``paths`` and
``filter`` (RFC 7644 §3.4.2.2 grammar), ``evaluate``, ``query`` (paging, sorting, projection),
``listing``, ``validate``, ``patchop`` (reading PatchOp requests and paths, §3.5.2), ``patch``
(applying them), ``members``, ``options`` (per-tenant choices), ``directory`` (the store),
``tenants``, ``bulk`` (§3.7), ``discovery``.
``dialect`` names how another server reads SCIM: StackSpot's store
(``mockserver.domain.stackspot``) uses these same modules in its own dialect.
``compat``, ``compat_values`` and ``compat_valuepath`` are the client compatibility modes
(``options.compat``): what Entra ID, Okta and authentik send, read in RFC form; ``idp_faults``
plants bugs their replays catch.
"""

from __future__ import annotations

from mockserver.domain.planted import PlantedFault
from mockserver.domain.scim import idp_faults as idp
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


#: Bugs that break one identity provider's provisioning life cycle (``idp_faults``), three per IdP, each
#: caught by that IdP's replay step at the scenario level (``idsync verify --api scim --idp ...``).
IDP_FAULTS = (
    PlantedFault(
        name=idp.LOOKUP_MISSES,
        api="scim",
        level="scenario",
        catches="idp_entra_lookup_before_create",
        description="SCIM userName eq lookups find no user although one exists: Entra ID would create a duplicate",
    ),
    PlantedFault(
        name=idp.CAPITALISED_OP_REJECTED,
        api="scim",
        level="scenario",
        catches="idp_entra_patch_capitalised_ops",
        description="SCIM PATCH refuses Entra ID's capitalised op ('Replace') with 400, in compat mode entra too",
    ),
    PlantedFault(
        name=idp.MEMBER_BATCH_PARTIAL,
        api="scim",
        level="scenario",
        catches="idp_entra_group_member_batches",
        description="SCIM group PATCH adding or removing several members applies only the first member",
    ),
    PlantedFault(
        name=idp.START_INDEX_OFF_BY_ONE,
        api="scim",
        level="scenario",
        catches="idp_okta_lookup_before_create",
        description=(
            "SCIM list with count reads startIndex as 0-based: Okta's startIndex=1&count=100 lookup misses the user"
        ),
    ),
    PlantedFault(
        name=idp.PUT_DROPS_NAME,
        api="scim",
        level="scenario",
        catches="idp_okta_put_update",
        description="SCIM PUT /Users stores the user without the name it sent (Okta updates users with full PUTs)",
    ),
    PlantedFault(
        name=idp.ACTIVE_FALSE_IGNORED,
        api="scim",
        level="scenario",
        catches="idp_okta_deactivate_with_active_false",
        description='SCIM PATCH replace without path ignores "active": Okta\'s deactivation leaves the user active',
    ),
    PlantedFault(
        name=idp.CONFLICT_AS_BAD_REQUEST,
        api="scim",
        level="scenario",
        catches="idp_authentik_create_or_link",
        description="SCIM POST /Users with a taken userName answers 400 instead of 409: authentik never links the user",
    ),
    PlantedFault(
        name=idp.GROUP_RENAME_LOST,
        api="scim",
        level="scenario",
        catches="idp_authentik_group_patch",
        description="SCIM group PATCH replace without path ignores displayName: authentik's group rename is lost",
    ),
    PlantedFault(
        name=idp.DELETE_KEEPS_USER,
        api="scim",
        level="scenario",
        catches="idp_authentik_delete",
        description="SCIM DELETE /Users/{id} answers 204 and keeps the user",
    ),
)

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
    *IDP_FAULTS,
)
