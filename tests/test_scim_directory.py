"""The directory store: seeds round-trip, tokens, paging edges, sorting, projection, versions."""

from __future__ import annotations

import json
from typing import Any

import pytest

from mockserver.domain.clock import Clock
from mockserver.domain.errors import BadRequest, PreconditionFailed
from mockserver.domain.scim import Directory, ListQuery, TenantOptions
from mockserver.domain.world import World

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"

SEED = {
    "scim": {
        "tenants": {
            "acme": {
                "tokens": ["t1", {"token": "t2", "expires_at": 4102444800.0}],
                "users": [
                    {"schemas": [USER], "userName": "ann", "emails": [{"value": "ann@acme", "type": "work"}]},
                    {
                        "schemas": [USER, ENTERPRISE],
                        "id": "u-bob",
                        "userName": "bob",
                        "password": "pw",
                        ENTERPRISE: {"department": "R&D"},
                        "meta": {
                            "resourceType": "User",
                            "created": "2020-01-01T00:00:00Z",
                            "lastModified": "2020-01-02T00:00:00Z",
                            "location": "/scim/acme/v2/Users/u-bob",
                            "version": 'W/"41"',
                        },
                    },
                ],
                "groups": [
                    {
                        "schemas": [GROUP],
                        "id": "g-all",
                        "displayName": "All",
                        "members": [{"value": "u-bob"}, {"value": "g-sub"}],
                    },
                    {"schemas": [GROUP], "id": "g-sub", "displayName": "Sub"},
                ],
            }
        }
    }
}


def test_seed_loads_and_export_round_trips_exactly() -> None:
    world = World(SEED)
    d = world.directories.get("acme")
    bob = d.get_user("u-bob")
    assert bob["meta"]["version"] == 'W/"41"' and "password" not in bob and bob["groups"][0]["value"] == "g-all"
    members = d.get_group("g-all")["members"]
    assert [(m["value"], m["type"]) for m in members] == [("u-bob", "User"), ("g-sub", "Group")]
    exported = world.export()["scim"]
    assert exported["tenants"]["acme"]["users"][1]["password"] == "pw"
    again = World({"scim": json.loads(json.dumps(exported))})
    assert again.directories.export() == exported
    created = again.directories.get("acme").create_user({"schemas": [USER], "userName": "new"})
    assert created["meta"]["version"] == 'W/"44"'  # versions keep increasing after a load


def test_seed_with_dangling_member_is_rejected() -> None:
    seed = {
        "scim": {
            "tenants": {"x": {"groups": [{"schemas": [GROUP], "displayName": "G", "members": [{"value": "ghost"}]}]}}
        }
    }
    with pytest.raises(BadRequest):
        World(seed)


def test_tokens_expire_on_the_mock_clock_and_can_be_revoked() -> None:
    clock = Clock()
    clock.set(1000.0, frozen=True)
    d = Directory("t", clock)
    d.add_token("short", expires_at=1060.0)
    d.add_token("forever")
    assert d.token_valid("short") and d.token_valid("forever") and not d.token_valid("other")
    clock.advance(60)
    assert not d.token_valid("short") and d.token_valid("forever")
    d.revoke_token("forever")
    assert not d.token_valid("forever")


@pytest.fixture
def populated() -> Directory:
    d = Directory("t", Clock())
    for name, family in (("carol", "Zeta"), ("Alice", None), ("bob", "alpha"), ("dave", "Beta")):
        d.create_user({"schemas": [USER], "userName": name, **({"name": {"familyName": family}} if family else {})})
    return d


