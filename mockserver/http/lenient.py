"""Read a request as leniently as the vendor's own server does, before Connexion validates it.

Connexion validates strictly (unknown query parameters are 400). Django REST framework (authentik)
ignores unknown query parameters and fields and reads an absent body as empty data; grpc-gateway
(Sift) also accepts the proto name of a field wherever its JSON name goes, ignores unknown query
parameters (``runtime/query.go``: "field not found" is logged, not an error) and unknown body
fields (the default marshaler unmarshals with ``DiscardUnknown``), reads an absent body as the
empty message and a body of any ``Content-Type`` as JSON. An API opts in with a ``LENIENCY``
(``mockserver/apis/leniency.py``) in its handler module; this step then rewrites the query
string and the JSON body to what the vendor would have understood, and notes every liberty in
the request's journal entry. Known parameters and fields are left to Connexion's validation.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode

from starlette.types import ASGIApp, Receive, Scope, Send

from mockserver.apis.base import SCOPE_NOTES
from mockserver.apis.leniency import Leniency
from mockserver.domain.errors import DomainError
from mockserver.domain.jsonpolicy import dumps, loads
from mockserver.http.middleware import SCOPE_JSON, replay_body
from mockserver.http.routing import HTTP_METHODS, MountedApi, Router
from mockserver.specs import load_spec

Schema = dict[str, Any]


@dataclass(frozen=True)
class Operation:
    """What one operation takes: its query parameter names and its request body schema."""

    query: frozenset[str]
    body: Schema | None


class LenientApi:
    """One lenient API's operations, matched by method and path as the spec templates them."""

    def __init__(self, mount: MountedApi, leniency: Leniency) -> None:
        self.leniency = leniency
        self.spec = load_spec(mount.api.spec)
        self.routes: list[tuple[re.Pattern[str], int, dict[str, Operation]]] = []
        for template, item in (self.spec.get("paths") or {}).items():
            pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template))
            literal = sum(1 for part in template.split("/") if part and "{" not in part)
            by_method = {m.upper(): self._operation(item, m) for m in HTTP_METHODS if m in item}
            self.routes.append((re.compile(f"^{re.escape(mount.base_path)}{pattern}/?$"), literal, by_method))
        self.routes.sort(key=lambda route: -route[1])

    def _operation(self, item: dict[str, Any], method: str) -> Operation:
        params = [resolve(self.spec, p) for p in [*item.get("parameters", []), *item[method].get("parameters", [])]]
        body = resolve(self.spec, item[method].get("requestBody")) or {}
        media = next(iter((body.get("content") or {}).values()), None)
        return Operation(
            query=frozenset(p["name"] for p in params if p.get("in") == "query"),
            body=media.get("schema", {}) if media is not None else None,
        )

    def operation(self, method: str, path: str) -> Operation | None:
        wanted = "GET" if method == "HEAD" else method
        for regex, _, by_method in self.routes:
            if regex.match(path):
                return by_method.get(wanted)
        return None


class LenientRequests:
    """ASGI step inside ``IdsyncMiddleware`` (which journals the request as the client sent it)."""

    def __init__(self, app: ASGIApp, *, router: Router) -> None:
        self.app = app
        self.router = router
        self.apis: dict[str, LenientApi] = {}
        for mount in router.mounted:
            leniency = getattr(importlib.import_module(mount.api.module), "LENIENCY", None)
            if isinstance(leniency, Leniency):
                self.apis[mount.api.name] = LenientApi(mount, leniency)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        mount = self.router.mount_for(scope["path"]) if scope["type"] == "http" else None
        api = self.apis.get(mount.api.name) if mount else None
        op = api.operation(scope["method"], scope["path"]) if api else None
        if api is None or op is None:
            await self.app(scope, receive, send)
            return
        notes = scope.get(SCOPE_NOTES)
        note = notes.append if isinstance(notes, list) else (lambda text: None)
        scope = dict(scope)
        scope["query_string"] = _query(scope.get("query_string", b""), op.query, api.leniency, note)
        if op.body is not None and scope["method"] in ("POST", "PUT", "PATCH", "DELETE"):
            receive = await _body(scope, receive, api, op.body, note)
        await self.app(scope, receive, send)


