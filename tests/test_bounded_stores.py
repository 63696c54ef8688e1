"""Every store that grows with requests is bounded (ARCHITECTURE.md, "Bounded stores"; mockserver/domain/limits.py).

History and minted credentials forget their oldest entries; client data past its cap is a 429
in the vendor's own body and changes nothing. The caps are far beyond any test suite, so the
tests lower them (``monkeypatch``) where each store reads its cap; the fault-rule cap is tested
at its real value. Patterns in the journal query and in fault rules are RE2: a pattern that
backtracks for minutes in Python's ``re`` answers at once.
"""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest

from contracts.admin import Admin
from mockserver.domain import limits
from mockserver.domain.world import World

AUTH = {"Authorization": "Bearer idsync-token"}
USER = "urn:ietf:params:scim:schemas:core:2.0:User"
#: Exponential backtracking in a backtracking engine: 2^n steps on ``"a" * n + "!"``, so with
#: Python's ``re`` either check below would run for longer than the universe has existed; the
#: generous bound only keeps a loaded machine from failing them.
PROMPT = 30.0
CATASTROPHIC = "(a+)+$"
LONG_PATH = "/scim/default/v2/Users/" + "a" * 20_000 + "!"  # within the 32 KiB request head limit


def test_catastrophic_journal_pattern_answers_promptly(idsync_url: str) -> None:
    with httpx.Client(base_url=idsync_url, headers=AUTH, timeout=2 * PROMPT) as client:
        assert client.get(LONG_PATH).status_code == 404
        started = time.monotonic()
        found = client.get("/__admin/journal", params={"path": CATASTROPHIC})
        elapsed = time.monotonic() - started
        assert found.status_code == 200, found.text
        assert found.json()["entries"] == []
        hit = client.get("/__admin/journal", params={"path": "a{1000}!$"}).json()["entries"]
        assert [e["path"] for e in hit] == [LONG_PATH]
    assert elapsed < PROMPT, f"the journal query took {elapsed:.1f} s"


def test_catastrophic_fault_pattern_does_not_stall_requests(idsync_url: str, idsync_admin: Admin) -> None:
    with httpx.Client(base_url=idsync_url, headers=AUTH, timeout=2 * PROMPT) as client:
        rule = client.post("/__admin/faults", json={"action": "status", "status": 503, "path": CATASTROPHIC})
        assert rule.status_code == 201, rule.text
        started = time.monotonic()
        missed = client.get(LONG_PATH)  # the rule does not match: an ordinary 404
        hit = client.get("/scim/default/v2/Users/aaaa")  # it matches: the forced 503
        elapsed = time.monotonic() - started
    assert (missed.status_code, hit.status_code) == (404, 503)
    assert elapsed < PROMPT, f"two faulted requests took {elapsed:.1f} s"


@pytest.mark.parametrize("pattern", ["(?=Users)", r"(a)\1", "a" * (limits.MAX_PATTERN_LENGTH + 1)])
def test_patterns_re2_cannot_run_are_a_400(idsync_client: Any, pattern: str) -> None:
    journal = idsync_client.get("/__admin/journal", params={"path": pattern}, headers=AUTH)
    fault = idsync_client.post("/__admin/faults", json={"action": "latency", "path": pattern}, headers=AUTH)
    for answer in (journal, fault):
        assert answer.status_code == 400, answer.text
        assert answer.json()["status"] == 400 and answer.json()["detail"]
    assert idsync_client.get("/__admin/faults", headers=AUTH).json() == {"faults": []}


def test_patterns_people_use_still_work(idsync_client: Any) -> None:
    idsync_client.get("/scim/default/v2/Users", headers=AUTH)
    idsync_client.get("/scim/default/v2/Groups", headers=AUTH)
    patterns = (("/Users$", 1), ("^/scim/[^/]+/v2/(Users|Groups)", 2), (r"/v\d/Users", 1), ("(?i)/users", 1))
    for pattern, count in patterns:
        found = idsync_client.get("/__admin/journal", params={"path": pattern, "api": "scim"}, headers=AUTH)
        assert len(found.json()["entries"]) == count, pattern


