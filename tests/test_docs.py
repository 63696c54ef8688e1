"""Documentation lives in the repository (issue 9, point 6): no citation dangles.

Code, specs and docs cite ``docs/design.md`` (sections by name, contract levels by number),
``docs/style.md`` (rules by number), ``docs/vendor-facts.md`` (section ids such as A2, B6,
§2.8, "part B", with "point N" items, and the seed pages) and ``docs/tooling.md`` (§ numbers).
Every named document must exist and every cited section, rule, level or point must be in it.
Notes kept outside the repository must not be cited at all.
"""

from __future__ import annotations

import functools
import itertools
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
BINARY = {".png", ".jpg", ".gif", ".ico", ".gz", ".zip", ".whl", ".pyc"}

#: One cited vendor-facts item: a part, an id or id range, optionally "point N".
ITEM = r"(?:[Pp]art [AB]|[AB]\d+(?:-[AB]?\d+)?|§\d+(?:\.\d+)?(?:-§?\d+(?:\.\d+)?)?)(?: point \d+)?"
VENDOR = re.compile(rf"docs/vendor-facts\.md,? ({ITEM}(?:(?:, |/| and ){ITEM})*)")
STYLE = re.compile(r"docs/style\.md,? rules? (\d+(?:(?:, | and |-)\d+)*)")
TOOLING = re.compile(r"docs/tooling\.md,? (§\d+(?:\.\d+)?)")
DESIGN = re.compile(r'docs/design\.md(?:,? \(?"([^"]+)"|,? level (\d)|, ([A-Za-z][\w ]*?) ?(?=[;).]|$))')
SEED = re.compile(r"\bseed (\d{3})(?!\d)", re.IGNORECASE)
NAMED = re.compile(r"(?<![\w/.-])docs/([\w-]+)\.md")
#: Notes that are not in the repository; written escaped so this file does not match itself.
OUTSIDE = re.compile(r"\bDESIGN\.md\b|\bSTYLE\.md\b|\bresearch (?:§|[AB]\d|part [AB]|notes?\b)|\.\./shared\b")


def tracked_files() -> list[Path]:
    """The repository's files: ``git ls-files``, or a walk of the tree outside a git checkout."""
    try:
        out = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
        files = [ROOT / name for name in out.decode().split("\0") if name]
    except (OSError, subprocess.CalledProcessError):
        files = [p for p in ROOT.rglob("*") if not any(part.startswith(".") for part in p.relative_to(ROOT).parts)]
    return [p for p in files if p.is_file() and p.suffix not in BINARY and p != Path(__file__).resolve()]


def flat(text: str) -> str:
    """One line: a citation broken over lines (comment markers included) reads as written."""
    return re.sub(r"\s*\n\s*(?:#+ )?", " ", text)


@functools.cache
def sections(name: str) -> list[tuple[str, str]]:
    """``(heading text, body up to the next heading)`` of ``docs/<name>.md``."""
    lines = (DOCS / f"{name}.md").read_text(encoding="utf-8").splitlines()
    starts = [i for i, line in enumerate(lines) if line.startswith("#")] + [len(lines)]
    return [(lines[a].lstrip("#").strip(), "\n".join(lines[a + 1 : b])) for a, b in itertools.pairwise(starts)]


def section(name: str, ident: str) -> str | None:
    """Body of the section whose heading starts with ``ident`` (``A1`` is not ``A11``, ``§1`` not ``§1.1``)."""
    head = re.compile(rf"{re.escape(ident)}(?:\.(?!\d)|\s|$)", re.IGNORECASE)
    return next((body for text, body in sections(name) if head.match(text)), None)


def has_point(body: str | None, point: str | None) -> bool:
    """The section exists and, if a point is cited, has a numbered item of that number."""
    return body is not None and (point is None or re.search(rf"^\s*{point}\. ", body, re.MULTILINE) is not None)


def expand(item: str) -> list[tuple[str, str | None]]:
    """``A2-A4`` → A2, A3, A4; ``§3.5-3.6`` → §3.5, §3.6; ``part B`` → Part B; keeps ``point N``."""
    ref, _, point = item.partition(" point ")
    found = point or None
    if ref.lower().startswith("part"):
        return [(f"Part {ref[-1]}", found)]
    if "-" not in ref:
        return [(ref, found)]
    left, right = ref.split("-")
    letter = "§" if left.startswith("§") else left[0]
    head, _, low = left.lstrip("§AB").rpartition(".")
    high = right.lstrip("§AB").rpartition(".")[2]
    prefix = f"{letter}{head}." if head else letter
    return [(f"{prefix}{n}", found) for n in range(int(low), int(high) + 1)]


def vendor_problems(line: str) -> list[str]:
    """Cited vendor-facts sections (and points) that have no heading (or no such numbered item)."""
    items = [item for m in VENDOR.finditer(line) for item in re.split(r", |/| and ", m.group(1))]
    cited = [ref for item in items for ref in expand(item)]
    return [
        f"vendor-facts {i}" + (f" point {p}" if p else "")
        for i, p in cited
        if not has_point(section("vendor-facts", i), p)
    ]


