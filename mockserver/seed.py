"""Seeds: the YAML/JSON fixtures a world is built from (``idsync serve --seed FILE``).

The format is documented in ``docs/seed.md``; its JSON Schema is the state schema
(``mockserver/data/state.schema.json``, served at ``GET /__admin/state/schema``), which
``World`` checks every seed against (``domain/statefile.validate``), whichever way it comes:
``--seed FILE``, ``POST /__admin/seed`` or ``create_app(seed)``. This module only reads the file:
each way a file can be unreadable is a :class:`SeedError` with one line saying what to do.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

DEFAULT_SEED = Path(__file__).resolve().parent / "data" / "default-seed.yaml"
#: Where a refusal sends the reader.
FORMAT_DOC = "the format is in docs/seed.md"


class SeedError(ValueError):
    """A seed file that cannot be read or parsed, or is not a mapping: one line for the terminal."""


def load_seed_file(path: str | Path | None) -> dict[str, Any]:
    """Parse a seed file (YAML or JSON, by suffix); None gives the documented default seed."""
    path = Path(path) if path is not None else DEFAULT_SEED
    data = _parse(path, _read(path))
    if data is None:
        return {}
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else f"a {type(data).__name__}"
        raise SeedError(
            f"seed {path} is {kind} at the top level: a seed maps section names "
            f"(credentials, scim, sift, authentik, vcf, resolution, stackspot) to their contents; {FORMAT_DOC}"
        )
    return data


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SeedError(f"seed file {path} does not exist: give the path of a YAML or JSON seed file") from None
    except IsADirectoryError:
        raise SeedError(f"seed {path} is a directory: give the path of a YAML or JSON seed file") from None
    except PermissionError:
        raise SeedError(f"seed file {path} cannot be read (permission denied): check its permissions") from None
    except UnicodeDecodeError as exc:
        raise SeedError(f"seed file {path} is not UTF-8 text (byte {exc.start}): save it as UTF-8") from None


def _parse(path: Path, text: str) -> Any:
    """JSON for ``.json`` files (RFC 8259), YAML 1.1 (PyYAML's safe loader) for anything else."""
    if path.suffix == ".json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise SeedError(
                f"seed {path} is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
            ) from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "cannot be parsed"
        raise SeedError(f"seed {path} is not valid YAML: {problem}{where}") from None
