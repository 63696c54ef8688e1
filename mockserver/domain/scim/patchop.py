"""PatchOp requests (RFC 7644 §3.5.2): the message, its operations and their paths, checked.

``read_operations`` turns a PatchOp body into :class:`Operation` objects whose ``path`` is
already parsed into a :class:`Target` (``attrPath [ "[" valFilter "]" [ "." subAttr ] ]``), so
every server that speaks SCIM rejects the same bad requests with the same limits: a path is
at most :data:`MAX_PATH_LENGTH` characters, and its value filter is a filter like any other
(``filter.MAX_NESTING`` bounds nested brackets, parentheses and ``not``; ``filter.MAX_DEPTH``
the operators). A value filter may not name a never-returned attribute (``invalidFilter``);
any other fault in it is ``invalidPath``. How the message is read (member name case, which
``scimType`` each fault gets) is the server's ``Dialect.patch``. Applying the operations is
``patch.apply_patch`` for the ``/scim`` directory.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mockserver.domain.errors import BadRequest, InvalidPath, InvalidSyntax
from mockserver.domain.scim.dialect import RFC7644, Dialect, PatchEnvelope
from mockserver.domain.scim.evaluate import _Binder
from mockserver.domain.scim.filter import MAX_FILTER_LENGTH, Predicate, parse
from mockserver.domain.scim.paths import Resolved, Unsearchable, resolve, searchable
from mockserver.domain.scim.schema import PATCH_OP, Attr, ResourceType

OPS = ("add", "replace", "remove")
#: A path is an attribute path plus at most one value filter: no longer than a filter may be.
MAX_PATH_LENGTH = MAX_FILTER_LENGTH


@dataclass(frozen=True)
class Target:
    """A parsed PATCH path: attribute, optional element filter, optional sub-attribute after it."""

    res: Resolved
    where: Predicate | None = None
    sub: Attr | None = None


@dataclass(frozen=True)
class Operation:
    """One checked operation: ``op`` lower-cased, ``target`` None when there is no ``path``."""

    op: str
    target: Target | None
    value: Any
    has_value: bool


def parse_path(rtype: ResourceType, text: str, dialect: Dialect = RFC7644, *, lenient: bool = False) -> Target | None:
    """``attrPath [ "[" valFilter "]" [ "." subAttr ] ]`` (RFC 7644 §3.5.2 ABNF); ``lenient``
    gives None for an unknown attribute instead of ``invalidPath``."""
    try:
        return _parse_path(rtype, text, dialect, lenient)
    except BadRequest as exc:
        dialect.reword(exc)
        raise


def _parse_path(rtype: ResourceType, text: str, dialect: Dialect, lenient: bool) -> Target | None:
    if len(text) > MAX_PATH_LENGTH:
        raise InvalidPath(f"Path longer than {MAX_PATH_LENGTH} characters")
    head, where, sub_name = text, None, None
    if "[" in text:
        open_at, close_at = text.index("["), text.rfind("]")
        if close_at < open_at:
            raise InvalidPath("Unbalanced brackets in path")
        head, where, rest = text[:open_at], text[open_at + 1 : close_at], text[close_at + 1 :]
        if rest:
            if not rest.startswith(".") or len(rest) < 2:
                raise InvalidPath("Unexpected text after the value filter")
            sub_name = rest[1:]
    res = resolve(rtype, head.strip(), InvalidPath, lenient=lenient)
    if res is None:
        return None
    if where is None:
        return Target(res)
    if res.attr is None or res.sub is not None or res.attr.type != "complex" or not res.attr.multi:
        raise InvalidPath(f"A value filter needs a multi-valued complex attribute: {head.strip()!r}")
    return Target(res, _value_filter(rtype, res.attr, where, dialect), _sub(res.attr, sub_name))


def _value_filter(rtype: ResourceType, attr: Attr, text: str, dialect: Dialect) -> Predicate:
    """The element filter of a value path, bound to ``attr``'s sub-attributes."""
    searchable(attr)
    try:
        return _Binder(rtype, False, dialect).bind(parse(text), attr)
    except Unsearchable:
        raise
    except BadRequest as exc:
        raise InvalidPath(f"Invalid value filter: {exc.detail}") from None


