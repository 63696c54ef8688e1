"""resolution User Sync domain rules, without HTTP (docs/vendor-facts.md §2.7; seed 002).

The upstream IdP is a stand-in with the SCIM ``Directory`` reading interface (``users()``,
``groups()`` as RFC 7643 resources), so these tests do not depend on the SCIM engine.
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from mockserver.domain.errors import NotFound
from mockserver.domain.resolution import SyncBusy
from mockserver.domain.resolution.state import DEFAULT_CONNECTOR, DEFAULT_TENANT
from mockserver.domain.world import World


class FakeTenant:
    """Just enough of a SCIM tenant for the sync: users and groups as SCIM resources."""

    _ids = itertools.count(1)

    def __init__(self) -> None:
        self.by_id: dict[str, dict[str, Any]] = {}
        self.group_members: dict[str, set[str]] = {}

    def add(self, username: str, *, email: str | None = "", active: bool = True, display: str | None = None) -> str:
        uid = f"u{next(self._ids)}"
        mail = f"{username}@example.com" if email == "" else email
        self.by_id[uid] = {
            "id": uid,
            "userName": username,
            "active": active,
            "displayName": display or username.title(),
            "emails": [{"value": mail, "primary": True}] if mail else [],
        }
        return uid

    def join(self, uid: str, group: str) -> None:
        self.group_members.setdefault(group, set()).add(uid)

    def users(self):  # type: ignore[no-untyped-def]
        return iter([dict(u) for u in self.by_id.values()])

    def groups(self):  # type: ignore[no-untyped-def]
        return iter(
            [
                {"id": g, "displayName": g, "members": [{"value": m} for m in sorted(ms) if m in self.by_id]}
                for g, ms in self.group_members.items()
            ]
        )


@pytest.fixture
def world(monkeypatch: pytest.MonkeyPatch) -> World:
    made = World({"resolution": {}})
    tenant = FakeTenant()
    real_get = made.directories.get
    monkeypatch.setattr(made.directories, "get", lambda name: tenant if name == DEFAULT_TENANT else real_get(name))
    made.fake = tenant  # type: ignore[attr-defined]
    return made


def users(world: World) -> dict[str, dict[str, Any]]:
    connector = world.resolution.connector(DEFAULT_CONNECTOR)
    return {u.username: u.public() for u in world.resolution.directory(connector.directoryId).users.values()}


def counts(world: World) -> dict[str, Any]:
    view = world.resolution.status_view(world.resolution.sync_now(DEFAULT_CONNECTOR))
    return {k: v for k, v in view.items() if k.endswith("Count") or k in ("result", "status")}


def test_default_world_has_one_connector_with_directory_and_upstream_tenant() -> None:
    world = World({"resolution": {}})
    connector = world.resolution.connector(DEFAULT_CONNECTOR)
    assert world.resolution.directory(connector.directoryId).users == {}
    assert world.directories.get(DEFAULT_TENANT).token_valid("idsync-token")


def test_full_sync_adds_then_reports_nothing_modified(world: World) -> None:
    alice = world.fake.add("alice")
    world.fake.join(alice, "jira-users")
    world.fake.add("bob", active=False)
    first = counts(world)
    assert (first["addedCount"], first["resultCount"], first["result"], first["status"]) == (2, 2, "SUCCESS", "DONE")
    assert users(world)["alice"]["groups"] == ["jira-users"]
    assert users(world)["bob"]["active"] is False
    second = counts(world)
    assert (second["addedCount"], second["updatedCount"], second["notModifiedCount"]) == (0, 0, 2)


def test_changed_upstream_user_is_updated_and_rename_follows_the_idp_id(world: World) -> None:
    uid = world.fake.add("carol")
    counts(world)
    world.fake.by_id[uid]["userName"] = "caroline"
    world.fake.by_id[uid]["displayName"] = "Caroline"
    result = counts(world)
    assert (result["updatedCount"], result["addedCount"]) == (1, 0)
    assert set(users(world)) == {"caroline"}


@pytest.mark.parametrize(
    ("behaviour", "expected"),
    [("DISABLE", {"dave": False}), ("DELETE", {}), ("KEEP", {"dave": True}), ("ANONYMIZE", {"user-1": False})],
)
def test_cleanup_behaviour_applies_to_users_missing_upstream(world: World, behaviour: str, expected: dict) -> None:
    uid = world.fake.add("dave")
    counts(world)
    world.resolution.save_connector(DEFAULT_CONNECTOR, {"cleanupBehaviour": behaviour})
    del world.fake.by_id[uid]
    result = counts(world)
    assert result["deletedCount"] == (0 if behaviour == "KEEP" else 1)
    assert {name: u["active"] for name, u in users(world).items()} == expected
    assert counts(world)["deletedCount"] == 0  # cleaned up once


def test_anonymised_user_is_restored_when_back_in_the_idp(world: World) -> None:
    uid = world.fake.add("mia")
    counts(world)
    world.resolution.save_connector(DEFAULT_CONNECTOR, {"cleanupBehaviour": "ANONYMIZE"})
    back = world.fake.by_id.pop(uid)
    counts(world)
    assert users(world)["user-1"]["email"] == "user-1@user.anon"
    world.fake.by_id[uid] = back
    assert counts(world)["updatedCount"] == 1
    assert users(world) == {"mia": {**users(world)["mia"], "email": "mia@example.com", "active": True}}


def test_admins_are_never_cleaned_up(world: World) -> None:
    world.resolution.load(
        {
            "directories": [
                {
                    "id": 10100,
                    "connectorId": DEFAULT_CONNECTOR,
                    "users": [{"username": "admin", "displayName": "Admin", "email": "admin@example.com"}],
                }
            ],
            "connectors": [{"id": DEFAULT_CONNECTOR, "name": "Azure AD", "directoryId": 10100}],
        }
    )
    status = world.resolution.sync_now(DEFAULT_CONNECTOR)
    assert "Skipping admin or sysadmin admin" in status.messages
    assert users(world)["admin"]["active"] is True


def test_users_without_email_fail_alone(world: World) -> None:
    world.fake.add("erin")
    world.fake.add("frank", email=None)
    result = counts(world)
    assert (result["result"], result["failedCount"], result["addedCount"]) == ("PARTIALLY_FAILED", 1, 1)
    del world.fake.by_id[next(k for k, u in world.fake.by_id.items() if u["userName"] == "erin")]
    result = counts(world)
    assert (result["result"], result["failedCount"], result["resultCount"]) == ("FAILED", 1, 1)


def test_a_username_taken_by_another_live_user_fails_that_user_only(world: World) -> None:
    first, second = world.fake.add("kim"), world.fake.add("lee")
    counts(world)
    world.fake.by_id[second]["userName"] = "KIM"  # the IdP lets a rename collide case-insensitively
    status = world.resolution.sync_now(DEFAULT_CONNECTOR)
    assert (status.result, status.counts["failedCount"], status.counts["notModifiedCount"]) == (
        "PARTIALLY_FAILED",
        1,
        1,
    )
    assert any("KIM" in m and "already taken" in m for m in status.messages)
    assert users(world)["kim"]["externalId"] == first


def test_unreachable_idp_fails_the_sync(world: World) -> None:
    world.resolution.save_connector(DEFAULT_CONNECTOR, {"upstreamScimTenant": "gone"})
    world.directories.drop("gone")
    status = world.resolution.sync_now(DEFAULT_CONNECTOR)
    assert (status.result, status.messages[-1]) == (
        "FAILED",
        "Identity provider unreachable: SCIM tenant gone not found",
    )


def test_seed_002_delete_directory_fails_sync_until_saved(world: World) -> None:
    world.fake.add("alice")
    counts(world)
    old = world.resolution.connector(DEFAULT_CONNECTOR).directoryId
    world.resolution.delete_directory(old)
    with pytest.raises(NotFound):
        world.resolution.directory(old)
    failed = world.resolution.sync_now(DEFAULT_CONNECTOR)
    assert failed.messages[0].startswith("Scheduled with jobid ")
    assert failed.messages[-1] == f"Directory {old} does not exists"
    assert (failed.result, failed.counts["addedCount"]) == ("FAILED", 0)
    new = world.resolution.save_connector(DEFAULT_CONNECTOR, {}).directoryId
    assert new != old
    assert users(world) == {}
    assert counts(world)["addedCount"] == 1
    assert set(users(world)) == {"alice"}


def test_one_sync_at_a_time_and_jobs_survive_reset_as_no_ops(world: World) -> None:
    status = world.resolution.schedule_sync(DEFAULT_CONNECTOR)
    with pytest.raises(SyncBusy):
        world.resolution.schedule_sync(DEFAULT_CONNECTOR)
    world.resolution.start(status.jobId)
    assert status.status == "RUNNING"
    world.resolution.finish(status.jobId)
    assert status.status == "DONE"
    pending = world.resolution.schedule_sync(DEFAULT_CONNECTOR)
    world.resolution.load({})
    world.resolution.start(pending.jobId)
    world.resolution.finish(pending.jobId)
    assert world.resolution.statuses == {}


def test_single_user_update_syncs_one_user_without_cleanup(world: World) -> None:
    world.fake.add("gina")
    world.fake.add("hank")
    single = world.resolution.sync_single(DEFAULT_CONNECTOR, "GINA")
    assert (single.kind, single.counts["resultCount"], single.counts["addedCount"]) == ("SINGLE", 1, 1)
    assert set(users(world)) == {"gina"}
    assert world.resolution.connector(DEFAULT_CONNECTOR).lastSyncStatusId is None
    with pytest.raises(NotFound):
        world.resolution.sync_single(DEFAULT_CONNECTOR, "nobody")


def test_export_load_round_trips(world: World) -> None:
    world.fake.add("ivy")
    counts(world)
    exported = world.resolution.export()
    world.resolution.load(exported)
    assert world.resolution.export() == exported


def test_a_snapshot_taken_mid_sync_loads_usable(world: World) -> None:
    """No task runs a job restored from a snapshot: it ends FAILED and the next sync is taken."""
    job = world.resolution.schedule_sync(DEFAULT_CONNECTOR)
    world.resolution.load(world.resolution.export())
    restored = world.resolution.last_status(DEFAULT_CONNECTOR)
    assert (restored.jobId, restored.status, restored.result) == (job.jobId, "DONE", "FAILED")
    assert "interrupted" in restored.messages[-1]
    assert world.resolution.sync_now(DEFAULT_CONNECTOR).result == "SUCCESS"


def test_planted_faults_change_the_outcome(monkeypatch: pytest.MonkeyPatch, world: World) -> None:
    world.fake.add("jo")
    counts(world)
    world.quirks = frozenset({"resolution-counts-wrong", "resolution-deleted-directory-still-syncs"})
    assert counts(world)["updatedCount"] == 1
    world.resolution.delete_directory(world.resolution.connector(DEFAULT_CONNECTOR).directoryId)
    assert counts(world)["result"] == "SUCCESS"


# -- model-based: random upstream changes, syncs, deletes and saves against a reference model --

from hypothesis import Phase, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.stateful import (  # noqa: E402
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

NAMES = ("amy", "ben", "cat", "dan", "eve")
GROUPS = ("jira-users", "confluence-users")


class DirectoryLifecycle(RuleBasedStateMachine):
    """A small dict model of User Sync (docs/vendor-facts.md §2.7): usernames are unique and immutable upstream."""

    def __init__(self) -> None:
        super().__init__()
        self.world = World({"resolution": {}})
        self.tenant = FakeTenant()
        real_get = self.world.directories.get
        self.world.directories.get = lambda name: self.tenant if name == DEFAULT_TENANT else real_get(name)  # type: ignore[method-assign]
        self.model: dict[str, tuple] | None = {}  # username → (idp id, display, email, active, groups); None = deleted
        self.behaviour = "DISABLE"
        self.directory_id = self.world.resolution.connector(DEFAULT_CONNECTOR).directoryId
        self.last_status_id = 0

    def _uid(self, name: str) -> str | None:
        return next((uid for uid, u in self.tenant.by_id.items() if u["userName"] == name), None)

    def _wanted(self, uid: str) -> tuple:
        u = self.tenant.by_id[uid]
        groups = sorted(g for g, members in self.tenant.group_members.items() if uid in members)
        email = u["emails"][0]["value"] if u["emails"] else ""
        return (uid, u["displayName"], email, u["active"], groups)

    @initialize()
    def synced_baseline(self) -> None:
        """Start from a synced directory with two users, so cleanups and updates come early."""
        self.tenant.add("amy")
        self.tenant.add("ben")
        self.full_sync()

    def _upstream_name(self, data: st.DataObject) -> str:
        return data.draw(st.sampled_from(sorted(u["userName"] for u in self.tenant.by_id.values())))

    @precondition(lambda self: len(self.tenant.by_id) < len(NAMES))
    @rule(data=st.data(), has_email=st.booleans(), active=st.booleans())
    def add_upstream(self, data: st.DataObject, has_email: bool, active: bool) -> None:
        taken = {u["userName"] for u in self.tenant.by_id.values()}
        name = data.draw(st.sampled_from([n for n in NAMES if n not in taken]))
        self.tenant.add(name, email="" if has_email else None, active=active)

    @precondition(lambda self: self.tenant.by_id)
    @rule(data=st.data(), display=st.sampled_from(("A", "B")), active=st.booleans())
    def change_upstream(self, data: st.DataObject, display: str, active: bool) -> None:
        uid = self._uid(self._upstream_name(data))
        assert uid is not None
        self.tenant.by_id[uid].update(displayName=display, active=active)

    @precondition(lambda self: self.tenant.by_id)
    @rule(data=st.data(), group=st.sampled_from(GROUPS))
    def toggle_group(self, data: st.DataObject, group: str) -> None:
        uid = self._uid(self._upstream_name(data))
        assert uid is not None
        self.tenant.group_members.setdefault(group, set()).symmetric_difference_update({uid})

    @precondition(lambda self: self.tenant.by_id)
    @rule(data=st.data())
    def remove_upstream(self, data: st.DataObject) -> None:
        del self.tenant.by_id[self._uid(self._upstream_name(data))]

    @rule()
    def full_sync(self) -> None:
        status = self.world.resolution.sync_now(DEFAULT_CONNECTOR)
        assert status.id > self.last_status_id
        self.last_status_id = status.id
        if self.model is None:
            assert (status.result, status.messages[-1]) == ("FAILED", f"Directory {self.directory_id} does not exists")
            assert not any(status.counts.values())
            return
        expected = dict.fromkeys(status.counts, 0)
        for uid in self.tenant.by_id:
            self._apply(uid, expected)
        upstream_names = {u["userName"] for u in self.tenant.by_id.values()}
        for name in [n for n in self.model if n not in upstream_names]:
            if self.behaviour == "DELETE":
                del self.model[name]
                expected["deletedCount"] += 1
            elif self.model[name][3]:
                self.model[name] = (*self.model[name][:3], False, self.model[name][4])
                expected["deletedCount"] += 1
        assert status.counts == expected
        failed, total = expected["failedCount"], expected["resultCount"]
        assert status.result == ("SUCCESS" if not failed else "FAILED" if failed == total else "PARTIALLY_FAILED")

    def _apply(self, uid: str, expected: dict[str, int]) -> None:
        assert self.model is not None
        expected["resultCount"] += 1
        wanted, name = self._wanted(uid), self.tenant.by_id[uid]["userName"]
        if not wanted[2]:
            expected["failedCount"] += 1
            return
        current = self.model.get(name)
        expected["addedCount" if current is None else "notModifiedCount" if current == wanted else "updatedCount"] += 1
        self.model[name] = wanted

    @rule(name=st.sampled_from(NAMES))
    def single_sync(self, name: str) -> None:
        uid = self._uid(name)
        if self.model is None:  # the missing directory is reported before the IdP is asked
            status = self.world.resolution.sync_single(DEFAULT_CONNECTOR, name)
            assert (status.result, status.messages[-1]) == ("FAILED", f"Directory {self.directory_id} does not exists")
            return
        if uid is None:
            with pytest.raises(NotFound):
                self.world.resolution.sync_single(DEFAULT_CONNECTOR, name)
            return
        status = self.world.resolution.sync_single(DEFAULT_CONNECTOR, name)
        expected = dict.fromkeys(status.counts, 0)
        self._apply(uid, expected)
        assert status.counts == expected

    @precondition(lambda self: self.model is not None and len(self.model) >= 3)  # not too often
    @rule()
    def delete_directory(self) -> None:
        self.world.resolution.delete_directory(self.directory_id)
        self.model = None

    @rule(behaviour=st.sampled_from(("DISABLE", "DELETE")))
    def save_connector(self, behaviour: str) -> None:
        saved = self.world.resolution.save_connector(DEFAULT_CONNECTOR, {"cleanupBehaviour": behaviour})
        self.behaviour = behaviour
        if self.model is None:
            assert saved.directoryId != self.directory_id
            self.directory_id, self.model = saved.directoryId, {}
        assert saved.directoryId == self.directory_id

    @invariant()
    def directory_matches_model(self) -> None:
        if self.model is None:
            assert self.directory_id not in self.world.resolution.directories
            return
        found = {
            u.username: (u.externalId, u.displayName, u.email, u.active, u.groups)
            for u in self.world.resolution.directory(self.directory_id).users.values()
        }
        assert found == self.model


DirectoryLifecycle.TestCase.settings = settings(max_examples=60, stateful_step_count=25, deadline=None, database=None)
TestDirectoryLifecycle = DirectoryLifecycle.TestCase


@pytest.mark.parametrize(
    "quirk", ["resolution-counts-wrong", "resolution-deleted-directory-still-syncs", "resolution-cleanup-deletes"]
)
def test_the_model_catches_each_planted_fault(quirk: str) -> None:
    class Faulty(DirectoryLifecycle):
        def __init__(self) -> None:
            super().__init__()
            self.world.quirks = frozenset({quirk})

    faulty_settings = settings(
        max_examples=200,
        stateful_step_count=25,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        report_multiple_bugs=False,
    )
    with pytest.raises(Exception):  # noqa: B017 (any disagreement with the model: a failed assertion or an error)
        run_state_machine_as_test(Faulty, settings=faulty_settings)


@pytest.mark.parametrize(
    "section",
    [
        {"connectors": [{"id": "x"}]},
        {"connectors": [{"nope": 1}]},
        {"directories": [{"name": "no id"}]},
        {"sync_delay": "soon"},
    ],
)
def test_malformed_seed_section_is_a_bad_request_and_keeps_the_state(section: dict) -> None:
    from mockserver.domain.errors import BadRequest

    world = World({"resolution": {}})
    before = world.resolution.export()
    with pytest.raises(BadRequest):
        world.resolution.load(section)
    assert world.resolution.export() == before
