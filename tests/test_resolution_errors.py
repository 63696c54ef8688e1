"""Bad input, unknown ids and wrong credentials get resolution's own status and Atlassian error
body, never a 500, and change nothing (issue 5 point 4; specs/README.md (resolution section))."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from mockserver.app import create_app
from mockserver.domain.resolution.state import DEFAULT_CONNECTOR
from mockserver.seed import load_seed_file

BASE = "/resolution/rest/samlsso-admin/1.0"
AUTH = ("admin", "admin")
CONNECTOR = f"{BASE}/usersync/connector/{DEFAULT_CONNECTOR}"
UNKNOWN = "00000000-0000-0000-0000-000000000000"


@pytest.fixture(scope="module")
def shared_client() -> Iterator[Any]:
    """One in-process app (response validation on) for the module; reset before each test."""
    app = create_app(apis=["resolution"], validate_responses=True)
    with app.test_client() as client:
        client.app_runtime = app.runtime
        yield client


@pytest.fixture
def idsync_client(shared_client: Any) -> Any:
    shared_client.app_runtime.world.reset()
    return shared_client


def assert_atlassian_error(response: Any, status: int) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"message", "status-code"}
    assert body["status-code"] == status and body["message"]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/usersync/connector"),
        ("GET", f"/usersync/connector/{DEFAULT_CONNECTOR}"),
        ("POST", f"/usersync/connector/{DEFAULT_CONNECTOR}/sync"),
        ("GET", f"/usersync/connector/{DEFAULT_CONNECTOR}/syncstatus"),
        ("POST", f"/usersync/connector/{DEFAULT_CONNECTOR}/syncsingle/alice"),
        ("GET", "/usersync/syncstatus/1"),
        ("DELETE", "/directory/10100"),
    ],
)
@pytest.mark.parametrize("auth", [None, ("admin", "wrong"), ("nobody", "admin")])
def test_missing_or_wrong_credentials_are_401_and_change_nothing(idsync_client, method: str, path: str, auth) -> None:
    before = idsync_client.get(f"{BASE}/directory/10100", auth=AUTH).json()
    connector = idsync_client.get(CONNECTOR, auth=AUTH).json()
    response = idsync_client.request(method, BASE + path, auth=auth)
    assert_atlassian_error(response, 401)
    assert response.json()["message"] == "Client must be authenticated to access this resource."
    assert idsync_client.get(f"{BASE}/directory/10100", auth=AUTH).json() == before
    assert idsync_client.get(CONNECTOR, auth=AUTH).json() == connector


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", f"/usersync/connector/{UNKNOWN}"),
        ("PUT", f"/usersync/connector/{UNKNOWN}"),
        ("POST", f"/usersync/connector/{UNKNOWN}/sync"),
        ("GET", f"/usersync/connector/{UNKNOWN}/syncstatus"),
        ("POST", f"/usersync/connector/{UNKNOWN}/syncsingle/alice"),
        ("GET", "/usersync/syncstatus/999999"),
        ("GET", "/usersync/syncstatus/not-a-number"),
        ("DELETE", "/directory/999999"),
        ("DELETE", "/directory/not-a-number"),
        ("GET", "/directory/999999"),
        ("GET", "/no/such/resource"),
    ],
)
def test_unknown_ids_are_404(idsync_client, method: str, path: str) -> None:
    kwargs = {"json": {}} if method == "PUT" else {}
    assert_atlassian_error(idsync_client.request(method, BASE + path, auth=AUTH, **kwargs), 404)


def test_connector_never_synced_has_no_last_status() -> None:
    """``resolution: {}`` is a connector never synced (the default seed's has synced once)."""
    seed = load_seed_file(None)
    seed["resolution"] = {}
    with create_app(seed, apis=["resolution"], validate_responses=True).test_client() as client:
        response = client.get(f"{CONNECTOR}/syncstatus", auth=AUTH)
    assert_atlassian_error(response, 404)
    assert "not been synchronized" in response.json()["message"]


@pytest.mark.parametrize(
    ("content", "content_type", "status"),
    [
        (b'{"name": "x"', "application/json", 400),
        (b'{"name": "\xff"}', "application/json", 400),
        (b"[]", "application/json", 400),
        (b'"save"', "application/json", 400),
        (b'{"enabled": "yes"}', "application/json", 400),
        (b'{"cleanupBehaviour": "PURGE"}', "application/json", 400),
        (b'{"type": "LDAP"}', "application/json", 400),
        (b'{"name": ""}', "application/json", 400),
        (b'{"upstreamScimTenant": "../x"}', "application/json", 400),
        (b'{"scheduledSync": {"intervalMinutes": 0}}', "application/json", 400),
        (b'{"bogus": 1}', "application/json", 400),
        (b"name=x", "text/plain", 415),
    ],
)
def test_bad_connector_bodies_are_rejected_and_change_nothing(
    idsync_client, content: bytes, content_type: str, status: int
) -> None:
    before = idsync_client.get(CONNECTOR, auth=AUTH).json()
    response = idsync_client.put(CONNECTOR, content=content, headers={"Content-Type": content_type}, auth=AUTH)
    assert_atlassian_error(response, status)
    assert idsync_client.get(CONNECTOR, auth=AUTH).json() == before


def test_wrong_method_is_405_with_allow(idsync_client) -> None:
    response = idsync_client.patch(CONNECTOR, json={}, auth=AUTH)
    assert_atlassian_error(response, 405)
    assert set(response.headers["allow"].replace(" ", "").split(",")) == {"GET", "HEAD", "PUT"}


@pytest.mark.parametrize("status_id", ["0", "-1", "99999999999999999999"])
def test_out_of_range_sync_status_ids_are_404(idsync_client, status_id: str) -> None:
    assert_atlassian_error(idsync_client.get(f"{BASE}/usersync/syncstatus/{status_id}", auth=AUTH), 404)
