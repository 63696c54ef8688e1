"""specs/stackspot.yaml is the output of its generator (tools/specgen/stackspot.py), byte for byte.

The generator runs as a maintainer runs it (``python -m tools.specgen.stackspot`` from the
repository root), so these tests need neither the repository root on ``sys.path`` nor the
generator inside the installed package. Source format: specs/README.md (stackspot, "Generated").
"""

from __future__ import annotations

import difflib
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "specs" / "stackspot.yaml"
SOURCE = ROOT / "specs" / "src" / "stackspot"


def generate(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    """Run the generator; never raises on a non-zero exit."""
    command = [sys.executable, "-m", "tools.specgen.stackspot", *args]
    return subprocess.run(command, cwd=ROOT, capture_output=True, env=env, check=False, timeout=120)


def generated(*args: str) -> bytes:
    result = generate("--output", "-", *args)
    assert result.returncode == 0, result.stderr.decode()
    return result.stdout


def test_committed_spec_is_the_generators_output_byte_for_byte() -> None:
    committed, fresh = SPEC.read_bytes(), generated()
    if committed != fresh:
        diff = difflib.unified_diff(
            committed.decode().splitlines(),
            fresh.decode().splitlines(),
            "specs/stackspot.yaml",
            "generated",
            n=1,
            lineterm="",
        )
        pytest.fail("run python -m tools.specgen.stackspot\n" + "\n".join(list(diff)[:40]))


def test_check_mode_accepts_the_committed_spec_and_rejects_a_hand_edit(tmp_path: Path) -> None:
    assert generate("--check").returncode == 0
    edited = tmp_path / "stackspot.yaml"
    edited.write_text(SPEC.read_text(encoding="utf-8").replace("summary: Get User\n", "summary: Fetch User\n", 1))
    result = generate("--check", "--output", str(edited))
    assert result.returncode == 1
    assert b"-      summary: Fetch User" in result.stderr and b"python -m tools.specgen.stackspot" in result.stderr


def test_output_does_not_depend_on_the_hash_seed() -> None:
    """Deterministic: no set or hash order reaches the document (three seeds, one output)."""
    runs = {generate("--output", "-", env={**os.environ, "PYTHONHASHSEED": seed}).stdout for seed in ("0", "1", "4242")}
    assert len(runs) == 1 and runs != {b""}


def _operations(spec: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {op["operationId"]: op for item in spec["paths"].values() for op in item.values()}


def test_a_kind_note_reaches_both_routes_and_changes_nothing_else(tmp_path: Path) -> None:
    """The spec is built from the source: one edited sentence lands in the header and the path route."""
    source = tmp_path / "stackspot"
    shutil.copytree(SOURCE, source)
    kind = source / "actions.yaml"
    kind.write_text(kind.read_text(encoding="utf-8").replace("names the action.'", "names the action. Marker.'"))
    before = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    after = yaml.safe_load(generated("--source", str(source)))
    changed = sorted(name for name, op in _operations(after).items() if op != _operations(before)[name])
    assert changed == ["deleteAction", "deleteActionInTenant"]
    for name in changed:
        assert "names the action. Marker. Tenant from the " in _operations(after)[name]["description"]
    assert after["components"] == before["components"]


def test_embedded_records_are_the_records_they_name() -> None:
    """``!sample`` expands to the same record as the kind's own example (e.g. a statement's Action)."""
    examples = yaml.safe_load(SPEC.read_text(encoding="utf-8"))["components"]["examples"]
    statement = examples["PermissionResource"]["value"]["statements"][0]
    assert statement["actions"] == [examples["ActionResource"]["value"]]
    assert statement["resource"] == examples["ResourceResource"]["value"]
    role_permission = examples["RoleResource"]["value"]["permissions"][0]
    assert role_permission == {
        k: v for k, v in examples["PermissionResource"]["value"].items() if k not in ("schemas", "meta")
    }


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        ("roles.yaml", "\nnotes:", "\nnotse:", "roles.yaml: unknown keys ['notse']"),
        ("resources.yaml", "!sample Resource-Types.nested", "!sample Resource-Types.nestd", "has no view 'nestd'"),
        ("operations.yaml", "summary: Get {Noun}", "summary: Get {Nuon}", "unknown placeholder"),
    ],
)
def test_source_mistakes_are_reported_not_generated(
    tmp_path: Path, file: str, old: str, new: str, message: str
) -> None:
    source = tmp_path / "stackspot"
    shutil.copytree(SOURCE, source)
    text = (source / file).read_text(encoding="utf-8")
    assert old in text
    (source / file).write_text(text.replace(old, new, 1), encoding="utf-8")
    result = generate("--source", str(source), "--output", str(tmp_path / "out.yaml"))
    assert result.returncode == 2 and message in result.stderr.decode()
    assert not (tmp_path / "out.yaml").exists()
