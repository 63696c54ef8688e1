"""``sift.external_sync.v1.ExternalSyncService`` (docs/vendor-facts.md B2, B5, B6).

The org's SCIM server is a tenant of this server's SCIM hub (Sift hosts a Keycloak realm; here
it is ``/scim/sift-<organizationId>/v2``, reached through :mod:`.scim_client`). ``GenerateToken``
creates that tenant on first use and adds a fresh bearer token valid for ``tokenLifetimeSeconds``
on the mock clock; ``SyncOrganization`` reconciles the org from the tenant (:mod:`.reconcile`)
and records a run. Inferred choices are listed in specs/README.md (sift section).
"""

from __future__ import annotations

import secrets
import uuid
from typing import Any

from mockserver.domain.errors import FailedPrecondition, NotFound
from mockserver.domain.heap import no_cyclic_gc
from mockserver.domain.limits import MAX_SIFT_RUNS, MAX_SIFT_TOKENS, MAX_SIFT_USERS
from mockserver.domain.sift.paging import ListQuery, select
from mockserver.domain.sift.reconcile import SyncDiff, apply, reconcile
from mockserver.domain.sift.records import SiftRecords, group_view, require_uuid, timestamp
from mockserver.domain.sift.scim_client import OrgScimServer, tenant_name

Json = dict[str, Any]
TRIGGER_MANUAL = "EXTERNAL_SYNC_RUN_TRIGGER_TYPE_MANUAL_USER"


