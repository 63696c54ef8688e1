"""What ``idsync verify`` and ``idsync fuzz`` print and write: a summary per level and JUnit XML.

JUnit follows the de-facto schema Jenkins/GitLab read (``testsuites > testsuite > testcase``
with ``failure``/``skipped``/``error`` children): one ``testsuite`` per API and level, one
``testcase`` per contract or per Schemathesis (operation, check).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

LEVEL_ORDER = ("spec", "conformance", "stateful", "semantic", "scenario")
MAX_DETAIL = 4000


@dataclass
class Result:
    """Outcome of one testcase: ``status`` is passed, failed or skipped (skipped says why)."""

    api: str
    level: str
    name: str
    status: str
    message: str = ""
    source: str = ""
    seconds: float = 0.0

    @property
    def failed(self) -> bool:
        return self.status == "failed"


def mask(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every secret value replaced by ``***``."""
    for secret in secrets:
        if secret and len(secret) >= 6:
            text = text.replace(secret, "***")
    return re.sub(r"(?i)(authorization:\s*(?:bearer|basic)\s+)(?!\*\*\*)[^\s'\"]+", r"\1***", text)


def summary(results: Sequence[Result], *, verbose: bool = False) -> str:
    """Readable per-API, per-level counts, then every failure in full and every skip with its reason."""
    lines: list[str] = []
    for api in dict.fromkeys(r.api for r in results):
        lines.append(f"{api}")
        mine = [r for r in results if r.api == api]
        for level in sorted(dict.fromkeys(r.level for r in mine), key=_level_key):
            at = [r for r in mine if r.level == level]
            counts = {s: sum(r.status == s for r in at) for s in ("passed", "failed", "skipped")}
            mark = "FAIL" if counts["failed"] else ("ok  " if counts["passed"] else "skip")
            lines.append(
                f"  {mark} {level:12} {counts['passed']:4} passed {counts['failed']:4} failed {counts['skipped']:4} "
                f"skipped  ({sum(r.seconds for r in at):.1f}s)"
            )
            for r in at:
                if r.status == "skipped" or (verbose and r.status == "passed"):
                    lines.append(f"       {r.status.upper():7} {r.name}: {r.message or r.source}")
    failures = [r for r in results if r.failed]
    if failures:
        lines += ["", f"{len(failures)} MUST violation(s):"]
        for r in failures:
            lines.append(f"\n--- FAILED {r.api} {r.level} {r.name}")
            if r.source:
                lines.append(f"    rule source: {r.source}")
            lines.extend("    " + line for line in r.message[:MAX_DETAIL].splitlines())
    passed = sum(r.status == "passed" for r in results)
    skipped = sum(r.status == "skipped" for r in results)
    lines += ["", f"{passed} passed, {len(failures)} failed, {skipped} skipped"]
    return "\n".join(lines)


def write_junit(results: Sequence[Result], path: str | Path, *, name: str = "idsync verify") -> None:
    """One ``testsuite`` per (API, level), one ``testcase`` per result."""
    root = ElementTree.Element("testsuites", name=name)
    groups: dict[tuple[str, str], list[Result]] = {}
    for r in results:
        groups.setdefault((r.api, r.level), []).append(r)
    totals = {"tests": 0, "failures": 0, "skipped": 0}
    for (api, level), group in groups.items():
        suite = ElementTree.SubElement(root, "testsuite", name=f"{api}.{level}")
        counts = {"tests": len(group), "failures": sum(r.failed for r in group)}
        counts["skipped"] = sum(r.status == "skipped" for r in group)
        for key, value in counts.items():
            suite.set(key, str(value))
            totals[key] += value
        suite.set("errors", "0")
        suite.set("time", f"{sum(r.seconds for r in group):.3f}")
        for r in group:
            case = ElementTree.SubElement(
                suite, "testcase", classname=f"idsync.{api}.{level}", name=r.name, time=f"{r.seconds:.3f}"
            )
            if r.failed:
                first = (r.message.splitlines() or [r.name])[0]
                failure = ElementTree.SubElement(case, "failure", message=_clean(first[:500]), type=level)
                failure.text = _clean(f"rule source: {r.source}\n{r.message}" if r.source else r.message)
            elif r.status == "skipped":
                ElementTree.SubElement(case, "skipped", message=_clean(r.message))
            elif r.source:
                ElementTree.SubElement(case, "properties").append(
                    ElementTree.Element("property", name="source", value=_clean(r.source))
                )
    for key, value in totals.items():
        root.set(key, str(value))
    root.set("errors", "0")
    ElementTree.indent(root)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    ElementTree.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)


def _level_key(level: str) -> int:
    return LEVEL_ORDER.index(level) if level in LEVEL_ORDER else len(LEVEL_ORDER)


def _clean(text: str) -> str:
    """XML 1.0 forbids most control characters; fuzzed bodies contain them."""
    return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]", "?", text)
