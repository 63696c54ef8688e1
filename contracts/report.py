"""What ``idsync verify`` and ``idsync fuzz`` print and write: a summary per level and JUnit XML.

Every result carries its requirement level (RFC 2119: MUST/SHALL, SHOULD) and its source. A
MUST violation is ``failed``; a SHOULD deviation is ``warned`` (``failed`` with ``--strict``),
:func:`graded` decides which. JUnit follows the de-facto schema Jenkins/GitLab read
(``testsuites > testsuite > testcase`` with ``failure``/``skipped`` children): one ``testsuite``
per API and level, one ``testcase`` per contract or per Schemathesis (operation, check); a
warning is a passing testcase with a ``warning`` property and its text in ``system-out``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from xml.etree import ElementTree

from contracts.evidence import Exchange

LEVEL_ORDER = ("preflight", "spec", "conformance", "stateful", "semantic", "scenario", "fuzz")
STATUSES = ("passed", "failed", "warned", "skipped")
MAX_DETAIL = 4000


class Requirement(StrEnum):
    """RFC 2119 requirement levels. MAY alternatives are never checks: every allowed answer passes."""

    MUST = "MUST"
    SHOULD = "SHOULD"


@dataclass
class Result:
    """Outcome of one check: ``status`` is passed, failed, warned or skipped (skipped says why).

    ``evidence`` holds the exchanges behind a failure or warning (request, response, curl), and
    ``rule`` the sentence of the source that was broken, so a report can show them apart.
    """

    api: str
    level: str
    name: str
    status: str
    message: str = ""
    source: str = ""
    seconds: float = 0.0
    requirement: Requirement = Requirement.MUST
    rule: str = ""
    evidence: list[Exchange] = field(default_factory=list)
    #: How many generated cases the check judged (Schemathesis levels); 0 for a contract.
    cases: int = 0

    @property
    def failed(self) -> bool:
        return self.status == "failed"

    @property
    def deviated(self) -> bool:
        """Failed or warned: the target did not do what the source asks."""
        return self.status in ("failed", "warned")


def graded(result: Result, *, strict: bool) -> Result:
    """A violated SHOULD is a warning, unless ``strict`` (RFC 2119 §3: valid reasons may exist to ignore it)."""
    if result.status == "failed" and result.requirement is Requirement.SHOULD and not strict:
        result.status = "warned"
    return result


def mask(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every secret value replaced by ``***``."""
    for secret in secrets:
        if secret and len(secret) >= 6:
            text = text.replace(secret, "***")
    return re.sub(r"(?i)(authorization:\s*(?:bearer|basic)\s+)(?![*$])[^\s'\"]+", r"\1***", text)


def counts(results: Iterable[Result]) -> dict[str, int]:
    """How many results have each status."""
    made = dict.fromkeys(STATUSES, 0)
    for r in results:
        made[r.status] = made.get(r.status, 0) + 1
    return made


def summary(results: Sequence[Result], *, verbose: bool = False) -> str:
    """Per-API, per-level counts, counts per requirement level, then every deviation in full."""
    lines: list[str] = []
    for api in dict.fromkeys(r.api for r in results):
        lines.append(f"{api}")
        mine = [r for r in results if r.api == api]
        for level in sorted(dict.fromkeys(r.level for r in mine), key=level_key):
            lines += _level_lines(level, [r for r in mine if r.level == level], verbose)
    lines += ["", _requirement_line(results)]
    for status, title in (("failed", "MUST violation(s)"), ("warned", "SHOULD deviation(s), warnings")):
        chosen = [r for r in results if r.status == status]
        if chosen:
            lines += ["", f"{len(chosen)} {title if status == 'warned' else _failed_title(chosen)}:"]
            lines += [line for r in chosen for line in _detail(r)]
    total = counts(results)
    lines += [
        "",
        f"{total['passed']} passed, {total['failed']} failed, {total['warned']} warned, {total['skipped']} skipped",
    ]
    return "\n".join(lines)


