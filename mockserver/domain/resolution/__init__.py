"""resolution SAML SSO User Sync: connectors pulling users from an IdP into Atlassian directories.

The IdP is a SCIM tenant of this server (reached through the vendor context's ``directories``),
so tests and clients change it over SCIM. Facts: docs/vendor-facts.md §2 and the vendor KB
https://wiki.resolution.de/doc/usersync/latest/knowledge-base/how-to-use-rest-api-with-user-sync.
"""

from mockserver.domain.planted import PlantedFault
from mockserver.domain.resolution.state import ResolutionState, SyncBusy

PLANTED_FAULTS = (
    PlantedFault(
        name="resolution-deleted-directory-still-syncs",
        api="resolution",
        level="scenario",
        catches="sync_after_directory_delete_fails_until_saved",
        description="after DELETE directory/{id} a sync silently re-creates the directory and succeeds",
    ),
    PlantedFault(
        name="resolution-counts-wrong",
        api="resolution",
        level="semantic",
        catches="resync_without_upstream_change_modifies_nothing",
        description="users that did not change are counted in updatedCount instead of notModifiedCount",
    ),
    PlantedFault(
        name="resolution-cleanup-deletes",
        api="resolution",
        level="semantic",
        catches="cleanup_disables_users_missing_upstream",
        description="the default cleanup (DISABLE) deletes users missing upstream instead of deactivating them",
    ),
)

__all__ = ["PLANTED_FAULTS", "ResolutionState", "SyncBusy"]
