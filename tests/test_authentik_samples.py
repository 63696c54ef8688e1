"""Replay the seed's documented authentik requests (``tests/samples/authentik-2025.8-*.json``)
against the mock and check the answers against the documented schemas; check the seed facts
are all in ``specs/authentik.yaml`` (docs/style.md rule 11)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from test_authentik_scim_stub import TOKEN, ScimStub

from mockserver.server import LiveServer

SAMPLES = Path(__file__).parent / "samples"
SPEC = Path(__file__).parent.parent / "specs" / "authentik.yaml"
REPLAYS = sorted(SAMPLES.glob("authentik-2025.8-*.json"))


@pytest.fixture(scope="module")
def scim_url() -> Iterator[str]:
    with LiveServer(ScimStub().app) as server:
        yield f"{server.url}/scim/v2"


def fill(value: Any, names: dict[str, str]) -> Any:
    """Replace ``$name`` placeholders (provider, user, group, token) in a sample."""
    if isinstance(value, dict):
        return {k: fill(v, names) for k, v in value.items()}
    if isinstance(value, str):
        for name, real in names.items():
            value = value.replace(f"${name}", real)
    return value


@pytest.mark.parametrize("path", REPLAYS, ids=lambda p: p.stem)
def test_documented_exchange_replays(idsync_client: Any, scim_url: str, path: Path) -> None:
    sample = json.loads(path.read_text())
    auth = {"Authorization": "Bearer idsync-token"}
    base = "/authentik/api/v3"
    provider = idsync_client.post(
        f"{base}/providers/scim/", headers=auth, json={"name": "replay", "url": scim_url, "token": TOKEN}
    )
    user = idsync_client.post(
        f"{base}/core/users/", headers=auth, json={"username": "replay", "name": "Re Play"}
    ).json()
    group = idsync_client.post(
        f"{base}/core/groups/", headers=auth, json={"name": "replay", "users": [user["pk"]]}
    ).json()
    names = {
        "provider": str(provider.json()["pk"]),
        "user": str(user["pk"]),
        "group": group["pk"],
        "token": "idsync-token",
    }
    request = fill(sample["request"], names)
    if sample["response"]["status"] == 200:
        jsonschema.validate(request["body"], request["schema"])
    url = base + request["path"].removeprefix("/api/v3").format(**fill(request["path_params"], names))
    response = idsync_client.request(request["method"], url, headers=request["headers"], json=request["body"])
    expected = sample["response"]
    assert response.status_code == expected["status"], response.text
    body = response.json()
    jsonschema.validate(body, expected["schema"], format_checker=jsonschema.FormatChecker())
    if "expect" in expected:
        assert body == expected["expect"]
    for message in body.get("messages", []):
        assert set(message) == set(expected["example"]["messages"][0])


def resolve(spec: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    """Follow ``$ref`` and merge ``allOf`` members."""
    while "$ref" in node:
        target: Any = spec
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    if "allOf" in node:
        merged: dict[str, Any] = {"properties": {}}
        for member in node["allOf"]:
            merged["properties"].update(resolve(spec, member).get("properties", {}))
            merged.update({k: v for k, v in resolve(spec, member).items() if k != "properties"})
        return merged
    return node


def has_field(spec: dict[str, Any], schema: dict[str, Any], dotted: str) -> bool:
    """``messages[].log_level``: each step is a property, ``[]`` descends into array items."""
    node = resolve(spec, schema)
    for step in dotted.split("."):
        name, is_array = step.removesuffix("[]"), step.endswith("[]")
        props = node.get("properties", {})
        if name not in props:
            return False
        node = resolve(spec, props[name])
        if is_array:
            node = resolve(spec, node["items"])
    return True


def test_seed_facts_are_in_the_spec() -> None:
    facts = json.loads((SAMPLES / "seed-001-authentik-facts.json").read_text())
    spec = yaml.safe_load(SPEC.read_text())
    for op in facts["operations"]:
        operation = spec["paths"][op["path"]][op["method"]]
        assert set(op["statuses"]) <= set(operation["responses"])
        body = operation["requestBody"]["content"]["application/json"]["schema"]
        assert all(has_field(spec, body, f) for f in op["request_fields"])
        for status, fields in op["response_fields"].items():
            response = resolve(spec, operation["responses"][status])
            schema = response["content"]["application/json"]["schema"]
            assert all(has_field(spec, schema, f) for f in fields), (status, fields)
    for key, values in facts["enums"].items():
        schema_name, field = key.split(".")
        prop = resolve(spec, spec["components"]["schemas"][schema_name]["properties"][field])
        assert prop["enum"] == values
