"""Progress of a long ``idsync verify`` run (issue 14, point 5).

On a terminal a line comes at least every :data:`INTERVAL` seconds while a level runs (the API,
the level, checks done, failures so far, time in the level), like pytest's live output; in a CI
log (no terminal, or ``CI`` set, as GitHub Actions, GitLab CI and most others set it) nothing
but the per-level lines ``contracts.verify`` prints anyway. Lines come from the thread that does
the checks (:meth:`Progress.update`) and, when it is busy in one long request, from a heartbeat
thread (:meth:`Progress.heartbeat`); the clock is injectable, so the rhythm is tested without
waiting.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

#: Longest quiet stretch on a terminal while a level runs, in seconds.
INTERVAL = 5.0


def on_terminal(stream: TextIO | None = None, environ: dict[str, str] | None = None) -> bool:
    """True when ``stream`` (stdout) is a terminal and no ``CI`` variable says it is a CI log."""
    stream = stream if stream is not None else sys.stdout
    environ = dict(os.environ) if environ is None else environ
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and environ.get("CI", "").lower() in ("", "0", "false")


class Progress:
    """Counts the checks of the running level and says so every ``interval`` seconds when ``live``."""

    def __init__(
        self,
        out: Callable[[str], None],
        *,
        live: bool,
        interval: float = INTERVAL,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.out = out
        self.live = live
        self.interval = interval
        self.clock = clock
        self.label = ""
        self.done = 0
        self.failed = 0
        self.cases = 0
        self._began = self._said = clock()
        self._lock = threading.Lock()

    def begin(self, api: str, level: str) -> None:
        """A level starts: its counters from zero."""
        with self._lock:
            self.label = f"{api} {level}"
            self.done = self.failed = self.cases = 0
            self._began = self._said = self.clock()

    def update(self, done: int, failed: int, cases: int = 0) -> None:
        """The level has judged ``done`` checks, ``failed`` of them failed, over ``cases`` generated
        cases (Schemathesis levels; 0 for contracts); a line if one is due."""
        with self._lock:
            self.done, self.failed, self.cases = done, failed, cases
        self.tick()

    def end(self) -> None:
        """The level is over (its own line follows): no more progress lines for it."""
        with self._lock:
            self.label = ""

    def tick(self) -> None:
        """Print a progress line when live, inside a level, and ``interval`` seconds passed since the last."""
        with self._lock:
            now = self.clock()
            if not (self.live and self.label and now - self._said >= self.interval):
                return
            self._said = now
            over = f" over {self.cases} cases" if self.cases else ""
            seconds = now - self._began
            line = f"  … {self.label}: {self.done} checks done{over}, {self.failed} failed so far ({seconds:.0f}s)"
        self.out(line)

    @contextmanager
    def heartbeat(self, every: float = 1.0) -> Iterator[None]:
        """While the block runs, a thread calls :meth:`tick` every ``every`` seconds (live only)."""
        if not self.live:
            yield
            return
        stop = threading.Event()
        thread = threading.Thread(target=self._beat, args=(stop, every), daemon=True, name="idsync-progress")
        thread.start()
        try:
            yield
        finally:
            stop.set()
            thread.join(timeout=every + 1)

    def _beat(self, stop: threading.Event, every: float) -> None:
        while not stop.wait(every):
            self.tick()
