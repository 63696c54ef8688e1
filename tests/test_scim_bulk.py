"""RFC 7644 §3.7 bulk over HTTP (in-process, response validation on): bulkId references, cycles,
failOnErrors, limits, versions, per-operation atomicity."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mockserver.domain.clock import Clock
from mockserver.domain.scim import Directory, bulk

BASE = "/scim/default/v2"
AUTH = {"Authorization": "Bearer idsync-token"}
USER = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
BULK_REQUEST = "urn:ietf:params:scim:api:messages:2.0:BulkRequest"
BULK_RESPONSE = "urn:ietf:params:scim:api:messages:2.0:BulkResponse"
ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"


def post_user(bulk_id: str, name: str, **extra: Any) -> dict[str, Any]:
    return {
        "method": "POST",
        "path": "/Users",
        "bulkId": bulk_id,
        "data": {"schemas": [USER], "userName": name, **extra},
    }


def post_group(bulk_id: str, name: str, *members: str) -> dict[str, Any]:
    data: dict[str, Any] = {"schemas": [GROUP], "displayName": name}
    if members:
        data["members"] = [{"value": m} for m in members]
    return {"method": "POST", "path": "/Groups", "bulkId": bulk_id, "data": data}


def patch_op(path: str, *operations: dict[str, Any], version: str | None = None) -> dict[str, Any]:
    op: dict[str, Any] = {"method": "PATCH", "path": path, "data": {"schemas": [PATCH], "Operations": list(operations)}}
    if version:
        op["version"] = version
    return op


def run_bulk(client: Any, *operations: dict[str, Any], base: str = BASE, **extra: Any) -> list[dict[str, Any]]:
    r = client.post(
        f"{base}/Bulk", json={"schemas": [BULK_REQUEST], "Operations": list(operations), **extra}, headers=AUTH
    )
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/scim+json")
    body = r.json()
    assert body["schemas"] == [BULK_RESPONSE]
    return list(body["Operations"])


def groups(client: Any) -> dict[str, set[str]]:
    """Group displayName → the displays of its members."""
    found = client.get(f"{BASE}/Groups", headers=AUTH).json()["Resources"]
    return {g["displayName"]: {m["display"] for m in g.get("members", [])} for g in found}


def user_names(client: Any) -> list[str]:
    return sorted(u["userName"] for u in client.get(f"{BASE}/Users", headers=AUTH).json()["Resources"])


def test_rfc_example_user_and_group_by_bulk_id(idsync_client) -> None:
    """RFC 7644 §3.7.2: create Alice and a group holding her through ``bulkId:qwerty``."""
    results = run_bulk(
        idsync_client, post_user("qwerty", "Alice"), post_group("ytrewq", "Tour Guides", "bulkId:qwerty")
    )
    assert [(r["method"], r["bulkId"], r["status"]) for r in results] == [
        ("POST", "qwerty", "201"),
        ("POST", "ytrewq", "201"),
    ]
    alice, guides = results[0], results[1]
    assert alice["location"] == alice["response"]["meta"]["location"] and alice["location"].startswith("http://")
    assert alice["version"] == alice["response"]["meta"]["version"]
    assert guides["response"]["members"][0]["value"] == alice["response"]["id"]
    assert groups(idsync_client) == {"Tour Guides": {"Alice"}}


def test_forward_references_wait_for_their_post(idsync_client) -> None:
    """An operation naming a bulkId whose POST comes later in the request runs after that POST."""
    results = run_bulk(
        idsync_client,
        post_group("g", "Early", "bulkId:u"),
        patch_op("/Users/bulkId:u", {"op": "replace", "path": "title", "value": "Guide"}),
        {
            "method": "PUT",
            "path": "/Groups/bulkId:g",
            "data": {"schemas": [GROUP], "displayName": "Renamed", "members": [{"value": "bulkId:u"}]},
        },
        post_user("u", "bob"),
    )
    assert [r["status"] for r in results] == ["201", "200", "200", "201"]
    user_id = results[3]["response"]["id"]
    assert results[1]["location"].endswith(f"/Users/{user_id}") and results[1]["response"]["title"] == "Guide"
    assert groups(idsync_client) == {"Renamed": {"bob"}}


def test_circular_group_references_are_resolved(idsync_client) -> None:
    """RFC 7644 §3.7.1's example: two groups naming each other as members are both created."""
    results = run_bulk(
        idsync_client,
        post_group("qwerty", "Group A", "bulkId:ytrewq"),
        post_group("ytrewq", "Group B", "bulkId:qwerty"),
    )
    assert [r["status"] for r in results] == ["201", "201"]
    assert groups(idsync_client) == {"Group A": {"Group B"}, "Group B": {"Group A"}}
    a = idsync_client.get(results[0]["location"].split("testserver", 1)[1], headers=AUTH)
    assert a.headers["etag"] == results[0]["version"]  # the answer shows the group after its members were added


