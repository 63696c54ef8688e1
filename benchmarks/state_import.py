"""State import at scale: ``idsync serve --seed``, ``GET/PUT /__admin/state`` and ``POST /__admin/seed``.

Starts a real ``idsync serve`` process seeded with N SCIM users (default 100,000) and N/100 groups
of 10 members, then times export → import → export (and checks the two exports are identical,
byte for byte) and a seed load of the same state, sampling the server's resident memory
(``/proc/<pid>/status``) all along. Not a test: run it by hand (README, "Measured").

    python benchmarks/state_import.py            # 100,000 users
    python benchmarks/state_import.py --users 10000
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
ADMIN = {"Authorization": "Bearer idsync-token"}


def make_seed(users: int) -> dict[str, object]:
    """A seed whose ``default`` tenant holds ``users`` users and ``users // 100`` groups of 10."""
    people = [
        {
            "schemas": [USER],
            "id": f"u-{i:07d}",
            "userName": f"user{i:07d}@example.com",
            "externalId": f"ext-{i}",
            "displayName": f"User {i}",
            "name": {"givenName": "User", "familyName": str(i)},
            "emails": [{"value": f"user{i:07d}@example.com", "type": "work", "primary": True}],
            "active": i % 7 != 0,
        }
        for i in range(users)
    ]
    groups = [
        {
            "schemas": [GROUP],
            "displayName": f"group {g}",
            "members": [{"value": f"u-{m:07d}"} for m in range(g * 10, min(g * 10 + 10, users))],
        }
        for g in range(users // 100)
    ]
    return {"scim": {"tenants": {"default": {"tokens": ["idsync-token"], "users": people, "groups": groups}}}}


class Memory:
    """Samples the resident set size of a process every 50 ms."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak_kib = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def rss_kib(self) -> int:
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        return 0

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.peak_kib = max(self.peak_kib, self.rss_kib())
            except (FileNotFoundError, ProcessLookupError):
                return
            time.sleep(0.05)

    def phase_peak(self) -> int:
        """Peak since the last call, in MiB (then starts over)."""
        peak, self.peak_kib = self.peak_kib, self.rss_kib()
        return round(max(peak, self.peak_kib) / 1024)

    def stop(self) -> None:
        self._stop.set()


@contextmanager
def serve(seed: Path | None) -> Iterator[tuple[str, subprocess.Popen[str], float]]:
    """``idsync serve --port 0 [--seed FILE]``; yields its URL, the process and the start-up time."""
    started = time.perf_counter()
    command = [str(Path(sys.executable).with_name("idsync")), "serve", "--port", "0"]
    proc = subprocess.Popen([*command, *(["--seed", str(seed)] if seed else [])], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    first = proc.stdout.readline()  # "idsync mock server on http://127.0.0.1:PORT  (profile: ...)"
    url = first.split(" on ", 1)[1].split()[0]
    while True:
        try:
            httpx.get(f"{url}/", timeout=1)
            break
        except httpx.TransportError:
            time.sleep(0.05)
    try:
        yield url, proc, time.perf_counter() - started
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def timed(call: object) -> tuple[httpx.Response, float]:
    started = time.perf_counter()
    response = call()  # type: ignore[operator]
    return response, time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        seed_file = Path(tmp) / "seed.json"
        seed_file.write_text(json.dumps(make_seed(args.users)))
        print(f"seed: {args.users:,} users, {args.users // 100:,} groups, {seed_file.stat().st_size / 1e6:.1f} MB")
        with serve(seed_file) as (url, proc, startup), httpx.Client(base_url=url, headers=ADMIN, timeout=600) as c:
            memory = Memory(proc.pid)
            rows = [("idsync serve --seed (start-up, ready)", startup, memory.phase_peak())]
            first, seconds = timed(lambda: c.get("/__admin/state"))
            rows.append((f"GET /__admin/state ({len(first.content) / 1e6:.1f} MB)", seconds, memory.phase_peak()))
            imported, seconds = timed(lambda: c.put("/__admin/state", content=first.content, headers=_json()))
            assert imported.status_code == 200, imported.text[:500]
            rows.append(("PUT /__admin/state", seconds, memory.phase_peak()))
            second, seconds = timed(lambda: c.get("/__admin/state"))
            rows.append(("GET /__admin/state again", seconds, memory.phase_peak()))
            seeded, seconds = timed(lambda: c.post("/__admin/seed", content=first.content, headers=_json()))
            assert seeded.status_code == 200, seeded.text[:500]
            rows.append(("POST /__admin/seed (same state)", seconds, memory.phase_peak()))
            memory.stop()
    identical = first.content == second.content
    users = len(second.json()["scim"]["tenants"]["default"]["users"])
    print(f"export -> import -> export identical: {identical} ({users:,} users)")
    print(f"{'step':44} {'seconds':>8} {'peak RSS MiB':>13}")
    for name, secs, peak in rows:
        print(f"{name:44} {secs:8.2f} {peak:13}")
    return 0 if identical and users == args.users else 1


def _json() -> dict[str, str]:
    return {"Content-Type": "application/json"}


if __name__ == "__main__":
    sys.exit(main())
