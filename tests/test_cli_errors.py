"""Issue 14, point 1: a mistake in ``idsync serve``'s options or seed is one line, exit status 2.

Each case runs the real command (``idsync serve`` or ``python -m mockserver``, alternately) and
expects exactly one line on stderr, naming what is wrong, and no traceback; ``--debug`` shows it.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from mockserver import cli
from tests.test_serve_cli import ROOT

IDSYNC = Path(sys.executable).parent / "idsync"
ENTRIES = ([str(IDSYNC), "serve"], [sys.executable, "-m", "mockserver"])

Files = Callable[[Path], list[str]]


def write(name: str, text: str) -> Files:
    """Arguments ``--seed FILE`` for a seed file holding ``text``."""

    def made(tmp: Path) -> list[str]:
        (tmp / name).write_bytes(text.encode("latin-1"))
        return ["--seed", str(tmp / name)]

    return made


def given(*args: str) -> Files:
    return lambda tmp: list(args)


#: (arguments, a fragment the one line must hold)
CASES = [
    pytest.param(given("--port", "70000"), "70000 is out of range: a port is 0-65535", id="port-out-of-range"),
    pytest.param(given("--port", "-1"), "-1 is out of range", id="port-negative"),
    pytest.param(given("--port", "http"), "'http' is not a port number", id="port-not-a-number"),
    pytest.param(given("--host", "nohost.invalid"), "--host nohost.invalid is not an IP", id="host-unknown"),
    pytest.param(given("--host", "300.1.1.1"), "--host 300.1.1.1 is not an IP", id="host-bad-ip"),
    pytest.param(given("--host", "192.0.2.1"), "--host 192.0.2.1 is not an address of this machine", id="host-far"),
    pytest.param(given("--seed", "/nonexistent/seed.yaml"), "/nonexistent/seed.yaml does not exist", id="seed-missing"),
    pytest.param(lambda tmp: ["--seed", str(tmp)], "is a directory", id="seed-directory"),
    pytest.param(write("s.yaml", "scim: [\n"), "is not valid YAML: ", id="seed-malformed-yaml"),
    pytest.param(write("s.json", '{"scim": }'), "is not valid JSON: Expecting value at line 1", id="seed-bad-json"),
    pytest.param(write("s.yaml", "caf\xe9: 1\n"), "is not UTF-8 text", id="seed-not-utf8"),
    pytest.param(write("s.yaml", "- a\n- b\n"), "is a list at the top level", id="seed-a-list"),
    pytest.param(write("s.yaml", "just text\n"), "is a str at the top level", id="seed-a-string"),
    pytest.param(write("s.yaml", "scim: {tenants: {d: {tokens: x}}}"), "$.scim.tenants.d.tokens: ", id="seed-bad"),
    pytest.param(write("s.yaml", "bogus: 1\n"), "$.bogus: unknown key", id="seed-unknown-key"),
    pytest.param(given("--profile", "nope"), "unknown --profile 'nope'", id="profile-unknown"),
    pytest.param(given("--log-level", "loud"), "invalid choice: 'loud' (choose from 'critical'", id="log-level"),
    pytest.param(given("--api", "nope"), "argument --api: invalid choice: 'nope'", id="api-unknown"),
    pytest.param(given("--max-import-mb", "0"), "'0' is not a positive whole number of MiB", id="max-import-mb"),
    pytest.param(given("--no-such-option"), "unrecognized arguments: --no-such-option", id="unknown-option"),
    pytest.param(given("--host", "0.0.0.0"), "exposes the admin API on the network", id="network-no-token"),
]


@pytest.fixture
def port_in_use() -> Iterator[int]:
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        yield held.getsockname()[1]


def run_serve(args: list[str], entry: int = 0) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "IDSYNC_ADMIN_TOKEN": ""}
    command = [*ENTRIES[entry % 2], *args]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)


def assert_one_line(done: subprocess.CompletedProcess[str], fragment: str) -> None:
    lines = done.stderr.splitlines()
    assert done.returncode == 2, (done.returncode, done.stdout, done.stderr)
    assert len(lines) == 1, done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert fragment in lines[0], lines[0]
    assert lines[0].startswith(("idsync serve: ", "python -m mockserver: ", "idsync: ")), lines[0]


@pytest.mark.parametrize(("make", "fragment"), CASES)
def test_each_mistake_is_one_line_and_exit_2(
    make: Files, fragment: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    entry = [c.id for c in CASES].index(request.node.callspec.id)  # both entry points, alternately
    assert_one_line(run_serve(["--port", "0", *make(tmp_path)], entry), fragment)


def test_a_port_in_use_is_one_line(port_in_use: int) -> None:
    done = run_serve(["--port", str(port_in_use)])
    assert_one_line(done, f"port {port_in_use} on 127.0.0.1 is in use")


def test_debug_shows_the_traceback_and_the_line(port_in_use: int) -> None:
    done = run_serve(["--port", str(port_in_use), "--debug"], entry=1)
    assert done.returncode == 2
    assert "Traceback" in done.stderr and "OSError" in done.stderr
    assert done.stderr.splitlines()[-1].startswith("idsync serve: port ")


def test_the_log_levels_are_uvicorns() -> None:
    from uvicorn.config import LOG_LEVELS

    assert set(cli.LOG_LEVELS) == set(LOG_LEVELS)
