"""Requests built from the specs and the hostile-input corpus (``tests/hostile/``).

For every operation of every API: each body of ``bodies.yaml`` and each ``Content-Type`` of
``content_types.yaml`` where the operation takes a body, each id of ``ids.yaml`` in each path
parameter, each value of ``queries.yaml`` in each query parameter, each header set of
``headers.yaml``. Everything else in the request is plausible (the spec's example body, a seeded
id, the API's own credentials), so each request probes one hostile input at a time. Requests are
raw (method, target bytes, header pairs, body bytes): nothing normalises ``..`` or ``%zz`` on the way.
"""

from __future__ import annotations

import base64
import functools
import json
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import yaml

from mockserver.apis.registry import APIS
from mockserver.app import spec_base_path
from tests.specs_walk import all_specs, operations, resolve

CORPUS = Path(__file__).parent / "hostile"
BASIC = b"Basic " + base64.b64encode(b"admin:admin")
BEARER = b"Bearer idsync-token"
#: Path parameter values that name something the default seed has (others get "1").
PLAUSIBLE = {
    ("scim", "tenant"): "default",
    ("stackspot", "tenant"): "acme",
    ("resolution", "connectorId"): "7df9fd3f-793f-4595-b415-b839b76b0018",
    ("resolution", "directoryId"): "10100",
    ("admin", "name"): "default",
}
#: Operations whose success starts background work that writes later: header probes that keep
#: valid credentials would start it, and its later writes would look like a rejected request's.
BACKGROUND = frozenset({"start_sync", "sync_single_user"})


@dataclass(frozen=True)
class Case:
    """One request of the campaign."""

    api: str
    operation: str
    probe: str
    method: str
    target: bytes
    headers: tuple[tuple[bytes, bytes], ...]
    body: bytes = b""

    def __str__(self) -> str:
        return f"{self.api} {self.operation} [{self.probe}] {self.method} {self.target[:120]!r}"


@functools.cache
def _entries(name: str) -> tuple[dict[str, Any], ...]:
    return tuple(yaml.safe_load((CORPUS / name).read_text(encoding="utf-8")))


def load(name: str, full: bool) -> list[dict[str, Any]]:
    """The entries of one corpus file (``full: true`` ones only in the full campaign)."""
    return [e for e in _entries(name) if full or not e.get("full")]


def value(entry: dict[str, Any]) -> bytes:
    """The bytes an entry stands for (``text``, ``hex`` or ``repeat``; placeholders expanded)."""
    return _value(json.dumps(entry, sort_keys=True))


@functools.cache
def _value(key: str) -> bytes:
    entry = json.loads(key)
    if "hex" in entry:
        return bytes.fromhex(entry["hex"].replace(" ", ""))
    if "repeat" in entry:
        prefix, times, suffix, middle = entry["repeat"]
        return str(prefix * times + middle + suffix * times).encode()
    text: str = entry.get("text", "")
    text = text.replace("LONG", "a" * entry.get("long", 0)).replace("HUGE", "a" * entry.get("huge", 0))
    if "MANYKEYS" in text:
        text = text.replace("MANYKEYS", json.dumps({f"k{i}": i for i in range(100_000)}))
    text = text.replace("MANYOPS", " or ".join(["userName pr"] * 300))
    return text.encode("utf-8", "surrogatepass")


class Operation:
    """One operation of one API, with what a plausible request to it looks like."""

    def __init__(self, api: str, spec: dict[str, Any], method: str, template: str, op: dict[str, Any]) -> None:
        self.api, self.spec, self.method, self.template, self.op = api, spec, method.upper(), template, op
        item = spec["paths"][template]
        self.params = [resolve(spec, p) for p in [*(item.get("parameters") or []), *(op.get("parameters") or [])]]
        mount = next(a for a in APIS if a.name == api)
        self.base = mount.prefix + spec_base_path(spec)
        self.request_body = resolve(spec, op.get("requestBody"))

    @property
    def name(self) -> str:
        return str(self.op.get("operationId", f"{self.method} {self.template}"))

    def target(self, replace: tuple[str, bytes] | None = None, query: bytes = b"") -> bytes:
        path = self.template
        for p in self.params:
            if p["in"] == "path":
                plain = quote(PLAUSIBLE.get((self.api, p["name"]), "1"), safe="")
                raw = replace[1].decode("latin-1") if replace and replace[0] == p["name"] else plain
                path = path.replace("{" + p["name"] + "}", raw)
        return (self.base + path).encode("latin-1") + (b"?" + query if query else b"")

    def credentials(self) -> tuple[bytes, bytes]:
        return (b"authorization", BASIC if self.api == "resolution" else BEARER)

    def required_headers(self) -> list[tuple[bytes, bytes]]:
        """Plausible values for required header parameters (StackSpot's ``X-Tenant-Id``)."""
        return [(p["name"].lower().encode(), b"acme") for p in self.params if p["in"] == "header" and p.get("required")]

    def example_body(self) -> bytes:
        """The spec's first example of the JSON body, else ``{}``."""
        media = next(iter((self.request_body or {}).get("content", {}).values()), {})
        examples = [resolve(self.spec, e).get("value") for e in (media.get("examples") or {}).values()]
        example = next((e for e in examples if e is not None), media.get("example", {}))
        return json.dumps(example).encode()

    def case(self, probe: str, target: bytes, headers: list[tuple[bytes, bytes]], body: bytes = b"") -> Case:
        return Case(self.api, self.name, probe, self.method, target, tuple(headers), body)


@functools.cache
def _specs() -> dict[str, dict[str, Any]]:
    return all_specs()


