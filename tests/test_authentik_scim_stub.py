"""A tiny recording SCIM 2.0 server (RFC 7644) for authentik push tests, and its own checks.

authentik's provider pushes to any SCIM target; this stub records every request it gets, so
tests can assert the exact requests authentik sends (docs/vendor-facts.md A8), independently of the
full SCIM directory. Served for real with ``LiveServer``.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from mockserver.server import LiveServer

TOKEN = "stub-token"
SCIM = "application/scim+json"


class ScimStub:
    """In-memory users/groups plus ``requests``: ``(method, path, query, body, headers)``."""

    def __init__(self, *, patch: bool = True, filter_supported: bool = True) -> None:
        self.patch = patch
        self.filter_supported = filter_supported
        self.users: dict[str, dict[str, Any]] = {}
        self.groups: dict[str, dict[str, Any]] = {}
        self.requests: list[dict[str, Any]] = []
        self.fail_status: int | None = None
        routes = [
            Route("/scim/v2/ServiceProviderConfig", self.spc),
            Route("/scim/v2/{kind}", self.collection, methods=["GET", "POST"]),
            Route("/scim/v2/{kind}/{rid}", self.item, methods=["GET", "PUT", "PATCH", "DELETE"]),
        ]
        self.app = Starlette(routes=routes)

    def writes(self) -> list[tuple[str, str]]:
        return [(r["method"], r["path"]) for r in self.requests if r["method"] != "GET"]

    async def _record(self, request: Request) -> Response | None:
        raw = await request.body()
        self.requests.append(
            {
                "method": request.method,
                "path": request.url.path.removeprefix("/scim/v2"),
                "query": dict(request.query_params),
                "body": json.loads(raw) if raw else None,
                "headers": dict(request.headers),
            }
        )
        if request.headers.get("authorization") != f"Bearer {TOKEN}":
            return _error(401, "Unauthorized")
        if self.fail_status and request.url.path != "/scim/v2/ServiceProviderConfig":
            return _error(self.fail_status, f"forced {self.fail_status}")
        return None

    async def spc(self, request: Request) -> Response:
        return await self._record(request) or JSONResponse(
            {
                "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
                "patch": {"supported": self.patch},
                "filter": {"supported": self.filter_supported, "maxResults": 200},
                "bulk": {"supported": False, "maxOperations": 0, "maxPayloadSize": 0},
                "changePassword": {"supported": False},
                "sort": {"supported": False},
                "etag": {"supported": False},
                "authenticationSchemes": [],
            },
            media_type=SCIM,
        )

    def _store(self, kind: str) -> dict[str, dict[str, Any]]:
        return self.users if kind == "Users" else self.groups

    async def collection(self, request: Request) -> Response:
        if denied := await self._record(request):
            return denied
        store, kind = self._store(request.path_params["kind"]), request.path_params["kind"]
        if request.method == "GET":
            found = [r for r in store.values() if _matches(r, request.query_params.get("filter"))]
            return JSONResponse(
                {"totalResults": len(found), "Resources": found, "startIndex": 1, "itemsPerPage": len(found)}
            )
        body = json.loads(await request.body())
        key = "userName" if kind == "Users" else "displayName"
        if any(r[key] == body[key] for r in store.values()):
            return _error(409, f"{key} already exists")
        rid = str(uuid.uuid4())
        store[rid] = {**body, "id": rid, **({"members": body.get("members", [])} if kind == "Groups" else {})}
        return JSONResponse(store[rid], status_code=201, media_type=SCIM)

    async def item(self, request: Request) -> Response:
        if denied := await self._record(request):
            return denied
        store, rid = self._store(request.path_params["kind"]), request.path_params["rid"]
        if rid not in store:
            return _error(404, "Resource not found")
        if request.method == "DELETE":
            del store[rid]
            return Response(status_code=204)
        if request.method == "PUT":
            body = json.loads(await request.body())
            store[rid] = {**body, "id": rid, **({"members": body.get("members", [])} if "displayName" in body else {})}
        if request.method == "PATCH":
            for op in json.loads(await request.body())["Operations"]:
                _apply(store[rid], op)
        return JSONResponse(store[rid], media_type=SCIM)


def _apply(resource: dict[str, Any], op: dict[str, Any]) -> None:
    """RFC 7644 §3.5.2: ``add``/``remove`` on ``members``, ``replace`` without a path."""
    if op.get("path") == "members":
        values = [v["value"] for v in op["value"]]
        members = [m for m in resource["members"] if m["value"] not in values]
        resource["members"] = members + ([{"value": v} for v in values] if op["op"] == "add" else [])
    elif op["op"] == "replace" and "path" not in op:
        resource.update({k: v for k, v in op["value"].items() if k not in ("id", "members")})


def _matches(resource: dict[str, Any], scim_filter: str | None) -> bool:
    if not scim_filter:
        return True
    attr, _, value = scim_filter.partition(" eq ")
    return str(resource.get(attr)) == value.strip('"')


def _error(status: int, detail: str) -> JSONResponse:
    body = {"schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"], "status": str(status), "detail": detail}
    return JSONResponse(body, status_code=status, media_type=SCIM)


@pytest.fixture
def scim_stub() -> Iterator[tuple[ScimStub, str]]:
    """A live stub and the provider ``url`` pointing at it."""
    stub = ScimStub()
    with LiveServer(stub.app) as server:
        yield stub, f"{server.url}/scim/v2"


def test_stub_speaks_scim(scim_stub: tuple[ScimStub, str]) -> None:
    stub, url = scim_stub
    auth = {"Authorization": f"Bearer {TOKEN}"}
    created = httpx.post(f"{url}/Groups", json={"displayName": "g"}, headers=auth).json()
    patch = {"Operations": [{"op": "add", "path": "members", "value": [{"value": "u1"}]}]}
    httpx.patch(f"{url}/Groups/{created['id']}", json=patch, headers=auth)
    assert httpx.get(f"{url}/Groups/{created['id']}", headers=auth).json()["members"] == [{"value": "u1"}]
    assert httpx.get(f"{url}/Groups/{created['id']}").status_code == 401
    assert stub.writes() == [("POST", "/Groups"), ("PATCH", f"/Groups/{created['id']}")]
