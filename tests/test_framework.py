"""The app factory, error rendering and the outermost middleware, in-process and over real HTTP."""

from __future__ import annotations

import httpx
import pytest

from mockserver.app import create_app

ADMIN = {"Authorization": "Bearer idsync-token"}


def test_index_lists_every_api(idsync_client) -> None:
    body = idsync_client.get("/").json()
    names = {a["name"] for a in body["apis"]}
    assert names == {"sift", "authentik", "resolution", "stackspot", "vcf", "scim", "admin"}


def test_unknown_route_outside_apis_is_json_404(idsync_client) -> None:
    response = idsync_client.get("/no/such/thing")
    assert response.status_code == 404
    assert response.json()["status"] == 404


def test_invalid_utf8_json_body_is_400_not_500(idsync_client) -> None:
    response = idsync_client.post(
        "/__admin/clock", content=b'{"advance": "\xff"}', headers={**ADMIN, "Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert "UTF-8" in response.json()["detail"]


def test_malformed_json_is_400_and_state_unchanged(idsync_client) -> None:
    before = idsync_client.get("/__admin/clock", headers=ADMIN).json()["offset"]
    response = idsync_client.post(
        "/__admin/clock", content=b'{"advance": 5', headers={**ADMIN, "Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert idsync_client.get("/__admin/clock", headers=ADMIN).json()["offset"] == before


def test_oversized_body_is_413() -> None:
    app = create_app(max_body_bytes=64)
    with app.test_client() as client:
        response = client.post("/__admin/tenants", json={"name": "x", "tokens": ["x" * 100]}, headers=ADMIN)
    assert response.status_code == 413  # state imports and seeds have their own limit (test_state_import.py)


def test_wrong_content_type_is_415(idsync_client) -> None:
    response = idsync_client.post(
        "/__admin/clock", content=b"advance=5", headers={**ADMIN, "Content-Type": "text/plain"}
    )
    assert response.status_code == 415
    assert response.headers["content-type"].startswith("application/json")


def test_405_lists_every_method_of_the_path(idsync_client) -> None:
    response = idsync_client.patch("/__admin/faults", headers=ADMIN)
    assert response.status_code == 405
    assert set(response.headers["allow"].replace(" ", "").split(",")) == {"GET", "HEAD", "POST", "DELETE"}


def test_missing_and_wrong_credentials_are_401_with_a_challenge(idsync_client) -> None:
    """RFC 9110 §11.6.1: a 401 carries ``WWW-Authenticate`` (issue 14: the journal's 401 had none)."""
    for headers in ({}, {"Authorization": "Bearer nope"}):
        response = idsync_client.get("/__admin/journal", headers=headers)
        assert response.status_code == 401
        assert response.headers["www-authenticate"] == 'Bearer realm="idsync-admin"'


@pytest.mark.parametrize("action", ["status", "rate_limit"])
def test_fault_rules_answer_in_vendor_shape_and_count_down(idsync_url: str, idsync_admin, action: str) -> None:
    idsync_admin.add_fault(action=action, api="sift", status=503, retry_after=7, count=1)
    first = httpx.get(f"{idsync_url}/sift/api/v1/anything")
    second = httpx.get(f"{idsync_url}/sift/api/v1/anything")
    assert first.status_code == (503 if action == "status" else 429)
    assert set(first.json()) == {"code", "message", "details"}
    if action == "rate_limit":
        assert first.headers["retry-after"] == "7"
    assert second.status_code == 404


def test_close_fault_drops_the_connection(idsync_url: str, idsync_admin) -> None:
    idsync_admin.add_fault(action="close", api="sift", count=1)
    with pytest.raises(httpx.TransportError):
        httpx.get(f"{idsync_url}/sift/api/v1/anything")


def test_latency_fault_delays(idsync_url: str, idsync_admin) -> None:
    idsync_admin.add_fault(action="latency", api="sift", latency_ms=300, count=1)
    response = httpx.get(f"{idsync_url}/sift/api/v1/anything")
    assert response.elapsed.total_seconds() >= 0.3


def test_journal_records_requests(idsync_url: str, idsync_admin) -> None:
    httpx.get(f"{idsync_url}/sift/api/v1/journal-probe")
    entries = idsync_admin.journal(path="journal-probe")
    assert [(e["method"], e["status"], e["api"]) for e in entries] == [("GET", 404, "sift")]


def test_reset_keeps_journal_and_faults_unless_asked(idsync_url: str, idsync_admin) -> None:
    """``POST /__admin/reset`` keeps both by default; ``journal``/``faults`` clear them in the same call."""
    idsync_admin.add_fault(action="status", api="sift", status=503, count=5)
    httpx.get(f"{idsync_url}/scim/default/v2/ServiceProviderConfig")
    idsync_admin.reset()
    assert idsync_admin.journal(path="ServiceProviderConfig") and idsync_admin.http.get("/faults").json()["faults"]
    idsync_admin.reset(journal=True)
    assert not idsync_admin.journal(path="ServiceProviderConfig") and idsync_admin.http.get("/faults").json()["faults"]
    idsync_admin.reset(faults=True)
    assert idsync_admin.http.get("/faults").json() == {"faults": []}


def test_state_export_import_round_trip(idsync_url: str) -> None:
    admin = httpx.Client(base_url=f"{idsync_url}/__admin", headers=ADMIN)
    admin.post("/tenants", json={"name": "roundtrip", "tokens": ["t1"]}).raise_for_status()
    admin.post("/clock", json={"advance": 120}).raise_for_status()
    exported = admin.get("/state").json()
    admin.post("/reset").raise_for_status()
    assert "roundtrip" not in admin.get("/state").json()["scim"]["tenants"]
    admin.put("/state", json=exported).raise_for_status()
    assert admin.get("/state").json() == exported


#: Bodies ``idsync verify`` generated that once gave a 500 (seed 20261123).
GARBAGE_STATES = [
    {
        "sift": {"\u00f2": {" {w$": -8266450311}, "g\n": [], "\u00a2": [{"r": -6.69e16, ")": {}}, [], []]},
        "resolution": {"true": {}, "x": {}},
        "vcf": {},
        "clock": {"": [[], {"0": True, "B": False, "": None}]},
    },
    {"clock": {"offset": 1e300}},
    {"clock": {"frozen_at": "soon"}},
    {"clock": []},
    {"scim": {"tenants": {"t": {"users": "nope"}}}},
]


@pytest.mark.parametrize("state", GARBAGE_STATES)
def test_importing_garbage_state_never_500s_nor_breaks_the_clock(idsync_client, state: dict) -> None:
    before = idsync_client.get("/__admin/state", headers=ADMIN).json()
    response = idsync_client.put("/__admin/state", json=state, headers=ADMIN)
    assert response.status_code in (200, 400, 409), response.text
    assert idsync_client.get("/__admin/clock", headers=ADMIN).status_code == 200
    if response.status_code != 200:
        assert idsync_client.get("/__admin/state", headers=ADMIN).json() == before


def test_clock_cannot_leave_the_representable_range(idsync_client) -> None:
    for change in ({"advance": 1e11}, {"advance": -1e11}):
        assert idsync_client.post("/__admin/clock", json=change, headers=ADMIN).status_code in (400, 409)
    assert idsync_client.get("/__admin/clock", headers=ADMIN).status_code == 200


@pytest.mark.parametrize("name", ["sift", "authentik", "resolution", "stackspot", "vcf", "scim", "admin"])
def test_every_api_serves_swagger_ui_and_its_spec(idsync_client, name: str) -> None:
    """Issue 3: Swagger UI per API; ``openapi.json`` must serialise (no recursive ``$ref``)."""
    api = next(a for a in idsync_client.get("/").json()["apis"] if a["name"] == name)
    assert idsync_client.get(api["ui"]).status_code == 200
    served = idsync_client.get(f"{api['base_path'].rstrip('/')}/openapi.json")
    assert served.status_code == 200
    assert served.json()["servers"][0]["url"] == api["base_path"]
