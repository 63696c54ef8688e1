"""Facts from an OpenAPI 3 document: authentik's ``schema.yml``, VMware's ``swagger.json``, our specs.

Every operation under the given path prefixes; path-level parameters merged into each operation
(an operation's own parameter wins, OpenAPI 3.0.3 "Path Item Object"); ``$ref`` followed; ``allOf``
merged; ``oneOf``/``anyOf`` joined (types with ``|``, enums united); a schema reached again
through its own ``$ref`` (a recursive ``Error.nestedErrors``) is listed but not entered again.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tools.vendorfacts.facts import METHODS, Fact, Operation, fact

Schema = dict[str, Any]


def operations(doc: dict[str, Any], prefixes: Iterable[str]) -> list[Operation]:
    """The facts of every operation whose path starts with one of ``prefixes``."""
    wanted = tuple(prefixes)
    found = []
    for path, item in (doc.get("paths") or {}).items():
        if not path.startswith(wanted):
            continue
        for method in METHODS:
            if method in item:
                found.append(operation(doc, method, path, item))
    return found


def operation(doc: dict[str, Any], method: str, path: str, item: dict[str, Any]) -> Operation:
    op = item[method]
    return {
        "method": method,
        "path": path,
        "operationId": op.get("operationId", ""),
        "parameters": parameters(doc, [*item.get("parameters", []), *op.get("parameters", [])]),
        "request": request_body(doc, op.get("requestBody")),
        "responses": {str(status): body(doc, resolve(doc, r)) for status, r in (op.get("responses") or {}).items()},
    }


def parameters(doc: dict[str, Any], params: list[Any]) -> dict[str, Fact]:
    """``{"<in> <name>": fact}``; a later entry with the same ``in`` and name replaces an earlier one."""
    found: dict[str, Fact] = {}
    for raw in params:
        param = resolve(doc, raw)
        schema = merged(doc, param.get("schema") or {})
        entry = schema_fact(doc, schema, required=bool(param.get("required")))
        if entry["type"] == "array":
            entry["items"] = schema_fact(doc, merged(doc, schema.get("items") or {}))
        found[f"{param['in']} {param['name']}"] = entry
    return found


def request_body(doc: dict[str, Any], raw: Any) -> dict[str, Any] | None:
    if raw is None:
        return None
    found = body(doc, resolve(doc, raw))
    found["required"] = bool(resolve(doc, raw).get("required"))
    return found


def body(doc: dict[str, Any], holder: dict[str, Any]) -> dict[str, Any]:
    """Media types and the flattened fields of the first JSON-like one (or the first one)."""
    content = holder.get("content") or {}
    media = sorted(content)
    chosen = next((m for m in media if "json" in m), media[0] if media else None)
    fields: dict[str, Fact] = {}
    if chosen is not None and "schema" in content[chosen]:
        flatten(doc, content[chosen]["schema"], "", False, fields, ())
    return {"media": media, "fields": fields}


def flatten(
    doc: dict[str, Any], raw: Any, path: str, required: bool, out: dict[str, Fact], seen: tuple[str, ...]
) -> None:
    """Record ``raw`` at ``path`` and every property and array item below it."""
    ref = raw.get("$ref") if isinstance(raw, dict) else None
    schema = merged(doc, raw)
    out[path] = schema_fact(doc, schema, required=required)
    if ref in seen:
        return
    seen = (*seen, ref) if ref else seen
    if "items" in schema:
        flatten(doc, schema["items"], f"{path}[]", False, out, seen)
    needed = set(schema.get("required") or [])
    for name, sub in (schema.get("properties") or {}).items():
        flatten(doc, sub, f"{path}.{name}" if path else name, name in needed, out, seen)


def schema_fact(doc: dict[str, Any], schema: Schema, *, required: bool = False) -> Fact:
    return fact(
        schema_type(schema),
        format_=schema.get("format"),
        enum=[v for v in schema.get("enum") or [] if v is not None],
        nullable=bool(schema.get("nullable")) or None in (schema.get("enum") or []),
        required=required,
    )


def schema_type(schema: Schema) -> str:
    if "type" in schema:
        return str(schema["type"])
    if "properties" in schema or "additionalProperties" in schema:
        return "object"
    if "items" in schema:
        return "array"
    if "enum" in schema:
        return "string"
    return "any"


def merged(doc: dict[str, Any], raw: Any) -> Schema:
    """``raw`` resolved, its ``allOf`` parts merged into it and its ``oneOf``/``anyOf`` joined."""
    schema = dict(resolve(doc, raw) or {})
    for part in schema.pop("allOf", []):
        _merge_into(schema, merged(doc, part))
    branches = [merged(doc, p) for p in schema.pop("oneOf", []) + schema.pop("anyOf", [])]
    if branches:
        _join_into(schema, branches)
    return schema


def _merge_into(schema: Schema, part: Schema) -> None:
    """``allOf``: every keyword of ``part`` not already set; properties and required united."""
    for key, value in part.items():
        if key == "properties":
            schema["properties"] = {**value, **schema.get("properties", {})}
        elif key == "required":
            schema["required"] = sorted({*schema.get("required", []), *value})
        else:
            schema.setdefault(key, value)


def _join_into(schema: Schema, branches: list[Schema]) -> None:
    """``oneOf``/``anyOf``: the branches' types joined with ``|``, their enums and properties united."""
    types = sorted({schema_type(b) for b in branches})
    schema.setdefault("type", "|".join(types))
    enums = [v for b in branches for v in b.get("enum") or []]
    if enums:
        schema.setdefault("enum", list(dict.fromkeys(enums)))
    if any(b.get("nullable") for b in branches):
        schema["nullable"] = True
    for branch in branches:
        if "properties" in branch:
            _merge_into(schema, {"properties": branch["properties"]})


def resolve(doc: dict[str, Any], node: Any) -> Any:
    """Follow local ``$ref`` chains (``#/components/schemas/X``)."""
    while isinstance(node, dict) and "$ref" in node:
        target: Any = doc
        for part in str(node["$ref"]).lstrip("#/").split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = target
    return node
