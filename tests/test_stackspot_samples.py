"""Replay the request samples of StackSpot's reference (seed 003) against the mock.

Creates and updates are accepted once their placeholder references ("string") name real
resources; the documented PATCH samples are rejected exactly as elimity-com/scim rejects them:
``schemas`` as a string fails decoding (400 ``invalidSyntax``), and with ``schemas`` fixed the
``filter.Path``-object ``path`` is 400 ``invalidPath`` (docs/vendor-facts.md §3.5-3.6).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

SAMPLES = json.loads(
    (Path(__file__).parent / "samples" / "seed-003-stackspot-request-samples.json").read_text(encoding="utf-8")
)
AUTH = {"Authorization": "Bearer idsync-token"}
BASE = "/stackspot/seed-003/scim"
PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


def bind(endpoint: str, body: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    """The sample with its placeholder references pointing at the resources made so far."""
    body = copy.deepcopy(body)
    if endpoint == "Resource-Types" and "actions" in body:
        body["actions"] = [ids["Actions"]]
    if endpoint == "Resources":
        body["type"] = ids["Resource-Types"]
    if endpoint == "Roles" and "permissions" in body:
        body["permissions"] = [ids["Permissions"]]
    for statement in body.get("statements", []):
        statement.update(
            {k: ids["Actions"] if k == "action" else [ids["Actions"]] for k in statement if k in ("action", "actions")}
        )
        statement["resource"] = ids["Resources"]
    return body


def test_documented_request_samples_replay(idsync_client: Any) -> None:
    ids: dict[str, str] = {}
    patches = []
    for sample in SAMPLES["samples"]:
        endpoint, method = sample["endpoint"], sample["method"]
        if method == "patch":
            patches.append(sample)
            continue
        path = BASE + f"/{endpoint}" + (f"/{ids[endpoint]}" if method == "put" else "")
        response = idsync_client.request(method.upper(), path, json=bind(endpoint, sample["body"], ids), headers=AUTH)
        assert response.status_code == (201 if method == "post" else 200), (sample["operation"], response.text)
        ids[endpoint] = response.json()["id"]
    assert ids["Roles"] == "string"  # domain.CreateRole documents a client-chosen id
    for sample in patches:
        path = f"{BASE}/{sample['endpoint']}/{ids[sample['endpoint']]}"
        as_documented = idsync_client.patch(path, json=sample["body"], headers=AUTH)
        assert as_documented.status_code == 400 and as_documented.json()["scimType"] == "invalidSyntax", sample[
            "operation"
        ]
        fixed = {**sample["body"], "schemas": [PATCH_OP]}
        with_array = idsync_client.patch(path, json=fixed, headers=AUTH)
        assert with_array.status_code == 400 and with_array.json()["scimType"] == "invalidPath", sample["operation"]
