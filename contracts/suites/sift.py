"""Sift External Sync contracts: semantic properties and documented scenarios (research part B).

Every check arranges its own upstream state through the public API: ``:generate-token`` gives a
SCIM URL and token, the check pushes users and groups there over SCIM 2.0 (RFC 7644 §3.3) as an
IdP would, then calls ``POST /api/v1/external-sync``. Names carry a random suffix so the checks
do not depend on each other or on a reset. Only the token-expiry check needs the admin API (to
move the clock).
"""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from contracts.scenario import contract, require
from contracts.target import Target

SYNC_DOC = "https://docs.siftstack.com/api-reference/externalsyncservice/syncorganization"
IDP_DOC = "https://docs.siftstack.com/documentation/manage/connect-an-identity-provider"
PROTO = "sift-stack/sift protos/sift/external_sync/v1/external_sync.proto"
GATEWAY = "grpc-gateway runtime.HTTPStatusFromCode; Sift openapi.json rpcStatus"
USER_GROUPS_PROTO = "sift-stack/sift protos/sift/user_groups/v2/user_groups.proto"
SCIM_JSON = {"Content-Type": "application/scim+json"}
USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group"
PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
SYNC_FIELDS = (
    "externalSync",
    "existingUserCount",
    "addedToOrganizationUserIds",
    "createdUsers",
    "deactivatedUserIds",
    "existingGroupCount",
    "createdUserGroups",
    "deletedUserGroupNames",
)
CHANGE_LISTS = (
    "addedToOrganizationUserIds",
    "createdUsers",
    "deactivatedUserIds",
    "createdUserGroups",
    "deletedUserGroupNames",
)


class Idp:
    """An IdP holding the SCIM URL and token Sift handed out (docs: Manage → Generate Token)."""

    def __init__(self, target: Target) -> None:
        self.sift = target.client("sift")
        generated = self.sift.post("/api/v1/external-sync:generate-token", json={})
        require(generated.status_code == 200, "GenerateToken answers 200", SYNC_DOC, generated.text)
        self.generated: dict[str, Any] = generated.json()
        self.token: str = self.generated["token"]
        self.url: str = self.generated["externalSync"]["scimServerUrl"].rstrip("/")
        self.scim = httpx.Client(
            base_url=self.url, headers={"Authorization": f"Bearer {self.token}", **SCIM_JSON}, timeout=30
        )
        self.suffix = uuid.uuid4().hex[:8]

    def user(self, name: str, *, active: bool = True) -> dict[str, Any]:
        body = {"schemas": [USER_SCHEMA], "userName": f"{name}-{self.suffix}@example.com", "active": active}
        created = self.scim.post("/Users", json=body)
        require(
            created.status_code == 201,
            "the SCIM server Sift hands out accepts POST /Users",
            "RFC 7644 §3.3",
            created.text,
        )
        return dict(created.json())

    def group(self, name: str, members: list[dict[str, Any]]) -> dict[str, Any]:
        body = {
            "schemas": [GROUP_SCHEMA],
            "displayName": f"{name}-{self.suffix}",
            "members": [{"value": m["id"]} for m in members],
        }
        created = self.scim.post("/Groups", json=body)
        require(
            created.status_code == 201,
            "the SCIM server Sift hands out accepts POST /Groups",
            "RFC 7644 §3.3",
            created.text,
        )
        return dict(created.json())

    def sync(self) -> dict[str, Any]:
        synced = self.sift.post("/api/v1/external-sync", json={})
        require(synced.status_code == 200, "SyncOrganization answers 200", SYNC_DOC, synced.text)
        body: dict[str, Any] = synced.json()
        missing = [f for f in SYNC_FIELDS if f not in body]
        require(not missing, "SyncOrganizationResponse carries all eight fields", SYNC_DOC, f"missing {missing}")
        return body

    def close(self) -> None:
        self.scim.close()


def _created_ids(body: dict[str, Any]) -> dict[str, str]:
    return {u["userName"]: u["userId"] for u in body["createdUsers"]}


@contract("sift", level="scenario", source=IDP_DOC)
def sync_creates_pushed_users_and_external_groups(target: Target) -> None:
    """Users and groups pushed by the IdP appear in Sift after a sync, groups as external groups."""
    idp = Idp(target)
    try:
        ada, bob = idp.user("ada"), idp.user("bob")
        eng = idp.group("eng", [ada])
        body = idp.sync()
        created = _created_ids(body)
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
        ids = _created_ids(idp.sync())
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
        reported = set(_created_ids(body).values()) | set(body["addedToOrganizationUserIds"])
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


class _Model:
    """Reference model of one IdP history and of what Sift should hold for it (research B6 point 3).

    ``upstream``: userName → active flag (absent = not in SCIM); ``sift``: userName → ``active`` or
    ``deactivated`` for users a sync has seen. ``groups``: name → (SCIM id, member userNames) upstream;
    ``synced``: SCIM id → name of the external groups Sift holds (matched by SCIM id). Only this
    model's own names (random suffix) are compared, so the check also runs against a shared,
    non-empty organisation.
    """

    def __init__(self) -> None:
        self.upstream: dict[str, bool] = {}
        self.sift: dict[str, str] = {}
        self.groups: dict[str, tuple[str, list[str]]] = {}
        self.synced: dict[str, str] = {}

    def expected(self) -> dict[str, set[str]]:
        active = {n for n, on in self.upstream.items() if on}
        return {
            "created": active - set(self.sift),
            "added": {n for n in active if self.sift.get(n) == "deactivated"},
            "deactivated": {n for n, s in self.sift.items() if s == "active" and n not in active},
            "groups_created": {n for n, (gid, _) in self.groups.items() if gid not in self.synced},
            "groups_deleted": {n for gid, n in self.synced.items() if gid not in {g for g, _ in self.groups.values()}},
        }

    def apply(self) -> None:
        active = {n for n, on in self.upstream.items() if on}
        self.sift.update({n: "active" for n in active})
        self.sift.update({n: "deactivated" for n in self.sift if n not in active})
        self.synced = {gid: n for n, (gid, _) in self.groups.items()}


