"""authentik 2025.8 (docs/vendor-facts.md A1-A11): core users and groups, SCIM providers, their
connections, and the outbound SCIM push of one object (``sync/object``).

Modules: ``state`` (providers, connections, sync bookkeeping), ``core`` / ``core_lists`` (users
and groups, their list filters), ``values`` (DRF renderings, the fresh install), ``accounts`` (the
user actions: ``me``, service accounts, passwords, impersonation, recovery), ``links`` (provider
↔ remote-object connections), ``paging`` (DRF search, ordering, pages), ``sync`` (the push task),
``scim_client`` (the outbound SCIM HTTP client) with ``scim_users`` / ``scim_groups`` (what it
writes per object type).
"""

from __future__ import annotations

from mockserver.domain.authentik import accounts
from mockserver.domain.authentik.accounts import ImpersonationDenied
from mockserver.domain.authentik.core_lists import list_groups, list_users, user_paths
from mockserver.domain.authentik.state import AuthentikState
from mockserver.domain.authentik.sync import sync_object
from mockserver.domain.planted import PlantedFault

PLANTED_FAULTS = (
    PlantedFault(
        name="authentik-auth-ignored",
        api="authentik",
        level="semantic",
        catches="wrong_token_is_403",
        description="any bearer token is accepted by the authentik API",
    ),
    PlantedFault(
        name="authentik-push-without-members",
        api="authentik",
        level="scenario",
        catches="group_sync_pushes_members",
        description="sync/object pushes a group without its members",
    ),
    PlantedFault(
        name="authentik-inactive-pushed-active",
        api="authentik",
        level="scenario",
        catches="inactive_user_is_put_with_active_false",
        description="an inactive user is pushed with active: true",
    ),
    PlantedFault(
        name="authentik-dry-run-writes",
        api="authentik",
        level="scenario",
        catches="dry_run_sends_no_writes",
        description="a dry_run provider still sends POST/PUT/PATCH to the target",
    ),
)

__all__ = [
    "PLANTED_FAULTS",
    "AuthentikState",
    "ImpersonationDenied",
    "accounts",
    "list_groups",
    "list_users",
    "sync_object",
    "user_paths",
]
