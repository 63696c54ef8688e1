"""SCIM PATCH (RFC 7644 §3.5.2) on StackSpot: the core reads the request, StackSpot's rules apply it.

Reading (elimity 2024-03 ``resource_type.validatePatch``, docs/vendor-facts.md §3.6) is the SCIM
core's ``patchop.read_operations`` in StackSpot's dialect (``dialect.STACKSPOT``): member names
match case-insensitively, so ``Operations`` and ``operations`` (both spellings appear in
StackSpot's reference) are the same member; ``schemas`` must be the array
``["urn:ietf:params:scim:api:messages:2.0:PatchOp"]`` (a plain string, as StackSpot's
reference types it, is ``invalidSyntax``; any other array ``invalidValue``); ``Operations`` must
be a non-empty array. An operation that does not decode, such as an object ``path`` (the
documented ``filter.Path`` rendering), and any path that does not parse or names an unknown
attribute is ``invalidPath``; an unknown ``op``, an add/replace without ``value`` or a remove
without ``path`` is ``invalidValue``. Every limit of the core holds (path length, value-filter
nesting), and a value filter on a never-returned attribute is ``invalidFilter``.

Applying them is StackSpot's handler (elimity hands validated operations to it; Inferred rules,
specs/README.md "stackspot"): a value filter matching nothing is ``noTarget`` (remove
included); ``remove`` on a multi-valued attribute may list the values to remove; ``add`` merges
into a complex value. Path-less ``value`` keys that are not attributes of the resource type
(``id`` among them, an Okta habit) are ignored. The result is then validated like a PUT body.
"""

from __future__ import annotations

import copy
from typing import Any

from mockserver.domain.errors import BadRequest, InvalidPath, NoTarget
from mockserver.domain.scim.filter import Predicate
from mockserver.domain.scim.patchop import Operation, Target, parse_path, read_operations
from mockserver.domain.scim.schema import Attr
from mockserver.domain.stackspot.dialect import STACKSPOT, STACKSPOT_CASE_SENSITIVE_PATCH
from mockserver.domain.stackspot.schema import Kind


def parse_patch(kind: Kind, body: Any, *, lowercase_ignored: bool = False) -> list[Operation]:
    """Validate a PatchOp body into operations; ``lowercase_ignored`` is the planted fault
    ``stackspot-operations-lowercase-ignored`` (members read case-sensitively)."""
    return read_operations(body, kind.rtype, STACKSPOT_CASE_SENSITIVE_PATCH if lowercase_ignored else STACKSPOT)


def apply_patch(kind: Kind, attrs: dict[str, Any], ops: list[Operation]) -> dict[str, Any]:
    """The attributes after applying ``ops`` in order (not yet validated)."""
    result = copy.deepcopy(attrs)
    for operation in ops:
        if operation.target is not None:
            _apply(result, kind, operation.op, operation.target, operation.value)
            continue
        for key, value in operation.value.items():
            target = _path_less_key(kind, key)
            if target is not None:
                _apply(result, kind, operation.op, target, value)
    return result


def _path_less_key(kind: Kind, key: str) -> Target | None:
    """A key of a path-less ``value`` as a path; None when it names nothing (ignored like unknown attributes)."""
    try:
        return parse_path(kind.rtype, key, STACKSPOT, lenient=True)
    except InvalidPath:
        return None


def _apply(attrs: dict[str, Any], kind: Kind, op: str, target: Target, value: Any) -> None:
    res = target.res
    if res.attr is None:  # the whole extension object, stored under its URN
        ext = kind.rtype.extension(res.ext or "")
        attr, box = Attr(res.ext or "", "complex", sub=ext.attributes if ext else ()), attrs
    else:
        attr, found = res.attr, _container(attrs, res.ext, create=op != "remove")
        if found is None:
            return
        box = found
    if target.where is not None:
        _apply_filtered(box, op, attr, target.sub, target.where, value)
    elif res.sub is not None:
        _apply_sub(box, op, attr, res.sub, value)
    elif op == "remove":
        _remove(box, attr, value)
    elif attr.multi and op == "add":
        box[attr.name] = list(box.get(attr.name) or []) + _as_list(value)
    elif attr.type == "complex" and op == "add" and isinstance(value, dict):
        box[attr.name] = {**(box.get(attr.name) or {}), **value}
    else:
        box[attr.name] = _as_list(value) if attr.multi else value


def _container(attrs: dict[str, Any], ext: str | None, *, create: bool) -> dict[str, Any] | None:
    """Where the attribute lives: the record's attributes, or its extension object."""
    if ext is None:
        return attrs
    found = attrs.get(ext)
    if not isinstance(found, dict):
        if not create:
            return None
        found = attrs[ext] = {}
    return found


def _remove(box: dict[str, Any], attr: Attr, value: Any) -> None:
    """Remove the attribute, or (multi-valued with a ``value``, Azure AD style) the listed values."""
    if not (attr.multi and value is not None):
        box.pop(attr.name, None)
        return
    doomed = {_key(v) for v in _as_list(value)}
    box[attr.name] = [v for v in box.get(attr.name) or [] if _key(v) not in doomed]


def _key(value: Any) -> str:
    return str(value.get("value") if isinstance(value, dict) else value)


def _apply_sub(box: dict[str, Any], op: str, attr: Attr, sub: Attr, value: Any) -> None:
    """``attr.sub``: on every element of a multi-valued ``attr``, else on the (created) object."""
    current = box.get(attr.name)
    targets = [v for v in current if isinstance(v, dict)] if isinstance(current, list) else None
    if targets is None:
        if not isinstance(current, dict):
            if op == "remove":
                return
            current = box[attr.name] = {}
        targets = [current]
    for item in targets:
        _set_sub(item, op, sub, value)


def _set_sub(item: dict[str, Any], op: str, sub: Attr, value: Any) -> None:
    if op == "remove":
        item.pop(sub.name, None)
    else:
        item[sub.name] = value


def _apply_filtered(box: dict[str, Any], op: str, attr: Attr, sub: Attr | None, where: Predicate, value: Any) -> None:
    items = [v for v in box.get(attr.name) or [] if isinstance(v, dict)]
    matched = [i for i, item in enumerate(items) if where(item)]
    if not matched:
        raise NoTarget("The specified path did not yield an attribute or attribute value that could be operated on.")
    for i in reversed(matched):
        if sub is not None:
            _set_sub(items[i], op, sub, value)
        elif op == "remove":
            del items[i]
        elif isinstance(value, dict):
            items[i] = {**items[i], **value} if op == "add" else dict(value)
        else:
            raise BadRequest(
                "A required value was missing, or the value specified was not compatible: value must be an object."
            )
    box[attr.name] = items


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else [value]
