"""resolution User Sync contracts: sync jobs, status reporting, cleanup and the seed 002 flow.

Paths are the vendor's (``/rest/samlsso-admin/1.0/...``) under the target's resolution base URL.
Checks that arrange the identity provider push users into the connector's upstream SCIM tenant
on the same server (mock-only, ``needs=("admin",)``), so they are skipped against a real Jira.
"""

from __future__ import annotations

import re
import time
from typing import Any

import httpx

from contracts.scenario import contract, require
from contracts.target import Target

API = "resolution"
PREFIX = "/rest/samlsso-admin/1.0"
KB = "https://wiki.resolution.de/doc/usersync/latest/knowledge-base/how-to-use-rest-api-with-user-sync"
CLEANUP = (
    "https://wiki.resolution.de/doc/usersync/latest/knowledge-base/cleanup-behaviour-and-scheduled-synchronization"
)
SEED_002 = "resolution KB 'How to use REST API with User Sync' (2.0.x), DELETE directory + Creation"
INFERRED = "specs/README.md (resolution section) (Inferred)"
JOB_MESSAGE = re.compile(r"^Scheduled with jobid [0-9a-fA-F-]{36}$")
COUNTED = ("addedCount", "updatedCount", "notModifiedCount", "failedCount", "filteredCount")


def _ok(response: httpx.Response, status: int, what: str) -> Any:
    require(
        response.status_code == status, f"{what} answers {status}", KB, f"{response.status_code} {response.text[:300]}"
    )
    return response.json() if response.content else None


def _connector(target: Target) -> dict[str, Any]:
    """The first connector (``GET usersync/connector``)."""
    connectors = _ok(target.client(API).get(f"{PREFIX}/usersync/connector"), 200, "GET usersync/connector")
    require(isinstance(connectors, list) and connectors, "at least one connector exists", INFERRED, str(connectors))
    return dict(connectors[0])


def _start(target: Target, connector_id: str) -> dict[str, Any]:
    status: dict[str, Any] = _ok(
        target.client(API).post(f"{PREFIX}/usersync/connector/{connector_id}/sync"), 200, "POST .../sync"
    )
    return status


def _wait(target: Target, status_id: int, timeout: float = 15.0) -> dict[str, Any]:
    """Poll ``GET usersync/syncstatus/{id}`` until the job is DONE."""
    deadline = time.monotonic() + timeout
    while True:
        status: dict[str, Any] = _ok(
            target.client(API).get(f"{PREFIX}/usersync/syncstatus/{status_id}"), 200, "GET syncstatus"
        )
        if status["status"] == "DONE" or time.monotonic() > deadline:
            require(status["status"] == "DONE", "a sync finishes (status DONE)", KB, str(status))
            return status
        time.sleep(0.02)


def _sync(target: Target, connector_id: str) -> dict[str, Any]:
    return _wait(target, _start(target, connector_id)["id"])


def _directory(target: Target, directory_id: int) -> dict[str, dict[str, Any]]:
    body = _ok(target.client(API).get(f"{PREFIX}/directory/{directory_id}"), 200, "GET directory/{id}")
    return {u["username"]: u for u in body["users"]}


