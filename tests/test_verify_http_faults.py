"""The HTTP-level planted faults (mockserver.http.faults_planted) and the generic contracts that catch them."""

from __future__ import annotations

from starlette.testclient import TestClient

from mockserver.app import create_app
from mockserver.http.faults_planted import PLANTED_FAULTS, PlantedHttpFaults
from mockserver.profiles import FAULTS

ADMIN = {"Authorization": "Bearer idsync-token"}
BROKEN = {"Content-Type": "application/json"}


def client(profile: str) -> TestClient:
    app = create_app(profile=profile)
    return TestClient(PlantedHttpFaults(app, world=app.runtime.world))


def test_profiles_are_registered_with_a_catching_contract() -> None:
    for fault in PLANTED_FAULTS:
        assert FAULTS[fault.name] is fault and fault.catches


def test_without_a_planted_quirk_the_middleware_changes_nothing() -> None:
    with client("default") as c:
        assert c.post("/__admin/clock", content=b'{"advance": 5', headers={**ADMIN, **BROKEN}).status_code == 400
        assert c.get("/__admin/clock").status_code == 401
        assert c.post("/__admin/clock", json={"advance": 5}, headers=ADMIN).status_code == 200


def test_malformed_json_gets_500_but_valid_json_still_works() -> None:
    with client("http-500-on-malformed-json") as c:
        assert c.post("/__admin/clock", content=b'{"advance": 5', headers={**ADMIN, **BROKEN}).status_code == 500
        assert c.post("/__admin/clock", json={"advance": 5}, headers=ADMIN).json()["offset"] >= 5


def test_auth_ignored_serves_anonymous_requests_but_still_checks_given_ones() -> None:
    with client("http-auth-ignored") as c:
        assert c.get("/__admin/clock").status_code == 200
        assert c.get("/__admin/clock", headers={"Authorization": "Bearer wrong"}).status_code == 401
