"""Sift (siftstack) domain: external sync, user groups, users and roles (docs/vendor-facts.md part B).

``SiftState`` (``state``) is the records (``records``) plus the services the API calls
(``external_sync``, ``groups``, ``people``); :func:`reconcile` is the pure sync computation,
``paging`` the list rules (AIP-132, AIP-158) and ``scim_client`` the door to the org's SCIM tenant.
Planted faults (docs/style.md rules 7, 10) are declared here and tested at the buggy spot with
``context.quirk(name)``.
"""

from __future__ import annotations

from mockserver.domain.planted import planted
from mockserver.domain.sift.reconcile import SyncDiff, apply, reconcile
from mockserver.domain.sift.state import SiftState

PLANTED_FAULTS = (
    planted(
        "sift-second-sync-reports-changes",
        "SyncOrganization reports every already-active IdP user in addedToOrganizationUserIds on every run",
        catches="sync_twice_changes_nothing",
    ),
    planted(
        "sift-token-shown-in-get",
        "GET /api/v1/external-sync leaks the most recent SCIM token in externalSync.token",
        catches="token_shown_only_once",
    ),
    planted(
        "sift-deletes-instead-of-deactivates",
        "a user gone from the IdP is deleted (GetUser 404) instead of deactivated",
        catches="gone_users_are_deactivated_not_deleted",
    ),
    planted(
        "sift-token-never-expires",
        "generated SCIM tokens never expire, tokenLifetimeSeconds is ignored",
        catches="scim_token_expires_after_lifetime",
    ),
)

__all__ = ["PLANTED_FAULTS", "SiftState", "SyncDiff", "apply", "reconcile"]