class Upstream:
    """The connector's identity provider: a SCIM tenant of the mock (RFC 7644 §3.3, §3.5.1, §3.6)."""

    def __init__(self, target: Target, tenant: str) -> None:
        token = target.credentials.bearer or "idsync-token"
        self.http = target.http(f"{target.base_url('scim')}/scim/{tenant}/v2", {"Authorization": f"Bearer {token}"})
        self.ids: dict[str, str] = {}
        self.synced: set[str] = set()

    def add(self, username: str, display: str | None = None) -> str:
        body = {
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
            "userName": username,
            "active": True,
            "displayName": display or username.title(),
            "emails": [{"value": f"{username}@example.com", "primary": True}],
        }
        response = self.http.post("/Users", json=body)
        require(response.status_code == 201, "upstream SCIM user created", "RFC 7644 §3.3", response.text[:300])
        self.ids[username] = response.json()["id"]
        return self.ids[username]

    def rename_display(self, username: str, display: str) -> None:
        body = {
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
            "userName": username,
            "active": True,
            "displayName": display,
            "emails": [{"value": f"{username}@example.com", "primary": True}],
        }
        response = self.http.put(f"/Users/{self.ids[username]}", json=body)
        require(response.status_code == 200, "upstream SCIM user replaced", "RFC 7644 §3.5.1", response.text[:300])

    def remove(self, username: str) -> None:
        response = self.http.delete(f"/Users/{self.ids.pop(username)}")
        require(response.status_code == 204, "upstream SCIM user deleted", "RFC 7644 §3.6", response.text[:300])

    def close(self) -> None:
        self.http.close()


def _fresh(target: Target, usernames: tuple[str, ...]) -> tuple[dict[str, Any], Upstream]:
    """Reset the mock, push ``usernames`` upstream; the first connector and its upstream.

    ``upstream.synced`` holds the usernames the connector's directory had after the reset (the
    default seed's connector has synced its IdP once): the counts below are on top of them.
    """
    assert target.admin is not None
    target.admin.reset()
    connector = _connector(target)
    upstream = Upstream(target, connector["upstreamScimTenant"])
    upstream.synced = set(_directory(target, connector["directoryId"]))
    for name in usernames:
        upstream.add(name)
    return connector, upstream


@contract(API, level="scenario", source=f"{KB}; resolution dc-app-performance-toolkit tests (2021, 2025)")
def sync_answers_at_once_with_scheduled_jobid(target: Target) -> None:
    """POST .../sync answers at once with a numeric sync id and 'Scheduled with jobid <uuid>'."""
    connector = _connector(target)
    started = _start(target, connector["id"])
    require(
        isinstance(started.get("id"), int) and started["id"] > 0,
        "the answer carries a numeric sync id",
        KB,
        str(started),
    )
    require(
        bool(started.get("messages")) and JOB_MESSAGE.match(started["messages"][0]),
        "the first message is 'Scheduled with jobid <uuid>'",
        KB,
        str(started.get("messages")),
    )
    done = _wait(target, started["id"])
    require(done["messages"][0] == started["messages"][0], "the job keeps its scheduling message", KB, str(done))


@contract(API, level="semantic", source=KB)
def sync_status_reports_the_last_finished_sync(target: Target) -> None:
    """GET .../syncstatus reports the last sync with counters that partition the IdP's users."""
    connector = _connector(target)
    done = _sync(target, connector["id"])
    last = _ok(
        target.client(API).get(f"{PREFIX}/usersync/connector/{connector['id']}/syncstatus"), 200, "GET .../syncstatus"
    )
    require(last == done, "the connector's syncstatus is its last sync", KB, f"{last} != {done}")
    require(done["connectorUID"] == connector["id"], "connectorUID names the connector", KB, str(done))
    require(sum(done[k] for k in COUNTED) == done["resultCount"], "counters partition resultCount", INFERRED, str(done))
    require(done["created"] <= done["lastModified"], "created is not after lastModified", KB, str(done))
    require(
        done["result"] in ("SUCCESS", "PARTIALLY_FAILED", "FAILED"), "a DONE sync has a result", INFERRED, str(done)
    )