def test_a_group_naming_itself_is_resolved(idsync_client) -> None:
    results = run_bulk(idsync_client, post_group("me", "Loop", "bulkId:me"))
    assert results[0]["status"] == "201" and groups(idsync_client) == {"Loop": {"Loop"}}


def test_a_cycle_whose_partner_fails_leaves_nothing_behind(idsync_client) -> None:
    """The first group of a cycle is created before its partner; when the partner fails, the first
    operation fails as a whole (409) and its group is gone again."""
    bad = post_group("b", "B", "bulkId:a")
    bad["data"]["displayName"] = ""  # required: 400
    results = run_bulk(idsync_client, post_group("a", "A", "bulkId:b"), bad)
    assert [r["status"] for r in results] == ["409", "400"]
    assert "location" not in results[0] and "location" not in results[1]
    assert results[0]["response"]["schemas"] == [ERROR] and results[0]["response"]["status"] == "409"
    assert groups(idsync_client) == {}


def test_other_cycles_are_409(idsync_client) -> None:
    """Users naming each other as manager: RFC 7644 §3.7.1 lets the server answer 409 Conflict."""
    results = run_bulk(
        idsync_client,
        post_user("x", "xena", **{"schemas": [USER, ENTERPRISE], ENTERPRISE: {"manager": {"value": "bulkId:y"}}}),
        post_user("y", "yuri", **{"schemas": [USER, ENTERPRISE], ENTERPRISE: {"manager": {"value": "bulkId:x"}}}),
    )
    assert [r["status"] for r in results] == ["409", "409"] and user_names(idsync_client) == []


def test_manager_by_bulk_id(idsync_client) -> None:
    """§3.7.2: "Extensions that include references to other resources MUST be handled in the same way"."""
    boss = post_user("boss", "boss")
    worker = post_user(
        "w", "worker", **{"schemas": [USER, ENTERPRISE], ENTERPRISE: {"manager": {"value": "bulkId:boss"}}}
    )
    results = run_bulk(idsync_client, worker, boss)
    assert results[0]["response"][ENTERPRISE]["manager"]["value"] == results[1]["response"]["id"]


def test_unresolved_references_are_409_for_that_operation_only(idsync_client) -> None:
    failing = post_user("dup", "ann")
    results = run_bulk(
        idsync_client,
        post_user("ann", "ann"),
        failing,  # 409 uniqueness: its bulkId resolves nothing
        post_group("g1", "G1", "bulkId:dup"),
        post_group("g2", "G2", "bulkId:nowhere"),
        post_group("g3", "G3", "bulkId:ann"),
    )
    assert [r["status"] for r in results] == ["201", "409", "409", "409", "201"]
    assert results[1]["response"]["scimType"] == "uniqueness" and "scimType" not in results[2]["response"]
    assert "bulkId 'nowhere'" in results[3]["response"]["detail"]
    assert groups(idsync_client) == {"G3": {"ann"}}


def test_without_fail_on_errors_every_operation_runs(idsync_client) -> None:
    """RFC 7644 §3.7: the service provider continues and disregards partial failures."""
    results = run_bulk(
        idsync_client,
        {"method": "DELETE", "path": "/Users/nope"},
        post_user("a", ""),
        post_user("b", "bea"),
        {"method": "PUT", "path": "/Groups/nope", "data": {"schemas": [GROUP], "displayName": "x"}},
    )
    assert [r["status"] for r in results] == ["404", "400", "201", "404"]
    assert results[0]["location"].endswith("/Users/nope") and "location" not in results[1]
    assert user_names(idsync_client) == ["bea"]


@pytest.mark.parametrize(("fail_on_errors", "answered"), [(1, 1), (2, 3), (3, 4)])
def test_fail_on_errors_stops_the_job(idsync_client, fail_on_errors: int, answered: int) -> None:
    """The job stops after the ``failOnErrors``-th error; the answer holds what was processed."""
    ops = [post_user("a", ""), post_user("b", "bea"), post_user("c", ""), post_user("d", "dan")]
    results = run_bulk(idsync_client, *ops, failOnErrors=fail_on_errors)
    assert len(results) == answered
    assert user_names(idsync_client) == [n for n in ("bea", "dan") if {"bea": 2, "dan": 4}[n] <= answered]


