"""specs/stackspot.yaml: valid, complete (ids, summaries, examples, links, errors) and faithful to seed 003."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from openapi_schema_validator import OAS30Validator
from openapi_spec_validator import validate

ROOT = Path(__file__).resolve().parent.parent
SPEC: dict[str, Any] = yaml.safe_load((ROOT / "specs" / "stackspot.yaml").read_text(encoding="utf-8"))
FACTS: dict[str, Any] = json.loads(
    (ROOT / "tests" / "samples" / "seed-003-stackspot-facts.json").read_text(encoding="utf-8")
)
OPERATIONS = [
    (path, method, op) for path, item in SPEC["paths"].items() for method, op in item.items() if method != "parameters"
]


def deref(node: dict[str, Any]) -> dict[str, Any]:
    """Follow ``$ref`` and merge ``allOf`` (enough for this spec's schemas)."""
    while "$ref" in node:
        node = _pointer(node["$ref"])
    if "allOf" in node:
        merged: dict[str, Any] = {"properties": {}}
        for part in node["allOf"]:
            resolved = deref(part)
            merged["properties"].update(resolved.get("properties", {}))
            merged.setdefault("items", resolved.get("items"))
        return merged
    return node


def _pointer(ref: str) -> dict[str, Any]:
    node: Any = SPEC
    for part in ref.removeprefix("#/").split("/"):
        node = node[part]
    return dict(node)


def has_field(schema: dict[str, Any], dotted: str) -> bool:
    node = deref(schema)
    for part in dotted.split("."):
        name, is_array = part.removesuffix("[]"), part.endswith("[]")
        props = node.get("properties", {})
        if name not in props:
            return False
        node = deref(props[name])
        if is_array:
            node = deref(node.get("items") or {})
    return True


def test_spec_is_valid_openapi_303_with_its_title() -> None:
    validate(SPEC)
    assert SPEC["openapi"] == "3.0.3" and SPEC["info"]["title"] == "StackSpot IAM SCIM"
    assert SPEC["servers"] == [{"url": "/", "description": SPEC["servers"][0]["description"]}]
    assert SPEC["components"]["securitySchemes"]["bearer"] == {
        **SPEC["components"]["securitySchemes"]["bearer"],
        "type": "http",
        "scheme": "bearer",
    }


def test_both_tenant_routes_exist_for_every_resource() -> None:
    for endpoint in ("Users", "Groups", "Roles", "Permissions", "Actions", "Resource-Types", "Resources"):
        for prefix in ("/scim", "/{tenant}/scim"):
            assert set(SPEC["paths"][f"{prefix}/{endpoint}"]) == {"get", "post"}
            assert set(SPEC["paths"][f"{prefix}/{endpoint}/{{id}}"]) == {"get", "put", "patch", "delete"}


@pytest.mark.parametrize(("path", "method", "op"), OPERATIONS, ids=[f"{m.upper()} {p}" for p, m, _ in OPERATIONS])
def test_operation_is_complete(path: str, method: str, op: dict[str, Any]) -> None:
    assert op["operationId"] and op["summary"]
    assert "401" in op["responses"]
    for media in (op.get("requestBody") or {}).get("content", {}).values():
        assert media["examples"]
    for status, response in op["responses"].items():
        response = deref(response)
        for media_type, media in (response.get("content") or {}).items():
            assert media_type == "application/scim+json"
            assert media["examples"], f"{status} has no example"
    if method == "post":
        links = op["responses"]["201"]["links"]
        assert {link["operationId"] for link in links.values()} == {
            op["operationId"].replace("create", verb) for verb in ("get", "replace", "patch", "delete")
        }


def test_every_example_validates_against_its_schema() -> None:
    checked = 0
    for _, _, op in OPERATIONS:
        bodies = [op.get("requestBody") or {}] + [deref(r) for r in op["responses"].values()]
        for body in bodies:
            for media in (body.get("content") or {}).values():
                schema = {**media["schema"], "components": SPEC["components"]}
                for example in media["examples"].values():
                    OAS30Validator(schema).validate(deref(example)["value"])
                    checked += 1
    assert checked > 100


@pytest.mark.parametrize("fact", FACTS["operations"], ids=lambda f: f"{f['method'].upper()} {f['path']}")
def test_seed_facts_are_in_the_spec(fact: dict[str, Any]) -> None:
    op = SPEC["paths"][fact["path"]][fact["method"]]
    assert set(fact["statuses"]) <= set(op["responses"])
    request = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
    missing = [f for f in fact["request_fields"] if not has_field(request, f)]
    for status, fields in fact["response_fields"].items():
        schema = deref(op["responses"][status])["content"]["application/scim+json"]["schema"]
        missing += [f"{status}: {f}" for f in fields if not has_field(schema, f)]
    assert not missing
