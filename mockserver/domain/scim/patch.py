"""SCIM PATCH (RFC 7644 §3.5.2): add / replace / remove with attribute paths and value filters.

``apply_patch`` works on a copy and returns it; the directory validates the result and
commits it only if every operation succeeded, so a failing operation leaves the resource
unchanged (§3.5.2: "the operations are applied atomically"). Paths look like ``title``,
``name.familyName``, ``emails[type eq "work"]``, ``emails[type eq "work"].value``,
``members[value eq "..."]`` or carry a schema URN prefix; an operation without a path takes
an object whose keys are such paths (§3.5.2.1, §3.5.2.3).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mockserver.domain.errors import BadRequest, InvalidPath, InvalidSyntax, Mutability, NoTarget
from mockserver.domain.scim.evaluate import _Binder
from mockserver.domain.scim.filter import Predicate, parse
from mockserver.domain.scim.paths import Resolved, resolve
from mockserver.domain.scim.query import _clone
from mockserver.domain.scim.schema import PATCH_OP, Attr, ResourceType
from mockserver.domain.scim.validate import check_single, check_value, normalize_complex_level

OPS = ("add", "replace", "remove")


@dataclass(frozen=True)
class Target:
    """A parsed PATCH path: attribute, optional element filter, optional sub-attribute after it."""

    res: Resolved
    where: Predicate | None = None
    sub: Attr | None = None


def operations(body: Any) -> list[dict[str, Any]]:
    """The ``Operations`` of a PatchOp body (RFC 7644 §3.5.2), checked for shape."""
    if not isinstance(body, dict):
        raise InvalidSyntax("The PATCH body must be a PatchOp object")
    schemas = body.get("schemas")
    if not isinstance(schemas, list) or PATCH_OP not in schemas:
        raise InvalidSyntax(f"schemas must be [{PATCH_OP}]")
    ops = body.get("Operations")
    if not isinstance(ops, list) or not ops:
        raise InvalidSyntax("Operations must be a non-empty array")
    for op in ops:
        if not isinstance(op, dict) or not isinstance(op.get("op"), str) or op["op"].lower() not in OPS:
            raise InvalidSyntax("Each operation needs op: add, replace or remove")
        if "path" in op and not isinstance(op["path"], str):
            raise InvalidPath("path must be a string")
    return ops


def parse_path(rtype: ResourceType, text: str) -> Target:
    """``attrPath [ "[" valFilter "]" [ "." subAttr ] ]`` (RFC 7644 §3.5.2 ABNF)."""
    head, where, sub_name = text, None, None
    if "[" in text:
        open_at, close_at = text.index("["), text.rfind("]")
        if close_at < open_at:
            raise InvalidPath(f"Unbalanced brackets in path {text!r}")
        head, where, rest = text[:open_at], text[open_at + 1 : close_at], text[close_at + 1 :]
        if rest:
            if not rest.startswith(".") or len(rest) < 2:
                raise InvalidPath(f"Unexpected {rest!r} after the value filter")
            sub_name = rest[1:]
    res = resolve(rtype, head.strip(), InvalidPath)
    assert res is not None
    if where is None:
        return Target(res)
    if res.attr is None or res.sub is not None or res.attr.type != "complex" or not res.attr.multi:
        raise InvalidPath(f"A value filter needs a multi-valued complex attribute: {text!r}")
    try:
        predicate = _Binder(rtype, False).bind(parse(where), res.attr)
    except BadRequest as exc:
        raise InvalidPath(f"Invalid value filter in {text!r}: {exc.detail}") from None
    sub = None
    if sub_name is not None:
        sub = res.attr.child(sub_name)
        if sub is None:
            raise InvalidPath(f"{res.attr.name!r} has no sub-attribute {sub_name!r}")
    return Target(res, predicate, sub)


def apply_patch(
    resource: dict[str, Any], ops: list[dict[str, Any]], rtype: ResourceType, *, in_place: bool = False
) -> dict[str, Any]:
    """``resource`` with ``ops`` applied, in order (a copy unless ``in_place``)."""
    work = resource if in_place else _clone(resource)
    for op in ops:
        kind = op["op"].lower()
        path = op.get("path")
        if path is None or path == "":
            _no_path(work, kind, op.get("value"), rtype)
        else:
            _apply(work, kind, parse_path(rtype, path), op.get("value"), "value" in op)
    return work


def _no_path(work: dict[str, Any], kind: str, value: Any, rtype: ResourceType) -> None:
    """§3.5.2.1/§3.5.2.3 without ``path``: ``value`` is an object of attribute paths to values."""
    if kind == "remove":
        raise NoTarget("remove needs a path (RFC 7644 §3.5.2.2)")
    if not isinstance(value, dict):
        raise BadRequest(f"{kind} without a path needs an object value")
    for key, v in value.items():
        if key == "schemas":
            continue
        target = parse_path(rtype, key)
        if _unchanged_read_only(work, target, v):
            continue
        _apply(work, kind, target, v, True)


def _unchanged_read_only(work: dict[str, Any], target: Target, value: Any) -> bool:
    """A readOnly attribute echoed with its current value in a path-less add/replace.

    RFC 7644 §3.5.2: "the server SHALL return ... mutability if an attempt is made to modify
    an attribute that is readOnly"; a value equal to the current one modifies nothing, so it
    is ignored rather than rejected (authentik 2025.8 sends the group's ``id`` this way in
    ``_update_patch_general``). A different value still reaches ``_check_mutable`` (400).
    """
    res = target.res
    if res.attr is None or target.where is not None or target.sub is not None:
        return False
    leaf = res.attr if res.sub is None else res.sub
    if leaf.mutability != "readOnly" and res.attr.mutability != "readOnly":
        return False
    container = work if res.ext is None else work.get(res.ext)
    current = container.get(res.attr.name) if isinstance(container, dict) else None
    if res.sub is not None:
        current = current.get(res.sub.name) if isinstance(current, dict) else None
    return current is not None and current == value


def _apply(work: dict[str, Any], kind: str, target: Target, value: Any, has_value: bool) -> None:
    res = target.res
    if res.attr is None:  # a whole extension object
        ext = _ext_schema_value(res, value, kind)
        _merge_ext(work, res.ext or "", ext, kind)
        return
    _check_mutable(res.attr if res.sub is None else res.sub, res.attr)
    if target.sub is not None:
        _check_mutable(target.sub, res.attr)
    if kind != "remove" and not has_value:
        raise BadRequest(f"{kind} needs a value")
    container = _container(work, res, create=kind != "remove")
    if target.where is not None:
        _apply_filtered(container, kind, target, value)
    elif res.sub is not None:
        _apply_sub(container, kind, res, value)
    else:
        _apply_attr(container, kind, res.attr, value)
    if res.ext and container == {}:
        work.pop(res.ext, None)


def _check_mutable(attr: Attr, parent: Attr) -> None:
    if attr.mutability == "readOnly" or parent.mutability == "readOnly":
        raise Mutability(f"{attr.name} is read-only (RFC 7643 §2.2)")


def _container(work: dict[str, Any], res: Resolved, *, create: bool) -> dict[str, Any]:
    if res.ext is None:
        return work
    found = work.get(res.ext)
    if not isinstance(found, dict):
        found = {}
        if create:
            work[res.ext] = found
            if res.ext not in work["schemas"]:
                work["schemas"].append(res.ext)
    return found


def _apply_attr(container: dict[str, Any], kind: str, attr: Attr, value: Any) -> None:
    if kind == "remove":
        if attr.required:
            raise Mutability(f"{attr.name} is required and cannot be removed")
        container.pop(attr.name, None)
        return
    if attr.multi:
        items = check_value(attr, value if isinstance(value, list) else [value]) or []
        if kind == "add":
            existing = container.get(attr.name) or []
            items = existing + [i for i in items if i not in existing]
        _set(container, attr.name, _one_primary(items))
    elif attr.type == "complex" and isinstance(container.get(attr.name), dict):
        merged = {**container[attr.name], **(check_single(attr, value) or {})}
        _set(container, attr.name, merged)
    else:
        _set(container, attr.name, check_single(attr, value))


def _apply_sub(container: dict[str, Any], kind: str, res: Resolved, value: Any) -> None:
    assert res.attr is not None and res.sub is not None
    current = container.get(res.attr.name)
    if res.attr.multi:  # emails.value without a filter: every element (§3.5.2.3)
        if not current:
            if kind == "remove":
                return
            raise NoTarget(f"{res.attr.name} has no values to change")
        for element in current:
            _set_sub(element, kind, res.sub, value)
        return
    element = current if isinstance(current, dict) else {}
    _set_sub(element, kind, res.sub, value)
    _set(container, res.attr.name, element or None)


def _apply_filtered(container: dict[str, Any], kind: str, target: Target, value: Any) -> None:
    attr = target.res.attr
    assert attr is not None and target.where is not None
    current: list[dict[str, Any]] = container.get(attr.name) or []
    hits = [i for i, e in enumerate(current) if target.where(e)]
    if not hits:
        if kind == "remove":
            return  # Inferred: removing an absent value is a no-op (idempotent member removal)
        raise NoTarget(f"The value filter matched no {attr.name} value (RFC 7644 §3.5.2)")
    if target.sub is not None:
        for i in hits:
            _set_sub(current[i], kind, target.sub, value)
        _set(container, attr.name, current)
        return
    if kind == "remove":
        _set(container, attr.name, [e for i, e in enumerate(current) if i not in hits])
        return
    new = check_single(attr, value)
    if not isinstance(new, dict):
        raise BadRequest(f"{kind} on a filtered {attr.name} needs an object value")
    for i in hits:
        current[i] = new if kind == "replace" else {**current[i], **new}
    _set(container, attr.name, _one_primary(current, keep=hits[0] if new.get("primary") else None))


def _set_sub(element: dict[str, Any], kind: str, sub: Attr, value: Any) -> None:
    if kind == "remove":
        if sub.required:
            raise Mutability(f"{sub.name} is required and cannot be removed")
        element.pop(sub.name, None)
        return
    checked = check_single(sub, value)
    if checked is None:
        element.pop(sub.name, None)
    else:
        element[sub.name] = checked


def _one_primary(items: list[dict[str, Any]], keep: int | None = None) -> list[dict[str, Any]]:
    """RFC 7644 §3.5.2: a value set primary makes the others non-primary (the last one wins)."""
    primaries = [i for i, e in enumerate(items) if isinstance(e, dict) and e.get("primary") is True]
    if len(primaries) > 1:
        winner = keep if keep is not None else primaries[-1]
        for i in primaries:
            if i != winner:
                items[i]["primary"] = False
    return items


def _set(container: dict[str, Any], name: str, value: Any) -> None:
    if value is None or value == [] or value == {}:
        container.pop(name, None)
    else:
        container[name] = value


def _ext_schema_value(res: Resolved, value: Any, kind: str) -> dict[str, Any]:
    if kind == "remove":
        return {}
    from mockserver.domain.scim.schema import SCHEMAS

    return normalize_complex_level(value, SCHEMAS[res.ext or ""], res.ext or "")


def _merge_ext(work: dict[str, Any], urn: str, value: dict[str, Any], kind: str) -> None:
    if kind == "remove":
        work.pop(urn, None)
        if urn in work["schemas"]:
            work["schemas"].remove(urn)
        return
    merged = {**(work.get(urn) or {}), **value}
    if merged:
        work[urn] = merged
        if urn not in work["schemas"]:
            work["schemas"].append(urn)