def test_versions_are_if_match_per_operation(idsync_client) -> None:
    user = run_bulk(idsync_client, post_user("u", "una"))[0]
    path = f"/Users/{user['response']['id']}"
    results = run_bulk(
        idsync_client,
        patch_op(path, {"op": "replace", "path": "title", "value": "stale"}, version='W/"999"'),
        patch_op(path, {"op": "replace", "path": "title", "value": "ok"}, version=user["version"]),
    )
    assert [r["status"] for r in results] == ["412", "200"] and results[0]["response"]["status"] == "412"
    assert idsync_client.get(f"{BASE}{path}", headers=AUTH).json()["title"] == "ok"
    current = results[1]["version"]
    results = run_bulk(
        idsync_client,
        {"method": "DELETE", "path": f"/Users/{user['response']['id']}", "version": user["version"]},
        {"method": "DELETE", "path": f"/Users/{user['response']['id']}", "version": current},
    )
    assert [r["status"] for r in results] == ["412", "204"] and "response" not in results[1]
    assert user_names(idsync_client) == []


def test_each_operation_is_atomic(idsync_client) -> None:
    """A failing PATCH changes nothing of its resource, while the operations around it apply."""
    user = run_bulk(idsync_client, post_user("u", "una", title="before"))[0]
    path = f"/Users/{user['response']['id']}"
    results = run_bulk(
        idsync_client,
        patch_op(
            path, {"op": "replace", "path": "title", "value": "half"}, {"op": "replace", "path": "id", "value": "x"}
        ),
        patch_op(path, {"op": "replace", "path": "displayName", "value": "Una"}),
    )
    assert [r["status"] for r in results] == ["400", "200"]
    final = idsync_client.get(f"{BASE}{path}", headers=AUTH).json()
    assert final["title"] == "before" and final["displayName"] == "Una"


def test_malformed_operations_fail_alone(idsync_client) -> None:
    results = run_bulk(
        idsync_client,
        {"method": "POST", "path": "/Users", "data": {"schemas": [USER], "userName": "nobulkid"}},
        post_user("twice", "first"),
        post_user("twice", "second"),
        {"method": "POST", "path": "/Things", "bulkId": "t", "data": {}},
        {"method": "PATCH", "path": "/Users"},
        {"method": "PUT", "path": "/Users/x"},
    )
    assert [r["status"] for r in results] == ["400", "201", "400", "400", "400", "400"]
    assert [r["response"].get("scimType") for r in results if r["status"] == "400"] == [
        "invalidSyntax",
        "invalidSyntax",
        "invalidValue",
        "invalidValue",
        "invalidSyntax",
    ]
    assert user_names(idsync_client) == ["first"]


def test_dropped_members_are_noted_per_operation(idsync_client) -> None:
    run_bulk(idsync_client, post_group("g", "G", "ghost"))
    entries = idsync_client.get("/__admin/journal", params={"api": "scim", "method": "POST"}, headers=AUTH).json()
    assert entries["entries"][-1]["notes"] == [
        "Operations[0]: member 'ghost' names no user or group of this directory: dropped"
    ]


def test_limits_are_413_naming_the_limit_and_change_nothing(idsync_client) -> None:
    idsync_client.post(
        "/__admin/tenants",
        json={"name": "default", "options": {"bulk": {"maxOperations": 2, "maxPayloadSize": 600}}},
        headers=AUTH,
    )
    spc = idsync_client.get(f"{BASE}/ServiceProviderConfig", headers=AUTH).json()["bulk"]
    assert spc == {"supported": True, "maxOperations": 2, "maxPayloadSize": 600}
    three = {"schemas": [BULK_REQUEST], "Operations": [post_user(f"u{i}", f"user{i}") for i in range(3)]}
    r = idsync_client.post(f"{BASE}/Bulk", json=three, headers=AUTH)
    assert r.status_code == 413 and r.json()["schemas"] == [ERROR] and "maxOperations (2)" in r.json()["detail"]
    big = {"schemas": [BULK_REQUEST], "Operations": [post_user("u", "x" * 600)]}
    r = idsync_client.post(f"{BASE}/Bulk", json=big, headers=AUTH)
    assert r.status_code == 413 and "maxPayloadSize (600)" in r.json()["detail"] and r.json()["status"] == "413"
    assert user_names(idsync_client) == []
    assert run_bulk(idsync_client, post_user("u", "fits"))[0]["status"] == "201"


