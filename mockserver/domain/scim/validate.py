"""Checking and canonicalising resource bodies against the schemas (RFC 7643 §2, RFC 7644 §3.3).

``normalize`` returns a new dict with canonical attribute names (matched case-insensitively,
RFC 7643 §2.1), type-checked values (§2.3), ``null`` and empty arrays dropped as unassigned
(§2.5), read-only attributes ignored (RFC 7644 §3.3: "SHALL be ignored"), and required
attributes present. Unknown attributes and schema URNs are 400 ``invalidValue``
(Inferred: RFC 7644 leaves this to the provider; rejecting them catches client typos).
"""

from __future__ import annotations

from typing import Any

from mockserver.domain.errors import BadRequest
from mockserver.domain.scim.evaluate import parse_datetime
from mockserver.domain.scim.schema import Attr, ResourceType, Schema

IGNORED_ON_WRITE = frozenset({"readOnly"})


def normalize(data: Any, rtype: ResourceType) -> dict[str, Any]:
    """Canonical form of a client-supplied resource (without ``id``/``meta``)."""
    if not isinstance(data, dict):
        raise BadRequest("The request body must be a JSON object")
    schemas = data.get("schemas", [rtype.schema.id])  # domain callers may omit it; the spec requires it over HTTP
    if not isinstance(schemas, list) or not all(isinstance(s, str) for s in schemas):
        raise BadRequest("schemas must be an array of schema URNs (RFC 7643 §3)")
    canonical = _schemas(schemas, rtype)
    out: dict[str, Any] = {"schemas": canonical}
    for key, value in data.items():
        if key == "schemas":
            continue
        ext = rtype.extension(key)
        if ext is not None:
            if value is None:
                continue
            body = normalize_complex_level(value, ext, key)
            if body:
                out[ext.id] = body
                if ext.id not in canonical:
                    canonical.append(ext.id)
            continue
        attr = rtype.attr(key)
        if attr is None:
            raise BadRequest(f"Unknown attribute {key!r} for {rtype.id}")
        if attr.mutability in IGNORED_ON_WRITE:
            continue
        checked = check_value(attr, value)
        if checked is not None:
            out[attr.name] = checked
    for attr in rtype.schema.attributes:
        if attr.required and attr.name not in out:
            raise BadRequest(f"{attr.name} is required")
    return out


def _schemas(schemas: list[str], rtype: ResourceType) -> list[str]:
    known = {s.lower(): s for s in rtype.schema_ids()}
    out: list[str] = []
    for urn in schemas:
        if urn.lower() not in known:
            raise BadRequest(f"Unknown schema {urn!r} for {rtype.id}")
        if known[urn.lower()] not in out:
            out.append(known[urn.lower()])
    if rtype.schema.id not in out:
        raise BadRequest(f"schemas must include {rtype.schema.id}")
    return out


def normalize_complex_level(value: Any, schema: Schema, where: str) -> dict[str, Any]:
    """An extension object's attributes, checked like core ones."""
    if not isinstance(value, dict):
        raise BadRequest(f"{where} must be an object")
    out: dict[str, Any] = {}
    for key, v in value.items():
        attr = schema.attr(key)
        if attr is None:
            raise BadRequest(f"Unknown attribute {key!r} in {where}")
        if attr.mutability in IGNORED_ON_WRITE:
            continue
        checked = check_value(attr, v)
        if checked is not None:
            out[attr.name] = checked
    return out


def check_value(attr: Attr, value: Any) -> Any:
    """``value`` checked against ``attr``; None when unassigned."""
    if value is None:
        return None
    if attr.multi:
        if not isinstance(value, list):
            raise BadRequest(f"{attr.name} is multi-valued: send an array")
        items = [v for v in (check_single(attr, x) for x in value) if v is not None]
        if attr.type == "complex" and sum(1 for i in items if i.get("primary") is True) > 1:
            raise BadRequest(f"At most one {attr.name} value may be primary (RFC 7643 §2.4)")
        return items or None
    return check_single(attr, value)


def check_single(attr: Attr, value: Any) -> Any:
    """One (non-array) value of ``attr``."""
    if value is None:
        return None
    if attr.type == "complex":
        if not isinstance(value, dict):
            raise BadRequest(f"{attr.name} must be an object")
        out: dict[str, Any] = {}
        for key, v in value.items():
            sub = attr.child(key)
            if sub is None:
                raise BadRequest(f"Unknown sub-attribute {attr.name}.{key}")
            if sub.mutability in IGNORED_ON_WRITE:
                continue
            checked = check_single(sub, v)
            if checked is not None:
                out[sub.name] = checked
        for sub in attr.sub:
            if sub.required and sub.name not in out:
                raise BadRequest(f"{attr.name}.{sub.name} is required")
        return out or None
    ok = {
        "boolean": lambda v: isinstance(v, bool),
        "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "decimal": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    }.get(attr.type, lambda v: isinstance(v, str))
    if not ok(value):
        raise BadRequest(f"{attr.name} must be of type {attr.type}")
    if attr.type == "dateTime":
        try:
            parse_datetime(value)
        except ValueError:
            raise BadRequest(f"{attr.name} must be an RFC 3339 dateTime") from None
    if attr.required and value == "":
        raise BadRequest(f"{attr.name} must not be empty")
    return value
