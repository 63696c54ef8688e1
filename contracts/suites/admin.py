"""Contracts of the idsync admin API (specs/admin.yaml; docs/design.md "The admin API").

They exercise what makes the mock usable in tests: reset, snapshots, the journal, fault rules
and the clock. Every one needs the admin API itself, so against a real vendor they are skipped.
"""

from __future__ import annotations

import httpx

from contracts.scenario import contract, require
from contracts.target import Target

SOURCE = "docs/design.md, The admin API; specs/admin.yaml"
ADMIN = ("admin",)


def _admin(target: Target) -> httpx.Client:
    return target.client("admin")


@contract("admin", level="semantic", source=SOURCE + " (POST /reset)", needs=ADMIN)
def reset_restores_the_seeded_state(target: Target) -> None:
    """POST /reset undoes every change made since the seed: a created tenant is gone again."""
    client = _admin(target)
    before = client.get("/__admin/tenants").json()["tenants"]
    created = client.post("/__admin/tenants", json={"name": "contract-reset-probe"})
    require(created.status_code == 201, "POST /tenants creates a tenant (201)", SOURCE, created.text)
    require(client.post("/__admin/reset").status_code == 200, "POST /reset answers 200", SOURCE)
    after = client.get("/__admin/tenants").json()["tenants"]
    require(after == before, "after POST /reset the tenants are the seeded ones", SOURCE, f"{before} != {after}")


@contract("admin", level="semantic", source=SOURCE + " (GET/PUT /state)", needs=ADMIN)
def state_snapshot_round_trips(target: Target) -> None:
    """PUT /state with the body of GET /state restores exactly that state."""
    client = _admin(target)
    client.post("/__admin/tenants", json={"name": "contract-snapshot", "tokens": ["snap-token"]})
    snapshot = client.get("/__admin/state").json()
    client.post("/__admin/reset")
    restored = client.put("/__admin/state", json=snapshot)
    require(restored.status_code == 200, "PUT /state accepts an exported snapshot", SOURCE, restored.text)
    again = client.get("/__admin/state").json()
    again.pop("clock", None)
    snapshot.pop("clock", None)
    require(again == snapshot, "GET /state after PUT /state equals the snapshot", SOURCE, f"{snapshot} != {again}")


@contract("admin", level="semantic", source=SOURCE + " (GET /journal)", needs=ADMIN)
def journal_records_each_request(target: Target) -> None:
    """Every request lands in the journal with its method, path and status, newest last."""
    client = _admin(target)
    client.delete("/__admin/journal")
    client.get("/__admin/tenants")
    entries = client.get("/__admin/journal", params={"path": "/tenants$"}).json()["entries"]
    require(entries, "the journal lists GET /__admin/tenants", SOURCE, "no entry matched /tenants$")
    last = entries[-1]
    require(
        (last["method"], last["path"], last["status"], last["api"]) == ("GET", "/__admin/tenants", 200, "admin"),
        "a journal entry carries the request's method, path, status and API",
        SOURCE,
        str(last),
    )


@contract("admin", level="scenario", source=SOURCE + " (POST /faults)", needs=ADMIN)
def fault_rule_fires_count_times(target: Target) -> None:
    """A ``status`` fault with ``count: 1`` answers its status once, then the route behaves again."""
    client = _admin(target)
    rule = client.post("/__admin/faults", json={"action": "status", "status": 503, "api": "scim", "count": 1})
    require(rule.status_code == 201, "POST /faults adds a rule (201)", SOURCE, rule.text)
    probe = target.client("scim")
    first = probe.get("/scim/no-such-route-probe")
    second = probe.get("/scim/no-such-route-probe")
    require(first.status_code == 503, "the first matching request gets the fault's status", SOURCE, first.text)
    require(second.status_code != 503, "after count hits the rule no longer fires", SOURCE, second.text)
    hits = client.get("/__admin/faults").json()["faults"][0]["hits"]
    require(hits == 1, "the rule counts its hits", SOURCE, f"hits = {hits}")


@contract("admin", level="scenario", source=SOURCE + " (POST /clock)", needs=ADMIN)
def clock_advance_moves_mock_time(target: Target) -> None:
    """Advancing the clock by an hour moves ``now`` forward by an hour; reset brings real time back."""
    client = _admin(target)
    before = client.get("/__admin/clock").json()["now"]
    after = client.post("/__admin/clock", json={"advance": 3600}).json()
    require(
        3600 <= after["now"] - before < 3660, "POST /clock advance moves now by that many seconds", SOURCE, str(after)
    )
    require(after["offset"] >= 3600, "the offset reports the advance", SOURCE, str(after))
    reset = client.post("/__admin/clock", json={"reset": True}).json()
    require(abs(reset["offset"]) < 1, "POST /clock reset returns to real time", SOURCE, str(reset))
