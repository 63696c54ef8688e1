"""Each vendor's error body, as its own spec declares it: the schemas of its 4xx/5xx and ``default`` responses.

``is_vendor_error(api, status, body)`` holds when ``body`` validates against one of the error
schemas the API's spec declares for ``status``, or, for a status the spec does not list (413,
414, 431...), against any error schema of that API. The schemas are read from the specs, never
restated here, so a test using this checks the vendor's own shape.
"""

from __future__ import annotations

import functools
from typing import Any

from jsonschema import Draft4Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from tests.specs_walk import all_specs, media_schema, operations, resolve

SPEC_URI = "urn:idsync:spec"


@functools.cache
def _specs() -> dict[str, dict[str, Any]]:
    return all_specs()


@functools.cache
def _registry(api: str) -> Registry:
    return Registry().with_resource(SPEC_URI, Resource(contents=_specs()[api], specification=DRAFT4))


@functools.cache
def error_schemas(api: str) -> dict[str, list[dict[str, Any]]]:
    """Status (``"404"``, ``"default"``) → the distinct error schemas the spec declares for it."""
    spec = _specs()[api]
    found: dict[str, list[dict[str, Any]]] = {}
    for _, _, op in operations(spec):
        for status, response in (op.get("responses") or {}).items():
            if status == "default" or str(status)[0] in "45":
                schema = _absolute(media_schema(spec, resolve(spec, response)))
                if schema and schema not in found.setdefault(str(status), []):
                    found[str(status)].append(schema)
    return found


def _absolute(schema: Any) -> Any:
    """Local ``$ref``s made to point into the registered spec document."""
    if isinstance(schema, dict):
        return {k: (SPEC_URI + v if k == "$ref" and v.startswith("#") else _absolute(v)) for k, v in schema.items()}
    if isinstance(schema, list):
        return [_absolute(v) for v in schema]
    return schema


@functools.cache
def bodiless(api: str, operation_id: str) -> frozenset[int]:
    """Error statuses the operation declares with no content (authentik's impersonate 401)."""
    spec = _specs()[api]
    for _, _, op in operations(spec):
        if op.get("operationId") == operation_id:
            responses = {str(k): resolve(spec, v) for k, v in (op.get("responses") or {}).items()}
            return frozenset(int(k) for k, v in responses.items() if k.isdigit() and not v.get("content"))
    return frozenset()


def candidate_schemas(api: str, status: int) -> list[dict[str, Any]]:
    """The schemas a body of ``status`` may follow: those declared for it, else every error schema."""
    declared = error_schemas(api)
    exact = declared.get(str(status)) or declared.get(f"{str(status)[0]}XX") or declared.get("default")
    if exact:
        return exact
    return [schema for schemas in declared.values() for schema in schemas]


def is_vendor_error(api: str, status: int, body: Any) -> bool:
    """True when ``body`` is an error body of ``api``'s own shape for ``status``: it validates
    against one of the schemas and has at least one member that schema names (a lax schema,
    such as grpc-gateway's ``rpcStatus`` without ``required``, would take any object)."""
    registry = _registry(api)
    return any(
        Draft4Validator(schema, registry=registry).is_valid(body) and _named(schema, registry, body)
        for schema in candidate_schemas(api, status)
        if isinstance(body, dict) and body
    )


def _named(schema: dict[str, Any], registry: Registry, body: dict[str, Any]) -> bool:
    """Whether ``body`` has a member the schema names, or the schema types any member (DRF's
    ``ValidationError``: field name → messages, ``additionalProperties`` with a schema)."""
    while "$ref" in schema:
        schema = registry.resolver().lookup(schema["$ref"]).contents
    if isinstance(schema.get("additionalProperties"), dict) or set(schema.get("properties") or {}) & set(body):
        return True
    return any(_named(part, registry, body) for part in schema.get("allOf") or [])
