"""python-scim's ``scim2-server`` (PyPI, pinned in the ``test`` extra): a SCIM server we did not write.

:func:`reference_app` builds the WSGI application exactly as the ``scim2-server`` command does
(``scim2_server.testserver.cli.main``: the RFC 7643 schemas, User and Group, the default
service provider configuration, one static bearer token announced as ``oauthbearertoken``);
:func:`serving` serves it over real HTTP on a free loopback port with the same threading WSGI
server the command uses, behind :class:`Recorder`, which keeps the path of every request.

:data:`MUTATIONS` are realistic bugs applied by a thin WSGI wrapper (:class:`Mutated`), each
naming the ``idsync verify`` level and contract or check that must catch it and the rule it
breaks (issue 10: proof that the suite bites on code we did not write).
"""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from socketserver import ThreadingMixIn
from typing import Any
from urllib.parse import parse_qsl, urlencode
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

TOKEN = "reference-token-0123"
Environ = dict[str, Any]
StartResponse = Callable[..., Any]
App = Callable[[Environ, StartResponse], Iterable[bytes]]


def reference_app(token: str = TOKEN) -> App:
    """The application of ``scim2-server --bearer-token TOKEN`` (no tenants)."""
    from scim2_models import ScimProvider
    from scim2_server.memory import InMemoryStorage
    from scim2_server.service import ScimService
    from scim2_server.testserver.application import BEARER_TOKEN_SCHEME, BearerTokenApplication
    from scim2_server.utils import (
        load_default_resource_types,
        load_default_schemas,
        load_default_service_provider_config,
    )

    config = load_default_service_provider_config()
    config.authentication_schemes = [*(config.authentication_schemes or []), BEARER_TOKEN_SCHEME]
    provider = ScimProvider.from_discovery(
        load_default_schemas().values(), load_default_resource_types().values(), config=config
    )
    service = ScimService(provider, secret="idsync-reference-secret")
    app: App = BearerTokenApplication(InMemoryStorage(), provider, service=service, bearer_tokens=[token])
    return app


