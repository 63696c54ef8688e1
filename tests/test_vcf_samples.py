"""Replay the vendor's documented sync-client responses (seed 004) against what the mock sends."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

SAMPLE = json.loads((Path(__file__).parent / "samples" / "seed-004-vcf-sync-client.json").read_text())
OKTA = {
    "name": "Okta",
    "type": "Okta",
    "fedIdpSpec": {
        "name": "Okta",
        "directory": {"name": "dir", "domains": ["rainpole.io"]},
        "oidcSpec": {
            "clientId": "c",
            "clientSecret": "s",
            "discoveryEndpoint": "https://rainpole.okta.com/.well-known",
        },
    },
}
AUTH = {"Authorization": "Bearer idsync-token"}


def test_sync_client_200_has_the_documented_fields(idsync_client: Any) -> None:
    created = idsync_client.post("/vcf/v1/identity-providers", json=OKTA, headers=AUTH)
    idp = created.headers["location"].rsplit("/", 1)[1]
    body = idsync_client.post(f"/vcf/v1/identity-providers/{idp}/sync-client", headers=AUTH).json()
    documented = SAMPLE["responses"]["200"]
    assert set(documented["required"]) <= set(body)
    assert all(isinstance(body[k], type(v)) for k, v in documented["body"].items())


def test_sync_client_404_uses_documented_error_fields(idsync_client: Any) -> None:
    response = idsync_client.post("/vcf/v1/identity-providers/unknown/sync-client", headers=AUTH)
    documented = SAMPLE["responses"]["404"]
    assert response.status_code == 404 and response.json()["message"] == documented["description"]
    assert set(response.json()) <= set(documented["body"])
    assert all(isinstance(response.json()[k], type(documented["body"][k])) for k in response.json())
