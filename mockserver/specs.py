"""Where the OpenAPI specs live: ``specs/`` in a checkout, ``mockserver/_specs`` when installed."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
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


def cache_dir() -> Path:
    """Where parsed specs are kept between runs: ``$XDG_CACHE_HOME/idsync`` (default ``~/.cache/idsync``)."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "idsync"


@cache
def _spec_json(filename: str) -> str:
    """The spec as JSON text: read from the cache when the YAML is unchanged, else parsed and cached.

    Constructing the seven specs from YAML took most of ``idsync serve``'s start-up (even with
    libyaml's C loader, the objects are built in Python); JSON parses several times faster. The
    cache file is named after a hash of the YAML text, so an edited spec is parsed again, and it
    is written only when the JSON round trip gives back exactly the YAML's data (no integer keys,
    no dates). Without a writable cache directory every start parses the YAML.
    """
    raw = spec_path(filename).read_bytes()
    cached = cache_dir() / f"{Path(filename).stem}-{hashlib.sha256(raw).hexdigest()[:20]}.json"
    with contextlib.suppress(OSError):
        return cached.read_text(encoding="utf-8")
    # libyaml's C loader when present: the pure-Python one took ~0.8 s for the seven specs.
    data = yaml.load(raw, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    text = json.dumps(data)
    if json.loads(text) == data:
        _write_atomically(cached, text)
    return text


def _write_atomically(path: Path, text: str) -> None:
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.tmp")
        partial.write_text(text, encoding="utf-8")
        partial.replace(path)


def load_spec(filename: str) -> dict[str, Any]:
    """A fresh, mutable copy of a parsed spec (parsed from cached JSON text: faster than a deep copy)."""
    data: dict[str, Any] = json.loads(_spec_json(filename))
    return data
