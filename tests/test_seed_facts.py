"""Issue 2, point 5: every path, status, field and enum value of the seed documents is in the spec.

The facts are kept as small data files named after their source
(``tests/samples/seed-<NNN>-<api>-facts.json``); removing a documented field from a spec fails here.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from specs_walk import has_field, media_schema, properties, resolve

from mockserver.specs import load_spec

SAMPLES = Path(__file__).parent / "samples"
FACT_FILES = sorted(SAMPLES.glob("seed-*-facts.json"))


def _facts() -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    found = []
    for path in FACT_FILES:
        facts = json.loads(path.read_text(encoding="utf-8"))
        for op in facts["operations"]:
            found.append((f"{path.stem}:{op['method'].upper()} {op['path']}", facts, op))
    return found


FACTS = _facts()


def test_every_seed_has_facts() -> None:
    seeds = {p.name.split("-")[1] for p in FACT_FILES}
    assert seeds >= {"000", "001", "002", "003", "004"}, f"seed fact files present: {sorted(seeds)}"


@pytest.mark.parametrize(("label", "facts", "op"), FACTS, ids=[f[0] for f in FACTS])
def test_seed_operation_is_in_spec(label: str, facts: dict[str, Any], op: dict[str, Any]) -> None:
    spec = load_spec(facts["spec"])
    item = spec["paths"].get(op["path"])
    assert item is not None, f"path {op['path']} missing from {facts['spec']}"
    operation = item.get(op["method"].lower())
    assert operation is not None, f"{op['method']} {op['path']} missing"
    for status in op.get("statuses", []):
        assert str(status) in operation["responses"], f"status {status} missing"
    if op.get("request_fields"):
        schema = media_schema(spec, operation["requestBody"])
        missing = [f for f in op["request_fields"] if not has_field(spec, schema, f)]
        assert not missing, f"request fields missing: {missing}"
    for status, fields in (op.get("response_fields") or {}).items():
        schema = media_schema(spec, operation["responses"][str(status)])
        missing = [f for f in fields if not has_field(spec, schema, f)]
        assert not missing, f"{status} response fields missing: {missing}"


@pytest.mark.parametrize("path", FACT_FILES, ids=[p.stem for p in FACT_FILES])
def test_seed_enum_values_are_in_spec(path: Path) -> None:
    facts = json.loads(path.read_text(encoding="utf-8"))
    spec = load_spec(facts["spec"])
    for dotted, values in (facts.get("enums") or {}).items():
        schema_name, _, field = dotted.partition(".")
        schema = spec["components"]["schemas"][schema_name]
        node = resolve(spec, properties(spec, schema)[field]) if field else schema
        node = resolve(spec, node.get("items", node))
        assert set(values) <= set(node.get("enum", [])), f"{dotted}: enum values missing"
