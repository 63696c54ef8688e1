"""Checking and canonicalising resource bodies against the schemas (RFC 7643 §2, RFC 7644 §3.3).

``normalize`` returns a new dict with canonical attribute names (matched case-insensitively,
RFC 7643 §2.1), type-checked values (§2.3), ``null`` dropped as unassigned (§2.5), read-only
attributes ignored (RFC 7644 §3.3: "SHALL be ignored"), and required attributes present. The
rest is the server's :class:`~mockserver.domain.scim.dialect.Dialect`: in the RFC reading
(``/scim``) unknown attributes and schema URNs are 400 ``invalidValue`` (Inferred: RFC 7644
leaves this to the provider; rejecting them catches client typos) and empty arrays, objects and
optional strings are unassigned; elimity-com/scim (StackSpot) drops unknown attributes and keeps
empty values.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mockserver.domain.errors import BadRequest, InvalidSyntax
from mockserver.domain.scim.dialect import RFC7644, Dialect
from mockserver.domain.scim.evaluate import parse_datetime
from mockserver.domain.scim.schema import Attr, ResourceType, Schema

IGNORED_ON_WRITE = frozenset({"readOnly"})
_TYPES: dict[str, Callable[[Any], bool]] = {
    "boolean": lambda v: isinstance(v, bool),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "decimal": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "object": lambda v: isinstance(v, dict),
}


def _is_string(value: Any) -> bool:
    return isinstance(value, str)


def normalize(data: Any, rtype: ResourceType, dialect: Dialect = RFC7644) -> dict[str, Any]:
    """Canonical form of a client-supplied resource (without ``id``/``meta``)."""
    try:
        return _normalize(data, rtype, dialect)
    except BadRequest as exc:
        dialect.reword(exc)
        raise


def _normalize(data: Any, rtype: ResourceType, dialect: Dialect) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise dialect.non_object_body("The request body must be a JSON object")
    _check_names(data, dialect)
    canonical = _schemas(data, rtype) if dialect.schemas_member == "checked" else None
    out: dict[str, Any] = {} if canonical is None else {"schemas": canonical}
    for key, value in data.items():
        if key == "schemas":
            continue
        ext = rtype.extension(key)
        if ext is not None:
            if value is None:
                continue
            body = normalize_complex_level(value, ext, key, dialect)
            if body or dialect.empty_values == "kept":
                out[ext.id] = body
                if canonical is not None and ext.id not in canonical:
                    canonical.append(ext.id)
            continue
        attr = rtype.attr(key)
        if attr is None:
            _unknown(dialect, f"Unknown attribute {key!r} for {rtype.id}")
        elif attr.mutability not in IGNORED_ON_WRITE:
            checked = check_value(attr, value, dialect)
            if checked is not None:
                out[attr.name] = checked
    for attr in rtype.schema.attributes:
        if attr.required and attr.name not in out:
            raise BadRequest(f"{attr.name} is required")
    return out


def _schemas(data: dict[str, Any], rtype: ResourceType) -> list[str]:
    if not isinstance(data, dict):  # a Bulk operation's data can be anything (RFC 7644 §3.7)
        raise BadRequest(f"a {rtype.id} is a JSON object (RFC 7643 §2)")
    schemas = data.get("schemas", [rtype.schema.id])  # domain callers may omit it; the spec requires it over HTTP
    if not isinstance(schemas, list) or not all(isinstance(s, str) for s in schemas):
        raise BadRequest("schemas must be an array of schema URNs (RFC 7643 §3)")
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


def _check_names(value: dict[str, Any], dialect: Dialect) -> None:
    """``Dialect.case_variant_duplicates``: ``{"name": .., "NAME": ..}`` may be ``invalidSyntax``."""
    if dialect.case_variant_duplicates == "reject" and len({k.lower() for k in value}) != len(value):
        raise InvalidSyntax("Duplicate attribute names (attribute names are case-insensitive, RFC 7643 §2.1)")


def _unknown(dialect: Dialect, message: str) -> None:
    if dialect.unknown_attributes == "reject":
        raise BadRequest(message)


def normalize_complex_level(value: Any, schema: Schema, where: str, dialect: Dialect = RFC7644) -> dict[str, Any]:
    """An extension object's attributes, checked like core ones.

    A ``schemas`` member inside the object is ignored: it is no attribute of the extension
    (RFC 7643 §3: ``schemas`` belongs to the resource), but clients send the extension object
    whole, ``schemas`` included, as the value of a PATCH whose ``path`` is the extension URN.
    """
    if isinstance(value, dict):
        value = {k: v for k, v in value.items() if k.lower() != "schemas"}
    return _level(value, schema.attr, schema.attributes, where, dialect)


def _level(
    value: Any, lookup: Callable[[str], Attr | None], attrs: tuple[Attr, ...], where: str, dialect: Dialect
) -> dict[str, Any]:
    """The attributes of one object (an extension or a complex value), with required ones present."""
    if not isinstance(value, dict):
        raise BadRequest(f"{where} must be an object")
    _check_names(value, dialect)
    out: dict[str, Any] = {}
    for key, v in value.items():
        attr = lookup(key)
        if attr is None:
            _unknown(dialect, f"Unknown attribute {key!r} in {where}")
        elif attr.mutability not in IGNORED_ON_WRITE:
            checked = check_value(attr, v, dialect)
            if checked is not None:
                out[attr.name] = checked
    for attr in attrs:
        if attr.required and attr.name not in out and attr.mutability not in IGNORED_ON_WRITE:
            raise BadRequest(f"{where}.{attr.name} is required")
    return out


def check_value(attr: Attr, value: Any, dialect: Dialect = RFC7644) -> Any:
    """``value`` checked against ``attr``; None when unassigned."""
    if value is None:
        return None
    if not attr.multi:
        return check_single(attr, value, dialect)
    if not isinstance(value, list):
        raise BadRequest(f"{attr.name} is multi-valued: send an array")
    items = [v for v in (check_single(attr, x, dialect) for x in value) if v is not None]
    if dialect.multi_values == "distinct":
        items = _distinct(items)
    if dialect.primary == "at most one" and attr.type == "complex" and _primaries(items) > 1:
        raise BadRequest(f"At most one {attr.name} value may be primary (RFC 7643 §2.4)")
    return items if items or dialect.empty_values == "kept" else None


def _primaries(items: list[Any]) -> int:
    return sum(1 for i in items if isinstance(i, dict) and i.get("primary") is True)


def _distinct(items: list[Any]) -> list[Any]:
    """``Dialect.multi_values == "distinct"``: each value once (complex values by ``value``)."""
    out: list[Any] = []
    keys: set[str] = set()
    for item in items:
        key = str(item.get("value")) if isinstance(item, dict) and "value" in item else repr(item)
        if key not in keys:
            keys.add(key)
            out.append(item)
    return out


def check_single(attr: Attr, value: Any, dialect: Dialect = RFC7644) -> Any:
    """One (non-array) value of ``attr``."""
    if value is None:
        return None
    if attr.type == "complex":
        out = _level(value, attr.child, attr.sub, attr.name, dialect)
        return out if out or dialect.empty_values == "kept" else None
    if not _TYPES.get(attr.type, _is_string)(value):
        raise BadRequest(f"{attr.name} must be of type {attr.type}")
    if attr.type == "dateTime":
        try:
            parse_datetime(value)
        except ValueError:
            raise BadRequest(f"{attr.name} must be an RFC 3339 dateTime") from None
    if attr.required and value == "" and dialect.empty_required_strings == "rejected":
        raise BadRequest(f"{attr.name} must not be empty")
    if value == "" and not attr.required and dialect.empty_values == "unassigned":
        return None  # RFC 7643 §2.5: an empty value is unassigned; RFC 7644 §3.4.2.2 ``pr`` agrees
    return value
