"""Issue 14, point 7: the README is true for a newcomer.

The "Five-minute tour" is read from README.md, run by bash against a real ``idsync serve`` (as a
newcomer pastes it), and every output it shows (``# → ...`` under a command) must be in what that
command printed: ``...`` stands for any text, ``<id>``-like words for one value. Every URL the
README names on ``http://127.0.0.1:8080`` must answer (not a 404).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass, field

import httpx
import pytest

from tests.test_serve_cli import ROOT, start, stop

README = ROOT / "README.md"
DOCUMENTED = "http://127.0.0.1:8080"
SHOWN = "# → "
END = "@@idsync-tour-end@@"


@dataclass
class Step:
    """One shell command of the tour and the outputs the README shows under it."""

    command: str
    shown: list[str] = field(default_factory=list)


def section(title: str) -> str:
    text = README.read_text(encoding="utf-8")
    return text.split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0]


def tour() -> list[Step]:
    """The tour's commands in order; a command ends at a newline outside quotes and continuations."""
    steps: list[Step] = []
    for block in re.findall(r"```sh\n(.*?)```", section("Five-minute tour"), re.DOTALL):
        pending = ""
        for line in block.splitlines():
            if not pending and line.startswith(SHOWN):
                steps[-1].shown.append(line[len(SHOWN) :])
            elif pending or not line.lstrip().startswith("#"):
                pending += line + "\n"
                if not _open(pending):
                    steps.append(Step(pending))
                    pending = ""
        assert not pending, f"unterminated command in the README tour: {pending}"
    return steps


def _open(text: str) -> bool:
    """True while ``text`` is not a complete shell command (open quotes or a trailing backslash)."""
    quote = ""
    escaped = comment = False
    previous = "\n"
    for char in text:
        if comment:
            comment = char != "\n"
        elif escaped:
            escaped = False
        elif char == "\\" and quote != "'":
            escaped = True
        elif char == "#" and not quote and previous.isspace():
            comment = True
        elif char in "'\"" and quote in ("", char):
            quote = "" if quote else char
        previous = char
    return bool(quote) or text.endswith("\\\n")


def pattern(shown: str, base: str) -> re.Pattern[str]:
    """A shown output as a regular expression: ``...`` any text, ``<word>`` one value."""
    parts = re.split(r"(\.\.\.|<[a-z-]+>)", shown.replace(DOCUMENTED, base))
    regex = "".join(
        ".*?" if part == "..." else r"[^\s\",]+" if part.startswith("<") else re.escape(part) for part in parts
    )
    return re.compile(regex, re.DOTALL)


def test_the_tour_is_parsed_whole() -> None:
    steps = tour()
    assert len(steps) >= 40 and sum(len(s.shown) for s in steps) >= 30
    assert all(s.command.strip() for s in steps)
    assert any("If-Match" in s.command and '"status": "412"' in "".join(s.shown) for s in steps)


@pytest.mark.skipif(shutil.which("curl") is None, reason="the README tour needs curl on PATH")
def test_every_output_the_tour_shows_is_what_the_server_answers() -> None:
    steps = tour()
    proc, base, _ = start()
    try:
        script = "".join(f"{s.command.replace(DOCUMENTED, base)}printf '\\n{END}\\n'\n" for s in steps)
        done = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=180)
    finally:
        stop(proc)
    outputs = done.stdout.split(f"\n{END}\n")
    assert len(outputs) == len(steps) + 1, (done.stdout, done.stderr)
    for step, output in zip(steps, outputs, strict=False):
        for shown in step.shown:
            assert pattern(shown, base).search(output), f"{step.command}\nshows: {shown}\nprinted: {output}"
    assert not done.stderr, done.stderr


def test_every_url_the_readme_names_answers() -> None:
    named = set(re.findall(r"http://127\.0\.0\.1:8080[^\s`'\");]*", README.read_text(encoding="utf-8")))
    proc, base, _ = start()
    try:
        for url in sorted(named):
            if "$" in url or "<" in url:  # a tour command with its variables: run by the test above
                continue
            concrete = url.replace(DOCUMENTED, base).replace("{tenant}", "default")
            answer = httpx.get(concrete, headers={"Authorization": "Bearer idsync-token"}, timeout=10)
            assert answer.status_code != 404 and answer.status_code < 500, (url, answer.status_code)
            if url.endswith(("/ui/", "/openapi.json")) or url == f"{DOCUMENTED}/":
                assert answer.status_code == 200, (url, answer.status_code)
    finally:
        stop(proc)
    uis = {f"{DOCUMENTED}/authentik/api/v3/ui/", f"{DOCUMENTED}/resolution/rest/samlsso-admin/1.0/ui/"}
    assert uis <= named