class Recorder:
    """WSGI middleware keeping ``(method, path)`` of every request it passes on."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.requests: list[tuple[str, str]] = []

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        self.requests.append((environ["REQUEST_METHOD"], environ.get("PATH_INFO", "")))
        return self.app(environ, start_response)


class ThreadingServer(ThreadingMixIn, WSGIServer):
    """A WSGI server serving each request in its own thread, as ``scim2-server`` does."""

    daemon_threads = True


class QuietHandler(WSGIRequestHandler):
    """No access log on stderr."""

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serving(app: App) -> Iterator[str]:
    """Serve ``app`` on a free loopback port; yields the SCIM base URL (``http://127.0.0.1:P/v2``)."""
    server = make_server("127.0.0.1", 0, app, server_class=ThreadingServer, handler_class=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/v2"
    finally:
        server.shutdown()
        server.server_close()


@dataclass(frozen=True)
class Mutation:
    """A bug: what the wrapper does, the level and contract or check that catch it, the rule broken."""

    name: str
    description: str
    level: str
    catches: str
    rule: str


MUTATIONS = (
    Mutation(
        "wrong-total-results",
        "list responses give the page size as totalResults",
        "semantic",
        "paging_total_results_counts_every_match",
        "totalResults is the number of matches, not the page size",
    ),
    Mutation(
        "etag-not-bumped",
        'every resource keeps version W/"1" and preconditions are ignored',
        "semantic",
        "etag_bumps_and_if_match",
        "a modification yields a new version",
    ),
    Mutation(
        "patch-not-atomic",
        "PATCH applies its operations one by one and keeps those before a failing one",
        "semantic",
        "patch_is_atomic",
        "a rejected PATCH leaves the resource unchanged",
    ),
    Mutation(
        "auth-ignored",
        "a request without credentials is served as if it carried the token",
        "semantic",
        "missing_credentials_rejected",
        "without credentials must be refused with 401/403",
    ),
    Mutation(
        "filter-ignored",
        "GET /Users ignores the filter parameter",
        "semantic",
        "filter_agrees_with_reference",
        "filter results match the reference evaluation",
    ),
    Mutation(
        "field-renamed",
        "list responses call totalResults total (RFC 7644 §3.4.2: totalResults is REQUIRED)",
        "conformance",
        "response_schema_conformance",
        "Response violates schema",
    ),
    Mutation(
        "create-answers-200",
        "POST /Users answers 200 OK instead of 201 Created",
        "semantic",
        "username_unique_case_insensitive",
        "POST /Users answers 201 Created",
    ),
)
BY_NAME = {m.name: m for m in MUTATIONS}


class Mutated:
    """The reference application with one mutation of :data:`MUTATIONS` applied."""

    def __init__(self, app: App, mutation: str) -> None:
        self.app = app
        self.mutation = BY_NAME[mutation].name

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        if self.mutation == "auth-ignored" and not environ.get("HTTP_AUTHORIZATION"):
            environ["HTTP_AUTHORIZATION"] = f"Bearer {TOKEN}"
        if self.mutation == "etag-not-bumped":
            environ.pop("HTTP_IF_MATCH", None)
            environ.pop("HTTP_IF_NONE_MATCH", None)
        if self.mutation == "filter-ignored" and environ["REQUEST_METHOD"] == "GET":
            query = [(k, v) for k, v in parse_qsl(environ.get("QUERY_STRING", "")) if k != "filter"]
            environ["QUERY_STRING"] = urlencode(query)
        if self.mutation == "patch-not-atomic" and environ["REQUEST_METHOD"] == "PATCH":
            return self._patch_one_by_one(environ, start_response)
        status, headers, body = call(self.app, environ)
        status, headers, body = self._response(environ, status, headers, body)
        start_response(status, headers)
        return [body]

    def _response(
        self, environ: Environ, status: str, headers: list[tuple[str, str]], body: bytes
    ) -> tuple[str, list[tuple[str, str]], bytes]:
        data = _json(body)
        if self.mutation == "create-answers-200" and environ["REQUEST_METHOD"] == "POST" and status.startswith("201"):
            status = "200 OK"
        if not isinstance(data, dict):
            return status, headers, body
        if self.mutation == "wrong-total-results" and "totalResults" in data and "Resources" in data:
            data["totalResults"] = len(data["Resources"])
        if self.mutation == "etag-not-bumped":
            headers = [(k, 'W/"1"' if k.lower() == "etag" else v) for k, v in headers]
            for resource in [data, *(data.get("Resources") or [])]:
                if isinstance(resource.get("meta"), dict) and "version" in resource["meta"]:
                    resource["meta"]["version"] = 'W/"1"'
        if self.mutation == "field-renamed" and "totalResults" in data:
            data["total"] = data.pop("totalResults")
        encoded = json.dumps(data).encode()
        headers = [(k, str(len(encoded)) if k.lower() == "content-length" else v) for k, v in headers]
        return status, headers, encoded

    def _patch_one_by_one(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        raw = _read(environ)
        body = _json(raw)
        operations = body.get("Operations") if isinstance(body, dict) else None
        if not isinstance(operations, list) or len(operations) < 2:
            status, headers, answer = call(self.app, {**environ, "wsgi.input": io.BytesIO(raw)})
        else:
            for operation in operations:
                single = json.dumps({**body, "Operations": [operation]}).encode()
                one = {**environ, "wsgi.input": io.BytesIO(single), "CONTENT_LENGTH": str(len(single))}
                status, headers, answer = call(self.app, one)
                if not status.startswith("2"):
                    break
        start_response(status, headers)
        return [answer]


def call(app: App, environ: Environ) -> tuple[str, list[tuple[str, str]], bytes]:
    """Call a WSGI application; its status, headers and whole body."""
    captured: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[[bytes], None]:
        captured.update(status=status, headers=list(headers))
        return lambda data: None

    chunks = app(environ, start_response)
    try:
        body = b"".join(chunks)
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()
    return captured["status"], captured["headers"], body


def _read(environ: Environ) -> bytes:
    length = int(environ.get("CONTENT_LENGTH") or 0)
    return bytes(environ["wsgi.input"].read(length)) if length else b""


def _json(body: bytes) -> Any:
    try:
        return json.loads(body) if body else None
    except ValueError:
        return None