def _failed_title(failures: Sequence[Result]) -> str:
    strict = any(r.requirement is Requirement.SHOULD for r in failures)
    return "violation(s) (MUST, and SHOULD under --strict)" if strict else "MUST violation(s)"


def _level_lines(level: str, at: Sequence[Result], verbose: bool) -> list[str]:
    c = counts(at)
    mark = "FAIL" if c["failed"] else ("warn" if c["warned"] else ("ok  " if c["passed"] else "skip"))
    lines = [
        f"  {mark} {level:12} {c['passed']:4} passed {c['failed']:4} failed {c['warned']:4} warned "
        f"{c['skipped']:4} skipped  ({sum(r.seconds for r in at):.1f}s)"
    ]
    for r in at:
        if r.status == "skipped" or (verbose and r.status == "passed"):
            lines.append(f"       {r.status.upper():7} {r.name}: {r.message or r.source}")
    return lines


def _requirement_line(results: Sequence[Result]) -> str:
    parts = []
    for requirement in Requirement:
        c = counts(r for r in results if r.requirement is requirement and r.status != "skipped")
        parts.append(f"{requirement.value}: {c['passed']} passed, {c['failed']} failed, {c['warned']} warned")
    return "by requirement level: " + "; ".join(parts)


def _detail(r: Result) -> list[str]:
    head = "FAILED" if r.failed else "WARNING"
    lines = [f"\n--- {head} ({r.requirement.value}) {r.api} {r.level} {r.name}"]
    if r.rule:
        lines.append(f"    rule: {r.rule}")
    if r.source:
        lines.append(f"    rule source: {r.source}")
    lines.extend("    " + line for line in r.message[:MAX_DETAIL].splitlines())
    return lines


def write_junit(results: Sequence[Result], path: str | Path, *, name: str = "idsync verify") -> None:
    """One ``testsuite`` per (API, level), one ``testcase`` per result."""
    root = ElementTree.Element("testsuites", name=name)
    groups: dict[tuple[str, str], list[Result]] = {}
    for r in results:
        groups.setdefault((r.api, r.level), []).append(r)
    totals = {"tests": 0, "failures": 0, "skipped": 0}
    for (api, level), group in groups.items():
        suite = ElementTree.SubElement(root, "testsuite", name=f"{api}.{level}")
        c = counts(group)
        for key, value in {"tests": len(group), "failures": c["failed"], "skipped": c["skipped"]}.items():
            suite.set(key, str(value))
            totals[key] += value
        suite.set("errors", "0")
        suite.set("time", f"{sum(r.seconds for r in group):.3f}")
        for r in group:
            _testcase(suite, api, level, r)
    for key, value in totals.items():
        root.set(key, str(value))
    root.set("errors", "0")
    ElementTree.indent(root)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    ElementTree.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)


def _testcase(suite: ElementTree.Element, api: str, level: str, r: Result) -> None:
    case = ElementTree.SubElement(
        suite, "testcase", classname=f"idsync.{api}.{level}", name=r.name, time=f"{r.seconds:.3f}"
    )
    detail = _clean(f"{r.requirement.value}; rule source: {r.source}\n{r.message}" if r.source else r.message)
    if r.failed:
        first = (r.message.splitlines() or [r.name])[0]
        failure = ElementTree.SubElement(case, "failure", message=_clean(first[:500]), type=level)
        failure.text = detail
    elif r.status == "skipped":
        ElementTree.SubElement(case, "skipped", message=_clean(r.message))
    properties = ElementTree.SubElement(case, "properties")
    properties.append(ElementTree.Element("property", name="requirement", value=r.requirement.value))
    if r.source:
        properties.append(ElementTree.Element("property", name="source", value=_clean(r.source)))
    if r.status == "warned":
        properties.append(ElementTree.Element("property", name="warning", value=_clean(r.rule or r.name)))
        ElementTree.SubElement(case, "system-out").text = detail


def level_key(level: str) -> int:
    return LEVEL_ORDER.index(level) if level in LEVEL_ORDER else len(LEVEL_ORDER)


def _clean(text: str) -> str:
    """XML 1.0 forbids most control characters; fuzzed bodies contain them."""
    return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]", "?", text)
