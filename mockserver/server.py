"""Running the app under uvicorn: the CLI's ``serve`` and the test suite's live server.

Both go through :func:`uvicorn_config`, which sets the connection limits (README, "Limits"), and
``idsync serve`` refuses to listen off loopback without an admin token of its own (README,
"Serving on a network"; OWASP ASVS V2: no shared default credential on an exposed admin API).
"""

from __future__ import annotations

import contextlib
import errno
import logging
import socket
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import uvicorn

from mockserver.app import create_app
from mockserver.domain.context import Credentials, shown
from mockserver.domain.errors import DomainError
from mockserver.domain.outbound import is_loopback
from mockserver.domain.secrets import mask_query
from mockserver.http.protocol import HEAD_TIMEOUT, MAX_HEAD_BYTES, guarded
from mockserver.http.requestlog import log_requests_to
from mockserver.profiles import PROFILES
from mockserver.runtime import MAX_IMPORT_BYTES
from mockserver.seed import FORMAT_DOC, SeedError

#: Seconds an idle keep-alive connection stays open between requests (uvicorn's default, set
#: explicitly; README "Limits").
KEEP_ALIVE_TIMEOUT = 5
#: The default seed's well-known credentials (README, "Credentials"); the banner prints only these.
WELL_KNOWN = Credentials()
#: The SCIM tenant of the default seed, the one the README's examples use.
DEFAULT_TENANT = "default"


def list_profiles() -> str:
    """One line per fault profile: name and what it breaks."""
    return "\n".join(f"{p.name:32} {p.description}" for p in PROFILES.values())


def banner(base_url: str, app: Any, *, log_requests: bool = False) -> str:
    """What ``idsync serve`` prints: each API's URL and Swagger UI, the credentials, the request log."""
    runtime = app.runtime
    creds = runtime.world.credentials
    lines = [f"idsync mock server on {base_url}  (profile: {runtime.profile})", ""]
    for api in app.index["apis"]:
        lines.append(
            f"  {api['name']:10} {base_url}{api['base_path'].rstrip('/')}   (Swagger UI: {base_url}{api['ui']})"
        )
    lines.append("")
    lines.append(f"  GET {base_url}/ lists them as JSON")
    lines.append(f"  dashboard    {base_url}/__admin/dashboard   (a browser on {base_url}/ gets the landing page)")
    user, password = next(iter(creds.basic.items()), ("-", "-"))
    lines.append(f"  basic auth   {user}:{shown(password)}   (resolution, VCF POST /v1/tokens)")
    bearer = ", ".join(shown(t) for t in creds.bearer)
    admin = runtime.admin_token or creds.admin_token
    lines.append(f"  bearer       {bearer}   (Sift, authentik, StackSpot{'' if admin else ', admin'})")
    if admin:
        lines.append("  admin API    its own bearer token (***, not printed)")
    for name in runtime.world.directories.names():
        lines.append(f"  SCIM tenant  {base_url}/scim/{name}/v2")
    if DEFAULT_TENANT not in runtime.world.directories.names():
        lines.append(
            f"  SCIM tenant  '{DEFAULT_TENANT}' dropped by this seed: /scim/{DEFAULT_TENANT}/v2 refuses every token"
            f" (add scim.tenants.{DEFAULT_TENANT} to keep it)"
        )
    lines.append("")
    lines.append(
        "Requests are logged below, one line each." if log_requests else "--log-requests prints one line per request."
    )
    lines.append("Ctrl-C stops.")
    return "\n".join(lines)


def uvicorn_config(
    app: Any,
    *,
    http: str = "auto",
    head_timeout: float = HEAD_TIMEOUT,
    max_head_bytes: int = MAX_HEAD_BYTES,
    **options: Any,
) -> uvicorn.Config:
    """The one uvicorn configuration of ``idsync serve`` and the live test server.

    Server-level limits and protocol choices belong here, so both entry points behave alike:
    ``http`` picks uvicorn's protocol (``auto``: httptools when installed, else h11), wrapped by
    ``mockserver.http.protocol.guarded`` (request head size and time limits, errors below the
    app in the vendor's body, the connection drop of the ``close`` fault); idle keep-alive
    connections close after ``KEEP_ALIVE_TIMEOUT`` s; h11's own event limit equals the head
    limit. ``limit_concurrency`` stays unset: uvicorn's plain-text 503 for it bypasses the app
    (so no vendor body), and the head and keep-alive timeouts already bound idle connections.
    """
    _mask_access_log_queries()
    protocol = guarded(_protocol_class(http), head_timeout=head_timeout, max_head_bytes=max_head_bytes)
    options.setdefault("timeout_keep_alive", KEEP_ALIVE_TIMEOUT)
    return uvicorn.Config(app, lifespan="off", http=protocol, h11_max_incomplete_event_size=max_head_bytes, **options)


def _protocol_class(name: str) -> type:
    if name == "h11":
        from uvicorn.protocols.http.h11_impl import H11Protocol

        return H11Protocol
    if name == "httptools":
        from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

        return HttpToolsProtocol
    from uvicorn.protocols.http.auto import AutoHTTPProtocol

    return AutoHTTPProtocol


