"""ARCHITECTURE.md: imports go one way; the domain knows no web framework (docs/style.md rule 2)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOMAIN_FILES = sorted((ROOT / "mockserver" / "domain").rglob("*.py"))
FORBIDDEN = (
    "connexion",
    "starlette",
    "flask",
    "uvicorn",
    "werkzeug",
    "mockserver.http",
    "mockserver.apis",
    "mockserver.app",
)


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", DOMAIN_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_domain_imports_no_web_framework(path: Path) -> None:
    bad = sorted(n for n in _imports(path) if n.startswith(FORBIDDEN))
    assert not bad, f"{path.name} imports {bad}"


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