@contract(API, level="semantic", source="resolution KB 'How to monitor User Sync for failures' (a running sync blocks)")
def second_sync_while_running_is_refused(target: Target) -> None:
    """A sync requested while the connector's sync is queued or running is refused with 409."""
    connector = _connector(target)
    first = _start(target, connector["id"])
    second = target.client(API).post(f"{PREFIX}/usersync/connector/{connector['id']}/sync")
    still_busy = _ok(target.client(API).get(f"{PREFIX}/usersync/syncstatus/{first['id']}"), 200, "GET syncstatus")
    if second.status_code == 200:
        require(
            still_busy["status"] == "DONE",
            "a second sync is only accepted after the first finished",
            INFERRED,
            second.text,
        )
        _wait(target, second.json()["id"])
    else:
        body = second.json()
        require(
            second.status_code == 409 and body.get("status-code") == 409,
            "a concurrent sync is refused with 409",
            INFERRED,
            second.text,
        )
    _wait(target, first["id"])


@contract(API, level="semantic", source=KB, needs=("admin",))
def resync_without_upstream_change_modifies_nothing(target: Target) -> None:
    """New IdP users are added once; a second sync with no IdP change reports them not modified."""
    connector, upstream = _fresh(target, ("amy", "ben", "cat"))
    try:
        first = _sync(target, connector["id"])
        require(
            (first["addedCount"], first["resultCount"], first["result"]) == (3, 3 + len(upstream.synced), "SUCCESS"),
            "a first sync adds every IdP user",
            KB,
            str(first),
        )
        second = _sync(target, connector["id"])
        changes = (second["addedCount"], second["updatedCount"], second["deletedCount"], second["failedCount"])
        require(
            changes == (0, 0, 0, 0) and second["notModifiedCount"] == 3 + len(upstream.synced),
            "an unchanged IdP gives an all not-modified sync",
            KB,
            str(second),
        )
    finally:
        upstream.close()


@contract(API, level="semantic", source=KB, needs=("admin",))
def upstream_change_is_applied_and_counted_once(target: Target) -> None:
    """A changed IdP user is updated in the directory and counted in updatedCount, once."""
    connector, upstream = _fresh(target, ("amy", "ben"))
    try:
        _sync(target, connector["id"])
        upstream.rename_display("amy", "Amy Changed")
        changed = _sync(target, connector["id"])
        counts = (changed["updatedCount"], changed["notModifiedCount"])
        require(counts == (1, 1 + len(upstream.synced)), "one update is counted", KB, str(changed))
        users = _directory(target, connector["directoryId"])
        require(users["amy"]["displayName"] == "Amy Changed", "the directory shows the change", KB, str(users))
    finally:
        upstream.close()


@contract(API, level="semantic", source=CLEANUP, needs=("admin",))
def cleanup_disables_users_missing_upstream(target: Target) -> None:
    """With the default cleanup, a user gone from the IdP is deactivated (kept), counted once in deletedCount."""
    connector, upstream = _fresh(target, ("amy", "ben"))
    try:
        _sync(target, connector["id"])
        upstream.remove("ben")
        cleaned = _sync(target, connector["id"])
        require(cleaned["deletedCount"] == 1, "the cleanup is counted", CLEANUP, str(cleaned))
        users = _directory(target, connector["directoryId"])
        require(
            "ben" in users and users["ben"]["active"] is False, "the user is disabled, not deleted", CLEANUP, str(users)
        )
        require(_sync(target, connector["id"])["deletedCount"] == 0, "a disabled user is cleaned up once", CLEANUP)
    finally:
        upstream.close()


