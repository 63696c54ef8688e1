"""Cost of the pytest plugin's per-test reset (``contracts.plugin.idsync_url``), default seed.

Not a test. Run from the repository root:

    python benchmarks/reset_cost.py [--runs 500]

Starts the live server the plugin starts (``LiveServer(create_app(validate_responses=True))``),
then times what ``idsync_url`` does before each test (one admin ``reset`` that also clears the
journal and the fault rules, ``Admin.reset_all``: a kept-alive stdlib connection), the same
request through the ``Admin`` client's httpx, the same done as three
calls (reset, clear faults, clear journal: the fixture until 2026-11), and the in-process
``World.reset()``. Prints the median and the 90th percentile of each, in milliseconds.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

from contracts.admin import Admin
from mockserver.app import create_app
from mockserver.server import LiveServer


def timed(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(0.9 * len(samples))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=500)
    runs = parser.parse_args().runs
    app = create_app(validate_responses=True)
    with LiveServer(app) as server:
        admin = Admin(server.url)

        def fixture() -> None:
            admin.reset_all()

        def three_calls() -> None:
            admin.reset()
            admin.clear_faults()
            admin.clear_journal()

        timed(three_calls, 50)  # warm-up: connection, first requests through Connexion
        rows = {
            "idsync_url set-up (one reset: world, journal, faults)": timed(fixture, runs),
            "the same reset through httpx": timed(lambda: admin.reset(journal=True, faults=True), runs),
            "the same as three calls (reset, clear faults, journal)": timed(three_calls, runs),
            "World.reset() in process": timed(app.runtime.world.reset, runs),
        }
        admin.close()
    for name, (median, p90) in rows.items():
        print(f"{name:56} median {median:7.3f} ms   p90 {p90:7.3f} ms")


if __name__ == "__main__":
    main()
