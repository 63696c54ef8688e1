"""HTTP benchmark: ``idsync serve`` against bare Starlette (and Stoplight Prism when installed), one run.

Not a test. Run from the repository root (``tox -e bench`` runs it after the SCIM scale benchmark):

    python benchmarks/http_bench.py [--seconds 3] [--rounds 3] [--connections 16] [--prism PATH] [--before DIR]

It starts, on loopback ports of this machine: ``idsync serve`` (default options: state, bearer
auth and strict request validation on), ``idsync serve --validate-responses``, the bare Starlette
app of ``bare_app.py`` answering idsync's own bodies, and, when Prism is found (``--prism``,
``$IDSYNC_PRISM`` or ``prism`` on ``PATH``), ``prism mock`` of ``specs/scim.yaml`` and
``specs/sift.yaml`` (a static example replayer). Every server gets the same load for each
scenario, in interleaved rounds (the order rotates per round), from ``loadgen.py``: a closed loop
of keep-alive connections for a fixed time. It prints, per scenario and server, the medians over
the rounds of requests per second, p50 and p99 latency and the server's CPU microseconds per
request (``/proc``), each as a ratio to the bare baseline of the same run.

``--before DIR`` adds ``idsync serve`` run from another source tree (``PYTHONPATH=DIR``, e.g. a
``git worktree`` of an older commit) to the same run, so a change is measured against the code
before it under the same load; repeated, each tree is labelled with its directory's name.

Scenarios: ``GET /Users/{id}``, ``POST /Users`` (a new user each time), a filtered list
(``userName eq`` among 1,000 users), a ``PATCH`` (replace ``title``), and a Sift sync
(``POST /api/v1/external-sync``) of an organisation whose SCIM server holds 1,000 users.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import loadgen  # benchmarks/ is on sys.path when this file is run as a script
from servers import Server, cpu_seconds, free_port

ROOT = Path(__file__).resolve().parent.parent
USER = "urn:ietf:params:scim:schemas:core:2.0:User"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
BEARER = {"Authorization": "Bearer idsync-token"}
SCIM_JSON = {**BEARER, "Content-Type": "application/scim+json"}
USERS = 1000


@dataclass
class Call:
    """A scenario's request on one server: method, target and a body builder (request number → bytes)."""

    method: str
    target: str
    headers: dict[str, str]
    body: Callable[[int], bytes] | None = None

    def maker(self, port: int) -> loadgen.Request:
        host = f"127.0.0.1:{port}"
        if self.body is None:
            fixed = loadgen.request_bytes(self.method, self.target, host, self.headers)
            return lambda n: fixed
        body = self.body
        return lambda n: loadgen.request_bytes(self.method, self.target, host, self.headers, body(n))


SEQUENCE = itertools.count()


def user_body(tag: str) -> Callable[[int], bytes]:
    """A new ``userName`` for every request of the whole run (the request number restarts per load run)."""
    return lambda n: json.dumps({"schemas": [USER], "userName": f"load-{tag}-{next(SEQUENCE)}@example.com"}).encode()


def patch_body(n: int) -> bytes:
    ops = [{"op": "replace", "path": "title", "value": f"title {n}"}]
    return json.dumps({"schemas": [PATCH], "Operations": ops}).encode()


