"""The small path language of a life cycle's expectations (``contracts/data/idp/lifecycle-*.json``).

``name.familyName`` walks objects; ``Resources.0.id`` indexes a list; ``emails[type=work].value``
takes the first element whose ``type`` is ``work``; ``members[].value`` maps over a list and
compares as a set (RFC 7643 §2.4: multi-valued attributes have no order). Attribute names match
case-insensitively (RFC 7643 §2.1: "Attribute names are case insensitive").
"""

from __future__ import annotations

import re
from typing import Any

SEGMENT = re.compile(r"^(?P<name>[^\[\]]*)(?:\[(?P<filter>[^\]]*)\])?$")
MISSING = object()


def _key(mapping: dict[str, Any], name: str) -> Any:
    if name in mapping:
        return mapping[name]
    lowered = {k.lower(): v for k, v in mapping.items()}
    return lowered.get(name.lower(), MISSING)


def _member(value: Any, name: str) -> Any:
    if isinstance(value, dict):
        return _key(value, name)
    if isinstance(value, list) and name.isdigit():
        return value[int(name)] if int(name) < len(value) else MISSING
    return MISSING


def _select(value: Any, condition: str) -> Any:
    """``[]``: the list itself; ``[k=v]``: its first element whose ``k`` is ``v``."""
    if not isinstance(value, list):
        return MISSING
    if not condition:
        return value
    key, _, wanted = condition.partition("=")
    return next((v for v in value if isinstance(v, dict) and str(_key(v, key)) == wanted), MISSING)


def resolve(body: Any, path: str) -> Any:
    """The value at ``path`` in ``body``, or :data:`MISSING`; after ``[]`` a list of values."""
    value = body
    for number, segment in enumerate(path.split(".")):
        parts = SEGMENT.match(segment)
        if parts is None or value is MISSING:
            return MISSING
        value = _member(value, parts["name"]) if parts["name"] else value
        if parts["filter"] is not None:
            value = _select(value, parts["filter"])
            if parts["filter"] == "" and value is not MISSING:
                rest = ".".join(path.split(".")[number + 1 :])
                return [v for v in (resolve(item, rest) if rest else item for item in value) if v is not MISSING]
    return value


def matches(actual: Any, expected: Any, path: str) -> bool:
    """Equality, as a set after ``[]``; strings of ids and names compare exactly."""
    if "[]" in path and isinstance(actual, list) and isinstance(expected, list):
        return sorted(map(str, actual)) == sorted(map(str, expected))
    return bool(actual == expected)