class _Upstream:
    """Drives the SCIM server to a wanted snapshot and checks each sync against :class:`_Model`."""

    def __init__(self, target: Target) -> None:
        self.idp = Idp(target)
        self.model = _Model()
        self.scim_ids: dict[str, str] = {}
        self.group_ids: dict[str, str] = {}
        self.sift_ids: dict[str, str] = {}
        self.sift_groups: dict[str, str] = {}

    def reach(self, users: dict[str, bool], groups: dict[str, list[str]]) -> None:
        """Create, PATCH and DELETE over SCIM until upstream holds exactly ``users`` and ``groups``."""
        for short, active in users.items():
            name = f"{short}-{self.idp.suffix}@example.com"
            if name not in self.scim_ids:
                self.scim_ids[name] = self.idp.user(short, active=active)["id"]
            elif self.model.upstream[name] != active:
                self._patch(f"/Users/{self.scim_ids[name]}", {"op": "replace", "path": "active", "value": active})
            self.model.upstream[name] = active
        for name in [n for n in self.scim_ids if n.split("-")[0] not in users]:
            self.idp.scim.delete(f"/Users/{self.scim_ids.pop(name)}")
            del self.model.upstream[name]
        for short, members in groups.items():
            wanted = [f"{m}-{self.idp.suffix}@example.com" for m in members if m in users]
            value = [{"value": self.scim_ids[m]} for m in wanted]
            if short in self.group_ids:
                self._patch(f"/Groups/{self.group_ids[short]}", {"op": "replace", "path": "members", "value": value})
            else:
                body = {"schemas": [GROUP_SCHEMA], "displayName": f"{short}-{self.idp.suffix}", "members": value}
                self.group_ids[short] = self.idp.scim.post("/Groups", json=body).json()["id"]
            self.model.groups[f"{short}-{self.idp.suffix}"] = (self.group_ids[short], wanted)
        for short in [g for g in self.group_ids if g not in groups]:
            self.idp.scim.delete(f"/Groups/{self.group_ids.pop(short)}")
            del self.model.groups[f"{short}-{self.idp.suffix}"]

    def _patch(self, path: str, op: dict[str, Any]) -> None:
        patched = self.idp.scim.patch(path, json={"schemas": [PATCH_OP], "Operations": [op]})
        require(patched.status_code in (200, 204), "the SCIM server accepts PATCH", "RFC 7644 §3.5.2", patched.text)

    def sync_and_check(self) -> None:
        expected, body = self.model.expected(), self.idp.sync()
        self.sift_ids.update(_created_ids(body))
        mine, by_id = self.model.upstream.keys() | self.model.sift.keys(), {v: k for k, v in self.sift_ids.items()}
        groups = {n for n, _ in self.model.groups.items()} | set(self.model.synced.values())
        actual = {
            "created": set(_created_ids(body)) & mine,
            "added": {by_id.get(i, "") for i in body["addedToOrganizationUserIds"]} & mine,
            "deactivated": {by_id.get(i, "") for i in body["deactivatedUserIds"]} & mine,
            "groups_created": {g["name"] for g in body["createdUserGroups"]} & groups,
            "groups_deleted": set(body["deletedUserGroupNames"]) & groups,
        }
        require(
            actual == expected,
            "the sync reports exactly the IdP's change",
            IDP_DOC,
            f"expected {expected}, got {actual}",
        )
        self.model.apply()
        self.sift_groups.update({g["name"]: g["userGroupId"] for g in body["createdUserGroups"]})
        for name, (_, members) in self.model.groups.items():
            group = self.idp.sift.get(f"/api/v2/user-groups/{self.sift_groups[name]}").json()["userGroup"]
            want = {self.sift_ids[m] for m in members if self.model.upstream.get(m)}
            require(
                set(group["userIds"]) == want,
                "external group members are the IdP's active members",
                IDP_DOC,
                str(group),
            )


def _run_model(target: Target) -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    names = ("ann", "ben", "cat", "dan")
    snapshot = st.dictionaries(st.sampled_from(names), st.booleans()).flatmap(
        lambda users: st.tuples(
            st.just(users),
            st.dictionaries(
                st.sampled_from(("red", "blue")), st.lists(st.sampled_from(names), unique=True, max_size=3)
            ),
        )
    )

    @settings(max_examples=12, deadline=None, database=None)
    @given(history=st.lists(snapshot, min_size=1, max_size=4))
    def run(history: list[tuple[dict[str, bool], dict[str, list[str]]]]) -> None:
        upstream = _Upstream(target)
        try:
            for users, groups in history:
                upstream.reach(users, groups)
                upstream.sync_and_check()
            upstream.sync_and_check()
        finally:
            upstream.idp.close()

    run()


@contract("sift", level="semantic", source=IDP_DOC + " (a sync makes Sift match the IdP)")
def sync_agrees_with_reference_model(target: Target) -> None:
    """Random IdP histories pushed over SCIM: every sync reports what a reference model predicts (Hypothesis).

    Each history is a list of upstream snapshots (users with their ``active`` flag, groups with
    members); the check drives the SCIM server to each snapshot with POST/PATCH/DELETE, syncs, and
    compares the reported change and the external groups' members with :class:`_Model`; a final
    sync with no change must report nothing.
    """
    _run_model(target)
