"""The seed 002 User Sync flow and the sync job lifecycle over real HTTP; the identity provider
is the connector's SCIM tenant on the same server, changed over SCIM (RFC 7644)."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from mockserver.app import create_app
from mockserver.seed import load_seed_file
from mockserver.server import LiveServer

SAMPLE = json.loads((Path(__file__).parent / "samples" / "seed-002-resolution-rest-calls.json").read_text())
CALLS = {c["name"]: c for c in SAMPLE["calls"]}
JOB = re.compile(r"^Scheduled with jobid [0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
SCIM_JSON = {"Content-Type": "application/scim+json", "Authorization": "Bearer idsync-token"}


class UserSync:
    """The vendor's REST calls, filled in from the seed sample (``<connectorID>`` etc.)."""

    def __init__(self, root: str) -> None:
        self.http = httpx.Client(
            base_url=f"{root}/resolution{SAMPLE['base_path']}/", auth=("admin", "admin"), timeout=30
        )
        self.connector: dict[str, Any] = self.http.get("usersync/connector").json()[0]
        #: The directory's users at the start: the default seed's connector has synced once.
        self.seeded = set(self.users(self.connector["directoryId"]))

    def call(self, name: str, **values: str) -> httpx.Response:
        call = CALLS[name]
        path = call["path"].replace("<connectorID>", self.connector["id"])
        for key, value in values.items():
            path = path.replace(f"<{key}>", value)
        return self.http.request(call["method"], path)

    def wait(self, status_id: int) -> dict[str, Any]:
        for _ in range(500):
            status: dict[str, Any] = self.http.get(f"usersync/syncstatus/{status_id}").json()
            if status["status"] == "DONE":
                return status
            time.sleep(0.01)
        raise AssertionError(f"sync {status_id} never finished")

    def sync(self) -> dict[str, Any]:
        started = self.call("POST - initiate a sync")
        assert started.status_code == 200, started.text
        return self.wait(started.json()["id"])

    def users(self, directory_id: int) -> dict[str, dict[str, Any]]:
        return {u["username"]: u for u in self.http.get(f"directory/{directory_id}").json()["users"]}


class Upstream:
    """The connector's IdP: its SCIM tenant, pushed over HTTP."""

    def __init__(self, root: str, tenant: str) -> None:
        self.http = httpx.Client(base_url=f"{root}/scim/{tenant}/v2", headers=SCIM_JSON, timeout=30)
        self.ids: dict[str, str] = {}

    def add(self, username: str, groups: tuple[str, ...] = ()) -> None:
        user = {
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
            "userName": username,
            "active": True,
            "displayName": username.title(),
            "emails": [{"value": f"{username}@example.com", "primary": True}],
        }
        response = self.http.post("/Users", content=json.dumps(user))
        assert response.status_code == 201, response.text
        self.ids[username] = response.json()["id"]
        for group in groups:
            body = {
                "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
                "displayName": group,
                "members": [{"value": self.ids[username]}],
            }
            assert self.http.post("/Groups", content=json.dumps(body)).status_code == 201

    def deactivate(self, username: str) -> None:
        patch = {
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [{"op": "replace", "path": "active", "value": False}],
        }
        assert self.http.patch(f"/Users/{self.ids[username]}", content=json.dumps(patch)).status_code in (200, 204)

    def remove(self, username: str) -> None:
        assert self.http.delete(f"/Users/{self.ids.pop(username)}").status_code == 204


@pytest.fixture
def usersync(idsync_url: str) -> Iterator[tuple[UserSync, Upstream]]:
    client = UserSync(idsync_url)
    upstream = Upstream(idsync_url, client.connector["upstreamScimTenant"])
    yield client, upstream
    client.http.close()
    upstream.http.close()


def test_seed_002_flow_verbatim(usersync: tuple[UserSync, Upstream]) -> None:
    client, upstream = usersync
    upstream.add("amy", groups=("jira-software-users",))
    upstream.add("ben")
    started = client.call("POST - initiate a sync")
    assert started.status_code == 200 and JOB.match(started.json()["messages"][0])
    done = client.wait(started.json()["id"])
    last = client.call("GET - result from last sync").json()
    seeded = len(client.seeded)
    assert last == done and (last["result"], last["addedCount"], last["resultCount"]) == ("SUCCESS", 2, 2 + seeded)
    directory_id = client.call("GET - show a connector").json()["directoryId"]
    assert client.users(directory_id)["amy"]["groups"] == ["jira-software-users"]

    upstream.add("cat")
    single = client.call("POST - initiate a Single User Update", username="cat")
    assert (single.status_code, single.json()["addedCount"]) == (200, 1)

    assert client.call("DELETE - delete a directory", directoryID=str(directory_id)).status_code == 204
    assert client.http.get(f"directory/{directory_id}").status_code == 404
    failed = client.sync()
    expected = [m.replace("<directoryID>", str(directory_id)) for m in SAMPLE["after_delete"]["messages"]]
    assert JOB.match(failed["messages"][0]) and failed["messages"][1:] == expected[1:]
    assert (failed["result"], failed["addedCount"]) == ("FAILED", 0)
    assert client.sync()["result"] == "FAILED"  # still failing until the connector is saved

    saved = client.http.put(f"usersync/connector/{client.connector['id']}", json={})
    assert saved.status_code == 200 and saved.json()["directoryId"] != directory_id
    assert client.users(saved.json()["directoryId"]) == {}
    refilled = client.sync()
    assert (refilled["result"], refilled["addedCount"]) == ("SUCCESS", 3 + seeded)
    assert set(client.users(saved.json()["directoryId"])) == {"amy", "ben", "cat"} | client.seeded


