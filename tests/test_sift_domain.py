"""SiftState over a real SCIM directory, without HTTP: seeds, re-adding existing users, bad seeds."""

from __future__ import annotations

import pytest

from mockserver.domain.errors import BadRequest, FailedPrecondition
from mockserver.domain.sift.records import ADMIN_USER_ID, DEFAULT_GROUP_ID, ORG_ID
from mockserver.domain.world import World

DEE, NAN = "0d9f2b6e-1c4a-4f3b-8e7d-6a5c4b3a2f10", "8b1d4f6a-2c3e-4b5a-9d7f-1e2c3b4a5d70"
USER = "urn:ietf:params:scim:schemas:core:2.0:User"
SEED = {
    "sift": {
        "users": [
            {"userId": ADMIN_USER_ID, "userName": "admin@idsync.example"},
            {"userId": DEE, "userName": "dee@example.com", "membership": "deactivated"},
            {"userId": NAN, "userName": "nan@example.com", "membership": "none"},
        ]
    }
}


def _world() -> World:
    world = World(SEED)
    world.sift.sync.generate_token(ADMIN_USER_ID, "http://h")
    return world


def test_existing_users_are_readded_new_ones_created_and_internal_users_left_alone() -> None:
    world = _world()
    directory = world.directories.get(f"sift-{ORG_ID}")
    for name in ("DEE@example.com", "nan@example.com", "new@example.com"):
        directory.create_user({"schemas": [USER], "userName": name})
    body = world.sift.sync.sync(ADMIN_USER_ID, "http://h")
    assert sorted(body["addedToOrganizationUserIds"]) == sorted([DEE, NAN])
    assert [u["userName"] for u in body["createdUsers"]] == ["new@example.com"]
    assert body["existingUserCount"] == 0 and body["deactivatedUserIds"] == []
    assert world.sift.users[ADMIN_USER_ID]["membership"] == "active"
    assert world.sift.groups[DEFAULT_GROUP_ID]["userIds"] == [ADMIN_USER_ID]
    assert world.sift.people.get_user(NAN)["user"]["organizations"][0]["organizationId"] == ORG_ID


def test_sync_without_a_token_is_failed_precondition() -> None:
    with pytest.raises(FailedPrecondition):
        World(SEED).sift.sync.sync(ADMIN_USER_ID, "http://h")


def test_dropped_scim_tenant_is_failed_precondition_not_500() -> None:
    world = _world()
    world.directories.drop(f"sift-{ORG_ID}")
    with pytest.raises(FailedPrecondition):
        world.sift.sync.sync(ADMIN_USER_ID, "http://h")


def test_default_world_round_trips_and_bad_seeds_are_bad_requests() -> None:
    world = World()
    exported = world.sift.export()
    world.sift.load(exported)
    assert world.sift.export() == exported
    assert world.sift.caller("idsync-token") == ADMIN_USER_ID
    with pytest.raises(BadRequest):
        world.sift.load({"users": [{"userName": "no id"}]})
    with pytest.raises(BadRequest):
        world.sift.load({"users": [{"userId": "x", "userName": "y", "membership": "maybe"}]})
