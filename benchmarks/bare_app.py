"""The baseline of ``http_bench.py``: bare Starlette on uvicorn serving the same JSON, no spec (the ceiling).

It answers the benchmark's requests at idsync's own paths with the bodies idsync gave for them
(``--templates FILE``, written by the benchmark): it checks the bearer token, parses a JSON
request body and encodes the answer, and nothing else: no state, no validation, no journal.

    python benchmarks/bare_app.py --port 8090 --templates answers.json
"""

from __future__ import annotations

import argparse
import json
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

TOKEN = "Bearer idsync-token"


def build(templates: dict[str, Any]) -> Starlette:
    """One route per benchmark scenario, answering that scenario's idsync body."""

    def answer(name: str, status: int, media: str) -> Any:
        async def endpoint(request: Request) -> Response:
            if request.headers.get("authorization") != TOKEN:
                return Response(b'{"detail": "unauthorized"}', 401, media_type=media)
            body = dict(templates[name])
            if request.method in ("POST", "PATCH"):
                sent = json.loads(await request.body())
                if "userName" in sent:
                    body["userName"] = sent["userName"]
            return Response(json.dumps(body).encode(), status, media_type=media)

        return endpoint

    scim = "application/scim+json"
    return Starlette(
        routes=[
            Route("/scim/default/v2/Users/{id}", answer("get", 200, scim), methods=["GET"], name="get"),
            Route("/scim/default/v2/Users/{id}", answer("patch", 200, scim), methods=["PATCH"], name="patch"),
            Route("/scim/default/v2/Users", answer("post", 201, scim), methods=["POST"], name="post"),
            Route("/scim/default/v2/Users", answer("list", 200, scim), methods=["GET"], name="list"),
            Route("/sift/api/v1/external-sync", answer("sift", 200, "application/json"), methods=["POST"]),
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--templates", required=True, help="JSON file: scenario name -> idsync's answer body")
    args = parser.parse_args()
    with open(args.templates, encoding="utf-8") as fh:
        templates = json.load(fh)
    uvicorn.run(build(templates), host="127.0.0.1", port=args.port, log_level="warning", lifespan="off")


if __name__ == "__main__":
    main()
