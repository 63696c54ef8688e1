"""Helpers for tests that look inside the specs: $ref resolution and field-path lookup."""

from __future__ import annotations

from typing import Any

from mockserver.apis.registry import APIS
from mockserver.specs import load_spec

METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


def all_specs() -> dict[str, dict[str, Any]]:
    """Every mounted API's parsed spec by API name."""
    return {api.name: load_spec(api.spec) for api in APIS}


def resolve(spec: dict[str, Any], node: Any) -> Any:
    """Follow local ``$ref`` chains (``#/components/...``)."""
    while isinstance(node, dict) and "$ref" in node:
        target: Any = spec
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = target
    return node


def properties(spec: dict[str, Any], schema: Any) -> dict[str, Any]:
    """Properties of an object schema, merging ``allOf`` / ``oneOf`` / ``anyOf`` branches."""
    schema = resolve(spec, schema) or {}
    found: dict[str, Any] = dict(schema.get("properties") or {})
    for key in ("allOf", "oneOf", "anyOf"):
        for part in schema.get(key) or []:
            found.update(properties(spec, part))
    return found


def has_field(spec: dict[str, Any], schema: Any, dotted: str) -> bool:
    """True if ``dotted`` (``a.b[].c``) names a property path inside ``schema``."""
    node = schema
    for part in dotted.split("."):
        is_array = part.endswith("[]")
        name = part[:-2] if is_array else part
        props = properties(spec, node)
        if name not in props:
            return False
        node = resolve(spec, props[name])
        if is_array:
            node = resolve(spec, node.get("items", {}))
    return True


def operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """``(method, path, operation)`` for every operation."""
    return [
        (method, path, op)
        for path, item in (spec.get("paths") or {}).items()
        for method, op in item.items()
        if method in METHODS
    ]


def media_schema(spec: dict[str, Any], holder: dict[str, Any]) -> Any:
    """Schema of the first JSON-ish media type of a request body or response."""
    holder = resolve(spec, holder)
    for media_type, media in (holder.get("content") or {}).items():
        if "json" in media_type or media_type == "*/*":
            return media.get("schema", {})
    return {}