class ExternalSync:
    """Tokens, syncs and run history of the one organisation."""

    def __init__(self, state: SiftRecords) -> None:
        self.state = state
        self.scim = OrgScimServer(state.context.directories)

    @property
    def tenant(self) -> str:
        """Name of the org's SCIM tenant in the hub."""
        return tenant_name(self.state.org["organizationId"])

    def view(self, origin: str) -> Json:
        """``ExternalSync``; proto3 ``optional`` fields are omitted while unset (docs/vendor-facts.md B1)."""
        config = self.state.external_sync or {}
        found: Json = {
            "organizationId": self.state.org["organizationId"],
            "scimServerUrl": f"{origin.rstrip('/')}/scim/{config['tenant']}/v2" if config else "",
            "tokenLifetimeSeconds": int(config.get("tokenLifetimeSeconds", 0)),
        }
        for key in ("mostRecentSyncDate", "tokenCreatedDate"):
            if key in config:
                found[key] = timestamp(config[key])
        for key in ("mostRecentSyncByUserId", "mostRecentTokenByUserId"):
            if key in config:
                found[key] = config[key]
        return found

    def generate_token(self, caller: str, origin: str) -> Json:
        """``POST /api/v1/external-sync:generate-token``: the token is returned only here.

        Inferred: earlier tokens stay valid until they expire (``ListExternalSyncTokens`` lists
        every token with its own lifetime, and there is no revoke RPC), but only the newest
        ``MAX_SIFT_TOKENS`` are kept: an older one is forgotten and stops working (limits.py).
        """
        state, now = self.state, self.state.now()
        token = "sift-scim-" + secrets.token_urlsafe(32)
        expires = None if state.context.quirk("sift-token-never-expires") else now + state.token_lifetime
        self.scim.add_token(self.tenant, token, expires)
        state.tokens.append(
            {
                "tokenId": str(uuid.uuid4()),
                "lifetimeSeconds": state.token_lifetime,
                "createdDate": now,
                "createdByUserId": caller,
                "token": token,
            }
        )
        for old in state.tokens[:-MAX_SIFT_TOKENS]:
            self.scim.revoke_token(self.tenant, old["token"])
        del state.tokens[:-MAX_SIFT_TOKENS]
        config = dict(state.external_sync or {})
        config.update(
            tenant=self.tenant,
            tokenLifetimeSeconds=state.token_lifetime,
            tokenCreatedDate=now,
            mostRecentTokenByUserId=caller,
        )
        state.external_sync = config
        return {"externalSync": self.view(origin), "token": token}

    def details(self, origin: str) -> Json:
        """``GET /api/v1/external-sync``: "does not include the token itself".

        Inferred: ``success`` is false (and ``scimServerUrl`` empty) until a token was generated.
        """
        found: Json = {"success": self.state.external_sync is not None, "externalSync": self.view(origin)}
        if self.state.context.quirk("sift-token-shown-in-get") and self.state.tokens:
            found["externalSync"]["token"] = self.state.tokens[-1]["token"]
        return found

    def is_provisioned(self) -> Json:
        """``GetIsOrgExternallyProvisioned``; Inferred: true once a SCIM token was generated."""
        return {"isExternallyProvisioned": self.state.external_sync is not None}

    def list_tokens(self, query: ListQuery) -> Json:
        """``ListExternalSyncTokens``: newest first (``created_date desc``); no filterable fields."""
        orders = {"created_date": lambda t: t["createdDate"]}
        items, token = select(self.state.tokens, query, filters={}, orders=orders, default_order="created_date desc")
        tokens = [
            {
                "tokenId": t["tokenId"],
                "lifetimeSeconds": t["lifetimeSeconds"],
                "createdDate": timestamp(t["createdDate"]),
                "createdByUserId": t["createdByUserId"],
            }
            for t in items
        ]
        return {"externalSyncTokens": tokens, "nextPageToken": token}

    def sync(self, caller: str, origin: str) -> Json:
        """``POST /api/v1/external-sync``: reconcile the org from its SCIM tenant (docs/vendor-facts.md B6 point 3).

        Inferred: FAILED_PRECONDITION before any token was generated (no SCIM server yet).
        """
        state = self.state
        if state.external_sync is None:
            raise FailedPrecondition("external sync is not configured for this organization; generate a token first")
        org = {"users": state.users, "groups": state.groups}
        with no_cyclic_gc():  # a view of every SCIM user and group is held throughout (mockserver.domain.heap)
            scim_users, scim_groups = self.scim.read(state.external_sync["tenant"])
            diff = reconcile(org, scim_users, scim_groups)
            now = state.now()
            apply(org, diff, now)
        if state.context.quirk("sift-deletes-instead-of-deactivates"):
            self._delete_users(diff.deactivated_user_ids)
        state.external_sync = {**state.external_sync, "mostRecentSyncDate": now, "mostRecentSyncByUserId": caller}
        state.runs.append(self._run(diff, caller, now))
        del state.runs[:-MAX_SIFT_RUNS]  # the oldest runs are forgotten (limits.py)
        self._forget_old_deactivated_users()
        return self._response(diff, origin)

    def _response(self, diff: SyncDiff, origin: str) -> Json:
        """``SyncOrganizationResponse``: all eight fields, arrays possibly empty (docs/vendor-facts.md B6 point 2)."""
        state = self.state
        added = list(diff.added_user_ids)
        if state.context.quirk("sift-second-sync-reports-changes"):
            added += [u for u in diff.managed_user_ids if u not in added and u not in diff.deactivated_user_ids]
        return {
            "externalSync": self.view(origin),
            "existingUserCount": diff.existing_user_count,
            "addedToOrganizationUserIds": added,
            "createdUsers": [state.user_view(state.users[uid]) for uid, _ in diff.created_users],
            "deactivatedUserIds": list(diff.deactivated_user_ids),
            "existingGroupCount": diff.existing_group_count,
            "createdUserGroups": [group_view(state.groups[g["userGroupId"]]) for g in diff.created_groups],
            "deletedUserGroupNames": [name for _, name in diff.deleted_groups],
        }

    def _run(self, diff: SyncDiff, caller: str, now: float) -> Json:
        """An ``ExternalSyncRun`` with its full diff (stored with an epoch ``syncedAt``)."""
        names = {u["userId"]: u["userName"] for u in self.state.users.values()} | dict(diff.created_users)
        changes = [("usersAddedToGroups", diff.memberships_added), ("usersRemovedFromGroups", diff.memberships_removed)]
        run_diff: Json = {
            "usersActivated": [{"userId": i, "userName": n} for i, n in diff.created_users]
            + [{"userId": i, "userName": names.get(i, "")} for i in diff.added_user_ids],
            "usersDeactivated": [{"userId": i, "userName": names.get(i, "")} for i in diff.deactivated_user_ids],
            "groupsCreated": [{"userGroupId": g["userGroupId"], "groupName": g["name"]} for g in diff.created_groups],
            "groupsDeleted": [{"userGroupId": i, "groupName": n} for i, n in diff.deleted_groups],
        }
        for key, items in changes:
            run_diff[key] = [
                {
                    "userId": m.user_id,
                    "userName": m.user_name,
                    "userGroupId": m.user_group_id,
                    "groupName": m.group_name,
                }
                for m in items
            ]
        return {
            "externalSyncRunId": str(uuid.uuid4()),
            "syncedAt": now,
            "triggerType": TRIGGER_MANUAL,
            "triggeredByUserId": caller,
            "diff": run_diff,
        }

    def _forget_old_deactivated_users(self) -> None:
        """Users are deactivated, never deleted, so a create-delete loop upstream grows the org:
        past ``MAX_SIFT_USERS`` the oldest deactivated managed users are forgotten (limits.py)."""
        excess = len(self.state.users) - MAX_SIFT_USERS
        if excess > 0:
            gone = [u["userId"] for u in self.state.users.values() if u["membership"] == "deactivated" and u["managed"]]
            self._delete_users(gone[:excess])

    def _delete_users(self, user_ids: list[str]) -> None:
        """Planted fault ``sift-deletes-instead-of-deactivates``: the user record disappears."""
        for user_id in user_ids:
            self.state.users.pop(user_id, None)
            for group in self.state.groups.values():
                group["userIds"] = [u for u in group["userIds"] if u != user_id]

    def list_runs(self, query: ListQuery) -> Json:
        """``ListExternalSyncRuns``: "newest first by default"; Inferred: ``orderBy`` field ``synced_at``."""
        orders = {"synced_at": lambda r: r["syncedAt"]}
        runs = list(reversed(self.state.runs))  # stable newest-first for equal timestamps
        items, token = select(runs, query, filters={}, orders=orders, default_order="synced_at desc")
        return {"externalSyncRunSummaries": [_summary(r) for r in items], "nextPageToken": token}

    def get_run(self, run_id: str) -> Json:
        """``GetExternalSyncRun``: the full diff; unknown id → NOT_FOUND."""
        wanted = require_uuid(run_id, "external_sync_run_id")
        for run in self.state.runs:
            if run["externalSyncRunId"] == wanted:
                return {"externalSyncRun": {**_run_head(run), "diff": run["diff"]}}
        raise NotFound(f"external sync run {run_id} not found")


def _run_head(run: Json) -> Json:
    return {
        "externalSyncRunId": run["externalSyncRunId"],
        "syncedAt": timestamp(run["syncedAt"]),
        "triggerType": run["triggerType"],
        "triggeredByUserId": run["triggeredByUserId"],
    }


def _summary(run: Json) -> Json:
    """``ExternalSyncRunSummary``: the run's head and one count per diff list."""
    diff = run["diff"]
    counts = {
        "usersActivatedCount": "usersActivated",
        "usersDeactivatedCount": "usersDeactivated",
        "groupsCreatedCount": "groupsCreated",
        "groupsDeletedCount": "groupsDeleted",
        "usersAddedToGroupsCount": "usersAddedToGroups",
        "usersRemovedFromGroupsCount": "usersRemovedFromGroups",
    }
    return {**_run_head(run), **{k: len(diff[v]) for k, v in counts.items()}}
