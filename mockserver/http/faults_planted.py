"""HTTP-level planted faults that belong to no vendor (docs/style.md rules 7 and 10).

Each one breaks a generic HTTP rule every API must keep, and the generic contracts in
``contracts.generic`` catch it on any mounted API. :class:`PlantedHttpFaults` is an ASGI
middleware that must sit OUTSIDE ``IdsyncMiddleware`` (which already rejects malformed JSON
with the vendor's 400), so it sees each request first:

    app.add_middleware(PlantedHttpFaults, position=MiddlewarePosition.BEFORE_EXCEPTION, world=runtime.world)

placed before the ``IdsyncMiddleware`` line in ``mockserver.app.create_app``. With no planted
quirk switched on it passes every request through untouched.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from mockserver.domain.planted import PlantedFault
from mockserver.http.middleware import replay_body

MALFORMED_JSON_500 = "http-500-on-malformed-json"
AUTH_IGNORED = "http-auth-ignored"

#: Both break every API; their proofs run against the admin API (the smallest spec).
PLANTED_FAULTS = (
    PlantedFault(
        name=MALFORMED_JSON_500,
        api="admin",
        level="semantic",
        catches="malformed_json_is_client_error",
        description="a request body that is not valid JSON crashes the server: 500 instead of the vendor's 400 "
        "(RFC 9110 §15.5.1, RFC 8259)",
    ),
    PlantedFault(
        name=AUTH_IGNORED,
        api="admin",
        level="semantic",
        catches="missing_credentials_rejected",
        description="requests without credentials are served as if they carried the API token "
        "(RFC 9110 §11.6.1, RFC 6750 §3.1)",
    ),
)

BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
#: Path prefixes of APIs that authenticate with HTTP basic (mockserver.apis.registry prefixes).
BASIC_PREFIXES = ("/resolution",)


class PlantedHttpFaults:
    """ASGI middleware applying the HTTP-level planted faults of the running profile."""

    def __init__(self, app: ASGIApp, *, world: Any) -> None:
        self.app = app
        self.world = world

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not (self.world.quirk(MALFORMED_JSON_500) or self.world.quirk(AUTH_IGNORED)):
            await self.app(scope, receive, send)
            return
        if self.world.quirk(AUTH_IGNORED) and not _has_header(scope, b"authorization"):
            scope = dict(scope, headers=[*scope.get("headers", []), (b"authorization", self._credential(scope))])
        if self.world.quirk(MALFORMED_JSON_500) and scope["method"] in BODY_METHODS and _is_json(scope):
            body = await _read_all(receive)
            if body and not _parses(body):
                await _crash(send)
                return
            receive = replay_body(body, receive)
        await self.app(scope, receive, send)

    def _credential(self, scope: Scope) -> bytes:
        """A credential the mock accepts: the planted bug serves anonymous callers as the API user."""
        creds = self.world.credentials
        if str(scope["path"]).startswith(BASIC_PREFIXES) and creds.basic:
            user, password = next(iter(creds.basic.items()))
            return b"Basic " + base64.b64encode(f"{user}:{password}".encode())
        if str(scope["path"]).startswith("/__admin") and creds.admin_token:
            return f"Bearer {creds.admin_token}".encode()
        return f"Bearer {creds.bearer[0] if creds.bearer else ''}".encode()


def _has_header(scope: Scope, name: bytes) -> bool:
    return any(key.lower() == name for key, _ in scope.get("headers", []))


def _is_json(scope: Scope) -> bool:
    for key, value in scope.get("headers", []):
        if key.lower() == b"content-type":
            return b"json" in value.lower()
    return False


def _parses(body: bytes) -> bool:
    try:
        json.loads(body.decode("utf-8"))
    except (ValueError, RecursionError):
        return False
    return True


async def _read_all(receive: Receive) -> bytes:
    chunks = bytearray()
    while True:
        message = await receive()
        chunks.extend(message.get("body", b""))
        if message["type"] != "http.request" or not message.get("more_body"):
            return bytes(chunks)


async def _crash(send: Send) -> None:
    """What an unguarded ``json.loads`` in a handler looks like from outside."""
    body = b"Internal Server Error"
    headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 500, "headers": headers})
    await send({"type": "http.response.body", "body": body})