def style_problems(line: str) -> list[str]:
    """Cited style rules (``rule 8``, ``rules 7, 10``, ``rules 8-10``) that have no heading."""
    parts = [part.partition("-") for m in STYLE.finditer(line) for part in re.split(r", | and ", m.group(1))]
    numbers = [n for a, _, b in parts for n in range(int(a), int(b or a) + 1)]
    return [f"style rule {n}" for n in numbers if section("style", str(n)) is None]


def design_problems(line: str) -> list[str]:
    """Cited design sections (by heading words) and contract levels (numbered in "Contracts")."""
    bad = []
    for quoted, level, words in DESIGN.findall(line):
        if level and not has_point(section("design", "Contracts"), level):
            bad.append(f"design level {level}")
        phrase = re.sub(r"^the ", "", (quoted or words).strip(), flags=re.IGNORECASE).casefold()
        if phrase and not any(phrase in text.casefold() for text, _ in sections("design")):
            bad.append(f"design section {phrase!r}")
    return bad


def dangling(text: str) -> list[str]:
    """Every citation in ``text`` that points at a missing document, section, rule, level or point."""
    line = flat(text)
    bad = [f"docs/{n}.md does not exist" for n in sorted(set(NAMED.findall(line))) if not (DOCS / f"{n}.md").is_file()]
    bad += vendor_problems(line) + style_problems(line) + design_problems(line)
    bad += [f"tooling {t}" for t in TOOLING.findall(line) if section("tooling", t) is None]
    return bad + [f"seed page {n}" for n in SEED.findall(line) if section("vendor-facts", f"Seed {n}") is None]


def test_every_citation_resolves() -> None:
    """Every tracked file's citations of docs/ resolve to a document, section, rule or point."""
    problems = [
        f"{path.relative_to(ROOT)}: {problem}"
        for path in tracked_files()
        for problem in dangling(path.read_text(encoding="utf-8", errors="replace"))
    ]
    assert not problems, "\n".join(problems)


def test_nothing_cites_notes_outside_the_repository() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}: {m.group(0)}"
        for path in tracked_files()
        for m in OUTSIDE.finditer(path.read_text(encoding="utf-8", errors="replace"))
    ]
    assert not offenders, "\n".join(offenders)


def test_style_rules_are_numbered_one_to_seventeen() -> None:
    """Code cites the rules by number, so they are exactly 1-17, in order."""
    numbers = [int(m.group(1)) for text, _ in sections("style") if (m := re.match(r"(\d+)\. ", text))]
    assert numbers == list(range(1, 18))


def test_vendor_fact_ids_are_complete() -> None:
    """A1-A11, B1-B7, the five seed pages and the § sections the code cites all have headings."""
    ids = [f"A{n}" for n in range(1, 12)] + [f"B{n}" for n in range(1, 8)] + [f"Seed 00{n}" for n in range(5)]
    ids += [f"§1.{n}" for n in range(1, 11)] + [f"§2.{n}" for n in range(1, 9)] + [f"§3.{n}" for n in range(1, 10)]
    assert [i for i in ids if section("vendor-facts", i) is None] == []


VF, ST, TL, DS = ("docs/" + name + ".md" for name in ("vendor-facts", "style", "tooling", "design"))


@pytest.mark.parametrize(
    ("text", "found"),
    [
        (f"({VF} A12)", ["vendor-facts A12"]),
        (f"({VF} A2, A12)", ["vendor-facts A12"]),
        (f"({VF} A10-A12)", ["vendor-facts A12"]),
        (f"({VF} B6 point 12)", ["vendor-facts B6 point 12"]),
        (f"({VF} §2.9)", ["vendor-facts §2.9"]),
        (f"({VF} §3.5-3.11)", ["vendor-facts §3.10", "vendor-facts §3.11"]),
        (f"({VF}\n    # A9, A12)", ["vendor-facts A12"]),
        ("(seed 007)", ["seed page 007"]),
        (f"({VF} §1.9 point 14)", ["vendor-facts §1.9 point 14"]),
        (f"({ST} rule 18)", ["style rule 18"]),
        (f"({ST} rules 7, 10-19)", ["style rule 18", "style rule 19"]),
        (f"({TL} §8.10)", ["tooling §8.10"]),
        (f'({DS} "The bulk API")', ["design section 'bulk api'"]),
        (f"({DS}, level 6)", ["design level 6"]),
        (f"({DS}, canned examples)", ["design section 'canned examples'"]),
        ("(docs/nonexistent.md)", ["docs/nonexistent.md does not exist"]),
    ],
)
def test_a_made_up_citation_is_found(text: str, found: list[str]) -> None:
    """The checker bites: each of these cites something the docs do not have, and it names it."""
    assert dangling(text) == found


@pytest.mark.parametrize(
    "text",
    [
        f"({VF} A1-A11; {VF} B2, B5, B6 point 3; {VF} §3.5-3.6, T5/T7 examples)",
        f"({VF} part B; {VF} A6/A8; {VF} §1.5, §1.7, §1.9 point 6; seed 002)",
        f'({ST} rules 7 and 10; {ST} rules 8-10; {TL} §8.6; {DS} "Error bodies"; {DS}, level 3)',
    ],
)
def test_real_citation_forms_resolve(text: str) -> None:
    assert dangling(text) == []
