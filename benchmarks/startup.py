"""Start-up time of ``idsync serve``: from process start to the first answer, several runs.

Not a test. Run from the repository root:

    python benchmarks/startup.py [--runs 5] [--before DIR] [-- extra serve options]

Each run starts ``idsync serve`` on a free loopback port, polls ``GET /`` and then
``GET /scim/default/v2/ServiceProviderConfig`` (the first request through Connexion's middleware
stack, which Connexion builds on first use) every 5 ms, and stops the server. Prints each run
and the median of both times. ``--before DIR`` also starts ``idsync serve`` from another source tree
(``PYTHONPATH=DIR``, e.g. a checkout of an older commit; may be repeated), alternating with the
current one run by run, so all are measured under the same load.

The Python bytecode of both trees is compiled first (``compileall``), as ``pip install`` does: a
checkout run with ``PYTHONDONTWRITEBYTECODE=1`` would otherwise compile every module of the
package on every start (about 0.07 s of CPU on the CI machine). ``--no-compile`` skips that.
"""

from __future__ import annotations

import argparse
import compileall
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

from servers import Server, cpu_seconds, free_port

import mockserver

SPC = "/scim/default/v2/ServiceProviderConfig"


def first_answer(port: int, path: str, deadline: float) -> float:
    """Poll ``path`` until it answers (any status); the time it did."""
    request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer idsync-token\r\n\r\n".encode()
    while time.perf_counter() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
                s.sendall(request)
                if s.recv(12).startswith(b"HTTP/1."):
                    return time.perf_counter()
        except OSError:
            time.sleep(0.005)
    raise RuntimeError("idsync serve did not answer in time")


def one_run(options: list[str], source: str | None = None) -> tuple[float, float, float]:
    """Seconds to the first answer of ``GET /`` and through Connexion, and the server's CPU seconds then
    (``source``: run the code of that source tree).

    The CPU time (``/proc``) hardly depends on what else the machine runs; the wall time does."""
    port = free_port()
    server = Server("idsync", [sys.executable, "-m", "mockserver.cli", "serve", "--port", str(port), *options], port)
    env = {**os.environ, "PYTHONPATH": source, "PYTHONSAFEPATH": "1"} if source else None
    started = time.perf_counter()
    server.process = subprocess.Popen(server.command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    try:
        index = first_answer(port, "/", started + 30) - started
        routed = first_answer(port, SPC, started + 30) - started
        cpu = cpu_seconds(server.pids)
    finally:
        server.stop()
    return index, routed, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description="idsync serve: process start to first answer")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--before", metavar="DIR", action="append", help="also start idsync from this source tree (may be repeated)"
    )
    parser.add_argument("options", nargs="*", help="extra idsync serve options (after --)")
    parser.add_argument("--no-compile", action="store_true", help="do not compile the trees' bytecode first")
    args = parser.parse_args()
    if not args.no_compile:
        for tree in [Path(mockserver.__file__).parent, *(Path(before) / "mockserver" for before in args.before or ())]:
            compileall.compile_dir(tree, quiet=1)
    print(f"load average {os.getloadavg()[0]:.2f} at start")
    sources: dict[str, str | None] = {"current": None}
    for before in args.before or ():
        sources[f"before: {Path(before).name}" if len(args.before) > 1 else "before"] = before
    runs: dict[str, list[tuple[float, float, float]]] = {label: [] for label in sources}
    for i in range(1, args.runs + 1):
        for label, source in sources.items():
            index, routed, cpu = one_run(args.options, source)
            runs[label].append((index, routed, cpu))
            print(f"{label} run {i}: GET / after {index:.3f}s, {SPC} after {routed:.3f}s, server CPU {cpu:.3f}s")
    for label, found in runs.items():
        print(
            f"{label} median: GET / {statistics.median(r[0] for r in found):.3f}s, "
            f"first request through Connexion {statistics.median(r[1] for r in found):.3f}s, "
            f"server CPU by then {statistics.median(r[2] for r in found):.3f}s"
        )
    print(f"load average {os.getloadavg()[0]:.2f} at the end")


if __name__ == "__main__":
    main()
