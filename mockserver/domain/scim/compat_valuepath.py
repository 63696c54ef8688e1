"""Entra ID's ``add``/``replace`` on a value path that matches no element, read as an ``add``.

Entra ID maps one attribute of its own onto one element of a multi-valued SCIM attribute
(``emails[type eq "work"].value``, ``phoneNumbers[type eq "mobile"].value``,
``addresses[type eq "work"].formatted``: [E1] "Update User [Multi-valued properties]" shows the
form) and sends ``Add`` or ``Replace`` on that value path when the user has no such element yet:
the first time the attribute gets a value. Servers written for Entra ID report exactly that request:
Microsoft's own reference server (https://github.com/AzureAD/SCIMReferenceCode/issues/60),
https://github.com/thomaspoignant/scim-patch/issues/176 and /187, and the request of Entra's SCIM
Validator in https://github.com/Captain-P-Goldfish/SCIM-SDK/issues/416. RFC 7644 §3.5.2.3: "If
the target location is a multi-valued attribute for which a value selection filter ("valuePath")
has been supplied and no record match was made, the service provider SHALL indicate failure by
returning HTTP status code 400 and a "scimType" error code of "noTarget""; §3.5.2.1 (``add``) is
silent on value filters. A ``strict`` tenant answers ``noTarget``; the mode reads the operation as
an ``add`` of one new element holding the values the filter's ``eq`` comparisons pin down and the
value sent (Inferred from the reports above: what those servers were changed to do), with a note.
Operations are read in order: a later one of the same PATCH finds the element an earlier one made.
"""

from __future__ import annotations

import json
from typing import Any

from mockserver.domain.errors import BadRequest
from mockserver.domain.scim.compat_values import VALUE_PATH_CREATES, Mode
from mockserver.domain.scim.filter import Cmp, Logical, Node, parse
from mockserver.domain.scim.patchop import Target
from mockserver.domain.scim.paths import Resolved
from mockserver.domain.scim.schema import Attr


class Elements:
    """The elements of each multi-valued attribute as a PATCH's operations go: the resource's, plus
    those this reading made."""

    def __init__(self, resource: dict[str, Any] | None) -> None:
        self.resource = resource or {}
        self._by_attr: dict[tuple[str | None, str], list[Any]] = {}

    def of(self, res: Resolved) -> list[Any]:
        """The elements of ``res``'s attribute (a list this reading may append to)."""
        assert res.attr is not None
        key = (res.ext, res.attr.name)
        if key not in self._by_attr:
            found = res.container(self.resource).get(res.attr.name)
            self._by_attr[key] = list(found) if isinstance(found, list) else []
        return self._by_attr[key]


def created(
    current: Mode, target: Target, path: str, op: Any, value: Any, elements: Elements, notes: list[str]
) -> dict[str, Any] | None:
    """The RFC ``add`` of a new element that reads ``op`` on ``path``, when the mode has the rule and
    the value filter matches none of the attribute's elements; None when the operation stays as sent."""
    attr, sub = target.res.attr, target.sub
    if not current.has(VALUE_PATH_CREATES) or op not in ("add", "replace") or attr is None or sub is None:
        return None
    if target.where is None or "[" not in path or value is None:
        return None
    existing = elements.of(target.res)
    if any(isinstance(e, dict) and target.where(e) for e in existing):
        return None
    pinned = pinned_values(path[path.index("[") + 1 : path.rindex("]")], attr)
    if not pinned or sub.name in pinned:
        return None
    element = {**pinned, sub.name: value}
    existing.append(element)
    notes.append(
        f"{op} on {path[:200]!r} matches no value (RFC 7644 §3.5.2.3: noTarget): read as an add of"
        f" {json.dumps(element)[:200]} to {attr.name}"
    )
    return {"op": "add", "path": path[: path.index("[")], "value": [element]}


def pinned_values(text: str, attr: Attr) -> dict[str, Any] | None:
    """The sub-attribute values a value filter of ``eq`` comparisons (joined by ``and``) pins down
    (``type eq "work"``: ``{"type": "work"}``), or None for any other filter."""
    try:
        node = parse(text)
    except BadRequest:
        return None
    out: dict[str, Any] = {}
    return out if _pin(node, attr, out) else None


def _pin(node: Node, attr: Attr, out: dict[str, Any]) -> bool:
    if isinstance(node, Logical):
        return node.op.lower() == "and" and _pin(node.left, attr, out) and _pin(node.right, attr, out)
    if not isinstance(node, Cmp) or node.op.lower() != "eq" or not isinstance(node.value, str | bool):
        return False
    sub = attr.child(node.path)
    if sub is None or sub.multi or sub.type == "complex" or sub.name in out:
        return False
    out[sub.name] = node.value
    return True
