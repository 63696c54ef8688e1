"""Start-up time of ``idsync serve``: from process start to the first answer, several runs.

Not a test. Run from the repository root:

    python benchmarks/startup.py [--runs 5] [-- extra serve options]

Each run starts ``idsync serve`` on a free loopback port, polls ``GET /`` and then
``GET /scim/default/v2/ServiceProviderConfig`` (the first request through Connexion's middleware
stack, which Connexion builds on first use) every 5 ms, and stops the server. Prints each run
and the median of both times.
"""

from __future__ import annotations

import argparse
import socket
import statistics
import subprocess
import sys
import time

from servers import Server, cpu_seconds, free_port

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


def one_run(options: list[str]) -> tuple[float, float, float]:
    """Seconds to the first answer of ``GET /`` and through Connexion, and the server's CPU seconds then.

    The CPU time (``/proc``) hardly depends on what else the machine runs; the wall time does."""
    port = free_port()
    server = Server("idsync", [sys.executable, "-m", "mockserver.cli", "serve", "--port", str(port), *options], port)
    started = time.perf_counter()
    server.process = subprocess.Popen(server.command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
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
    parser.add_argument("options", nargs="*", help="extra idsync serve options (after --)")
    args = parser.parse_args()
    runs = [one_run(args.options) for _ in range(args.runs)]
    for i, (index, routed, cpu) in enumerate(runs, 1):
        print(f"run {i}: GET / answered after {index:.3f}s, {SPC} after {routed:.3f}s, server CPU {cpu:.3f}s")
    print(
        f"median: GET / {statistics.median(r[0] for r in runs):.3f}s, "
        f"first request through Connexion {statistics.median(r[1] for r in runs):.3f}s, "
        f"server CPU by then {statistics.median(r[2] for r in runs):.3f}s"
    )


if __name__ == "__main__":
    main()
