"""Where a request's time goes: cProfile of the app called in process, per scenario (issue 13, point 6).

Not a test, and not a timing (cProfile slows Python code several times; compare only shares of
one profile). Run from the repository root:

    python benchmarks/profile_requests.py [--requests 2000] [--validate-responses] [--only get] [--top 25]

It builds the app as ``idsync serve`` does (``create_app``), seeds 1,000 SCIM users through the app,
then calls the app directly as an ASGI server would (the scope uvicorn builds: no sockets, no HTTP
parsing) for ``GET /Users/{id}``, ``POST /Users`` and ``PATCH /Users/{id}``, and prints, per
scenario, the functions with the most own time and the most cumulative time.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import itertools
import json
import pstats
from collections.abc import Callable
from typing import Any

from mockserver.app import create_app

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
BEARER = (b"authorization", b"Bearer idsync-token")
SCIM_JSON = (b"content-type", b"application/scim+json")
USERS = "/scim/default/v2/Users"
Call = Callable[[int], tuple[str, str, list[tuple[bytes, bytes]], bytes]]


def scope(method: str, path: str, headers: list[tuple[bytes, bytes]], body: bytes) -> dict[str, Any]:
    """The HTTP scope uvicorn gives an app for this request (ASGI 3, HTTP/1.1, loopback)."""
    path_only, _, query = path.partition("?")
    sized = [(b"host", b"127.0.0.1:8080"), *headers]
    if body:
        sized.append((b"content-length", str(len(body)).encode()))
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "server": ("127.0.0.1", 8080),
        "client": ("127.0.0.1", 50000),
        "scheme": "http",
        "method": method,
        "root_path": "",
        "path": path_only,
        "raw_path": path_only.encode(),
        "query_string": query.encode(),
        "headers": sized,
        "state": {},
        "extensions": {},
    }


async def call(app: Any, method: str, path: str, headers: list[tuple[bytes, bytes]], body: bytes = b"") -> Any:
    """One request through the app; the status and the body, parsed."""
    sent = False
    out: dict[str, Any] = {"body": b""}

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            await asyncio.sleep(3600)
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            out["status"] = message["status"]
        else:
            out["body"] += message.get("body", b"")

    await app(scope(method, path, headers, body), receive, send)
    return out["status"], json.loads(out["body"]) if out["body"] else None


def scenarios(target: str) -> dict[str, Call]:
    names = itertools.count()

    def post(n: int) -> tuple[str, str, list[tuple[bytes, bytes]], bytes]:
        body = {"schemas": [USER], "userName": f"profile-{next(names)}@example.com"}
        return "POST", USERS, [BEARER, SCIM_JSON], json.dumps(body).encode()

    def patch(n: int) -> tuple[str, str, list[tuple[bytes, bytes]], bytes]:
        ops = [{"op": "replace", "path": "title", "value": f"title {n}"}]
        return (
            "PATCH",
            f"{USERS}/{target}",
            [BEARER, SCIM_JSON],
            json.dumps({"schemas": [PATCH], "Operations": ops}).encode(),
        )

    return {
        "get": lambda n: ("GET", f"{USERS}/{target}", [BEARER], b""),
        "post": post,
        "patch": patch,
    }


async def prepare(app: Any) -> str:
    ids = []
    for i in range(1000):
        body = json.dumps({"schemas": [USER], "userName": f"user{i:04d}@example.com"}).encode()
        status, answer = await call(app, "POST", USERS, [BEARER, SCIM_JSON], body)
        assert status == 201, answer
        ids.append(answer["id"])
    return ids[500]


async def drive(app: Any, make: Call, requests: int) -> None:
    for n in range(requests):
        method, path, headers, body = make(n)
        status, answer = await call(app, method, path, headers, body)
        assert status < 300, (status, answer)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--validate-responses", action="store_true")
    parser.add_argument("--only", help="one scenario: get, post or patch")
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    app = create_app(validate_responses=args.validate_responses)
    loop = asyncio.new_event_loop()
    target = loop.run_until_complete(prepare(app))
    for name, make in scenarios(target).items():
        if args.only and args.only != name:
            continue
        loop.run_until_complete(drive(app, make, 200))  # warm-up: per-operation caches
        profile = cProfile.Profile()
        profile.enable()
        loop.run_until_complete(drive(app, make, args.requests))
        profile.disable()
        print(f"\n===== {name}: {args.requests} requests =====")
        stats = pstats.Stats(profile).strip_dirs()
        stats.sort_stats("tottime").print_stats(args.top)
        stats.sort_stats("cumulative").print_stats(args.top)


if __name__ == "__main__":
    main()
