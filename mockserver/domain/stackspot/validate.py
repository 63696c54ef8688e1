"""Input validation as elimity-com/scim (2024-03 release) does it: ``resource_type.validate``/``schema.Validate``.

The body must be a JSON object (else ``invalidSyntax``); attribute names match
case-insensitively (a duplicate that differs only in case is ``invalidSyntax``); unknown and
read-only attributes are silently dropped; a missing required attribute or a wrong type is
``invalidValue``.
"""

from __future__ import annotations

import re
from typing import Any

from mockserver.domain.errors import BadRequest, InvalidSyntax
from mockserver.domain.stackspot.schema import Attr, Kind


def normalize(kind: Kind, body: Any) -> dict[str, Any]:
    """Validated, canonically-named writable attributes of ``body`` (elimity ``Schema.Validate``)."""
    if not isinstance(body, dict):
        raise InvalidSyntax("The request body message structure was invalid or did not conform to the request schema.")
    body = _aliases(kind, body)
    return _complex(kind.root, body, top=True)


def _aliases(kind: Kind, body: dict[str, Any]) -> dict[str, Any]:
    """Documented alternative spellings: ``statements[].action`` (string) in ``domain.UpdatePermission``."""
    statements = next((v for k, v in body.items() if k.lower() == "statements"), None)
    if kind.lookup("statements") is None or not isinstance(statements, list):
        return body
    fixed = []
    for item in statements:
        if isinstance(item, dict) and "action" in item and not any(k.lower() == "actions" for k in item):
            item = {**{k: v for k, v in item.items() if k != "action"}, "actions": [item["action"]]}
        fixed.append(item)
    return {**{k: v for k, v in body.items() if k.lower() != "statements"}, "statements": fixed}


def _complex(attr: Attr, value: dict[str, Any], *, top: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {}
    seen: set[str] = set()
    for key, item in value.items():
        if key.lower() in seen:
            raise InvalidSyntax(f"Duplicate attribute {key!r} (attribute names are case-insensitive).")
        seen.add(key.lower())
        sub = attr.lookup(key)
        if sub is None or sub.read_only or item is None:
            continue
        out[sub.name] = _value(sub, item)
    for sub in attr.sub:
        if sub.required and not sub.read_only and sub.name not in out:
            raise BadRequest(
                "A required value was missing, or the value specified was not compatible with the "
                f"operation or attribute type, or resource schema: {sub.name}."
            )
    return out


def _value(attr: Attr, value: Any) -> Any:
    if attr.multi:
        if not isinstance(value, list):
            raise _type_error(attr, "an array")
        items = [_single(attr, v) for v in value if v is not None]
        return _dedupe(items)
    return _single(attr, value)


def _single(attr: Attr, value: Any) -> Any:
    if attr.type == "string" and isinstance(value, str):
        return value
    if attr.type == "boolean" and isinstance(value, bool):
        return value
    if attr.type == "integer" and isinstance(value, int) and not isinstance(value, bool):
        return value
    if attr.type == "object" and isinstance(value, dict):
        return value
    if attr.type == "complex" and isinstance(value, dict):
        return _complex(attr, value)
    raise _type_error(attr, f"a {attr.type}")


def _dedupe(items: list[Any]) -> list[Any]:
    """Multi-valued attributes hold each value once (``members`` by ``value``, strings by equality)."""
    out: list[Any] = []
    keys: set[str] = set()
    for item in items:
        key = str(item.get("value")) if isinstance(item, dict) and "value" in item else repr(item)
        if key not in keys:
            keys.add(key)
            out.append(item)
    return out


def _type_error(attr: Attr, wanted: str) -> BadRequest:
    return BadRequest(
        f"A required value was missing, or the value specified was not compatible with the operation "
        f"or attribute type, or resource schema: {attr.name} must be {wanted}."
    )


def slugify(name: str) -> str:
    """Inferred: a missing ``slug`` is derived from ``name`` (lower-case, hyphens)."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "resource"
