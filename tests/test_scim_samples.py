"""Replays the RFC 7644 examples in ``tests/samples/rfc7644-*.json`` (docs/style.md rule 11).

Each file: ``setup`` requests (``as`` names the created resource), then ``exchanges`` with the
expected status, a partial ``expect`` body, ``headers`` that must be present, ``absent`` keys
and ``expect_ids`` (the set of listed resources). ``{name}`` and ``{name.version}`` stand for
the id and ``meta.version`` of a set-up resource as it was created (so later uses are stale).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

SAMPLES = sorted((Path(__file__).parent / "samples").glob("rfc7644-*.json"))
BASE = "/scim/default/v2"
AUTH = {"Authorization": "Bearer idsync-token"}


def fill(value: Any, known: dict[str, dict[str, Any]]) -> Any:
    if isinstance(value, str):

        def sub(m: re.Match[str]) -> str:
            name, _, field = m.group(1).partition(".")
            return str(known[name]["meta"]["version"] if field == "version" else known[name]["id"])

        return re.sub(
            r"\{([a-z0-9]+(?:\.version)?)\}",
            lambda m: sub(m) if m.group(1).split(".")[0] in known else m.group(0),
            value,
        )
    if isinstance(value, dict):
        return {fill(k, known): fill(v, known) for k, v in value.items()}
    if isinstance(value, list):
        return [fill(v, known) for v in value]
    return value


def contains(actual: Any, expected: Any) -> bool:
    """``expected`` is a partial view of ``actual`` (lists: same length, element-wise)."""
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(k in actual and contains(actual[k], v) for k, v in expected.items())
    if isinstance(expected, list):
        return isinstance(actual, list) and len(actual) == len(expected) and all(map(contains, actual, expected))
    return actual == expected


@pytest.mark.parametrize("sample", SAMPLES, ids=[p.stem for p in SAMPLES])
def test_rfc7644_sample(idsync_client, sample: Path) -> None:
    data = json.loads(sample.read_text())
    known: dict[str, dict[str, Any]] = {}
    for step in data["setup"]:
        response = idsync_client.request(
            step["method"], BASE + step["path"], json=fill(step["body"], known), headers=AUTH
        )
        assert response.status_code == 201, response.text
        known[step["as"]] = response.json()
    for n, ex in enumerate(data["exchanges"]):
        headers = {**AUTH, **fill(ex.get("headers_in", {}), known)}
        kwargs = {"json": fill(ex["body"], known)} if "body" in ex else {}
        response = idsync_client.request(
            ex["method"], BASE + fill(ex["path"], known), params=ex.get("params"), headers=headers, **kwargs
        )
        where = f"{sample.name} exchange {n}: {response.status_code} {response.text[:500]}"
        assert response.status_code == ex["status"], where
        for header in ex.get("headers", []):
            assert header.lower() in response.headers, where
        if response.status_code in (204, 304):
            continue
        assert response.headers["content-type"].startswith("application/scim+json"), where
        body = response.json()
        assert contains(body, fill(ex.get("expect", {}), known)), where
        assert not set(ex.get("absent", [])) & set(body), where
        if "expect_ids" in ex:
            assert sorted(r["id"] for r in body["Resources"]) == sorted(known[k]["id"] for k in ex["expect_ids"]), where
