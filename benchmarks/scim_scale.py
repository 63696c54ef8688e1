"""SCIM directory at scale: latency per operation at 1k, 10k and 100k users, and memory.

Not part of the test suite. Run from the repository root:

    PYTHONPATH=$PWD python benchmarks/scim_scale.py

Prints, per operation, the median latency at each size and the 100k/1k ratio: indexed
lookups (``userName eq``, ``externalId eq``, get by id) and the first page should stay flat
(ratio near 1); a deep page skips ``startIndex`` users in the store's order (``itertools.islice``,
in C: a few ms at 90,000) and renders only the page; a substring filter is a full scan (ratio
near 100), and so is a Sift sync, which reconciles every user of the organisation's SCIM
server. A few operations are also timed over HTTP against a live server. Memory per 1,000 users comes from tracemalloc.
"""

from __future__ import annotations

import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import httpx

from mockserver.app import create_app
from mockserver.domain.clock import Clock
from mockserver.domain.scim import Directory, ListQuery
from mockserver.server import LiveServer

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
SIZES = (1_000, 10_000, 100_000)


def user(i: int) -> dict[str, Any]:
    return {
        "schemas": [USER],
        "userName": f"user{i:06d}@example.com",
        "externalId": f"ext-{i}",
        "name": {"givenName": f"Given{i}", "familyName": f"Family{i % 977}"},
        "displayName": f"User {i}",
        "active": i % 7 != 0,
        "emails": [{"value": f"user{i:06d}@example.com", "type": "work", "primary": True}],
    }


def populate(d: Directory, n: int) -> list[str]:
    return [d.create_user(user(i))["id"] for i in range(n)]


def median_ms(fn: Callable[[], Any], repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def domain_ops(d: Directory, ids: list[str], n: int) -> dict[str, tuple[Callable[[], Any], int]]:
    mid = n // 2
    counter = iter(range(10**9))
    return {
        "create_user": (lambda: d.create_user(user(n + next(counter))), 200),
        "get_user": (lambda: d.get_user(ids[mid]), 500),
        "filter userName eq": (lambda: d.list_users(ListQuery(filter=f'userName eq "USER{mid:06d}@example.com"')), 500),
        "filter externalId eq": (lambda: d.list_users(ListQuery(filter=f'externalId eq "ext-{mid}"')), 500),
        "first page (count=100)": (lambda: d.list_users(ListQuery(count=100)), 100),
        "deep page (start=0.9n, count=100)": (lambda: d.list_users(ListQuery(start_index=int(n * 0.9), count=100)), 20),
        "patch_user replace title": (
            lambda: d.patch_user(
                ids[mid],
                {"schemas": [PATCH], "Operations": [{"op": "replace", "path": "title", "value": str(next(counter))}]},
            ),
            200,
        ),
        "filter displayName co (scan)": (lambda: d.list_users(ListQuery(filter='displayName co "99999"')), 3),
    }


def http_ops(client: httpx.Client, ids: list[str], n: int) -> dict[str, tuple[Callable[[], Any], int]]:
    mid = n // 2
    return {
        "HTTP GET /Users/{id}": (lambda: client.get(f"/Users/{ids[mid]}").raise_for_status(), 50),
        "HTTP filter userName eq": (
            lambda: client.get(
                "/Users", params={"filter": f'userName eq "user{mid:06d}@example.com"'}
            ).raise_for_status(),
            50,
        ),
        "HTTP deep page (count=10)": (
            lambda: client.get("/Users", params={"startIndex": int(n * 0.9), "count": 10}).raise_for_status(),
            20,
        ),
    }


def sift_sync_op(n: int) -> tuple[Callable[[], Any], int]:
    """A Sift sync (``POST /api/v1/external-sync``, in the domain) of an organisation whose SCIM
    server holds ``n`` users, after a first sync that created them: the steady state of a sync loop."""
    app = create_app(apis=["sift", "scim"])
    sift = app.runtime.world.sift.sync
    scim_url = sift.generate_token("api-token", "http://bench")["externalSync"]["scimServerUrl"]
    tenant = app.runtime.world.directories.get(scim_url.split("/scim/")[1].split("/")[0])
    for i in range(n):
        tenant.create_user({"schemas": [USER], "userName": f"sift{i:06d}@example.com", "active": True})
    sift.sync("api-token", "http://bench")
    return (lambda: sift.sync("api-token", "http://bench")), 3 if n >= 100_000 else 10


def memory_per_thousand(n: int = 10_000) -> float:
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    d = Directory("mem", Clock())
    populate(d, n)
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    del d
    return (after - before) / (n / 1000) / 1024


def main() -> None:
    started = time.perf_counter()
    results: dict[str, dict[int, float]] = {}
    for n in SIZES:
        d = Directory("bench", Clock())
        t0 = time.perf_counter()
        ids = populate(d, n)
        print(f"built {n:>7} users in {time.perf_counter() - t0:6.2f}s", file=sys.stderr)
        for name, (fn, repeat) in domain_ops(d, ids, n).items():
            results.setdefault(name, {})[n] = median_ms(fn, repeat)
        results.setdefault("Sift sync (n users, no change)", {})[n] = median_ms(*sift_sync_op(n))
        app = create_app(apis=["scim"])
        directory = app.runtime.world.directories.get("default")
        http_ids = populate(directory, n)
        with (
            LiveServer(app) as server,
            httpx.Client(
                base_url=f"{server.url}/scim/default/v2", headers={"Authorization": "Bearer idsync-token"}
            ) as client,
        ):
            for name, (fn, repeat) in http_ops(client, http_ids, n).items():
                results.setdefault(name, {})[n] = median_ms(fn, repeat)
    print(f"{'operation (median ms)':38}" + "".join(f"{n:>11,}" for n in SIZES) + f"{'100k/1k':>10}")
    for name, by_size in results.items():
        ratio = by_size[SIZES[-1]] / by_size[SIZES[0]] if by_size[SIZES[0]] else float("nan")
        print(f"{name:38}" + "".join(f"{by_size[n]:>11.3f}" for n in SIZES) + f"{ratio:>10.1f}")
    print(f"\nmemory: {memory_per_thousand():.0f} KiB per 1,000 users (tracemalloc, 10k users)")
    print(f"total benchmark time: {time.perf_counter() - started:.0f}s")


if __name__ == "__main__":
    main()
