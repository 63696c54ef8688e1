"""SCIM PATCH (RFC 7644 §3.5.2) as elimity-com/scim validates it, applied to a resource's attributes.

Request rules (elimity 2024-03 ``resource_type.validatePatch``, docs/vendor-facts.md §3.6): the body is a
JSON object whose keys match case-insensitively, so ``Operations`` and ``operations`` (both
spellings appear in StackSpot's reference) are the same member; ``schemas`` must be the array
``["urn:ietf:params:scim:api:messages:2.0:PatchOp"]`` (a plain string, as StackSpot's
reference types it, fails JSON decoding → ``invalidSyntax``; any other array → ``invalidValue``);
``Operations`` must be a non-empty array. Each operation is decoded as ``{Op, Path string,
Value}`` (member names case-insensitive): anything that does not decode, such as an object
``path`` (the documented ``filter.Path`` rendering), and any path that does not parse or names
an unknown attribute is ``invalidPath``; then an unknown ``op`` (compared lower-cased), an
add/replace without ``value`` or a remove without ``path`` is ``invalidValue``. A key ``id``
inside an object value is dropped (Okta quirk). The result is validated like a PUT body.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from mockserver.domain.errors import BadRequest, InvalidPath, InvalidSyntax, NoTarget
from mockserver.domain.stackspot.filter import PatchPath, parse_patch_path
from mockserver.domain.stackspot.schema import Kind

PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
_MISSING = object()


@dataclass
class Operation:
    """One validated operation."""

    op: str
    path: PatchPath | None
    value: Any


def parse_patch(kind: Kind, body: Any, *, lowercase_ignored: bool = False) -> list[Operation]:
    """Validate a PatchOp body into operations (elimity ``validatePatch``)."""
    if not isinstance(body, dict):
        raise InvalidSyntax("The request body message structure was invalid or did not conform to the request schema.")
    members = {k.lower(): (k, v) for k, v in body.items()}
    schemas = members.get("schemas", (None, None))[1]
    if schemas is not None and not isinstance(schemas, list):
        raise InvalidSyntax("The request body message structure was invalid: schemas must be an array.")
    if schemas != [PATCH_OP]:
        raise BadRequest(
            f"A required value was missing, or the value specified was not compatible: schemas must be [{PATCH_OP!r}]."
        )
    key, raw_ops = members.get("operations", ("", None))
    if lowercase_ignored and key != "Operations":
        raw_ops = None  # planted: only the RFC spelling is read
    if raw_ops is not None and not isinstance(raw_ops, list):
        raise InvalidSyntax("The request body message structure was invalid: Operations must be an array.")
    if not raw_ops:
        raise BadRequest("A required value was missing: Operations must hold at least one operation.")
    return [_operation(kind, raw) for raw in raw_ops]


def _operation(kind: Kind, raw: Any) -> Operation:
    """elimity ``patch.NewValidator`` then ``Validate``: decode/path errors ``invalidPath``, others ``invalidValue``."""
    if not isinstance(raw, dict):
        raise InvalidPath("The path attribute was invalid or malformed: an operation must be an object.")
    fields = {k.lower(): v for k, v in raw.items()}
    op, path_text = fields.get("op", ""), fields.get("path", "")
    if not isinstance(op, str) or not isinstance(path_text, str | None):
        raise InvalidPath("The path attribute was invalid or malformed: op and path must be strings.")
    path = parse_patch_path(kind, path_text) if path_text else None
    op = op.lower()
    if op not in ("add", "replace", "remove"):
        raise BadRequest(f"A required value was missing, or the value specified was not compatible: unknown op {op!r}.")
    value = fields.get("value", _MISSING)
    if op == "remove" and path is None:
        raise BadRequest("A required value was missing: a remove operation needs a path.")
    if op != "remove" and value in (_MISSING, None):
        raise BadRequest(f"A required value was missing: a {op} operation needs a value.")
    if op != "remove" and path is None and not isinstance(value, dict):
        raise BadRequest(
            "A required value was missing, or the value specified was not compatible: "
            "without a path the value must be an object."
        )
    return Operation(op, path, None if value is _MISSING else value)


def apply_patch(kind: Kind, attrs: dict[str, Any], ops: list[Operation]) -> dict[str, Any]:
    """The attributes after applying ``ops`` in order (not yet validated)."""
    result = copy.deepcopy(attrs)
    for operation in ops:
        if operation.path is None:
            for name, value in operation.value.items():
                attr = kind.lookup(name)
                if attr is None or name.lower() == "id":
                    continue
                _apply(result, Operation(operation.op, PatchPath(attr, None, None), value))
        else:
            _apply(result, operation)
    return result


def _apply(attrs: dict[str, Any], operation: Operation) -> None:
    path = operation.path
    assert path is not None
    name = path.attr.name
    if path.where is not None:
        _apply_filtered(attrs, operation)
    elif path.sub is not None:
        _apply_sub(attrs, operation)
    elif operation.op == "remove":
        if path.attr.multi and operation.value is not None:
            doomed = {str(v.get("value") if isinstance(v, dict) else v) for v in _as_list(operation.value)}
            kept = [v for v in attrs.get(name) or [] if str(v.get("value") if isinstance(v, dict) else v) not in doomed]
            attrs[name] = kept
        else:
            attrs.pop(name, None)
    elif path.attr.multi and operation.op == "add":
        attrs[name] = list(attrs.get(name) or []) + _as_list(operation.value)
    elif path.attr.type == "complex" and operation.op == "add" and isinstance(operation.value, dict):
        attrs[name] = {**(attrs.get(name) or {}), **operation.value}
    else:
        attrs[name] = _as_list(operation.value) if path.attr.multi else operation.value


def _apply_sub(attrs: dict[str, Any], operation: Operation) -> None:
    path = operation.path
    assert path is not None and path.sub is not None
    current = attrs.get(path.attr.name)
    targets = [v for v in current if isinstance(v, dict)] if isinstance(current, list) else None
    if targets is None:
        if not isinstance(current, dict):
            if operation.op == "remove":
                return
            current = attrs[path.attr.name] = {}
        targets = [current]
    for item in targets:
        if operation.op == "remove":
            item.pop(path.sub.name, None)
        else:
            item[path.sub.name] = operation.value


def _apply_filtered(attrs: dict[str, Any], operation: Operation) -> None:
    path = operation.path
    assert path is not None and path.where is not None
    items = [v for v in attrs.get(path.attr.name) or [] if isinstance(v, dict)]
    matched = [i for i, item in enumerate(items) if path.where(item)]
    if not matched:
        raise NoTarget("The specified path did not yield an attribute or attribute value that could be operated on.")
    for i in reversed(matched):
        if operation.op == "remove" and path.sub is None:
            del items[i]
        elif operation.op == "remove":
            items[i].pop(path.sub.name, None)  # type: ignore[union-attr]
        elif path.sub is not None:
            items[i][path.sub.name] = operation.value
        elif isinstance(operation.value, dict):
            items[i] = {**items[i], **operation.value} if operation.op == "add" else dict(operation.value)
        else:
            raise BadRequest(
                "A required value was missing, or the value specified was not compatible: value must be an object."
            )
    attrs[path.attr.name] = items


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else [value]
