"""One JSON policy for everything the mock reads or writes: requests, stored state, imports, outbound answers.

RFC 8259 §9 lets a parser "set limits on the size of texts it accepts" and "on the maximum depth
of nesting"; §6 says numbers such as Infinity and NaN "are not permitted". Python's ``json``
accepts ``NaN``/``Infinity`` literals and overflows ``1e400`` to ``inf``, then writes all three back
as invalid JSON, and it recurses once per nesting level (a ``RecursionError`` deep enough down).
So every JSON text the mock parses goes through :func:`loads`, every already-parsed value it keeps
from elsewhere (a seed, an outbound answer) through :func:`check`, and every value it writes
through :func:`dumps`. Past the limits the caller's vendor answers its own 400 (``InvalidSyntax``).
"""

from __future__ import annotations

import json
import math
from typing import Any

from mockserver.domain.errors import InvalidSyntax

#: Deepest nesting of arrays and objects accepted anywhere (a SCIM resource needs about 5).
MAX_DEPTH = 64
#: Largest request body, in bytes, unless the app is configured otherwise (``create_app(max_body_bytes=...)``).
MAX_BODY_BYTES = 1_048_576


class JsonRejected(InvalidSyntax):
    """400 ``invalidSyntax``: a JSON text or value outside the policy (RFC 8259 §6, §9)."""


def _reject_constant(name: str) -> Any:
    raise JsonRejected(f"JSON does not allow {name} (RFC 8259 §6)")


def _finite_float(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise JsonRejected(f"JSON number {text[:40]} is out of range (RFC 8259 §6)")
    return value


def loads(data: bytes | str, *, max_depth: int = MAX_DEPTH) -> Any:
    """Parse a JSON text under the policy: UTF-8 (RFC 8259 §8.1), finite numbers, bounded depth."""
    if isinstance(data, bytes | bytearray):
        try:
            data = bytes(data).decode("utf-8")
        except UnicodeDecodeError:
            raise JsonRejected("JSON text is not valid UTF-8 (RFC 8259 §8.1)") from None
    _check_text_depth(data, max_depth)
    try:
        return json.loads(data, parse_constant=_reject_constant, parse_float=_finite_float)
    except JsonRejected:
        raise
    except (ValueError, RecursionError) as exc:
        raise JsonRejected(f"Request body is not valid JSON: {exc}") from None


def _check_text_depth(text: str, max_depth: int) -> None:
    """Reject a text nesting deeper than ``max_depth`` before the recursive parser sees it.

    Counts brackets outside strings in one linear pass; a malformed text may be counted wrongly,
    but then the parser rejects it anyway. A text with no more opening brackets in all than
    ``max_depth`` cannot nest deeper, and is let through after two C-speed counts.
    """
    if text.count("[") + text.count("{") <= max_depth:
        return
    depth = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > max_depth:
                raise JsonRejected(f"JSON nests deeper than {max_depth} levels")
        elif char in "]}":
            depth -= 1


def check(value: Any, *, max_depth: int = MAX_DEPTH, where: str = "value") -> Any:
    """``value`` itself when it is JSON within the policy (bounded depth, finite numbers, string keys)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict | list):
            if level > max_depth:
                raise JsonRejected(f"{where} nests deeper than {max_depth} levels")
            if isinstance(item, dict):
                if not all(isinstance(k, str) for k in item):
                    raise JsonRejected(f"{where} has an object key that is not a string")
                stack.extend((v, level + 1) for v in item.values())
            else:
                stack.extend((v, level + 1) for v in item)
        elif isinstance(item, float) and not math.isfinite(item):
            raise JsonRejected(f"{where} holds a number JSON cannot carry ({item})")
        elif item is not None and not isinstance(item, str | int | float | bool):
            raise JsonRejected(f"{where} holds a {type(item).__name__}, which is not JSON")
    return value


def dumps(value: Any, **kwargs: Any) -> str:
    """Serialise under the policy: never ``NaN``/``Infinity`` (``ValueError`` is a bug of ours, not input)."""
    return json.dumps(value, allow_nan=False, **kwargs)
