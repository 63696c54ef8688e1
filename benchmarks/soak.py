"""Soak run: a real ``idsync serve`` under 32 concurrent clients for a set time, then checked.

The clients (``soak_clients.py``) mix reads and writes on every API, Sift and resolution syncs,
authentik pushes to a SCIM tenant of the same server (real HTTP), and admin fault rules (on one
tenant only) for ``--duration`` seconds. Then: **0 5xx** other than those the fault rules
injected; **0 lost writes**: after a last Sift and resolution sync, the state (``GET
/__admin/state``) holds exactly what the acknowledged writes left (``soak_clients.Model``); and
**memory flat after warm-up**: the server's resident set size, sampled every second, has a
least-squares slope after the first ``--warmup`` fraction of the run below ``--max-slope``
MiB/min. Prints the figures; exits 1 if a check fails. Not in the default suite: ``tox -e soak``.

    python benchmarks/soak.py --duration 120 --clients 32
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx
from soak_clients import AUTH, BASIC, FAULT_TENANT, SYNC, Client, Model, Tally
from state_import import serve


class RssSampler:
    """``VmRSS`` of a process once a second, with the time of each sample."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.samples: list[tuple[float, float]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(1.0):
            status = Path(f"/proc/{self.pid}/status").read_text()
            kib = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:"))
            self.samples.append((time.monotonic(), kib / 1024))

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def slope_after(self, start: float) -> float:
        """Least-squares slope of RSS in MiB per minute over the samples taken after ``start``."""
        points = [(t, mib) for t, mib in self.samples if t >= start]
        if len(points) < 3:
            return 0.0
        mean_t = sum(t for t, _ in points) / len(points)
        mean_m = sum(m for _, m in points) / len(points)
        num = sum((t - mean_t) * (m - mean_m) for t, m in points)
        den = sum((t - mean_t) ** 2 for t, _ in points)
        return num / den * 60


async def set_up(http: httpx.AsyncClient, url: str) -> dict[str, Any]:
    """Tenants, the authentik provider pushing to ``pushed``, and Sift's IdP token."""
    for tenant in ("pushed", FAULT_TENANT):
        made = await http.post("/__admin/tenants", json={"name": tenant, "tokens": ["idsync-token"]})
        made.raise_for_status()
    provider = {"name": "soak", "url": f"{url}/scim/pushed/v2", "token": "idsync-token"}
    created = await http.post("/authentik/api/v3/providers/scim/", json=provider)
    created.raise_for_status()
    sift = (await http.post("/sift/api/v1/external-sync:generate-token", json={})).json()
    return {
        "provider": created.json()["pk"],
        "sift_tenant": httpx.URL(sift["externalSync"]["scimServerUrl"]).path,
        "sift_token": sift["token"],
    }


async def drive(
    url: str, clients: int, duration: float, warmup: float, model: Model, tally: Tally
) -> tuple[dict[str, Any], dict[str, dict[str, int]]]:
    """Run the clients for ``duration`` seconds; the final state and the state's size per
    section at the end of warm-up (``warmup`` seconds in) and at the end."""
    sizes: dict[str, dict[str, int]] = {}
    # An idle connection is dropped by the client (1 s) before uvicorn drops it (5 s): no race on reuse.
    limits = httpx.Limits(max_connections=clients + 4, max_keepalive_connections=clients + 4, keepalive_expiry=1.0)
    async with httpx.AsyncClient(base_url=url, headers=AUTH, timeout=60, limits=limits) as http:
        env = await set_up(http, url)
        workers = [Client(n, http, env, model, tally) for n in range(clients)]
        deadline = time.monotonic() + duration

        async def run(worker: Client) -> None:
            while time.monotonic() < deadline:
                await worker.step()

        async def measure(label: str, after: float) -> None:
            await asyncio.sleep(after)
            sizes[label] = section_sizes((await http.get("/__admin/state")).json())

        await asyncio.gather(measure("warm", warmup), *(run(w) for w in workers))
        await settle(http)
        state: dict[str, Any] = (await http.get("/__admin/state")).json()
        sizes["end"] = section_sizes(state)
        sift_active = await http.get("/sift/api/v2/users", params={"pageSize": 1000})
        state["sift_active"] = [u["userName"] for u in sift_active.json()["users"]]
        return state, sizes


def section_sizes(state: dict[str, Any]) -> dict[str, int]:
    """Bytes of JSON per section of the state: which stores grow."""
    return {name: len(json.dumps(section)) for name, section in state.items()}


async def settle(http: httpx.AsyncClient) -> None:
    """A last Sift sync and a last resolution full sync, run to DONE, so the synced copies are current."""
    (await http.post("/sift/api/v1/external-sync", json={})).raise_for_status()
    for _ in range(600):
        if (await http.post(f"{SYNC}/sync", auth=BASIC)).status_code == 200:
            break
        await asyncio.sleep(0.1)
    while (await http.get(f"{SYNC}/syncstatus", auth=BASIC)).json()["status"] != "DONE":
        await asyncio.sleep(0.1)