@pytest.mark.parametrize(
    ("params", "total", "page"),
    [
        ({}, 4, ["carol", "Alice", "bob", "dave"]),
        ({"startIndex": 0, "count": 2}, 4, ["carol", "Alice"]),
        ({"startIndex": -7, "count": 1}, 4, ["carol"]),
        ({"startIndex": 4, "count": 10}, 4, ["dave"]),
        ({"startIndex": 5}, 4, []),
        ({"startIndex": 10**30, "count": 10**30}, 4, []),
        ({"count": 0}, 4, []),
        ({"count": -3}, 4, []),
        ({"sortBy": "userName"}, 4, ["Alice", "bob", "carol", "dave"]),
        ({"sortBy": "userName", "sortOrder": "descending", "count": 2}, 4, ["dave", "carol"]),
        ({"sortBy": "name.familyName"}, 4, ["bob", "dave", "carol", "Alice"]),
        ({"filter": 'userName gt "b"', "sortBy": "userName", "startIndex": 2}, 3, ["carol", "dave"]),
    ],
)
def test_paging_and_sorting(populated: Directory, params: dict[str, Any], total: int, page: list[str]) -> None:
    result = populated.list_users(ListQuery.parse(params))
    assert result.total_results == total
    assert [r["userName"] for r in result.resources] == page
    assert result.start_index == max(1, params.get("startIndex", 1))


@pytest.mark.parametrize(
    "params", [{"startIndex": "1"}, {"count": True}, {"sortOrder": "up"}, {"attributes": 5}, {"sortBy": "password"}]
)
def test_bad_list_parameters(populated: Directory, params: dict[str, Any]) -> None:
    with pytest.raises(BadRequest):
        populated.list_users(ListQuery.parse(params))


def test_projection_returned_rules() -> None:
    d = Directory("t", Clock())
    full = {
        "schemas": [USER, ENTERPRISE],
        "userName": "u",
        "password": "secret",
        "name": {"givenName": "G", "familyName": "F"},
        "emails": [{"value": "a@b", "type": "work"}],
        ENTERPRISE: {"department": "D", "costCenter": "C"},
    }
    user = d.create_user(full)

    def shown(attributes: tuple[str, ...] = (), excluded: tuple[str, ...] = ()) -> dict[str, Any]:
        return d.project(user, attributes, excluded)

    assert set(shown(("userName",))) == {"schemas", "id", "userName"}
    assert shown(("name.familyName",))["name"] == {"familyName": "F"}
    assert shown(("emails.value",))["emails"] == [{"value": "a@b"}]
    assert set(shown(("id", "password"))) == {"schemas", "id"}
    assert set(shown(excluded=("emails", "meta", "name", "id"))) == {"schemas", "id", "userName", ENTERPRISE}
    assert shown(excluded=("name.givenName",))["name"] == {"familyName": "F"}
    assert shown((f"{ENTERPRISE}:department",))[ENTERPRISE] == {"department": "D"}
    assert shown((ENTERPRISE,))[ENTERPRISE] == {"department": "D", "costCenter": "C"}
    assert ENTERPRISE not in shown(excluded=(ENTERPRISE,))
    assert shown(("urn:ietf:params:scim:schemas:core:2.0:User:USERNAME", "meta.version"))["meta"] == {
        "version": user["meta"]["version"]
    }


def test_projection_without_a_selection_is_the_general_rule_with_nothing_selected() -> None:
    """``project`` decides once per attribute name when nothing is selected; the verdicts are those of
    the general rule (an unknown excluded name selects nothing, RFC 7644 §3.4.2.5)."""
    d = Directory("t", Clock())
    user = d.create_user(
        {
            "schemas": [USER, ENTERPRISE],
            "userName": "u",
            "password": "secret",
            "emails": [{"value": "a@b"}],
            ENTERPRISE: {"department": "D"},
        }
    )
    group = d.create_group({"displayName": "g", "members": [{"value": user["id"]}]})
    for resource in (user, group, d.get_user(user["id"]), d.get_group(group["id"])):
        for _ in range(2):  # the first answer decides, the second is remembered
            assert d.project(resource) == d.project(resource, excluded=("noSuchAttribute",))
    assert "password" not in d.project(user) and d.project(user)[ENTERPRISE] == {"department": "D"}