def test_fault_rules_stop_at_the_cap(idsync_client: Any) -> None:
    for _ in range(limits.MAX_FAULT_RULES):
        added = idsync_client.post("/__admin/faults", json={"action": "latency", "path": "^/nowhere$"}, headers=AUTH)
        assert added.status_code == 201
    refused = idsync_client.post("/__admin/faults", json={"action": "latency"}, headers=AUTH)
    assert refused.status_code == 429
    assert refused.json() == {"status": 429, "detail": "Limit reached: at most 100 fault rules; delete some first"}
    assert len(idsync_client.get("/__admin/faults", headers=AUTH).json()["faults"]) == limits.MAX_FAULT_RULES


def test_sift_keeps_the_newest_tokens_and_runs(idsync_client: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("mockserver.domain.sift.external_sync.MAX_SIFT_TOKENS", 2)
    monkeypatch.setattr("mockserver.domain.sift.external_sync.MAX_SIFT_RUNS", 2)
    tokens = [
        idsync_client.post("/sift/api/v1/external-sync:generate-token", json={}, headers=AUTH).json() for _ in range(3)
    ]
    scim_path = httpx.URL(tokens[0]["externalSync"]["scimServerUrl"]).path
    answers = [
        idsync_client.get(f"{scim_path}/Users", headers={"Authorization": f"Bearer {t['token']}"}).status_code
        for t in tokens
    ]
    assert answers == [401, 200, 200]
    listed = idsync_client.get("/sift/api/v1/external-sync:list-tokens", headers=AUTH).json()
    assert len(listed["externalSyncTokens"]) == 2
    for _ in range(3):
        assert idsync_client.post("/sift/api/v1/external-sync", json={}, headers=AUTH).status_code == 200
    runs = idsync_client.get("/sift/api/v1/external-sync:list-runs", headers=AUTH).json()
    assert len(runs["externalSyncRunSummaries"]) == 2


def test_sift_groups_past_the_cap_are_resource_exhausted(idsync_client: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("mockserver.domain.sift.groups.MAX_SIFT_GROUPS", 3)  # the seed has 2
    body = {"userGroup": {"name": "one more", "roleId": "3f6b2c1e-8d4a-4b7e-9c2f-1a5d0e6b7c24"}}
    assert idsync_client.post("/sift/api/v2/user-groups", json=body, headers=AUTH).status_code == 200
    refused = idsync_client.post("/sift/api/v2/user-groups", json={"userGroup": {"name": "too many"}}, headers=AUTH)
    assert refused.status_code == 429
    assert refused.json()["code"] == 8  # RESOURCE_EXHAUSTED
    assert len(idsync_client.get("/sift/api/v2/user-groups", headers=AUTH).json()["userGroups"]) == 3


def test_vcf_keeps_the_newest_access_tokens(idsync_client: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("mockserver.domain.vcf.tokens.MAX_VCF_TOKENS", 2)
    logins = [
        idsync_client.post("/vcf/v1/tokens", json={"username": "admin", "password": "admin"}).json() for _ in range(3)
    ]
    answers = [
        idsync_client.get(
            "/vcf/v1/identity-providers", headers={"Authorization": f"Bearer {login['accessToken']}"}
        ).status_code
        for login in logins
    ]
    assert answers == [401, 200, 200]
    state = idsync_client.get("/__admin/state", headers=AUTH).json()["vcf"]["tokens"]
    assert (len(state["access"]), len(state["refresh"])) == (2, 2)


def test_resolution_forgets_old_statuses_but_never_the_last(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("mockserver.domain.resolution.state.MAX_RESOLUTION_STATUSES", 3)
    world = World()
    connector = next(iter(world.resolution.connectors))
    ids = [world.resolution.sync_now(connector).id for _ in range(5)]
    assert sorted(world.resolution.statuses) == ids[-3:]
    assert world.resolution.last_status(connector).id == ids[-1]


def test_stackspot_tenants_and_records_are_capped(idsync_client: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("mockserver.domain.stackspot.state.MAX_STACKSPOT_TENANTS", 2)
    monkeypatch.setattr("mockserver.domain.stackspot.state.MAX_STACKSPOT_RECORDS", 3)

    def create(tenant: str, name: str) -> Any:
        return idsync_client.post(f"/stackspot/{tenant}/scim/Users", json={"userName": name}, headers=AUTH)

    assert [create(t, n).status_code for t, n in (("t1", "a"), ("t2", "b"))] == [201, 201]
    refused = create("t3", "c")
    assert refused.status_code == 429
    assert refused.json()["status"] == "429" and "StackSpot tenants" in refused.json()["detail"]
    assert create("t1", "c").status_code == 201
    assert create("t2", "d").status_code == 429
    assert set(idsync_client.get("/__admin/state", headers=AUTH).json()["stackspot"]["tenants"]) == {"t1", "t2"}


def test_scim_tenants_and_resources_are_capped(idsync_client: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    existing = len(idsync_client.get("/__admin/tenants", headers=AUTH).json()["tenants"])
    monkeypatch.setattr("mockserver.domain.scim.tenants.MAX_SCIM_TENANTS", existing + 1)
    monkeypatch.setattr("mockserver.domain.scim.directory.MAX_SCIM_RESOURCES", 1)
    tenant = {"name": "one", "tokens": ["idsync-token"]}
    assert idsync_client.post("/__admin/tenants", json=tenant, headers=AUTH).status_code == 201
    refused = idsync_client.post("/__admin/tenants", json={"name": "two"}, headers=AUTH)
    assert (refused.status_code, refused.json()["status"]) == (429, 429)
    user = {"schemas": [USER], "userName": "first"}
    assert idsync_client.post("/scim/one/v2/Users", json=user, headers=AUTH).status_code == 201
    full = idsync_client.post("/scim/one/v2/Users", json={**user, "userName": "second"}, headers=AUTH)
    assert full.status_code == 429
    assert full.json()["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"]


def test_authentik_objects_are_capped(idsync_client: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("mockserver.domain.authentik.core.MAX_AUTHENTIK_USERS", 2)  # akadmin + outpost account
    monkeypatch.setattr("mockserver.domain.authentik.state.MAX_AUTHENTIK_PROVIDERS", 0)
    user = idsync_client.post("/authentik/api/v3/core/users/", json={"username": "x", "name": "X"}, headers=AUTH)
    assert (user.status_code, user.json()) == (429, {"detail": "Limit reached: at most 2 users; delete some first"})
    provider = {"name": "p", "url": "http://127.0.0.1:1/scim/v2", "token": "t"}
    assert idsync_client.post("/authentik/api/v3/providers/scim/", json=provider, headers=AUTH).status_code == 429


def test_sift_forgets_the_oldest_deactivated_users(idsync_client: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("mockserver.domain.sift.external_sync.MAX_SIFT_USERS", 3)  # the admin and two more
    issued = idsync_client.post("/sift/api/v1/external-sync:generate-token", json={}, headers=AUTH).json()
    tenant, idp = (
        httpx.URL(issued["externalSync"]["scimServerUrl"]).path,
        {"Authorization": f"Bearer {issued['token']}"},
    )

    def push(name: str) -> str:
        body = {"schemas": [USER], "userName": name, "active": True}
        return str(idsync_client.post(f"{tenant}/Users", json=body, headers=idp).json()["id"])

    def sync_and_list() -> list[str]:
        assert idsync_client.post("/sift/api/v1/external-sync", json={}, headers=AUTH).status_code == 200
        users = idsync_client.get("/sift/api/v2/users:all", params={"pageSize": 100}, headers=AUTH).json()["users"]
        return sorted(u["userName"] for u in users)

    first, second = push("first@example.com"), push("second@example.com")
    sync_and_list()
    for gone in (first, second):
        idsync_client.delete(f"{tenant}/Users/{gone}", headers=idp)
    assert sync_and_list() == ["admin@idsync.example", "first@example.com", "second@example.com"]
    push("third@example.com")
    assert sync_and_list() == ["admin@idsync.example", "second@example.com", "third@example.com"]


def test_resolution_forgets_the_oldest_disabled_users(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("mockserver.domain.resolution.state.MAX_RESOLUTION_DIRECTORY_USERS", 2)
    world = World()
    connector = next(iter(world.resolution.connectors.values()))
    idp = world.directories.get(connector.upstreamScimTenant)

    def add(name: str) -> str:
        return str(idp.create_user({"userName": name, "emails": [{"value": f"{name}@example.com"}]})["id"])

    ids = [add("ann"), add("bob")]
    world.resolution.sync_now(connector.id)
    for gone in ids:
        idp.delete_user(gone)
    world.resolution.sync_now(connector.id)
    add("cy")
    world.resolution.sync_now(connector.id)
    users = world.resolution.directories[connector.directoryId].users
    assert {name: user.active for name, user in users.items()} == {"bob": False, "cy": True}
