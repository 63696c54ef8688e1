"""Issue 14, point 5: a long ``idsync verify`` says how far it is, on a terminal only.

On a terminal a progress line (API, level, checks done, failures so far) comes at least every
5 s while a level runs, from the checking thread or, during one long request, the heartbeat
thread; in a CI log (no terminal, or ``CI`` set) only the per-level lines. The rhythm is tested
with a fake clock, the terminal detection in a real pseudo-terminal.
"""

from __future__ import annotations

import os
import pty
import subprocess
import sys
import time
from pathlib import Path

import pytest

from contracts.progress import Progress
from contracts.verify import VerifyOptions, verify

ROOT = Path(__file__).resolve().parents[1]


class FakeClock:
    """A monotonic clock the test moves; ``step`` is added on every reading."""

    def __init__(self, step: float = 0.0) -> None:
        self.now = 100.0
        self.step = step

    def __call__(self) -> float:
        self.now += self.step
        return self.now


def test_a_line_at_most_every_interval_with_the_counts() -> None:
    lines: list[str] = []
    clock = FakeClock()
    progress = Progress(lines.append, live=True, interval=5.0, clock=clock)
    progress.begin("scim", "conformance")
    for second, done, failed in ((1, 10, 0), (4.9, 40, 1), (5.0, 50, 1), (9.0, 90, 2), (10.0, 100, 3)):
        clock.now = 100.0 + second
        progress.update(done, failed, cases=done * 20)
    assert lines == [
        "  … scim conformance: 50 checks done over 1000 cases, 1 failed so far (5s)",
        "  … scim conformance: 100 checks done over 2000 cases, 3 failed so far (10s)",
    ]
    progress.end()
    clock.now += 60
    progress.tick()
    assert len(lines) == 2  # between levels: nothing to say


def test_a_new_level_starts_from_zero() -> None:
    lines: list[str] = []
    clock = FakeClock()
    progress = Progress(lines.append, live=True, clock=clock)
    progress.begin("scim", "conformance")
    progress.update(500, 7)
    progress.begin("scim", "stateful")
    clock.now += 5
    progress.tick()
    assert lines == ["  … scim stateful: 0 checks done, 0 failed so far (5s)"]


def test_not_live_never_prints() -> None:
    lines: list[str] = []
    clock = FakeClock(step=10.0)
    progress = Progress(lines.append, live=False, clock=clock)
    progress.begin("vcf", "conformance")
    for done in range(20):
        progress.update(done, 0)
    with progress.heartbeat(every=0.01):
        time.sleep(0.05)
    assert lines == []


def test_the_heartbeat_speaks_while_one_check_runs_long() -> None:
    lines: list[str] = []
    progress = Progress(lines.append, live=True, interval=0.05)
    progress.begin("authentik", "scenario")
    progress.update(3, 0)
    with progress.heartbeat(every=0.01):
        time.sleep(0.3)  # one slow request: no update arrives meanwhile
    assert len(lines) >= 2
    assert all(line.startswith("  … authentik scenario: 3 checks done, 0 failed so far") for line in lines)


@pytest.mark.parametrize("live", [True, False])
def test_verify_prints_progress_on_a_terminal_and_level_lines_only_in_ci(live: bool) -> None:
    lines: list[str] = []
    progress = Progress(lines.append, live=live, clock=FakeClock(step=6.0))  # every reading is 6 s later
    options = VerifyOptions(apis=["vcf"], levels=("semantic", "scenario"), progress=progress)
    run = verify(options, out=lines.append)
    assert run.ok
    level_lines = [line for line in lines if line.startswith("  vcf        ")]
    assert [line.split()[1] for line in level_lines] == ["semantic", "scenario"]
    progress_lines = [line for line in lines if line.startswith("  … vcf ")]
    if live:
        assert any(" semantic: " in line for line in progress_lines)
        assert any(" scenario: " in line for line in progress_lines)
        assert all("checks done" in line and "failed so far" in line for line in progress_lines)
    else:
        assert progress_lines == []


def _on_terminal_in(stdout: str, env: dict[str, str]) -> str:
    """``contracts.progress.on_terminal()`` as a child process sees it, its stdout a pty or a pipe."""
    code = "from contracts.progress import on_terminal; print(on_terminal())"
    environ = {k: v for k, v in os.environ.items() if k != "CI"} | env
    if stdout == "pipe":
        done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=environ, capture_output=True, text=True)
        return done.stdout.strip()
    try:
        leader, follower = pty.openpty()
    except OSError as exc:  # a container without /dev/ptmx
        pytest.skip(f"no pseudo-terminal here ({exc}): the terminal detection cannot be observed")
    try:
        child = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env=environ, stdout=follower)
        child.wait(timeout=60)
        os.close(follower)
        follower = -1
        return os.read(leader, 100).decode().strip()
    finally:
        os.close(leader)
        if follower >= 0:
            os.close(follower)


@pytest.mark.parametrize(
    ("stdout", "env", "expected"),
    [("pty", {}, "True"), ("pty", {"CI": "true"}, "False"), ("pipe", {}, "False"), ("pty", {"CI": "0"}, "True")],
)
def test_progress_is_live_on_a_terminal_outside_ci(stdout: str, env: dict[str, str], expected: str) -> None:
    assert _on_terminal_in(stdout, env) == expected
