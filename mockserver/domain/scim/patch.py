"""SCIM PATCH (RFC 7644 §3.5.2): add / replace / remove with attribute paths and value filters.

``apply_patch`` works on a copy and returns it; the directory validates the result and
commits it only if every operation succeeded, so a failing operation leaves the resource
unchanged (§3.5.2: "the operations are applied atomically"). Paths look like ``title``,
``name.familyName``, ``emails[type eq "work"]``, ``emails[type eq "work"].value``,
``members[value eq "..."]`` or carry a schema URN prefix; an operation without a path takes
an object whose keys are such paths (§3.5.2.1, §3.5.2.3). The message and its paths are read
and checked by ``patchop.read_operations``; this module only applies them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mockserver.domain.errors import BadRequest, Mutability, NoTarget
from mockserver.domain.scim.patchop import Operation, Target, parse_path
from mockserver.domain.scim.paths import Resolved
from mockserver.domain.scim.query import _clone
from mockserver.domain.scim.schema import SCHEMAS, Attr, ResourceType
from mockserver.domain.scim.validate import check_single, check_value, normalize_complex_level


def apply_patch(
    resource: dict[str, Any], ops: list[Operation], rtype: ResourceType, *, in_place: bool = False
) -> dict[str, Any]:
    """``resource`` with ``ops`` (from ``patchop.read_operations``) applied, in order (a copy unless ``in_place``)."""
    work = resource if in_place else _clone(resource)
    for op in ops:
        if op.target is None:
            _no_path(work, op.op, op.value, rtype)
        else:
            _apply(work, op.op, op.target, op.value, op.has_value)
    return work


def _no_path(work: dict[str, Any], kind: str, value: Any, rtype: ResourceType) -> None:
    """§3.5.2.1/§3.5.2.3 without ``path``: ``value`` is an object of attribute paths to values
    (``read_operations`` has checked that it is an object and that the op is not ``remove``)."""
    for key, v in value.items():
        if key == "schemas":
            continue
        target = parse_path(rtype, key)
        assert target is not None
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
        _merge_ext(work, res.ext or "", ext, kind, value)
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
    elif attr.type == "complex" and isinstance(container.get(attr.name), dict) and isinstance(value, dict):
        merged = _merged(container[attr.name], value, check_single(attr, value) or {}, attr.child)
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
    return normalize_complex_level(value, SCHEMAS[res.ext or ""], res.ext or "")


def _merged(
    current: dict[str, Any], raw: dict[str, Any], checked: dict[str, Any], lookup: Callable[[str], Attr | None]
) -> dict[str, Any]:
    """``current`` updated with ``checked`` (the checked form of ``raw``); a sub-attribute ``raw`` sends
    as null or empty is unassigned (RFC 7643 §2.5), so it leaves ``current`` too."""
    merged = {**current, **checked}
    for key, value in raw.items():
        sub = lookup(key) if isinstance(key, str) else None
        if sub is not None and value in (None, "", [], {}):
            merged.pop(sub.name, None)
    return merged


def _merge_ext(work: dict[str, Any], urn: str, value: dict[str, Any], kind: str, raw: Any = None) -> None:
    if kind == "remove":
        work.pop(urn, None)
        if urn in work["schemas"]:
            work["schemas"].remove(urn)
        return
    merged = _merged(work.get(urn) or {}, raw if isinstance(raw, dict) else {}, value, SCHEMAS[urn].attr)
    if merged:
        work[urn] = merged
        if urn not in work["schemas"]:
            work["schemas"].append(urn)
