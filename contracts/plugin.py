"""pytest plugin (entry point ``pytest11``): a live idsync mock server and clients for tests.

Fixtures: ``idsync_server`` (session-scoped uvicorn on a free loopback port, or the
``--idsync-target`` URL), ``idsync_url``, ``idsync_app`` (fresh in-process app),
``idsync_client`` (in-process test client), ``idsync_reset`` (per-test reset of the live
server), ``idsync_admin`` (admin API helper: seed, journal, clock).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from contracts.admin import Admin

ADMIN_TOKEN_ENV = "IDSYNC_ADMIN_TOKEN"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("idsync")
    group.addoption(
        "--idsync-target", default=None, help="base URL of a running server to test instead of the embedded mock"
    )
    group.addoption("--idsync-api", default=None, help="restrict the packaged contract suite to this API")


@pytest.fixture(scope="session")
def idsync_server(request: pytest.FixtureRequest) -> Iterator[str]:
    """Base URL of the server under test: ``--idsync-target`` or an embedded live mock."""
    target = request.config.getoption("--idsync-target")
    if target:
        yield target.rstrip("/")
        return
    from mockserver.app import create_app
    from mockserver.server import LiveServer

    with LiveServer(create_app(validate_responses=True)) as server:
        yield server.url


@pytest.fixture
def idsync_url(idsync_server: str, idsync_admin: Admin) -> str:
    """Base URL of the live server, reset to its seeded state, no fault rules and an empty journal."""
    idsync_admin.reset_all()
    return idsync_server


@pytest.fixture(scope="session")
def idsync_admin_session(idsync_server: str) -> Iterator[Admin]:
    import os

    admin = Admin(idsync_server, os.environ.get(ADMIN_TOKEN_ENV, "idsync-token"))
    yield admin
    admin.close()


@pytest.fixture
def idsync_admin(idsync_admin_session: Admin) -> Admin:
    """Admin API client of the live server."""
    return idsync_admin_session


@pytest.fixture
def idsync_app() -> Any:
    """A fresh in-process app with response validation on."""
    from mockserver.app import create_app

    return create_app(validate_responses=True)


@pytest.fixture
def idsync_client(idsync_app: Any) -> Iterator[Any]:
    """Starlette test client of :func:`idsync_app` (no sockets; fastest)."""
    with idsync_app.test_client() as client:
        yield client


@pytest.fixture(scope="session")
def target(request: pytest.FixtureRequest, idsync_server: str) -> Iterator[Any]:
    """A :class:`contracts.target.Target` for the packaged contract suite (``contracts.suite``).

    ``--idsync-target URL``: that server, credentials from the environment
    (``contracts.target.ENV``), the admin API only if it is an idsync mock. Without it: the
    embedded mock served by :func:`idsync_server`, with the default seed's credentials.
    """
    from contracts.target import Credentials, Target

    remote = request.config.getoption("--idsync-target")
    api = request.config.getoption("--idsync-api")
    credentials = Credentials.from_env() if remote else Credentials.embedded()
    made = Target.discover(idsync_server, credentials, [api] if api else None)
    yield made
    made.close()