def _query(raw: bytes, known: frozenset[str], leniency: Leniency, note: Any) -> bytes:
    """Known names kept, other spellings renamed, unknown names dropped; unchanged bytes if nothing moved."""
    pairs = parse_qsl(raw.decode("latin-1"), keep_blank_values=True)
    kept: list[tuple[str, str]] = []
    for name, value in pairs:
        spelled = name if name in known else leniency.alias(name)
        if spelled not in known:
            note(f"unknown query parameter {name}: {leniency.server} ignores it")
            continue
        if spelled != name:
            note(f"query parameter {name}: {leniency.server} reads it as {spelled}")
        kept.append((spelled, value))
    return raw if kept == pairs else urlencode(kept).encode("ascii")


async def _body(scope: Scope, receive: Receive, api: LenientApi, schema: Schema, note: Any) -> Receive:
    """The body rewritten to what the vendor reads, replayed to Connexion."""
    chunks = bytearray()
    while True:
        message = await receive()
        chunks.extend(message.get("body", b""))
        if message["type"] != "http.request" or not message.get("more_body"):
            break
    body = bytes(chunks)
    headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
    leniency = api.leniency
    if not body.strip() and leniency.empty_body_is_object:
        note(f"empty body: {leniency.server} reads it as {{}}")
        return _replace(scope, {}, receive)
    media = headers.get("content-type", "")
    if "json" not in media.lower() and leniency.any_body_is_json:
        parsed = _json_or_none(body)
        if parsed is None:
            return replay_body(body, receive)
        note(f"body sent as {media or 'no Content-Type'}: {leniency.server} reads it as JSON")
        scope[SCOPE_JSON] = parsed
    if SCOPE_JSON not in scope:
        return replay_body(body, receive)
    original = scope[SCOPE_JSON]
    rewritten = _fields(api.spec, schema, original, leniency, note, "")
    if rewritten == original and "json" in media.lower():
        return replay_body(body, receive)
    return _replace(scope, rewritten, receive)


def _replace(scope: Scope, value: Any, receive: Receive) -> Receive:
    """Make ``value`` the JSON body: scope cache, ``Content-Type`` and ``Content-Length`` agree."""
    body = dumps(value).encode("utf-8")
    scope[SCOPE_JSON] = value
    headers = [(k, v) for k, v in scope.get("headers", []) if k.lower() not in (b"content-type", b"content-length")]
    scope["headers"] = [*headers, (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    return replay_body(body, receive)


def _json_or_none(body: bytes) -> Any:
    try:
        return loads(body)
    except DomainError:
        return None


def _fields(spec: dict[str, Any], raw: Any, value: Any, leniency: Leniency, note: Any, where: str) -> Any:
    """``value`` with other spellings of the schema's property names renamed and, when the
    server drops them, unknown names dropped; free-form objects are left as they are."""
    schema = merged(spec, raw)
    if isinstance(value, list) and "items" in schema:
        return [_fields(spec, schema["items"], v, leniency, note, f"{where}[]") for v in value]
    properties = schema.get("properties")
    if not isinstance(value, dict) or properties is None:
        return value
    open_ended = schema.get("additionalProperties") not in (None, False)
    result: dict[str, Any] = {}
    for name, sub in value.items():
        spelled = name if name in properties else leniency.alias(name)
        path = f"{where}.{name}" if where else name
        if spelled not in properties and (open_ended or not leniency.ignores_unknown_fields):
            result[name] = sub
        elif spelled not in properties:
            note(f"unknown field {path}: {leniency.server} ignores it")
        elif spelled in result:
            note(f"field {path}: {leniency.server} already read {spelled}")
        else:
            if spelled != name:
                note(f"field {path}: {leniency.server} reads it as {spelled}")
            result[spelled] = _fields(spec, properties[spelled], sub, leniency, note, path)
    return result


def merged(spec: dict[str, Any], raw: Any) -> Schema:
    """A schema resolved, with its ``allOf`` parts' properties merged in."""
    schema = dict(resolve(spec, raw) or {})
    for part in schema.pop("allOf", []):
        sub = merged(spec, part)
        schema["properties"] = {**sub.get("properties", {}), **schema.get("properties", {})}
        if "additionalProperties" in sub:
            schema.setdefault("additionalProperties", sub["additionalProperties"])
    return schema


def resolve(spec: dict[str, Any], node: Any) -> Any:
    """Follow local ``$ref`` chains."""
    while isinstance(node, dict) and "$ref" in node:
        target: Any = spec
        for part in str(node["$ref"]).lstrip("#/").split("/"):
            target = target[part]
        node = target
    return node
