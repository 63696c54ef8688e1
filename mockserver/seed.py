"""Seeds: the YAML/JSON fixtures a world is built from (``idsync serve --seed FILE``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

DEFAULT_SEED = Path(__file__).resolve().parent / "data" / "default-seed.yaml"


def load_seed_file(path: str | Path | None) -> dict[str, Any]:
    """Parse a seed file (YAML or JSON); None gives the documented default seed."""
    path = Path(path) if path is not None else DEFAULT_SEED
    text = path.read_text(encoding="utf-8")
    data = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ValueError(f"seed {path} must be a mapping at the top level")
    return data
