"""Where the OpenAPI specs live: ``specs/`` in a checkout, ``mockserver/_specs`` when installed."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

_PACKAGE = Path(__file__).resolve().parent


def spec_dir() -> Path:
    """The directory holding ``<api>.yaml``.

    A wheel installs the repository's ``specs/`` as ``mockserver/_specs`` (pyproject
    ``package-dir``); a checkout or editable install reads ``specs/`` beside the package.
    """
    for candidate in (_PACKAGE / "_specs", _PACKAGE.parent / "specs"):
        if (candidate / "scim.yaml").is_file():
            return candidate
    raise FileNotFoundError("idsync specs not found beside mockserver/ nor in mockserver/_specs")


def spec_path(filename: str) -> Path:
    """Path of one spec file."""
    return spec_dir() / filename


@cache
def _load_cached(filename: str) -> Any:
    # libyaml's C loader when present: the pure-Python one took ~0.8 s for the seven specs.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with spec_path(filename).open(encoding="utf-8") as fh:
        return yaml.load(fh, Loader=loader)


def load_spec(filename: str) -> dict[str, Any]:
    """A fresh, mutable copy of a parsed spec."""
    import copy

    data: dict[str, Any] = copy.deepcopy(_load_cached(filename))
    return data
