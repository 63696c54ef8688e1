"""Issue 11, points 1 and 2: our specs agree with the vendors' own contracts, operation by operation.

The vendor facts (``tests/vendor/<vendor>-<version>-*.json``) are derived from authentik's
``schema.yml``, VMware's ``swagger.json`` and Sift's protos by ``python -m tools.vendorfacts``;
our specs are read into the same facts by the same tool (``spec``), as a maintainer runs it, and
compared line by line (``tests/vendor_diff.py``). Every difference must be allowed by an entry
of ``tests/vendor/allowed-differences.yaml`` that points at its explanation in
``specs/README.md``; every in-scope vendor operation must exist in our spec and have a handler.
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from dataclasses import dataclass
from fnmatch import fnmatchcase
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from vendor_diff import differences

from mockserver.apis.registry import by_name

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "tests" / "vendor"
README = ROOT / "specs" / "README.md"


@dataclass(frozen=True)
class Contract:
    """A vendor's facts file, the spec it is compared with, and the part of that spec in scope."""

    facts: str
    spec: str
    scope: tuple[str, ...]


CONTRACTS = {
    "authentik": Contract(
        "authentik-2025.8.6-operations.json", "authentik.yaml", ("/providers/scim", "/core/users/", "/core/groups/")
    ),
    "sift": Contract("sift-protos-56a1a2b-rpcs.json", "sift.yaml", ("/api/",)),
    "vcf": Contract("vcf-5.2.1-operations.json", "vcf.yaml", ("/v1/tokens", "/v1/identity-providers")),
}


@cache
def vendor_facts(name: str) -> dict[str, Any]:
    facts: dict[str, Any] = json.loads((VENDOR / CONTRACTS[name].facts).read_text(encoding="utf-8"))
    return facts


@cache
def our_facts(name: str) -> dict[str, Any]:
    """Our spec's facts, by the maintainers' tool (so these tests need no ``tools`` on ``sys.path``)."""
    contract = CONTRACTS[name]
    scope = [arg for prefix in contract.scope for arg in ("--scope", prefix)]
    command = [sys.executable, "-m", "tools.vendorfacts", "spec", f"specs/{contract.spec}", *scope]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, check=True, timeout=120)
    facts: dict[str, Any] = json.loads(done.stdout)
    return facts


@cache
def allowed() -> dict[str, list[dict[str, str]]]:
    entries: dict[str, list[dict[str, str]]] = yaml.safe_load((VENDOR / "allowed-differences.yaml").read_text())
    return entries


def readme_section(name: str) -> str:
    """The ``## <name>`` section of specs/README.md, its whitespace collapsed (lines wrap anywhere)."""
    text = README.read_text(encoding="utf-8")
    start = text.index(f"\n## {name}\n")
    end = text.find("\n## ", start + 1)
    return " ".join(text[start : end if end != -1 else len(text)].split())


@pytest.mark.parametrize("name", CONTRACTS)
def test_spec_agrees_with_the_vendor_contract(name: str) -> None:
    """Path, method, parameters, request and response fields (type, format, required, nullable,
    enum) and statuses agree, except where an allowed, documented difference says otherwise."""
    found = differences(vendor_facts(name), our_facts(name))
    unexplained = [d for d in found if not any(fnmatchcase(d, e["match"]) for e in allowed()[name])]
    assert not unexplained, f"{len(unexplained)} undocumented differences:\n" + "\n".join(unexplained)


@pytest.mark.parametrize("name", CONTRACTS)
def test_every_allowed_difference_is_real_and_explained(name: str) -> None:
    found = differences(vendor_facts(name), our_facts(name))
    section = readme_section(name)
    for entry in allowed()[name]:
        assert any(fnmatchcase(d, entry["match"]) for d in found), f"stale entry, matches nothing: {entry['match']}"
        assert ("readme" in entry) != ("reason" in entry), f"needs exactly one of readme/reason: {entry}"
        phrase = " ".join(entry.get("readme", "").split())
        assert phrase in section, f"specs/README.md ({name}) does not say {phrase!r}"
        assert entry.get("reason", "x").strip(), f"empty reason: {entry}"


@pytest.mark.parametrize("name", CONTRACTS)
def test_every_vendor_operation_exists_and_has_a_handler(name: str) -> None:
    """Point 2: nothing in scope is missing, and every operation of ours is bound to a handler."""
    ours = {(op["method"], op["operationId"]) for op in our_facts(name)["operations"]}
    assert len(ours) >= len(vendor_facts(name)["operations"])
    handlers = importlib.import_module(by_name(name).module).Handlers
    unbound = sorted(op_id for _, op_id in ours if not callable(getattr(handlers, op_id, None)))
    assert not unbound, f"operations without a handler: {unbound}"


def test_vendor_facts_are_named_after_source_and_version() -> None:
    for name, contract in CONTRACTS.items():
        facts = vendor_facts(name)
        assert facts["vendor"] == name
        assert facts["version"] and facts["version"] in contract.facts
        assert facts["derived_by"].startswith(f"python -m tools.vendorfacts {name} ")
        assert facts["operations"], f"{contract.facts} lists no operation"
