"""Lint, formatting and types are part of the suite, so CI fails on them (CONTRIBUTING.md).

ruff (the rules and the formatter of ``[tool.ruff]`` in pyproject.toml) and mypy (``[tool.mypy]``:
``mockserver`` and ``contracts``, every function annotated) run as subprocesses of this
interpreter, from the repository root, and each test fails with the tool's own output. mypy keeps
its incremental cache in ``.mypy_cache`` (git-ignored): a later run re-checks only what changed.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PYTHON_DIRS = [d for d in ("mockserver", "contracts", "tests", "benchmarks", "tools") if (ROOT / d).is_dir()]


def _run(tool: str, *args: str) -> subprocess.CompletedProcess[str]:
    """``python -m <tool> <args>`` with this interpreter; a missing tool is a failure, not a skip."""
    if importlib.util.find_spec(tool) is None:
        pytest.fail(f"{tool} is not installed here: install the test extra (pip install -e '.[test]')", pytrace=False)
    command = [sys.executable, "-m", tool, *args]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)


def _assert_clean(result: subprocess.CompletedProcess[str], hint: str) -> None:
    """Fail with the tool's report (and no Python traceback, which would only hide it)."""
    if result.returncode != 0:
        command = " ".join(["python", *result.args[1:]])
        pytest.fail(f"{command} failed ({hint}):\n{result.stdout}{result.stderr}", pytrace=False)


def test_ruff_lint_rules() -> None:
    _assert_clean(_run("ruff", "check", *PYTHON_DIRS), "`ruff check --fix` repairs many")


def test_ruff_formatting() -> None:
    _assert_clean(_run("ruff", "format", "--check", "--diff", *PYTHON_DIRS), "run `ruff format`")


def test_mypy_types() -> None:
    _assert_clean(_run("mypy"), "annotate or fix the types it names")
