"""Compare two facts documents (``tools/vendorfacts/facts.py``): a vendor's and one of our specs'.

Each difference is one line, ``<METHOD> <path>: <where>: <what>``, for example
``GET /core/users/: parameter query path_startswith: missing`` or
``POST /v1/tokens: response 200: not in the vendor contract``. Operations are matched by method
and path with every parameter name blanked (``/user-groups/{userGroup.userGroupId}`` is
``/user-groups/{userGroupId}``); the path then shows the vendor's spelling.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

Facts = dict[str, Any]
ATTRIBUTES = ("type", "format", "enum", "nullable", "required", "items")


def differences(vendor: Facts, ours: Facts) -> list[str]:
    """Every difference between ``vendor`` and ``ours``, sorted."""
    theirs = {_key(op): op for op in vendor["operations"]}
    mine = {_key(op): op for op in ours["operations"]}
    found = [f"{_label(op)}: missing" for key, op in theirs.items() if key not in mine]
    found += [f"{_label(op)}: not in the vendor contract" for key, op in mine.items() if key not in theirs]
    for key in theirs.keys() & mine.keys():
        found += [f"{_label(theirs[key])}: {line}" for line in _operation(theirs[key], mine[key])]
    return sorted(found)


def _key(op: Facts) -> tuple[str, str]:
    return op["method"], re.sub(r"\{[^}]*\}", "{}", op["path"])


def _label(op: Facts) -> str:
    return f"{op['method'].upper()} {op['path']}"


def _operation(vendor: Facts, ours: Facts) -> Iterator[str]:
    if vendor["operationId"] != ours["operationId"]:
        yield f"operationId is {ours['operationId']!r}, vendor {vendor['operationId']!r}"
    yield from _named("parameter", vendor["parameters"], ours["parameters"])
    yield from _body("request body", vendor["request"], ours["request"])
    statuses = vendor["responses"].keys() | ours["responses"].keys()
    for status in sorted(statuses):
        yield from _body(f"response {status}", vendor["responses"].get(status), ours["responses"].get(status))


def _body(where: str, vendor: Facts | None, ours: Facts | None) -> Iterator[str]:
    if vendor is None or ours is None:
        if vendor is not None or ours is not None:
            yield f"{where}: {'missing' if ours is None else 'not in the vendor contract'}"
        return
    for attribute in ("required", "media"):
        if attribute in vendor and vendor[attribute] != ours.get(attribute):
            yield f"{where}: {attribute} is {ours.get(attribute)!r}, vendor {vendor[attribute]!r}"
    yield from _named(where, vendor["fields"], ours["fields"], "field ")


def _named(where: str, vendor: dict[str, Facts], ours: dict[str, Facts], kind: str = "") -> Iterator[str]:
    """Entries missing on one side, then every attribute that differs (``""`` is the body itself)."""
    for name in sorted(vendor.keys() | ours.keys()):
        label = f"{where} {kind}{name}" if name else where
        if name not in ours:
            yield f"{label}: missing"
        elif name not in vendor:
            yield f"{label}: not in the vendor contract"
        else:
            for attribute in ATTRIBUTES:
                theirs, mine = vendor[name].get(attribute), ours[name].get(attribute)
                if theirs != mine:
                    yield f"{label}: {attribute} is {mine!r}, vendor {theirs!r}"