def lost_writes(state: dict[str, Any], model: Model) -> list[str]:
    """Every difference between the final state and what the acknowledged writes left.

    A record whose last write was never answered (``model.unknown``: its key, or its name for a
    create) may be either way, so it is left out.
    """
    lost: list[str] = []
    skip = model.unknown
    tenants = state["scim"]["tenants"]
    scim = {u["id"]: u.get("displayName") for u in tenants["default"]["users"] if u["userName"].startswith("c")}
    lost += _diff("SCIM default", scim, model.scim, skip)
    for tenant, records in model.stackspot.items():
        have = state["stackspot"]["tenants"].get(tenant, {}).get("Users", [])
        found = {r["id"]: r["attrs"].get("userType") for r in have if r["attrs"]["userName"] not in skip}
        lost += _diff(f"StackSpot {tenant}", found, records, skip)
    users = {u["pk"]: u["name"] for u in state["authentik"]["users"] if u["username"].startswith("c")}
    lost += _diff("authentik", users, model.authentik, skip | {k.removeprefix("ak") for k in skip})
    pushed = {u["userName"] for u in tenants["pushed"]["users"]}
    lost += [f"push of {name} lost" for name in model.pushed - pushed]
    sift_active = {n for n in state["sift_active"] if n.startswith("c")}
    lost += _diff(
        "Sift (active after the last sync)",
        {n: n in sift_active for n, _ in model.sift.values()},
        dict(model.sift.values()),
        skip,
    )
    directory = {u["username"]: u["active"] for d in state["resolution"]["directories"] for u in d["users"]}
    synced = {name: directory.get(name.lower()) for name, _ in model.upstream.values()}
    lost += _diff("resolution (active after the last sync)", synced, dict(model.upstream.values()), skip)
    return lost


def _diff(what: str, found: dict[Any, Any], wanted: dict[Any, Any], skip: set[str]) -> list[str]:
    """Keys whose value differs (missing counts as None), those in ``skip`` (or named there) aside."""
    keys = {k for k in set(found) | set(wanted) if str(k) not in skip and found.get(k) not in skip}
    return [
        f"{what} {k}: server {found.get(k)!r}, acknowledged {wanted.get(k)!r}"
        for k in keys
        if found.get(k) != wanted.get(k)
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=120.0, help="seconds of load (default 120)")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--warmup", type=float, default=0.25, help="fraction of the run before memory is judged")
    parser.add_argument("--max-slope", type=float, default=2.0, help="largest RSS slope after warm-up, MiB/min")
    args = parser.parse_args()
    model, tally = Model(), Tally()
    with serve(None) as (url, proc, _):
        sampler = RssSampler(proc.pid)
        started = time.monotonic()
        warmup = args.warmup * args.duration
        state, sizes = asyncio.run(drive(url, args.clients, args.duration, warmup, model, tally))
        elapsed = time.monotonic() - started
        sampler.stop()
    lost = lost_writes(state, model)
    slope = sampler.slope_after(started + warmup)
    rss = [m for _, m in sampler.samples]
    total = sum(tally.requests.values())
    print(f"soak: {args.clients} clients, {elapsed:.0f} s, {total:,} requests ({total / elapsed:.0f}/s)")
    print("  by API: " + ", ".join(f"{api} {n:,}" for api, n in tally.requests.most_common()))
    print(f"  5xx not injected by a fault rule: {len(tally.server_errors)} (injected: {tally.injected})")
    print(f"  transport errors: {tally.transport_errors}; writes acknowledged: {tally.acknowledged:,}", end="")
    print(f" (unanswered: {tally.unknown})")
    print(f"  lost writes: {len(lost)}; stale reads of a client's own write: {len(tally.stale_reads)}")
    print(
        f"  RSS MiB: start {rss[0]:.0f}, end of warm-up {_at(sampler, started + warmup):.0f}, "
        f"end {rss[-1]:.0f}, max {max(rss):.0f}; slope after warm-up {slope:+.2f} MiB/min"
    )
    growth = {k: sizes["end"][k] - sizes["warm"].get(k, 0) for k in sizes["end"]}
    print(
        "  state JSON KiB after warm-up → end: "
        + ", ".join(f"{k} {sizes['warm'].get(k, 0) // 1024}→{sizes['end'][k] // 1024}" for k in growth)
    )
    trace = sampler.samples[:: max(1, len(sampler.samples) // 12)]
    print("  RSS trace (s: MiB): " + ", ".join(f"{t - started:.0f}: {m:.0f}" for t, m in trace))
    for line in (tally.server_errors + lost + tally.stale_reads + tally.transport_examples)[:20]:
        print("   ", line)
    ok = not tally.server_errors and not lost and not tally.stale_reads and slope <= args.max_slope
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


def _at(sampler: RssSampler, moment: float) -> float:
    return next((m for t, m in sampler.samples if t >= moment), sampler.samples[-1][1])


if __name__ == "__main__":
    sys.exit(main())
