"""Sift (siftstack) domain: external sync, user groups, users and roles (docs/vendor-facts.md part B).

``SiftState`` (``state``) is the records (``records``) plus the services the API calls
(``external_sync``, ``groups``, ``people``); :func:`reconcile` is the pure sync computation,
``paging`` the list rules (AIP-132, AIP-158) and ``scim_client`` the door to the org's SCIM tenant.
Planted faults (docs/style.md rules 7, 10) are declared here and tested at the buggy spot with
``context.quirk(name)``.
"""

from __future__ import annotations

from mockserver.domain.planted import PlantedFault
from mockserver.domain.sift.reconcile import SyncDiff, apply, reconcile
from mockserver.domain.sift.state import SiftState

PLANTED_FAULTS = (
    PlantedFault(
        name="sift-second-sync-reports-changes",
        api="sift",
        level="semantic",
        catches="sync_twice_changes_nothing",
        description="SyncOrganization reports every already-active IdP user in addedToOrganizationUserIds on every run",
    ),
    PlantedFault(
        name="sift-token-shown-in-get",
        api="sift",
        level="semantic",
        catches="token_shown_only_once",
        description="GET /api/v1/external-sync leaks the most recent SCIM token in externalSync.token",
    ),
    PlantedFault(
        name="sift-deletes-instead-of-deactivates",
        api="sift",
        level="scenario",
        catches="gone_users_are_deactivated_not_deleted",
        description="a user gone from the IdP is deleted (GetUser 404) instead of deactivated",
    ),
    PlantedFault(
        name="sift-token-never-expires",
        api="sift",
        level="scenario",
        catches="scim_token_expires_after_lifetime",
        description="generated SCIM tokens never expire, tokenLifetimeSeconds is ignored",
    ),
)

__all__ = ["PLANTED_FAULTS", "SiftState", "SyncDiff", "apply", "reconcile"]
