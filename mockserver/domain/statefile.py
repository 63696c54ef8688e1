"""The state schema: what an admin import, a seed and an export look like (``mockserver/data/state.schema.json``).

``GET /__admin/state`` exports it; ``PUT /__admin/state``, ``POST /__admin/seed`` and ``idsync serve
--seed`` accept it. Before anything is replaced, :func:`validate` checks the whole document: first
the JSON policy (``jsonpolicy.check``: nesting depth, finite numbers, RFC 8259 §6 and §9), then the
published JSON Schema (Draft 2020-12), whose array and map sizes are the stores' caps (limits.py).
Rules no schema can state (SCIM attribute types, references between records) are checked by each
vendor's ``load`` on a scratch world (``World.restore``). Every refusal is a 400 naming the JSONPath
of the offending value, e.g. ``$.scim.tenants.default.users[3].meta``.

The schema runs on jsonschema-rs (a compiled validator): the pure-Python ``jsonschema`` took 17 s
for a state of 100,000 SCIM users, jsonschema-rs 0.2 s (measured side by side, 2026-11-30).
"""

from __future__ import annotations

import functools
import itertools
import json
import math
from collections.abc import Sequence
from importlib import resources
from typing import Any

import jsonschema_rs

from mockserver.domain import jsonpolicy
from mockserver.domain.errors import BadRequest

SCHEMA_RESOURCE = "state.schema.json"
#: How many schema errors one refusal names (a corrupt 100,000-user state could have thousands).
MAX_REPORTED = 5


@functools.cache
def schema() -> dict[str, Any]:
    """The published JSON Schema of a state or seed (shipped in ``mockserver.data``)."""
    text = resources.files("mockserver.data").joinpath(SCHEMA_RESOURCE).read_text(encoding="utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


@functools.cache
def _validator() -> Any:
    return jsonschema_rs.Draft202012Validator(schema(), validate_formats=True)


def json_path(parts: Sequence[str | int]) -> str:
    """RFC 9535 normalized path of a value: ``$.scim.tenants['a b'].users[3]``."""
    out = "$"
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part.isidentifier():
            out += f".{part}"
        else:
            out += "[" + json.dumps(part) + "]"
    return out


def validate(data: Any) -> None:
    """400 naming the first offending value when ``data`` is not a state this server can load."""
    try:
        jsonpolicy.check(data, where="the state")
    except jsonpolicy.JsonRejected as exc:
        raise jsonpolicy.JsonRejected(f"{_policy_path(data)}: {exc.detail}") from None
    try:
        errors = list(itertools.islice(_validator().iter_errors(data), MAX_REPORTED + 1))
    except UnicodeEncodeError:  # "\ud800" parses to a lone surrogate, no Unicode text (RFC 8259 §8.2)
        raise BadRequest(f"{_first_path(data, _not_unicode)}: a string that is not Unicode text") from None
    if errors:
        problems = [problem for error in errors[:MAX_REPORTED] for problem in _problems(error)]
        more = "; and more" if len(errors) > MAX_REPORTED else ""
        raise BadRequest(f"{'; '.join(problems)}{more} (mockserver/data/{SCHEMA_RESOURCE})")


def _problems(error: Any) -> list[str]:
    """One line per offending value; an unknown key is named by its own path (``$.sift.unknown``)."""
    if isinstance(error.kind, jsonschema_rs.ValidationErrorKind.AdditionalProperties):
        parent = functools.reduce(lambda node, key: node[key], error.schema_path[:-1], schema())
        allowed = ", ".join(parent.get("properties", {}))
        return [
            f"{json_path([*error.instance_path, key])}: unknown key (allowed here: {allowed})"
            for key in error.kind.unexpected
        ]
    return [f"{json_path(error.instance_path)}: {error.message}"]


def _policy_path(data: Any) -> str:
    """Where the JSON policy fails (only run once it did): the first value too deep or not JSON."""
    return _first_path(data, _off_policy)


def _first_path(data: Any, offending: Any) -> str:
    """The path of the first value (or of the mapping holding the first key) ``offending`` names."""
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(data, ())]
    while stack:
        item, path = stack.pop()
        if offending(item, path):
            return json_path(path)
        if isinstance(item, dict):
            stack.extend((v, (*path, k)) for k, v in item.items())
        elif isinstance(item, list):
            stack.extend((v, (*path, i)) for i, v in enumerate(item))
    return "$"


def _off_policy(item: Any, path: tuple[str | int, ...]) -> bool:
    if isinstance(item, dict | list) and len(path) >= jsonpolicy.MAX_DEPTH:
        return True
    if isinstance(item, dict):
        return not all(isinstance(k, str) for k in item)
    return not isinstance(item, list) and not _plain_json(item)


def _not_unicode(item: Any, path: tuple[str | int, ...]) -> bool:
    texts = [k for k in item if isinstance(k, str)] if isinstance(item, dict) else [item]
    return any(isinstance(t, str) and not _encodable(t) for t in texts)


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _plain_json(item: Any) -> bool:
    """A scalar JSON can carry: null, a string, a boolean or a finite number."""
    if isinstance(item, float):
        return math.isfinite(item)
    return item is None or isinstance(item, str | int | bool)


def at(path: Sequence[str | int], error: BadRequest) -> BadRequest:
    """``error`` (from a vendor's loader) with the path of the record it is about in front."""
    error.detail = f"{json_path(path)}: {error.detail}"
    error.args = (error.detail,)
    return error