def _sub(attr: Attr, name: str | None) -> Attr | None:
    if name is None:
        return None
    sub = attr.child(name)
    if sub is None:
        raise InvalidPath(f"{attr.name!r} has no sub-attribute {name[:100]!r}")
    return sub


def read_operations(body: Any, rtype: ResourceType, dialect: Dialect = RFC7644) -> list[Operation]:
    """The checked operations of a PatchOp ``body``; every path parsed against ``rtype``."""
    try:
        raws = _envelope(body, dialect.patch)
        return [_operation(raw, rtype, dialect) for raw in raws]
    except BadRequest as exc:
        dialect.reword(exc)
        raise


def _members(body: dict[str, Any], env: PatchEnvelope) -> dict[str, Any]:
    """Member names folded to lower case (``any case``, last spelling wins as in Go) or exact."""
    if env.member_names == "any case":
        return {k.lower(): v for k, v in body.items()}
    return {k.lower(): v for k, v in body.items() if k in ("schemas", "Operations", "op", "path", "value")}


def _envelope(body: Any, env: PatchEnvelope) -> list[tuple[str, Any, Any, bool]]:
    """``(op, path, value, has_value)`` per operation, after the message-level checks."""
    if not isinstance(body, dict):
        raise InvalidSyntax("The PATCH body must be a PatchOp object")
    members = _members(body, env)
    schemas = members.get("schemas")
    if schemas is not None and not isinstance(schemas, list):
        raise InvalidSyntax("schemas must be an array")
    if schemas is None or (PATCH_OP not in schemas if env.schemas == "contains PatchOp" else schemas != [PATCH_OP]):
        raise env.schemas_error(f"schemas must be [{PATCH_OP!r}]")
    ops = members.get("operations")
    if ops is not None and not isinstance(ops, list):
        raise InvalidSyntax("Operations must be an array")
    if not ops:
        raise env.operations_error("Operations must be a non-empty array")
    return [_decode(raw, env) for raw in ops]


def _decode(raw: Any, env: PatchEnvelope) -> tuple[str, Any, Any, bool]:
    if not isinstance(raw, dict):
        raise env.operation_error("Each operation must be an object")
    fields = _members(raw, env)
    op = fields.get("op")
    if not isinstance(op, str):
        raise env.operation_error("Each operation needs op: add, replace or remove")
    if env.op_checked == "with the message":
        _known_op(op, env)
    absent_when_null = env.null_members == "absent"
    path = fields.get("path")
    if not isinstance(path, str) and not (path is None and (absent_when_null or "path" not in fields)):
        raise InvalidPath("path must be a string")
    has_value = "value" in fields and not (absent_when_null and fields["value"] is None)
    return op, path, fields.get("value"), has_value


def _known_op(op: str, env: PatchEnvelope) -> None:
    if op.lower() not in OPS:
        raise env.unknown_op_error(f"Unknown op {op[:20]!r}: use add, replace or remove")
    if env.op_case == "lower case" and op not in OPS:
        raise env.unknown_op_error(f"op {op!r} is not RFC 7644 §3.5.2: use {op.lower()!r}")


def _operation(raw: tuple[str, Any, Any, bool], rtype: ResourceType, dialect: Dialect) -> Operation:
    op, path, value, has_value = raw
    target = parse_path(rtype, path, dialect) if path else None
    _known_op(op, dialect.patch)
    op = op.lower()
    if op == "remove" and target is None:
        raise dialect.patch.remove_without_path_error("remove needs a path (RFC 7644 §3.5.2.2)")
    if op != "remove" and not has_value:
        raise BadRequest(f"{op} needs a value")
    if op != "remove" and target is None and not isinstance(value, dict):
        raise BadRequest(f"{op} without a path needs an object value")
    return Operation(op, target, value, has_value)