@contract(API, level="scenario", source=SEED_002, needs=("admin",))
def sync_after_directory_delete_fails_until_saved(target: Target) -> None:
    """Seed 002: DELETE directory removes it and its users; sync fails 'Directory <id> does not exists'
    until the connector is saved, which creates a new directory that the next sync fills."""
    connector, upstream = _fresh(target, ("amy",))
    client = target.client(API)
    try:
        _sync(target, connector["id"])
        old = connector["directoryId"]
        require(client.delete(f"{PREFIX}/directory/{old}").status_code == 204, "DELETE directory answers 204", INFERRED)
        require(client.get(f"{PREFIX}/directory/{old}").status_code == 404, "the directory is gone", SEED_002)
        failed = _sync(target, connector["id"])
        require(
            JOB_MESSAGE.match(failed["messages"][0]) and f"Directory {old} does not exists" in failed["messages"],
            "the sync reports 'Directory <id> does not exists'",
            SEED_002,
            str(failed),
        )
        require(
            failed["result"] == "FAILED" and failed["addedCount"] == 0,
            "the sync fails and adds nobody",
            SEED_002,
            str(failed),
        )
        saved = _ok(client.put(f"{PREFIX}/usersync/connector/{connector['id']}", json={}), 200, "PUT connector (save)")
        require(saved["directoryId"] != old, "saving the connector creates a new directory", SEED_002, str(saved))
        refilled = _sync(target, connector["id"])
        require(
            refilled["result"] == "SUCCESS" and refilled["addedCount"] == 1 + len(upstream.synced),
            "the next sync fills it",
            SEED_002,
            str(refilled),
        )
        refilled_users = set(_directory(target, saved["directoryId"]))
        require(refilled_users == {"amy"} | upstream.synced, "the new directory has the IdP users", SEED_002)
    finally:
        upstream.close()


@contract(
    API,
    level="scenario",
    source="resolution KB 'full sync for only the existing users' (Single User Update)",
    needs=("admin",),
)
def single_user_update_syncs_only_that_user(target: Target) -> None:
    """POST .../syncsingle/{username} adds that one IdP user; unknown users are 404."""
    connector, upstream = _fresh(target, ("amy", "ben"))
    client = target.client(API)
    try:
        single = _ok(
            client.post(f"{PREFIX}/usersync/connector/{connector['id']}/syncsingle/amy"), 200, "POST syncsingle"
        )
        require((single["resultCount"], single["addedCount"]) == (1, 1), "one user is synced", KB, str(single))
        added = set(_directory(target, connector["directoryId"])) - upstream.synced
        require(added == {"amy"}, "only that user is added", KB)
        missing = client.post(f"{PREFIX}/usersync/connector/{connector['id']}/syncsingle/nobody-here")
        require(missing.status_code == 404, "an unknown IdP user is 404", INFERRED, missing.text)
    finally:
        upstream.close()


@contract(API, level="semantic", source=INFERRED)
def unknown_ids_are_404_in_atlassian_shape(target: Target) -> None:
    """Unknown connector, directory and sync status ids give 404 with {message, status-code}."""
    client = target.client(API)
    for method, path in (
        ("GET", "/usersync/connector/00000000-0000-0000-0000-000000000000"),
        ("POST", "/usersync/connector/00000000-0000-0000-0000-000000000000/sync"),
        ("GET", "/usersync/syncstatus/987654321"),
        ("DELETE", "/directory/987654321"),
    ):
        response = client.request(method, PREFIX + path)
        require(response.status_code == 404, f"{method} {path} is 404", INFERRED, response.text[:200])
        require(
            response.json().get("status-code") == 404 and response.json().get("message"),
            "the body is an Atlassian error",
            INFERRED,
            response.text[:200],
        )


@contract(API, level="semantic", source=f"{KB} (basic auth with an admin account)")
def wrong_credentials_are_401(target: Target) -> None:
    """Missing or wrong basic credentials give 401 and start no sync."""
    connector = _connector(target)
    url = f"{target.base_url(API)}{PREFIX}/usersync/connector/{connector['id']}/sync"
    for auth in (None, ("admin", "definitely-wrong")):
        with target.http(target.base_url(API)) as anonymous:
            if auth is not None:
                anonymous.auth = auth
            response = anonymous.post(url)
        require(response.status_code == 401, "bad credentials are 401", KB, response.text[:200])
        require(
            response.json().get("status-code") == 401, "the body is an Atlassian error", INFERRED, response.text[:200]
        )
    require(_connector(target)["lastSyncStatusId"] == connector["lastSyncStatusId"], "no sync was started", KB)