def test_bulk_turned_off_is_501_and_advertised(idsync_client) -> None:
    idsync_client.post(
        "/__admin/tenants", json={"name": "default", "options": {"bulk": {"supported": False}}}, headers=AUTH
    )
    spc = idsync_client.get(f"{BASE}/ServiceProviderConfig", headers=AUTH).json()["bulk"]
    assert spc == {"supported": False, "maxOperations": 0, "maxPayloadSize": 0}
    r = idsync_client.post(
        f"{BASE}/Bulk", json={"schemas": [BULK_REQUEST], "Operations": [post_user("u", "x")]}, headers=AUTH
    )
    assert r.status_code == 501 and r.json()["status"] == "501" and user_names(idsync_client) == []


@pytest.mark.parametrize(
    "body",
    [
        {"Operations": []},
        {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": []},
        {"schemas": [BULK_REQUEST], "Operations": [], "failOnErrors": 0},
        {"schemas": [BULK_REQUEST], "Operations": [{"method": "GET", "path": "/Users"}]},
        {"schemas": [BULK_REQUEST], "Operations": "POST /Users"},
    ],
)
def test_malformed_requests_are_400(idsync_client, body: dict[str, Any]) -> None:
    r = idsync_client.post(f"{BASE}/Bulk", json=body, headers=AUTH)
    assert r.status_code == 400 and r.json()["schemas"] == [ERROR]


def test_empty_job_is_an_empty_answer(idsync_client) -> None:
    assert run_bulk(idsync_client) == []


def test_a_cycle_group_deleted_in_between_is_no_500(idsync_client) -> None:
    results = run_bulk(
        idsync_client,
        post_group("a", "A", "bulkId:b"),
        {"method": "DELETE", "path": "/Groups/bulkId:a"},
        post_group("b", "B", "bulkId:a"),
    )
    # A is created without B, deleted by the second operation, so B cannot name it (lenient: dropped)
    # and A's members cannot be added any more: its operation answers 404, never a 500
    assert [r["status"] for r in results] == ["404", "204", "201"]
    assert groups(idsync_client) == {"B": set()}


JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 3) | st.sampled_from(["", "x", "bulkId:a", "bulkId:b", "/Users"]),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(["value", "members", "op"]), inner, max_size=3)
    ),
    max_leaves=8,
)
OPERATION = st.fixed_dictionaries(
    {
        "method": st.sampled_from(["POST", "PUT", "PATCH", "DELETE", "post", "GET"]),
        "path": st.sampled_from(["/Users", "/Groups", "/Groups/bulkId:a", "/Users/bulkId:b", "/Users/x", "/Nope", ""]),
    },
    optional={
        "bulkId": st.sampled_from(["a", "b", "c"]),
        "version": st.sampled_from(['W/"1"', "*"]),
        "data": st.one_of(
            JSON,
            st.builds(lambda m: {"schemas": [GROUP], "displayName": "G", "members": m}, JSON),
            st.builds(lambda n: {"schemas": [USER], "userName": n}, st.sampled_from(["u", "v", ""])),
        ),
    },
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(OPERATION, JSON), max_size=6), st.none() | st.integers(1, 3))
def test_any_bulk_job_answers_each_operation_without_a_server_error(
    operations: list[Any], fail_on_errors: int | None
) -> None:
    """Whatever the operations, each answer is a client status (never 5xx), the answers follow the
    request order, and the directory holds only what the successful operations made."""
    directory = Directory("t", Clock())
    body = {"schemas": [BULK_REQUEST], "Operations": operations, "failOnErrors": fail_on_errors}
    outcomes = bulk.run(directory, body, 100)
    assert len(outcomes) <= len(operations)
    assert all(o.status in (200, 201, 204) or 400 <= o.status < 500 for o in outcomes)
    assert all((o.error is None) == (o.status < 400) for o in outcomes)
    if fail_on_errors is not None:
        assert sum(o.error is not None for o in outcomes) <= fail_on_errors
    created = {o.resource["id"] for o in outcomes if o.status == 201 and o.resource}
    deleted = {o.location.rsplit("/", 1)[1] for o in outcomes if o.status == 204 and o.location}
    held = {r["id"] for r in [*directory.users(), *directory.groups()]}
    assert held == created - deleted
