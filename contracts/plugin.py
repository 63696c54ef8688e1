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


#: ``idsync verify``'s credential options, as ``--idsync-<option>`` (the same environment variables apply).
CREDENTIAL_OPTIONS = {
    "bearer": "bearer-token",
    "basic_user": "basic-user",
    "basic_password": "basic-password",
    "authentik_token": "authentik-token",
    "vcf_username": "vcf-username",
    "vcf_password": "vcf-password",
    "scim_tenant": "scim-tenant",
}


def pytest_addoption(parser: pytest.Parser) -> None:
    from contracts.idp.lifecycle import IDPS
    from contracts.scenario import LEVELS
    from contracts.target import DEFAULT_RANDOM_SEED, ENV
    from contracts.verify import DEFAULT_MAX_EXAMPLES

    group = parser.getgroup("idsync")
    group.addoption(
        "--idsync-target", default=None, help="base URL of a running server to test instead of the embedded mock"
    )
    group.addoption("--idsync-api", default=None, help="restrict the packaged contract suite to this API")
    group.addoption("--idsync-level", action="append", choices=LEVELS, help="only these levels (repeatable)")
    group.addoption("--idsync-random-seed", type=int, default=DEFAULT_RANDOM_SEED, help="seed of the generated cases")
    group.addoption("--idsync-max-examples", type=int, default=DEFAULT_MAX_EXAMPLES, help="examples per operation")
    group.addoption("--idsync-strict", action="store_true", help="fail on SHOULD deviations too")
    group.addoption("--idsync-idp", choices=IDPS, help="as idsync verify --idp: also replay this IdP's life cycle")
    for key, option in CREDENTIAL_OPTIONS.items():
        group.addoption(f"--idsync-{option}", default=None, help=f"as idsync verify --{option} (env {ENV[key]})")


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

    ``--idsync-target URL``: that server, credentials from the ``--idsync-<credential>`` options
    over the environment (``contracts.target.ENV``), as ``idsync verify`` takes them; the admin
    API only if it is an idsync mock (which, given no credential, is spoken to with the default
    seed's public ones). Without it: the embedded mock served by :func:`idsync_server`. The
    preflight of ``idsync verify`` runs first: a target that refuses the credentials ends the
    session with that one line (exit status 2).
    """
    from contracts.preflight import PreflightError
    from contracts.target import Credentials, Target
    from contracts.verify import preflight

    config = request.config
    remote = config.getoption("--idsync-target")
    api = config.getoption("--idsync-api")
    given = {key: config.getoption(f"--idsync-{option}") for key, option in CREDENTIAL_OPTIONS.items()}
    credentials = Credentials.from_env(**given) if remote else Credentials.embedded()
    made = Target.discover(idsync_server, credentials, [api] if api else None)
    made.random_seed = config.getoption("--idsync-random-seed")
    try:
        preflight(made, [api] if api else list(made.base_urls))
    except PreflightError as exc:
        made.close()
        pytest.exit(f"idsync: {exc}", returncode=2)
    yield made
    made.close()
