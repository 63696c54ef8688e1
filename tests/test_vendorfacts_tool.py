"""The maintainers' tool that derives vendor facts (``python -m tools.vendorfacts``) on small inputs.

``tests/test_vendor_contracts.py`` trusts the committed facts files; these tests check the rules the
tool applies when a maintainer regenerates them: grpc-gateway's HTTP mapping of a ``.proto`` and the
flattening of an OpenAPI document (``$ref``, ``allOf``, ``nullable``, a recursive schema).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

PROTO = """
syntax = "proto3";
package demo.v1;
import "google/api/annotations.proto";
import "google/api/field_behavior.proto";
import "google/protobuf/timestamp.proto";

service ThingService {
  rpc GetThing(GetThingRequest) returns (GetThingResponse) {
    option (google.api.http) = {get: "/api/v1/things/{thing_id}"};
  }
  rpc UpdateThing(UpdateThingRequest) returns (Thing) {
    option (google.api.http) = {patch: "/api/v1/things/{thing.thing_id}" body: "*"};
    option (grpc.gateway.protoc_gen_openapiv2.options.openapiv2_operation) = {operation_id: "Things_UpdateV2"};
  }
}
enum Kind { KIND_UNSPECIFIED = 0; KIND_BIG = 1; }
message Thing {
  string thing_id = 1;
  string display_name = 2 [(google.api.field_behavior) = REQUIRED];
  repeated Kind kinds = 3;
  message Part { uint32 part_count = 1; }
  Part part = 4;
  optional google.protobuf.Timestamp created_at = 5;
}
message GetThingRequest { string thing_id = 1; uint32 page_size = 2; repeated string tag_names = 3; }
message GetThingResponse { Thing thing = 1 [(google.api.field_behavior) = REQUIRED]; }
message UpdateThingRequest { Thing thing = 1; string update_mask = 2; }
"""

OPENAPI: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "demo", "version": "1"},
    "paths": {
        "/core/users/{id}/": {
            "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}],
            "get": {
                "operationId": "users_retrieve",
                "parameters": [
                    {
                        "name": "kind",
                        "in": "query",
                        "schema": {"type": "array", "items": {"$ref": "#/components/schemas/Kind"}},
                    }
                ],
                "responses": {
                    "200": {
                        "description": "",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/User"}}},
                    }
                },
            },
        },
        "/elsewhere/": {"get": {"operationId": "other", "responses": {"204": {"description": ""}}}},
    },
    "components": {
        "schemas": {
            "Kind": {"type": "string", "enum": ["b", "a"]},
            "User": {
                "type": "object",
                "required": ["pk"],
                "properties": {
                    "pk": {"type": "integer"},
                    "kind": {"allOf": [{"$ref": "#/components/schemas/Kind"}], "nullable": True},
                    "boss": {"$ref": "#/components/schemas/User"},
                },
            },
        }
    },
}


def derive(*args: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "tools.vendorfacts", *args], cwd=ROOT, capture_output=True, timeout=120
    )
    assert done.returncode == 0, done.stderr.decode()
    facts: dict[str, Any] = json.loads(done.stdout)
    return facts


def test_protos_follow_grpc_gateway_mapping(tmp_path: Path) -> None:
    (tmp_path / "demo.proto").write_text(PROTO, encoding="utf-8")
    facts = derive("sift", str(tmp_path), "--version", "t1")
    ops = {op["operationId"]: op for op in facts["operations"]}
    get, patch = ops["ThingService_GetThing"], ops["Things_UpdateV2"]
    assert get["path"] == "/api/v1/things/{thingId}"
    assert get["parameters"] == {
        "path thingId": {"type": "string", "required": True},
        "query pageSize": {"type": "integer", "format": "int64"},
        "query tagNames": {"type": "array", "items": {"type": "string"}},
    }
    assert get["request"] is None
    fields = get["responses"]["200"]["fields"]
    assert fields["thing"] == {"type": "object", "required": True}
    assert fields["thing.displayName"] == {"type": "string", "required": True}
    assert fields["thing.kinds[]"] == {"type": "string", "enum": ["KIND_BIG", "KIND_UNSPECIFIED"]}
    assert fields["thing.part.partCount"] == {"type": "integer", "format": "int64"}
    assert fields["thing.createdAt"] == {"type": "string", "format": "date-time"}
    assert get["responses"]["default"]["fields"]["code"] == {"type": "integer", "format": "int32"}
    assert patch["path"] == "/api/v1/things/{thing.thingId}"
    assert patch["request"]["required"] is False
    assert "thing.thingId" not in patch["request"]["fields"], "path-bound fields leave the body"
    assert patch["request"]["fields"]["updateMask"] == {"type": "string"}


def test_openapi_documents_are_flattened(tmp_path: Path) -> None:
    (tmp_path / "schema.json").write_text(json.dumps(OPENAPI), encoding="utf-8")
    facts = derive("authentik", str(tmp_path / "schema.json"), "--version", "9.9.9")
    assert facts["vendor"] == "authentik" and facts["version"] == "9.9.9"
    (op,) = facts["operations"]
    assert (op["method"], op["path"]) == ("get", "/core/users/{id}/")
    assert op["parameters"]["path id"] == {"type": "integer", "required": True}
    assert op["parameters"]["query kind"] == {"type": "array", "items": {"type": "string", "enum": ["a", "b"]}}
    fields = op["responses"]["200"]["fields"]
    assert fields["pk"] == {"type": "integer", "required": True}
    assert fields["kind"] == {"type": "string", "enum": ["a", "b"], "nullable": True}
    assert fields["boss"] == {"type": "object"}
    assert "boss.pk" not in fields, "a schema met again inside itself is listed, not entered"
    ours = derive("spec", str(tmp_path / "schema.json"), "--scope", "/core/users/")
    assert ours["operations"] == facts["operations"], "the same document gives the same facts either way"
