"""RFC 7644 §3.5.2 PATCH: paths, value filters, path-less operations, atomicity, mutability."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mockserver.domain.clock import Clock
from mockserver.domain.errors import BadRequest, DomainError, InvalidPath, InvalidSyntax, Mutability, NoTarget
from mockserver.domain.scim import Directory, TenantOptions

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


def ops(*operations: dict[str, Any]) -> dict[str, Any]:
    return {"schemas": [PATCH], "Operations": list(operations)}


@pytest.fixture
def d() -> Directory:
    return Directory("t", Clock())


@pytest.fixture
def user(d: Directory) -> dict[str, Any]:
    return d.create_user(
        {
            "schemas": [USER],
            "userName": "bjensen",
            "name": {"familyName": "Jensen", "givenName": "Barbara"},
            "emails": [
                {"value": "bj@work.example", "type": "work", "primary": True},
                {"value": "bj@home.example", "type": "home"},
            ],
            "title": "Guide",
        }
    )


def test_replace_value_filter_sub_attribute(d: Directory, user: dict[str, Any]) -> None:
    out = d.patch_user(
        user["id"], ops({"op": "replace", "path": 'emails[type eq "work"].value', "value": "new@work.example"})
    )
    assert out["emails"][0] == {"value": "new@work.example", "type": "work", "primary": True}
    assert out["emails"][1] == user["emails"][1]


def test_no_path_add_and_replace_with_dotted_and_urn_keys(d: Directory, user: dict[str, Any]) -> None:
    out = d.patch_user(
        user["id"],
        ops(
            {"op": "Replace", "value": {"name.givenName": "Babs", "active": False, "title": "Lead"}},
            {"op": "add", "value": {ENTERPRISE: {"department": "Tours"}, "nickName": "B"}},
        ),
    )
    assert out["name"] == {"familyName": "Jensen", "givenName": "Babs"}
    assert out["active"] is False and out["title"] == "Lead" and out["nickName"] == "B"
    assert out[ENTERPRISE] == {"department": "Tours"} and ENTERPRISE in out["schemas"]


def test_add_to_multi_valued_appends_and_primary_moves(d: Directory, user: dict[str, Any]) -> None:
    out = d.patch_user(
        user["id"], ops({"op": "add", "path": "emails", "value": [{"value": "x@y", "type": "other", "primary": True}]})
    )
    assert [e["value"] for e in out["emails"]] == ["bj@work.example", "bj@home.example", "x@y"]
    assert [e.get("primary") for e in out["emails"]] == [False, None, True]


def test_remove_paths(d: Directory, user: dict[str, Any]) -> None:
    out = d.patch_user(
        user["id"],
        ops(
            {"op": "remove", "path": 'emails[type eq "home"]'},
            {"op": "remove", "path": "name.givenName"},
            {"op": "remove", "path": "title"},
        ),
    )
    assert (
        [e["type"] for e in out["emails"]] == ["work"]
        and out["name"] == {"familyName": "Jensen"}
        and "title" not in out
    )


@pytest.mark.parametrize(
    ("operation", "error"),
    [
        ({"op": "replace", "path": 'emails[type eq "fax"].value', "value": "x"}, NoTarget),
        ({"op": "remove"}, NoTarget),
        ({"op": "replace", "path": "id", "value": "x"}, Mutability),
        ({"op": "replace", "path": "meta.version", "value": "x"}, Mutability),
        ({"op": "add", "path": "groups", "value": [{"value": "g"}]}, Mutability),
        ({"op": "remove", "path": "userName"}, Mutability),
        ({"op": "replace", "path": "nosuch", "value": "x"}, InvalidPath),
        ({"op": "replace", "path": "emails[type eq]", "value": "x"}, InvalidPath),
        ({"op": "replace", "path": "title[value eq 1]", "value": "x"}, InvalidPath),
        ({"op": "move", "path": "title"}, InvalidSyntax),
        ({"op": "replace", "path": "active", "value": "yes"}, BadRequest),
        ({"op": "replace", "path": "title"}, BadRequest),
    ],
)
def test_failing_operation_leaves_resource_unchanged(
    d: Directory, user: dict[str, Any], operation: dict[str, Any], error: type
) -> None:
    with pytest.raises(error):
        d.patch_user(user["id"], ops({"op": "replace", "path": "title", "value": "Changed"}, operation))
    assert d.get_user(user["id"]) == user


def test_no_path_replace_ignores_read_only_echoed_unchanged(d: Directory, user: dict[str, Any]) -> None:
    """RFC 7644 §3.5.2: mutability is for an attempt to modify; an equal readOnly value is ignored."""
    group = d.create_group({"schemas": [GROUP], "displayName": "eng"})
    out = d.patch_group(group["id"], ops({"op": "replace", "value": {"id": group["id"], "displayName": "platform"}}))
    assert out["id"] == group["id"] and out["displayName"] == "platform"
    out = d.patch_user(user["id"], ops({"op": "add", "value": {"id": user["id"], "meta.resourceType": "User"}}))
    assert out["id"] == user["id"] and out["meta"]["resourceType"] == "User"
    for value in ({"id": "another-id", "displayName": "x"}, {"meta.resourceType": "User"}):
        with pytest.raises(Mutability) as caught:
            d.patch_group(group["id"], ops({"op": "replace", "value": value}))
        assert caught.value.status == 400 and caught.value.scim_type == "mutability"
    assert d.get_group(group["id"])["displayName"] == "platform"


def test_username_uniqueness_on_patch(d: Directory, user: dict[str, Any]) -> None:
    other = d.create_user({"schemas": [USER], "userName": "other"})
    with pytest.raises(DomainError) as caught:
        d.patch_user(other["id"], ops({"op": "replace", "path": "userName", "value": "BJENSEN"}))
    assert caught.value.status == 409
    assert d.find_user("bjensen")["id"] == user["id"]


def test_group_members_add_remove_by_filter(d: Directory, user: dict[str, Any]) -> None:
    other = d.create_user({"schemas": [USER], "userName": "other"})
    group = d.create_group({"schemas": [GROUP], "displayName": "G"})
    g = d.patch_group(
        group["id"], ops({"op": "add", "path": "members", "value": [{"value": user["id"]}, {"value": other["id"]}]})
    )
    assert [m["value"] for m in g["members"]] == [user["id"], other["id"]]
    again = d.patch_group(group["id"], ops({"op": "add", "path": "members", "value": [{"value": user["id"]}]}))
    assert len(again["members"]) == 2 and again["meta"]["version"] == g["meta"]["version"]  # no change, no bump
    g = d.patch_group(group["id"], ops({"op": "remove", "path": f'members[value eq "{user["id"]}"]'}))
    assert [m["value"] for m in g["members"]] == [other["id"]]
    same = d.patch_group(group["id"], ops({"op": "add", "path": "members", "value": [{"value": "ghost"}]}))
    assert same == g and d.take_notes() == ["member 'ghost' names no user or group of this directory: dropped"]
    d.options = TenantOptions(members="strict")
    with pytest.raises(BadRequest):
        d.patch_group(group["id"], ops({"op": "add", "path": "members", "value": [{"value": "ghost"}]}))
    assert d.get_group(group["id"]) == g
    g = d.patch_group(group["id"], ops({"op": "replace", "path": "members", "value": []}))
    assert "members" not in g and d.get_user(other["id"]).get("groups") is None


def test_patch_body_shape_is_checked(d: Directory, user: dict[str, Any]) -> None:
    for body in (
        {},
        {"schemas": [PATCH]},
        {"schemas": [PATCH], "Operations": []},
        {"schemas": ["x"], "Operations": [{"op": "add"}]},
    ):
        with pytest.raises(InvalidSyntax):
            d.patch_user(user["id"], body)


# Atomicity as a property: a random valid prefix followed by a failing op never sticks.
VALID = st.sampled_from(
    [
        {"op": "replace", "path": "title", "value": "T2"},
        {"op": "add", "path": "emails", "value": [{"value": "n@x", "type": "other"}]},
        {"op": "remove", "path": 'emails[type eq "home"]'},
        {"op": "replace", "value": {"displayName": "D", "name.familyName": "F"}},
        {"op": "add", "path": "nickName", "value": "nick"},
        {"op": "replace", "path": "userName", "value": "renamed"},
    ]
)
FAILING = st.sampled_from(
    [
        {"op": "replace", "path": 'emails[type eq "pager"].value', "value": "x"},
        {"op": "replace", "path": "id", "value": "x"},
        {"op": "remove", "path": "userName"},
        {"op": "add", "path": "unknownAttr", "value": 1},
    ]
)


@settings(max_examples=40, deadline=None)
@given(prefix=st.lists(VALID, max_size=4), failing=FAILING)
def test_patch_is_atomic_property(prefix: list[dict[str, Any]], failing: dict[str, Any]) -> None:
    d = Directory("t", Clock())
    user = d.create_user({"schemas": [USER], "userName": "u", "emails": [{"value": "h@x", "type": "home"}]})
    with pytest.raises(DomainError):
        d.patch_user(user["id"], ops(*prefix, failing))
    assert d.get_user(user["id"]) == user
    assert d.find_user("u") is not None and d.find_user("renamed") is None
