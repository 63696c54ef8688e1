"""Every response's body matches its ``Content-Type``, for every operation of every spec (issue 11, point 6).

A live mock (uvicorn on a free port, real HTTP) gets, for each operation of the seven specs, the
request the spec describes: path parameters from the OpenAPI links of earlier answers (so a
created resource is read, changed and deleted) or from the parameter's example, the request
body's example, the API's credentials; then the same request without credentials, and, where
the operation declares a 304, again with ``If-None-Match``. Creates run first, deletes last;
each API starts from a reset world. Each answer must satisfy RFC 9110: no Content-Type and no
body on 204 and 304 (§15.3.5, §15.4.5), no JSON media type on an empty body (§8.3: the type
describes the content; there is none), and a JSON media type only on a body that parses.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from specs_walk import all_specs, operations, resolve

from mockserver.app import create_app
from mockserver.server import LiveServer

SPECS = all_specs()
BEARER = {"Authorization": "Bearer idsync-token"}
BASIC = ("admin", "admin")
ORDER = {"GET": 1, "PUT": 2, "PATCH": 2, "POST": 2, "DELETE": 3}


@dataclass(frozen=True)
class Operation:
    """One operation of one spec."""

    api: str
    method: str
    path: str
    spec: dict[str, Any] = field(compare=False, repr=False)

    @property
    def id(self) -> str:
        return str(self.spec.get("operationId") or f"{self.method} {self.path}")

    def parameters(self, spec: dict[str, Any]) -> list[dict[str, Any]]:
        shared = spec["paths"][self.path].get("parameters") or []
        return [resolve(spec, p) for p in [*shared, *(self.spec.get("parameters") or [])]]

    def link_targets(self, spec: dict[str, Any]) -> set[str]:
        """The operationIds this operation's answers link to (OpenAPI links)."""
        responses = (resolve(spec, r) for r in (self.spec.get("responses") or {}).values())
        return {link["operationId"] for r in responses for link in (r.get("links") or {}).values()}


ALL = [Operation(api, method.upper(), path, op) for api, spec in SPECS.items() for method, path, op in operations(spec)]


def body_findings(response: httpx.Response) -> list[str]:
    """What is wrong with the answer's body and Content-Type (empty when nothing is)."""
    label = response.headers.get("content-type")
    where = f"{response.request.method} {response.request.url.path} → {response.status_code}"
    found = []
    if response.status_code in (204, 304):
        if label is not None:
            found.append(f"{where}: Content-Type {label!r} on a {response.status_code}")
        if response.content:
            found.append(f"{where}: a body on a {response.status_code}")
        return found
    if label is not None and "json" in label.lower():
        if not response.content:
            found.append(f"{where}: Content-Type {label!r} on an empty body")
        else:
            try:
                json.loads(response.content)
            except ValueError:
                found.append(f"{where}: Content-Type {label!r} on a body that is not JSON")
    return found


class Sweep:
    """Sends each API's operations in order and keeps what each one's answers showed."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.bases = {a["name"]: a["base_path"].rstrip("/") for a in httpx.get(f"{url}/").json()["apis"]}
        self.results: dict[tuple[str, str], list[str]] = {}
        self.statuses: dict[tuple[str, str], list[int]] = {}
        self.done: set[str] = set()

    def findings(self, op: Operation) -> list[str]:
        if op.api not in self.done:
            self.run(op.api)
        return self.results[(op.api, op.id)]

    def run(self, api: str) -> None:
        """Producers (operations whose answers link to others) first, callers before callees; then
        reads, changes, deletes. Before a delete its producer runs again, so there is a fresh
        resource to delete whatever the operations in between did to the first one."""
        httpx.post(f"{self.url}/__admin/reset", headers=BEARER).raise_for_status()
        spec = SPECS[api]
        ops = [o for o in ALL if o.api == api]
        producer = {target: o for o in reversed(ops) for target in o.link_targets(spec)}
        links: dict[str, dict[str, Any]] = {}
        with httpx.Client(base_url=self.url + self.bases[api], timeout=30) as client:
            for op in sorted(ops, key=lambda o: _rank(o, spec, producer)):
                found: list[str] = []
                if op.method == "DELETE" and op.id in producer:
                    found += self.send(client, spec, producer[op.id], links)[0]
                findings, statuses = self.send(client, spec, op, links)
                self.results[(api, op.id)], self.statuses[(api, op.id)] = found + findings, statuses
        self.done.add(api)

    def send(
        self, client: httpx.Client, spec: dict[str, Any], op: Operation, links: dict[str, dict[str, Any]]
    ) -> tuple[list[str], list[int]]:
        """The operation with credentials, without them (if it has any), and conditionally (if it has a 304)."""
        request, path = build(spec, op, links.get(op.id, {}))
        basic = uses_basic(spec, op)
        credentials: dict[str, Any] = {"auth": BASIC} if basic else {"headers": {**request["headers"], **BEARER}}
        answers = [client.request(op.method, **{**request, **credentials})]
        follow(spec, op, {**request, "path": path}, answers[0], links)
        if op.spec.get("security", spec.get("security")):
            answers.append(client.request(op.method, **request))
        etag = answers[0].headers.get("etag")
        if "304" in (op.spec.get("responses") or {}) and etag:
            headers = {**credentials.get("headers", request["headers"]), "If-None-Match": etag}
            answers.append(client.request(op.method, **{**request, **credentials, "headers": headers}))
        return [f for a in answers for f in body_findings(a)], [a.status_code for a in answers]


def _rank(op: Operation, spec: dict[str, Any], producer: dict[str, Operation]) -> tuple[int, int]:
    depth, seen, current = 0, {op.id}, op
    while current.id in producer and producer[current.id].id not in seen:  # how many producers lead here
        current = producer[current.id]
        seen.add(current.id)
        depth += 1
    if op.method == "DELETE":
        return ORDER["DELETE"], depth
    return (0 if op.link_targets(spec) else ORDER[op.method]), depth


def uses_basic(spec: dict[str, Any], op: Operation) -> bool:
    schemes = spec.get("components", {}).get("securitySchemes", {})
    names = [name for requirement in op.spec.get("security", spec.get("security")) or [] for name in requirement]
    return any(schemes.get(n, {}).get("scheme") == "basic" for n in names)


def build(spec: dict[str, Any], op: Operation, linked: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The request for ``op`` (URL, query, headers, JSON body: linked values first, then the spec's
    examples) and its path parameter values."""
    url, query, headers, path = op.path, {}, {}, {}
    for param in op.parameters(spec):
        name, where = param["name"], param["in"]
        value = linked.get(name, linked.get(f"{where}.{name}"))
        if value is None and (where == "path" or param.get("required")):
            value = example(spec, param)
        if value is None:
            continue
        if where == "path":
            url, path[name] = url.replace("{" + name + "}", str(value)), value
        elif where == "query":
            query[name] = value
        elif where == "header":
            headers[name] = str(value)
    request: dict[str, Any] = {"url": url, "params": query, "headers": headers}
    body = resolve(spec, op.spec.get("requestBody")) or {}
    for media_type, media in (body.get("content") or {}).items():
        if "json" in media_type:
            request["content"] = json.dumps(media_example(spec, media))
            request["headers"]["Content-Type"] = media_type
            break
    return request, path