def operations_of(api: str) -> list[Operation]:
    spec = _specs()[api]
    return [Operation(api, spec, method, path, op) for method, path, op in operations(spec)]


def body_cases(op: Operation, full: bool) -> list[Case]:
    if not op.request_body:
        return []
    base = [op.credentials(), *op.required_headers()]
    cases = [
        op.case(f"body:{e['name']}", op.target(), [*base, (b"content-type", b"application/json")], value(e))
        for e in load("bodies.yaml", full)
    ]
    for e in load("content_types.yaml", full):
        typed = [] if e["content_type"] is None else [(b"content-type", e["content_type"].encode())]
        cases.append(op.case(f"content-type:{e['name']}", op.target(), [*base, *typed], op.example_body()))
    return cases


def id_cases(op: Operation, full: bool) -> list[Case]:
    base = [op.credentials(), *op.required_headers()]
    typed = [(b"content-type", b"application/json")] if op.request_body else []
    return [
        op.case(
            f"id:{p['name']}:{e['name']}",
            op.target((p["name"], value(e))),
            [*base, *typed],
            op.example_body() if typed else b"",
        )
        for p in op.params
        if p["in"] == "path"
        for e in load("ids.yaml", full)
    ]


def query_cases(op: Operation, full: bool) -> list[Case]:
    base = [op.credentials(), *op.required_headers()]
    typed = [(b"content-type", b"application/json")] if op.request_body else []
    body = op.example_body() if typed else b""
    cases = []
    for p in op.params:
        if p["in"] != "query":
            continue
        for e in load("queries.yaml", full):
            raw = value(e) if e.get("raw") else quote(value(e).decode("utf-8", "surrogatepass"), safe="").encode()
            query = quote(p["name"]).encode() + b"=" + raw
            cases.append(op.case(f"query:{p['name']}:{e['name']}", op.target(query=query), [*base, *typed], body))
    return cases


def header_cases(op: Operation, full: bool) -> list[Case]:
    typed = [(b"content-type", b"application/json")] if op.request_body else []
    body = op.example_body() if typed else b""
    cases = []
    for e in load("headers.yaml", full):
        if e.get("keep_auth") and op.name in BACKGROUND:
            continue
        headers = [op.credentials()] if e.get("keep_auth") else []
        headers += [h for h in op.required_headers() if h[0] not in {k.lower().encode() for k in e["headers"]}]
        for key, given in e["headers"].items():
            for one in given if isinstance(given, list) else [given]:
                text = str(one).replace("LONG", "a" * e.get("long", 0))
                headers.append((key.lower().encode(), text.encode("latin-1")))
        cases.append(op.case(f"header:{e['name']}", op.target(), [*headers, *typed], body))
    return cases


class RawClient:
    """HTTP/1.1 over one keep-alive socket, sending exactly the bytes of a :class:`Case`.

    Client libraries refuse much of the corpus (trailing spaces in headers, ``..`` or ``%zz``
    in targets), so requests are written by hand; answers are read by ``Content-Length``.
    """

    def __init__(self, port: int, timeout: float = 30.0) -> None:
        self.port, self.timeout = port, timeout
        self.sock: socket.socket | None = None
        self.buffer = b""

    def request(
        self, method: str, target: bytes, headers: Iterable[tuple[bytes, bytes]], body: bytes = b""
    ) -> tuple[int, dict[bytes, bytes], bytes]:
        """``(status, headers, body)``; status 0 when the server closed without a whole answer."""
        head = [method.encode() + b" " + target + b" HTTP/1.1", b"host: 127.0.0.1:%d" % self.port]
        head += [k + b": " + v for k, v in headers]
        if body or method in ("POST", "PUT", "PATCH"):
            head.append(b"content-length: %d" % len(body))
        try:
            sock = self._connect()
            sock.sendall(b"\r\n".join(head) + b"\r\n\r\n" + body)
            return self._answer(method)
        except OSError as exc:
            self.close()
            return 0, {}, str(exc).encode()

    def _connect(self) -> socket.socket:
        if self.sock is None:
            self.sock = socket.create_connection(("127.0.0.1", self.port), timeout=self.timeout)
            self.buffer = b""
        return self.sock

    def _read_until(self, marker: bytes) -> bytes:
        while marker not in self.buffer:
            chunk = self.sock.recv(65536) if self.sock else b""
            if not chunk:
                raise ConnectionError("closed before a whole answer")
            self.buffer += chunk
        found, _, self.buffer = self.buffer.partition(marker)
        return found

    def _read_exactly(self, size: int) -> bytes:
        while len(self.buffer) < size:
            chunk = self.sock.recv(65536) if self.sock else b""
            if not chunk:
                raise ConnectionError("closed before a whole answer")
            self.buffer += chunk
        data, self.buffer = self.buffer[:size], self.buffer[size:]
        return data

    def _answer(self, method: str) -> tuple[int, dict[bytes, bytes], bytes]:
        lines = self._read_until(b"\r\n\r\n").split(b"\r\n")
        status = int(lines[0].split()[1])
        headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(b":") for line in lines[1:])}
        size = 0 if method == "HEAD" or status in (204, 304) else int(headers.get(b"content-length", b"0"))
        body = self._read_exactly(size)
        if headers.get(b"connection", b"").lower() == b"close":
            self.close()
        return status, headers, body

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
        self.sock = None


def cases_for(api: str, full: bool = False) -> list[Case]:
    """Every request of the campaign against ``api``."""
    found: list[Case] = []
    for op in operations_of(api):
        for build in (body_cases, id_cases, query_cases, header_cases):
            found.extend(build(op, full))
    return found
