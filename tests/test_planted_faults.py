"""The suite bites (docs/style.md rule 10): every planted fault is registered, names a real contract,
and makes ``idsync verify`` fail naming that contract; once per fault in the whole test suite.

Each proof runs ``contracts.verify.verify`` in-process against the embedded mock with the
fault's profile, only at the fault's level and, for our own contracts, only its contract.
Small example counts and a fixed seed keep the Schemathesis levels fast and reproducible.
"""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

from contracts.checks import CHECK_SOURCES
from contracts.scenario import LEVELS as VERIFY_LEVELS
from contracts.verify import VerifyOptions, all_contracts, verify
from mockserver.apis.registry import by_name
from mockserver.domain.planted import LEVELS, SCHEMATHESIS_LEVELS, PlantedFault
from mockserver.profiles import FAULTS, PROFILES, register
from mockserver.specs import load_spec

ROOT = Path(__file__).resolve().parents[1]
SEED = 20261123
PLANTED = list(FAULTS.values())
#: A failure whose message cites these came from arranging state, not from the fault: resolution's
#: contracts seed the connector's identity provider over SCIM before they check the sync.
ARRANGING = {"resolution": "RFC 7644"}


def declaring_modules() -> list[str]:
    """Every ``mockserver`` module that assigns ``PLANTED_FAULTS``, found in the source (no import)."""
    found = []
    for path in sorted((ROOT / "mockserver").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        targets = [t for n in tree.body if isinstance(n, ast.Assign | ast.AnnAssign) for t in _targets(n)]
        if "PLANTED_FAULTS" in targets:
            dotted = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            found.append(dotted.removesuffix(".__init__"))
    return found


def _targets(node: ast.Assign | ast.AnnAssign) -> list[str]:
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    return [t.id for t in targets if isinstance(t, ast.Name)]


def test_every_declared_fault_is_registered() -> None:
    modules = declaring_modules()
    declared = [fault for name in modules for fault in importlib.import_module(name).PLANTED_FAULTS]
    assert len(modules) >= 8, modules
    assert all(isinstance(f, PlantedFault) for f in declared)
    assert [f.name for f in declared if FAULTS.get(f.name) is not f] == []
    assert len(declared) == len(FAULTS), "a registered fault that no module declares"


def test_names_are_unique_and_profiles_are_the_faults() -> None:
    assert len({f.name for f in PLANTED}) == len(PLANTED) == len(PROFILES) - 1
    assert list(PROFILES) == ["default", *FAULTS]
    assert all(PROFILES[f.name].quirks == {f.name} for f in PLANTED)
    with pytest.raises(ValueError, match="declared twice"):
        register((PLANTED[0], PLANTED[0]))


def test_a_fault_of_an_unknown_api_or_level_is_refused() -> None:
    fault = PLANTED[0]
    with pytest.raises(ValueError, match="names API 'nosuch'"):
        register((PlantedFault(name="x", api="nosuch", level="semantic", catches="c", description="d"),))
    with pytest.raises(ValueError, match="level 'spec'"):
        PlantedFault(name="x", api=fault.api, level="spec", catches="c", description="d")  # type: ignore[arg-type]


def test_fault_levels_are_verify_levels() -> None:
    assert set(LEVELS) == set(VERIFY_LEVELS) - {"spec"}
    assert set(SCHEMATHESIS_LEVELS) <= set(LEVELS)


def test_a_declaring_module_that_fails_to_import_stops_start_up() -> None:
    """No silently missing profile: ``mockserver.profiles`` imports its modules, it does not probe them."""
    code = "import sys; sys.modules['mockserver.domain.vcf'] = None; import mockserver.app"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert "ModuleNotFoundError" in done.stderr and "mockserver.domain.vcf" in done.stderr


@pytest.mark.parametrize("fault", PLANTED, ids=[f.name for f in PLANTED])
def test_fault_names_a_contract_of_its_api_at_its_level(fault: PlantedFault) -> None:
    if fault.level in SCHEMATHESIS_LEVELS:
        assert fault.catches in CHECK_SOURCES, f"{fault.catches!r} is not a Schemathesis check we run"
        return
    contracts = {c.name: c for c in all_contracts(fault.api, load_spec(by_name(fault.api).spec))}
    assert fault.catches in contracts, f"{fault.catches!r} is not a contract of {fault.api}"
    assert contracts[fault.catches].level == fault.level


def options_for(fault: PlantedFault) -> VerifyOptions:
    """Only the fault's level; only its contract unless Schemathesis runs the level."""
    if fault.level in SCHEMATHESIS_LEVELS:
        return VerifyOptions([fault.api], profile=fault.name, levels=(fault.level,), max_examples=5, random_seed=SEED)
    return VerifyOptions(
        [fault.api], profile=fault.name, levels=(fault.level,), contracts=[fault.catches], random_seed=SEED
    )


@pytest.mark.parametrize("fault", PLANTED, ids=[f.name for f in PLANTED])
def test_planted_fault_is_caught_by_its_contract(fault: PlantedFault) -> None:
    lines: list[str] = []
    run = verify(options_for(fault), out=lines.append)
    text = "\n".join(lines)
    assert not run.ok, f"{fault.name} went unnoticed:\n{text}"
    assert fault.catches in run.failed_names(), f"{fault.name} must fail {fault.catches!r}:\n{text}"
    failures = [r.message for r in run.results if r.failed]
    assert not any(m.startswith("contract raised") for m in failures), text
    if fault.api in ARRANGING:
        assert not any(ARRANGING[fault.api] in m for m in failures), text