class _MaskedQueries(logging.Filter):
    """uvicorn's access log prints each request's path with its query: secret parameters masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) == 5 and isinstance(args[2], str) and "?" in args[2]:
            path, _, query = args[2].partition("?")
            record.args = (*args[:2], f"{path}?{mask_query(query)}", *args[3:])
        return True


_ACCESS_FILTER = _MaskedQueries()


def _mask_access_log_queries() -> None:
    logger = logging.getLogger("uvicorn.access")
    if _ACCESS_FILTER not in logger.filters:
        logger.addFilter(_ACCESS_FILTER)


def network_refusal(host: str, admin_token: str | None, credentials: Credentials) -> str | None:
    """Why the mock must not listen on ``host`` as configured, or None.

    Off loopback the admin API (reset, seed, state export with every credential) needs a token of
    its own, distinct from the API bearer tokens every client of the mock knows.
    """
    if is_loopback(host):
        return None
    if not admin_token:
        return (
            f"--host {host} exposes the admin API on the network: give it its own token with "
            "--admin-token TOKEN, IDSYNC_ADMIN_TOKEN or the seed's credentials.admin_token"
        )
    if admin_token in credentials.bearer or admin_token in WELL_KNOWN.bearer:
        return "the admin token must differ from the API bearer tokens when serving on a network"
    return None


class ServeError(Exception):
    """A mistake in ``idsync serve``'s options or seed: one line saying what is wrong and what to do
    (``mockserver.cli`` prints it and exits 2; ``--debug`` shows the traceback behind it)."""


def run(
    *,
    host: str,
    port: int,
    root_api: str | None,
    seed: str | None,
    profile: str,
    validate_responses: bool,
    log_level: str,
    max_import_bytes: int = MAX_IMPORT_BYTES,
    admin_token: str | None = None,
    allow_outbound: Sequence[str] = (),
    log_requests: bool = False,
) -> int:
    """Serve until interrupted (uvicorn handles SIGINT/SIGTERM and shuts down cleanly).

    The address is taken first (a port in use fails before a large seed is read), then the app is
    built; :class:`ServeError` when either fails or when ``host`` is not loopback and no admin
    token is set.
    """
    sock = bind(host, port)
    try:
        app = _build_app(seed, root_api, profile, validate_responses, max_import_bytes)
        runtime = app.runtime
        token = admin_token or runtime.world.credentials.admin_token
        refusal = network_refusal(host, token, runtime.world.credentials)
        if refusal:
            raise ServeError(refusal)
    except BaseException:
        sock.close()
        raise
    runtime.exposed = not is_loopback(host)
    runtime.admin_token = token if (admin_token or runtime.exposed) else None
    runtime.world.outbound.allow(allow_outbound)
    if log_requests:
        log_requests_to(sys.stdout)
    print(banner(f"http://{host}:{sock.getsockname()[1]}", app, log_requests=log_requests), flush=True)
    config = uvicorn_config(app, log_level=log_level)
    with contextlib.suppress(KeyboardInterrupt):  # uvicorn re-raises SIGINT after its graceful shutdown
        uvicorn.Server(config).run(sockets=[sock])
    print("idsync mock server stopped", flush=True)
    return 0


def bind(host: str, port: int) -> socket.socket:
    """A socket bound to ``host:port`` (uvicorn listens on it); :class:`ServeError` naming the fix."""
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except (OSError, OverflowError) as exc:
        sock.close()
        raise ServeError(_bind_problem(host, port, exc)) from exc
    return sock


def _bind_problem(host: str, port: int, exc: BaseException) -> str:
    if isinstance(exc, socket.gaierror):
        return f"--host {host} is not an IP address or a host name this machine can resolve: check the spelling"
    if isinstance(exc, OverflowError):
        return f"--port {port} is out of range: a port is 0-65535 (0 picks a free one)"
    errno_value = getattr(exc, "errno", None)
    if errno_value == errno.EADDRINUSE:
        return f"port {port} on {host} is in use: stop what listens there or pick another (--port 0: any free one)"
    if errno_value == errno.EACCES:
        return f"no permission to listen on port {port}: ports below 1024 need privileges; pick another with --port"
    if errno_value == errno.EADDRNOTAVAIL:
        return (
            f"--host {host} is not an address of this machine: use 127.0.0.1 (the default), 0.0.0.0 or one of its own"
        )
    return f"cannot listen on {host}:{port}: {exc}"


def _build_app(
    seed: str | None, root_api: str | None, profile: str, validate_responses: bool, max_import_bytes: int
) -> Any:
    """``create_app`` for ``serve``; a seed that cannot be read or is refused is a :class:`ServeError`."""
    try:
        return create_app(
            seed,
            root_api=root_api,
            profile=profile,
            validate_responses=validate_responses,
            max_import_bytes=max_import_bytes,
        )
    except SeedError as exc:
        raise ServeError(str(exc)) from exc
    except DomainError as exc:  # statefile.validate or a vendor's loader: the seed's content
        raise ServeError(f"seed {seed} is refused: {exc.detail}; {FORMAT_DOC}") from exc


def free_port(host: str = "127.0.0.1") -> int:
    """A port nobody listens on right now."""
    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


@dataclass
class LiveServer:
    """A uvicorn server in a background thread on a free loopback port (tests, ``idsync verify``)."""

    app: Any
    host: str = "127.0.0.1"
    port: int = 0
    #: More :func:`uvicorn_config` options (tests shorten the limits with them).
    options: dict[str, Any] = field(default_factory=dict)
    _server: uvicorn.Server | None = field(default=None, repr=False)
    _thread: threading.Thread | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        """Base URL, e.g. ``http://127.0.0.1:41234``."""
        return f"http://{self.host}:{self.port}"

    def start(self, timeout: float = 10.0) -> LiveServer:
        """Start and wait until it accepts connections."""
        self.port = self.port or free_port(self.host)
        config = uvicorn_config(self.app, host=self.host, port=self.port, log_level="error", **self.options)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True, name=f"idsync-{self.port}")
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError(f"idsync server on {self.url} did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        """Ask uvicorn to exit and wait for it."""
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)

    def __enter__(self) -> LiveServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