def example(spec: dict[str, Any], param: dict[str, Any]) -> Any:
    schema = resolve(spec, param.get("schema")) or {}
    for holder in (param, schema):
        if "example" in holder:
            return holder["example"]
        if holder.get("examples"):
            first = (
                next(iter(holder["examples"].values()))
                if isinstance(holder["examples"], dict)
                else holder["examples"][0]
            )
            return resolve(spec, first).get("value") if isinstance(first, dict) else first
    if schema.get("enum"):
        return schema["enum"][0]
    return schema.get("default", 1 if schema.get("type") == "integer" else "x")


def media_example(spec: dict[str, Any], media: dict[str, Any]) -> Any:
    if "example" in media:
        return media["example"]
    for item in (media.get("examples") or {}).values():
        return resolve(spec, item).get("value")
    return {}


def follow(
    spec: dict[str, Any],
    op: Operation,
    request: dict[str, Any],
    answer: httpx.Response,
    links: dict[str, dict[str, Any]],
) -> None:
    """Record the values the answer's OpenAPI links give the operations they name."""
    response = resolve(spec, (op.spec.get("responses") or {}).get(str(answer.status_code))) or {}
    for link in (response.get("links") or {}).values():
        for name, expression in (link.get("parameters") or {}).items():
            value = evaluate(expression, request, answer)
            if value is not None:
                links.setdefault(link["operationId"], {})[name] = value


def evaluate(expression: Any, request: dict[str, Any], answer: httpx.Response) -> Any:
    """An OpenAPI runtime expression (``$response.body#/id``, ``$request.path.tenant``, ...)."""
    if not isinstance(expression, str) or not expression.startswith("$"):
        return expression
    source, _, pointer = expression.partition("#")
    if source == "$response.body":
        try:
            return _pointed(answer.json(), pointer)
        except ValueError:
            return None
    if source.startswith("$response.header."):
        value = answer.headers.get(source.removeprefix("$response.header."))
        match = re.search(pointer.removeprefix("regex:"), value or "") if pointer.startswith("regex:") else None
        return match.group(1) if match else value
    if source.startswith("$request.path."):
        return request["path"].get(source.removeprefix("$request.path."))
    if source.startswith("$request.header."):
        return request["headers"].get(source.removeprefix("$request.header."))
    if source == "$request.body":
        return _pointed(json.loads(request.get("content") or "null"), pointer)
    return None


def _pointed(node: Any, pointer: str) -> Any:
    """RFC 6901 JSON pointer into ``node``; None where it names nothing."""
    for raw in pointer.split("/")[1:]:
        part = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            node = node.get(part) if isinstance(node, dict) else None
    return node


@pytest.fixture(scope="module")
def sweep() -> Any:
    with LiveServer(create_app()) as server:
        yield Sweep(server.url)


@pytest.mark.parametrize("op", [pytest.param(op, id=f"{op.api}-{op.id}") for op in ALL])
def test_every_answer_body_matches_its_content_type(sweep: Sweep, op: Operation) -> None:
    assert sweep.findings(op) == []


@pytest.mark.parametrize(
    ("api", "operation_id", "status"),
    [
        ("scim", "getUser", 304),
        ("scim", "getGroup", 304),
        ("scim", "deleteUser", 204),
        ("scim", "deleteGroup", 204),
        ("scim", "bulk", 200),
        ("admin", "delete_tenant", 204),
        ("vcf", "addExternalIdentityProvider", 201),
    ],
)
def test_the_sweep_reaches_the_answers_that_matter(sweep: Sweep, api: str, operation_id: str, status: int) -> None:
    """The checks above run on the no-content answers, not only on errors."""
    op = next(o for o in ALL if (o.api, o.id) == (api, operation_id))
    sweep.findings(op)
    assert status in sweep.statuses[(api, operation_id)]
