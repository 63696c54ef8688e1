"""Running the app under uvicorn: the CLI's ``serve`` and the test suite's live server."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import uvicorn

from mockserver.app import create_app
from mockserver.profiles import PROFILES
from mockserver.runtime import MAX_IMPORT_BYTES


def list_profiles() -> str:
    """One line per fault profile: name and what it breaks."""
    return "\n".join(f"{p.name:32} {p.description}" for p in PROFILES.values())


def banner(base_url: str, app: Any) -> str:
    """What ``idsync serve`` prints: each API's URL and Swagger UI, and the credentials."""
    runtime = app.runtime
    creds = runtime.world.credentials
    lines = [f"idsync mock server on {base_url}  (profile: {runtime.profile})", ""]
    for api in app.index["apis"]:
        lines.append(
            f"  {api['name']:10} {base_url}{api['base_path'].rstrip('/')}   (Swagger UI: {base_url}{api['ui']})"
        )
    lines.append("")
    lines.append(f"  GET {base_url}/ lists them as JSON")
    user, password = next(iter(creds.basic.items()), ("-", "-"))
    lines.append(f"  basic auth   {user}:{password}   (resolution, VCF POST /v1/tokens)")
    lines.append(f"  bearer       {', '.join(creds.bearer)}   (Sift, authentik, StackSpot, admin)")
    for name in runtime.world.directories.names():
        lines.append(f"  SCIM tenant  {base_url}/scim/{name}/v2")
    lines.append("")
    lines.append("Ctrl-C stops.")
    return "\n".join(lines)


def uvicorn_config(app: Any, **options: Any) -> uvicorn.Config:
    """The one uvicorn configuration of ``idsync serve`` and the live test server.

    Server-level limits and protocol choices belong here, so both entry points behave alike.
    """
    return uvicorn.Config(app, lifespan="off", **options)


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
) -> int:
    """Serve until interrupted (uvicorn handles SIGINT/SIGTERM and shuts down cleanly)."""
    app = create_app(
        seed,
        root_api=root_api,
        profile=profile,
        validate_responses=validate_responses,
        max_import_bytes=max_import_bytes,
    )
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    bound = sock.getsockname()[1]
    print(banner(f"http://{host}:{bound}", app), flush=True)
    config = uvicorn_config(app, log_level=log_level)
    with contextlib.suppress(KeyboardInterrupt):  # uvicorn re-raises SIGINT after its graceful shutdown
        uvicorn.Server(config).run(sockets=[sock])
    print("idsync mock server stopped", flush=True)
    return 0


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
    _server: uvicorn.Server | None = field(default=None, repr=False)
    _thread: threading.Thread | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        """Base URL, e.g. ``http://127.0.0.1:41234``."""
        return f"http://{self.host}:{self.port}"

    def start(self, timeout: float = 10.0) -> LiveServer:
        """Start and wait until it accepts connections."""
        self.port = self.port or free_port(self.host)
        config = uvicorn_config(self.app, host=self.host, port=self.port, log_level="error")
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