def test_upstream_changes_over_scim_are_synced_and_cleaned_up(usersync: tuple[UserSync, Upstream]) -> None:
    client, upstream = usersync
    for name in ("amy", "ben", "cat"):
        upstream.add(name)
    client.sync()
    upstream.deactivate("amy")
    upstream.remove("ben")
    changed = client.sync()
    counts = (changed["updatedCount"], changed["deletedCount"], changed["notModifiedCount"])
    assert counts == (1, 1, 1 + len(client.seeded))
    users = client.users(client.connector["directoryId"])
    assert (users["amy"]["active"], users["ben"]["active"], users["cat"]["active"]) == (False, False, True)

    saved = client.http.put(f"usersync/connector/{client.connector['id']}", json={"cleanupBehaviour": "DELETE"})
    assert saved.json()["cleanupBehaviour"] == "DELETE"
    assert client.sync()["deletedCount"] == 1
    assert set(client.users(client.connector["directoryId"])) == {"amy", "cat"} | client.seeded


def test_list_and_save_connector_keep_omitted_fields(usersync: tuple[UserSync, Upstream]) -> None:
    client, _ = usersync
    url = f"usersync/connector/{client.connector['id']}"
    saved = client.http.put(url, json={**client.connector, "name": "Okta", "type": "OKTA"}).json()
    assert {**client.connector, "name": "Okta", "type": "OKTA"} == saved
    assert client.http.get("usersync/connector").json() == [saved]


def test_sync_is_scheduled_then_running_then_done_and_one_at_a_time() -> None:
    seed = load_seed_file(None)
    seed["resolution"] = {"sync_delay": 0.2}
    with LiveServer(create_app(seed, validate_responses=True)) as server:
        client = UserSync(server.url)
        started = client.call("POST - initiate a sync").json()
        assert started["status"] == "SCHEDULED" and started["result"] is None
        busy = client.call("POST - initiate a sync")
        assert busy.status_code == 409 and busy.json()["status-code"] == 409
        seen = set()
        while (status := client.http.get(f"usersync/syncstatus/{started['id']}").json())["status"] != "DONE":
            seen.add(status["status"])
            time.sleep(0.01)
        assert "RUNNING" in seen
        assert status["duration"] >= 150 and status["created"] <= status["lastModified"]
        assert client.call("GET - result from last sync").json() == status
        assert client.call("POST - initiate a sync").status_code == 200
        client.http.close()


def test_sync_timestamps_come_from_the_mock_clock(usersync: tuple[UserSync, Upstream], idsync_admin) -> None:
    client, _ = usersync
    idsync_admin.advance_clock(10 * 365 * 86400)
    done = client.sync()
    assert int(done["created"][:4]) >= time.gmtime().tm_year + 9
    assert done["created"] <= done["lastModified"] and done["duration"] >= 0


def test_state_snapshot_round_trips_through_the_admin_api(usersync: tuple[UserSync, Upstream], idsync_url: str) -> None:
    client, upstream = usersync
    upstream.add("amy")
    client.sync()
    admin = httpx.Client(base_url=f"{idsync_url}/__admin", headers={"Authorization": "Bearer idsync-token"})
    state = admin.get("/state").json()
    assert admin.put("/state", json=state).status_code == 200
    assert admin.get("/state").json()["resolution"] == state["resolution"]
    assert set(client.users(client.connector["directoryId"])) == {"amy"} | client.seeded
    admin.close()


def test_a_crashing_job_ends_failed_and_frees_the_connector(usersync: tuple[UserSync, Upstream], monkeypatch) -> None:
    from mockserver.domain.scim import Directory

    client, _ = usersync

    def broken(self: Directory) -> None:
        raise RuntimeError("IdP exploded")

    monkeypatch.setattr(Directory, "users", broken)
    crashed = client.sync()
    assert crashed["result"] == "FAILED" and "aborted" in crashed["messages"][-1]
    monkeypatch.undo()
    assert client.sync()["result"] == "SUCCESS"
