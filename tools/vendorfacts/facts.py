"""The facts format shared by every vendor source (and by our own specs, for comparison).

A facts document::

    {"vendor", "version", "source", "derived_by", "scope": [...], "operations": [operation...]}

An operation::

    {"method": "get", "path": "/core/users/", "operationId": "core_users_list",
     "parameters": {"query page": fact, "path id": fact},
     "request": {"required": true, "media": ["application/json"], "fields": {path: fact}} | null,
     "responses": {"200": {"media": [...], "fields": {path: fact}}, "default": ...}}

A field path is dotted, ``[]`` marks array items and ``""`` is the body itself
(``""``, ``results``, ``results[]``, ``results[].pk``). A fact holds ``type`` (JSON type, or
``any``), and only when they apply ``format``, ``enum`` (sorted), ``nullable``, ``required``
(the field is required in its parent object, or the parameter is required) and, for array
parameters, ``items``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

Fact = dict[str, Any]
Operation = dict[str, Any]

#: HTTP methods an OpenAPI path item may hold, in the order facts list them.
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def fact(
    type_: str,
    *,
    format_: str | None = None,
    enum: list[Any] | None = None,
    nullable: bool = False,
    required: bool = False,
) -> Fact:
    """A compact fact: keys that do not apply are left out, so two facts compare with ``==``."""
    found: Fact = {"type": type_}
    if format_:
        found["format"] = format_
    if enum:
        found["enum"] = sorted(enum, key=str)
    if nullable:
        found["nullable"] = True
    if required:
        found["required"] = True
    return found


def document(vendor: str, version: str, source: str, scope: list[str], operations: list[Operation]) -> dict[str, Any]:
    """A whole facts document, operations in path then method order."""
    order = {m: i for i, m in enumerate(METHODS)}
    return {
        "vendor": vendor,
        "version": version,
        "source": source,
        "derived_by": f"python -m tools.vendorfacts {vendor} <{source_kind(vendor)}> --version {version}",
        "scope": scope,
        "operations": sorted(operations, key=lambda op: (op["path"], order[op["method"]])),
    }


def source_kind(vendor: str) -> str:
    return {"sift": "protos directory"}.get(vendor, "OpenAPI document")


def write(data: dict[str, Any], out: Path | None) -> str:
    """Deterministic JSON (sorted keys, one key per line); written to ``out`` when given."""
    text = json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    if out is not None:
        out.write_text(text, encoding="utf-8")
    return text