def test_versions_bump_once_per_change_and_if_match() -> None:
    d = Directory("t", Clock())
    user = d.create_user({"schemas": [USER], "userName": "u"})
    v1 = user["meta"]["version"]
    same = d.replace_user(user["id"], {"schemas": [USER], "userName": "u"}, if_match=v1)
    assert same["meta"]["version"] == v1  # nothing changed, nothing bumped
    changed = d.replace_user(user["id"], {"schemas": [USER], "userName": "u", "title": "x"}, if_match=f'{v1}, W/"999"')
    assert changed["meta"]["version"] != v1 and changed["meta"]["lastModified"] >= user["meta"]["lastModified"]
    with pytest.raises(PreconditionFailed):
        d.replace_user(user["id"], {"schemas": [USER], "userName": "u2"}, if_match=v1)
    with pytest.raises(PreconditionFailed):
        d.delete_user(user["id"], if_match=v1)
    d.delete_user(user["id"], if_match="*")


def test_root_search_spans_users_and_groups() -> None:
    d = Directory("t", Clock())
    d.create_user({"schemas": [USER], "userName": "eng-lead", "displayName": "Eng Lead"})
    d.create_group({"schemas": [GROUP], "displayName": "Eng"})
    page = d.search(ListQuery(filter='displayName sw "eng"', sort_by="displayName"))
    assert [(r["meta"]["resourceType"], r["displayName"]) for r in page.resources] == [
        ("Group", "Eng"),
        ("User", "Eng Lead"),
    ]
    assert d.search(ListQuery(filter="userName pr")).total_results == 1


def test_domain_callers_may_omit_schemas() -> None:
    d = Directory("t", Clock())
    assert d.create_user({"userName": "plain"})["schemas"] == [USER]
    assert d.create_group({"displayName": "G"})["schemas"] == [GROUP]


def test_nested_group_leaves_parent_on_delete() -> None:
    d = Directory("t", Clock())
    child = d.create_group({"schemas": [GROUP], "displayName": "child"})
    parent = d.create_group(
        {"schemas": [GROUP], "displayName": "parent", "members": [{"value": child["id"], "type": "Group"}]}
    )
    d.delete_group(child["id"])
    assert "members" not in d.get_group(parent["id"])
    retyped = d.create_group(
        {"schemas": [GROUP], "displayName": "ok", "members": [{"value": parent["id"], "type": "User"}]}
    )
    assert retyped["members"][0]["type"] == "Group"  # lenient default: the server's type wins, with a note
    assert d.take_notes() == [f"member {parent['id']!r} is a Group, not a User: stored as a Group"]
    d.options = TenantOptions(members="strict")
    with pytest.raises(BadRequest):
        d.create_group({"schemas": [GROUP], "displayName": "bad", "members": [{"value": parent["id"], "type": "User"}]})


@pytest.mark.parametrize(
    "body",
    [
        [],
        {"userName": "x", "schemas": "urn:ietf:params:scim:schemas:core:2.0:User"},
        {"schemas": [GROUP], "userName": "x"},
        {"schemas": [USER]},
        {"schemas": [USER], "userName": ""},
        {"schemas": [USER], "userName": 5},
        {"schemas": [USER], "userName": "x", "active": "true"},
        {"schemas": [USER], "userName": "x", "emails": {"value": "a"}},
        {
            "schemas": [USER],
            "userName": "x",
            "emails": [{"value": "a", "primary": True}, {"value": "b", "primary": True}],
        },
        {"schemas": [USER], "userName": "x", "name": {"nosuch": "a"}},
        {"schemas": [USER], "userName": "x", "unknown": 1},
        {"schemas": [USER, "urn:x"], "userName": "x"},
    ],
)
def test_invalid_user_bodies_change_nothing(body: Any) -> None:
    d = Directory("t", Clock())
    with pytest.raises(BadRequest):
        d.create_user(body)
    assert list(d.users()) == []
