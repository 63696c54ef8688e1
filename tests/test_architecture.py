"""ARCHITECTURE.md: imports go one way (docs/style.md rule 2), checked by import-linter.

The contracts are in pyproject.toml (``[tool.importlinter]``): the layers of ``mockserver``, a
domain without web frameworks, ``contracts`` imported only by the CLI, the domain's own layers
(vendors independent of each other) and no import cycle anywhere.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = "from importlinter.cli import lint_imports_command; lint_imports_command()"


def test_import_contracts_are_kept() -> None:
    """Every import-linter contract holds; a broken one fails with import-linter's own report."""
    result = subprocess.run(
        [sys.executable, "-c", LINT_IMPORTS, "--no-cache", "--no-logo", str(ROOT / "pyproject.toml")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout, result.stdout


def test_every_package_of_the_tree_is_shipped() -> None:
    """A package missing from pyproject's hand-written list is absent from a non-editable install."""
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"])
    found = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for top in ("mockserver", "contracts")
        for init in (ROOT / top).rglob("__init__.py")
    }
    assert found - listed == set(), "add to [tool.setuptools] packages"
    assert listed - found == {"mockserver._specs"}, "listed in [tool.setuptools] packages but not in the tree"


def test_no_test_or_code_reads_shared() -> None:
    """Nothing in the project may read the developers' notes kept outside the repository."""
    offenders = [
        p
        for folder in ("mockserver", "contracts", "tests", "benchmarks", ".ci")
        for p in (ROOT / folder).rglob("*")
        if p.is_file()
        and p.suffix in {".py", ".sh", ""}
        and "shared/" in p.read_text(encoding="utf-8", errors="ignore").replace("shared/research/tooling", "")
        and p.name != "test_architecture.py"
    ]
    assert not offenders, offenders