def prepare_idsync(base: str) -> dict[str, Any]:
    """Seed a running idsync: 1,000 SCIM users, a Sift organisation whose SCIM server holds 1,000 users
    (synced once), and return the state the scenarios need plus idsync's answer of each."""
    with httpx.Client(base_url=base, timeout=30) as client:
        scim = "/scim/default/v2/Users"
        ids = [
            client.post(scim, headers=SCIM_JSON, json={"schemas": [USER], "userName": f"user{i:04d}@example.com"})
            .raise_for_status()
            .json()["id"]
            for i in range(USERS)
        ]
        sync = client.post("/sift/api/v1/external-sync:generate-token", headers=BEARER, json={}).raise_for_status()
        scim_url, token = sync.json()["externalSync"]["scimServerUrl"], sync.json()["token"]
        sift_headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/scim+json"}
        for i in range(USERS):
            body = {"schemas": [USER], "userName": f"sift{i:04d}@example.com", "active": True}
            client.post(f"{scim_url}/Users", headers=sift_headers, json=body).raise_for_status()
        client.post("/sift/api/v1/external-sync", headers=BEARER, json={}).raise_for_status()
        target = ids[USERS // 2]
        answers = {
            "get": client.get(f"{scim}/{target}", headers=BEARER).json(),
            "post": client.post(scim, headers=SCIM_JSON, content=user_body("answer")(0)).json(),
            "list": client.get(
                scim, headers=BEARER, params={"filter": f'userName eq "user{USERS // 2:04d}@example.com"'}
            ).json(),
            "patch": client.patch(f"{scim}/{target}", headers=SCIM_JSON, content=patch_body(0)).json(),
            "sift": client.post("/sift/api/v1/external-sync", headers=BEARER, json={}).json(),
        }
    return {"target": target, "answers": answers}


def scenarios(target: str, tag: str) -> dict[str, dict[str, Call]]:
    """Scenario → server kind (``idsync``, ``bare``, ``prism``) → the request on that server."""
    users = "/scim/default/v2/Users"
    filt = f"filter=userName%20eq%20%22user{USERS // 2:04d}%40example.com%22"
    json_headers = {**BEARER, "Content-Type": "application/json"}
    same = {
        "GET /Users/{id}": Call("GET", f"{users}/{target}", BEARER),
        "POST /Users": Call("POST", users, SCIM_JSON, user_body(tag)),
        "GET /Users?filter": Call("GET", f"{users}?{filt}", BEARER),
        "PATCH /Users/{id}": Call("PATCH", f"{users}/{target}", SCIM_JSON, patch_body),
        "Sift sync, 1,000 users": Call("POST", "/sift/api/v1/external-sync", json_headers, lambda n: b"{}"),
    }
    prism_paths = {
        "GET /Users/{id}": f"/default/v2/Users/{target}",
        "POST /Users": "/default/v2/Users",
        "GET /Users?filter": f"/default/v2/Users?{filt}",
        "PATCH /Users/{id}": f"/default/v2/Users/{target}",
        "Sift sync, 1,000 users": "/api/v1/external-sync",
    }
    return {
        name: {
            "idsync": call,
            "bare": call,
            "prism": Call(call.method, prism_paths[name], call.headers, call.body),
        }
        for name, call in same.items()
    }


def find_prism(option: str | None) -> str | None:
    """The ``prism`` command: ``--prism``, then ``$IDSYNC_PRISM``, then ``PATH``."""
    return option or os.environ.get("IDSYNC_PRISM") or shutil.which("prism")


@dataclass
class Sample:
    """One load run of one scenario on one server."""

    rps: float
    p50_ms: float
    p99_ms: float
    cpu_us: float
    errors: int


def measure(server: Server, call: Call, *, seconds: float, connections: int) -> Sample:
    """Drive ``server`` with ``call`` for ``seconds``; CPU from /proc before and after."""
    pids = server.pids
    before = cpu_seconds(pids)
    result = asyncio.run(
        loadgen.run("127.0.0.1", server.port, call.maker(server.port), connections=connections, seconds=seconds)
    )
    used = cpu_seconds(pids) - before
    errors = sum(n for status, n in result.statuses.items() if status >= 300)
    return Sample(
        rps=result.count / result.seconds,
        p50_ms=result.percentile(50) * 1000,
        p99_ms=result.percentile(99) * 1000,
        cpu_us=used / max(result.count, 1) * 1e6,
        errors=errors,
    )


def idsync_server(name: str, *options: str, source: str | None = None) -> Server:
    """``idsync serve``; from the source tree ``source`` (``PYTHONPATH``) when given, else as installed."""
    command = [sys.executable, "-m", "mockserver.cli", "serve", "--port", "{port}", *options]
    env = {"PYTHONPATH": source, "PYTHONSAFEPATH": "1"} if source else None  # not the current directory first
    return Server(name, command, free_port(), env=env)


def prism_server(prism: str, spec: str) -> Server:
    command = [prism, "mock", "-h", "127.0.0.1", "-p", "{port}", "-v", "warn", str(ROOT / "specs" / spec)]
    return Server(f"Prism {spec}", command, free_port())


def started(server: Server) -> Server:
    server.command = [part.replace("{port}", str(server.port)) for part in server.command]
    return server.start()


def plan(args: argparse.Namespace, workdir: Path) -> tuple[dict[str, dict[str, tuple[Server, Call]]], list[Server]]:
    """Start every server; scenario → server label → (server, request). Returns the processes too."""
    tag = uuid.uuid4().hex[:8]
    processes: list[Server] = []
    table: dict[str, dict[str, tuple[Server, Call]]] = {}
    answers: dict[str, Any] = {}
    first_target = ""
    variants: list[tuple[str, tuple[str, ...], str | None]] = [
        ("idsync", (), None),
        ("idsync --validate-responses", ("--validate-responses",), None),
    ]
    for source in args.before or ():
        label = f"before: {Path(source).name}" if len(args.before) > 1 else "before"
        variants += [(label, (), source), (f"{label} --validate-responses", ("--validate-responses",), source)]
    for label, options, source in variants:
        server = started(idsync_server(label, *options, source=source))
        processes.append(server)
        prepared = prepare_idsync(f"http://127.0.0.1:{server.port}")
        answers = answers or prepared["answers"]
        first_target = first_target or prepared["target"]
        for name, calls in scenarios(prepared["target"], tag).items():
            table.setdefault(name, {})[label] = (server, calls["idsync"])
    templates = workdir / "answers.json"
    templates.write_text(json.dumps(answers))
    bare = started(
        Server(
            "bare",
            [
                sys.executable,
                str(ROOT / "benchmarks" / "bare_app.py"),
                "--port",
                "{port}",
                "--templates",
                str(templates),
            ],
            free_port(),
        )
    )
    processes.append(bare)
    for name, calls in scenarios(first_target, tag).items():
        table[name]["bare Starlette"] = (bare, calls["bare"])
    prism = find_prism(args.prism)
    if prism:
        scim, sift = started(prism_server(prism, "scim.yaml")), started(prism_server(prism, "sift.yaml"))
        processes += [scim, sift]
        for name, calls in scenarios(first_target, tag).items():
            table[name]["Prism (static mock)"] = (sift if name.startswith("Sift") else scim, calls["prism"])
    return table, processes


def run(args: argparse.Namespace) -> dict[str, dict[str, list[Sample]]]:
    """Every scenario on every server, ``args.rounds`` interleaved rounds; samples per scenario/server."""
    samples: dict[str, dict[str, list[Sample]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        table, processes = plan(args, Path(tmp))
        table = {name: servers for name, servers in table.items() if not args.only or args.only in name}
        try:
            for server in processes:
                print(f"started {server.name} in {server.started_in:.2f}s on port {server.port}", file=sys.stderr)
            for servers in table.values():  # warm-up (JIT, caches, first-request set-up), not counted
                for server, call in servers.values():
                    measure(server, call, seconds=args.warmup, connections=args.connections)
            for round_no in range(args.rounds):
                for name, servers in table.items():
                    labels = list(servers)
                    shift = round_no % len(labels)
                    for label in labels[shift:] + labels[:shift]:
                        server, call = servers[label]
                        sample = measure(server, call, seconds=args.seconds, connections=args.connections)
                        samples.setdefault(name, {}).setdefault(label, []).append(sample)
                print(f"round {round_no + 1}/{args.rounds} done", file=sys.stderr)
        finally:
            for server in processes:
                server.stop()
    return samples


def report(samples: dict[str, dict[str, list[Sample]]]) -> str:
    """Medians over the rounds, and each as a ratio to bare Starlette of the same run."""
    med = statistics.median
    lines = []
    header = (
        f"{'server':30} {'req/s':>8} {'vs bare':>7} {'p50 ms':>7} {'p99 ms':>7} {'CPU us/req':>10} {'vs bare':>7} "
        f"{'errors':>6}"
    )
    for name, by_server in samples.items():
        bare = by_server["bare Starlette"]
        bare_rps, bare_cpu = med(s.rps for s in bare), med(s.cpu_us for s in bare)
        lines += ["", name, header]
        for label, runs in by_server.items():
            rps, cpu = med(s.rps for s in runs), med(s.cpu_us for s in runs)
            lines.append(
                f"{label:30} {rps:8.0f} {rps / bare_rps:7.2f} {med(s.p50_ms for s in runs):7.2f} "
                f"{med(s.p99_ms for s in runs):7.2f} {cpu:10.0f} {cpu / bare_cpu:7.2f} {sum(s.errors for s in runs):6d}"
            )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description="idsync vs bare Starlette (and Prism) over HTTP, one run")
    parser.add_argument("--seconds", type=float, default=3.0, help="load per scenario, server and round (default 3)")
    parser.add_argument("--warmup", type=float, default=1.0, help="uncounted load first, seconds (default 1)")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (default 3)")
    parser.add_argument("--connections", type=int, default=16, help="keep-alive connections (default 16)")
    parser.add_argument("--only", help="run only the scenarios whose name contains this text")
    parser.add_argument("--prism", help="the prism command (default: $IDSYNC_PRISM, then prism on PATH)")
    parser.add_argument(
        "--before",
        metavar="DIR",
        action="append",
        help="also measure idsync from this source tree (e.g. a git worktree of main); may be repeated",
    )
    args = parser.parse_args()
    started_at = time.perf_counter()
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} at start", file=sys.stderr)
    print(report(run(args)))
    print(f"\nload average {os.getloadavg()[0]:.2f} at the end; total {time.perf_counter() - started_at:.0f}s")


if __name__ == "__main__":
    main()
