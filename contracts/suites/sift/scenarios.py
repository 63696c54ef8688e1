"""Sift documented scenarios and semantic properties, each a plain check over a Target (docs/vendor-facts.md part B)."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from contracts.scenario import contract, require
from contracts.suites.sift.idp import (
    CHANGE_LISTS,
    GATEWAY,
    IDP_DOC,
    PATCH_OP,
    PROTO,
    SYNC_DOC,
    USER_GROUPS_PROTO,
    Idp,
    created_ids,
)
from contracts.target import Target


@contract("sift", level="scenario", source=IDP_DOC)
def sync_creates_pushed_users_and_external_groups(target: Target) -> None:
    """Users and groups pushed by the IdP appear in Sift after a sync, groups as external groups."""
    idp = Idp(target)
    try:
        ada, bob = idp.user("ada"), idp.user("bob")
        eng = idp.group("eng", [ada])
        body = idp.sync()
        created = created_ids(body)
        require({ada["userName"], bob["userName"]} <= set(created), "new IdP users are created", IDP_DOC, str(body))
        groups = [g for g in body["createdUserGroups"] if g["name"] == eng["displayName"]]
        require(
            len(groups) == 1 and groups[0]["isExternal"] is True,
            "IdP groups become external groups",
            IDP_DOC,
            str(body),
        )
        require(
            groups[0]["userIds"] == [created[ada["userName"]]],
            "external group membership is the IdP's",
            IDP_DOC,
            str(groups),
        )
        fetched = idp.sift.get(f"/api/v2/user-groups/{groups[0]['userGroupId']}")
        require(
            fetched.status_code == 200 and fetched.json()["userGroup"]["isExternal"],
            "created group is readable",
            SYNC_DOC,
        )
    finally:
        idp.close()


@contract("sift", level="semantic", source=IDP_DOC + " (account matches the IdP; a second run finds nothing to do)")
def sync_twice_changes_nothing(target: Target) -> None:
    """A second sync with no upstream change reports no change and counts everything as existing."""
    idp = Idp(target)
    try:
        ada = idp.user("ada")
        idp.group("ops", [ada])
        first = idp.sync()
        second = idp.sync()
        changed = {k: second[k] for k in CHANGE_LISTS if second[k]}
        require(not changed, "a repeated sync changes nothing", IDP_DOC, f"second sync reported {changed}")
        require(
            second["existingUserCount"] >= 1 and second["existingGroupCount"] >= 1,
            "existing counts",
            IDP_DOC,
            str(second),
        )
        require(second["existingUserCount"] >= first["existingUserCount"], "existing users do not shrink", IDP_DOC)
    finally:
        idp.close()


@contract(
    "sift",
    level="semantic",
    source=PROTO + " (ExternalSyncToken: the token value is not returned after it is first generated)",
)
def token_shown_only_once(target: Target) -> None:
    """The token appears only in the GenerateToken response, never in GetExternalSync or ListExternalSyncTokens."""
    idp = Idp(target)
    try:
        details = idp.sift.get("/api/v1/external-sync")
        require(
            details.status_code == 200 and details.json()["success"] is True,
            "GetExternalSync succeeds",
            SYNC_DOC,
            details.text,
        )
        require(idp.token not in details.text, "GetExternalSync does not include the token itself", PROTO, details.text)
        require(
            details.json()["externalSync"]["scimServerUrl"] == idp.generated["externalSync"]["scimServerUrl"],
            "same SCIM URL",
            PROTO,
        )
        listed = idp.sift.get("/api/v1/external-sync:list-tokens")
        require(
            listed.status_code == 200 and idp.token not in listed.text,
            "ListExternalSyncTokens hides the token",
            PROTO,
            listed.text,
        )
        dates = [t["createdDate"] for t in listed.json()["externalSyncTokens"]]
        require(
            dates == sorted(dates, reverse=True),
            "tokens are listed newest first (created_date desc)",
            PROTO,
            str(dates),
        )
    finally:
        idp.close()


@contract(
    "sift", level="scenario", source=IDP_DOC + "; https://docs.siftstack.com/documentation/manage/manage-user-access"
)
def gone_users_are_deactivated_not_deleted(target: Target) -> None:
    """Users deleted or set inactive in the IdP are deactivated in Sift, still readable, no longer active."""
    idp = Idp(target)
    try:
        gone, inactive = idp.user("gone"), idp.user("inactive")
        ids = created_ids(idp.sync())
        require(idp.scim.delete(f"/Users/{gone['id']}").status_code == 204, "SCIM DELETE works", "RFC 7644 §3.6")
        patch = {
            "schemas": [PATCH_OP],
            "Operations": [{"op": "replace", "path": "active", "value": False}],
        }
        require(
            idp.scim.patch(f"/Users/{inactive['id']}", json=patch).status_code == 200,
            "SCIM PATCH works",
            "RFC 7644 §3.5.2",
        )
        body = idp.sync()
        wanted = {ids[gone["userName"]], ids[inactive["userName"]]}
        require(
            wanted <= set(body["deactivatedUserIds"]), "gone and inactive users are deactivated", IDP_DOC, str(body)
        )
        active = {u["userId"] for u in idp.sift.get("/api/v2/users", params={"pageSize": 1000}).json()["users"]}
        require(not wanted & active, "deactivated users are not active", IDP_DOC)
        for user_id in wanted:
            fetched = idp.sift.get(f"/api/v2/users/{user_id}")
            require(
                fetched.status_code == 200,
                "a deactivated user is not deleted",
                IDP_DOC,
                f"GET user {user_id}: {fetched.status_code}",
            )
    finally:
        idp.close()


@contract("sift", level="scenario", source=IDP_DOC + " (create or delete external groups)")
def external_groups_deleted_by_name_internal_untouched(target: Target) -> None:
    """A group removed upstream is deleted and reported by name; internal groups never change."""
    idp = Idp(target)
    try:
        internal_before = _internal_groups(idp.sift)
        group = idp.group("temp", [idp.user("member")])
        idp.sync()
        require(idp.scim.delete(f"/Groups/{group['id']}").status_code == 204, "SCIM DELETE works", "RFC 7644 §3.6")
        body = idp.sync()
        require(
            group["displayName"] in body["deletedUserGroupNames"],
            "deleted groups reported by name",
            SYNC_DOC,
            str(body),
        )
        require(
            _internal_groups(idp.sift) == internal_before, "internal and default groups untouched by a sync", IDP_DOC
        )
    finally:
        idp.close()


def _internal_groups(sift: httpx.Client) -> list[dict[str, Any]]:
    listed = sift.get("/api/v2/user-groups", params={"pageSize": 1000}).json()["userGroups"]
    return sorted((g for g in listed if not g["isExternal"]), key=lambda g: g["userGroupId"])


@contract("sift", level="semantic", source=PROTO + " (ListExternalSyncRuns, GetExternalSyncRun)")
def runs_recorded_with_full_diff(target: Target) -> None:
    """Each sync appends a run (newest first) whose diff lists what the response reported."""
    idp = Idp(target)
    try:
        idp.user("runner")
        body = idp.sync()
        runs = idp.sift.get("/api/v1/external-sync:list-runs").json()["externalSyncRunSummaries"]
        require(runs, "a sync records a run", PROTO)
        run = idp.sift.get(f"/api/v1/external-sync/runs/{runs[0]['externalSyncRunId']}").json()["externalSyncRun"]
        activated = {u["userId"] for u in run["diff"]["usersActivated"]}
        reported = set(created_ids(body).values()) | set(body["addedToOrganizationUserIds"])
        require(
            activated == reported, "the newest run's diff is this sync's change", PROTO, f"{activated} != {reported}"
        )
        require(runs[0]["usersActivatedCount"] == len(activated), "summary counts match the diff", PROTO)
    finally:
        idp.close()


@contract("sift", level="semantic", source=GATEWAY + "; " + USER_GROUPS_PROTO)
def errors_are_rpc_status_and_change_nothing(target: Target) -> None:
    """Bad UUIDs, unknown ids, bad masks and missing keys give rpcStatus with the gRPC code, state unchanged."""
    sift = target.client("sift")
    before = sift.get("/api/v2/user-groups", params={"pageSize": 1000}).json()
    group_id = before["userGroups"][0]["userGroupId"]
    cases = [
        (sift.get("/api/v2/user-groups/not-a-uuid"), 400, 3),
        (sift.get(f"/api/v2/user-groups/{uuid.uuid4()}"), 404, 5),
        (
            sift.patch(f"/api/v2/user-groups/{group_id}", json={"userGroup": {"name": "x"}, "updateMask": "userIds"}),
            400,
            3,
        ),
        (sift.post("/api/v2/user-groups:add-user", params={"userGroupId": group_id, "userId": "nope"}), 400, 3),
        (httpx.get(f"{target.base_url('sift')}/api/v2/user-groups"), 401, 16),
        (httpx.get(f"{target.base_url('sift')}/api/v2/roles", headers={"Authorization": "Bearer wrong"}), 401, 16),
    ]
    for response, status, code in cases:
        body = response.json() if "json" in response.headers.get("content-type", "") else {}
        evidence = f"{response.request.method} {response.request.url}: {response.status_code} {response.text}"
        require(
            response.status_code == status and body.get("code") == code,
            f"HTTP {status} with gRPC code {code}",
            GATEWAY,
            evidence,
        )
        require(
            isinstance(body.get("message"), str) and isinstance(body.get("details"), list),
            "rpcStatus body",
            GATEWAY,
            evidence,
        )
    after = sift.get("/api/v2/user-groups", params={"pageSize": 1000}).json()
    require(after == before, "rejected requests change nothing", GATEWAY)


@contract("sift", level="semantic", source="sift-stack/sift protos (page_size, page_token, next_page_token)")
def pagination_walks_every_item_once(target: Target) -> None:
    """pageSize bounds each page, nextPageToken walks every role exactly once and is empty at the end."""
    sift = target.client("sift")
    everything = sift.get("/api/v2/roles", params={"pageSize": 1000}).json()
    seen: list[str] = []
    token = ""
    for _ in range(len(everything["roles"]) + 1):
        page = sift.get("/api/v2/roles", params={"pageSize": 1, **({"pageToken": token} if token else {})}).json()
        require(len(page["roles"]) <= 1, "pageSize bounds the page", "AIP-158")
        seen += [r["roleId"] for r in page["roles"]]
        token = page.get("nextPageToken", "")
        if not token:
            break
    require(
        seen == [r["roleId"] for r in everything["roles"]],
        "pages cover every item once, in order",
        "AIP-158",
        str(seen),
    )
    require(everything.get("nextPageToken", "") == "", "the last page has an empty nextPageToken", "AIP-158")


@contract("sift", level="scenario", source=PROTO + " (token_lifetime_seconds)", needs=("admin",))
def scim_token_expires_after_lifetime(target: Target) -> None:
    """The SCIM token works until tokenLifetimeSeconds have passed on the clock, then the SCIM URL answers 401."""
    assert target.admin is not None
    idp = Idp(target)
    try:
        lifetime = int(idp.generated["externalSync"]["tokenLifetimeSeconds"])
        require(lifetime > 0, "tokenLifetimeSeconds is positive", PROTO, str(lifetime))
        require(idp.scim.get("/Users").status_code == 200, "a fresh token is accepted by the SCIM server", PROTO)
        target.admin.advance_clock(lifetime + 1)
        expired = idp.scim.get("/Users")
        require(
            expired.status_code == 401,
            "an expired token is rejected (RFC 6750 §3.1)",
            PROTO,
            f"{expired.status_code} {expired.text}",
        )
    finally:
        idp.close()
