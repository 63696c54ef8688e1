"""Facts from ``.proto`` files served through grpc-gateway v2 (Sift: docs/vendor-facts.md B1).

The HTTP side of a gRPC method is its ``google.api.http`` rule; grpc-gateway's runtime and its
OpenAPI generator (protoc-gen-openapiv2, default options) give it this shape:

- path: the rule's template with each ``{field.path}`` in JSON names (``{userGroup.userGroupId}``);
- path parameters: the fields the template binds, required;
- query parameters (rules without ``body: "*"``): every other field of the request message, by
  JSON name, nested message fields dotted, repeated fields as arrays; ``required`` where the field
  is ``(google.api.field_behavior) = REQUIRED``;
- request body (``body: "*"``): the request message minus the path-bound fields, not required (the
  generated handler decodes an empty body as an empty message: ``io.EOF`` is not an error);
- responses: ``200`` the response message, ``default`` the ``rpcStatus`` error;
- types (protoc-gen-openapiv2): ``int32`` integer/int32, ``uint32`` integer/int64, 64-bit integers
  strings, ``bool`` boolean, ``bytes`` string/byte, enums strings with their value names,
  ``google.protobuf.Timestamp`` string/date-time, ``FieldMask`` string, messages objects;
- operationId: the ``openapiv2_operation`` option's ``operation_id``, else ``<Service>_<Method>``.

Parsing is proto-schema-parser's (a complete ``.proto`` grammar); this module only walks the tree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from proto_schema_parser import ast
from proto_schema_parser.parser import Parser

from tools.vendorfacts.facts import Fact, Operation, fact

HTTP_RULE = "(google.api.http)"
BEHAVIOR = "(google.api.field_behavior)"
OPENAPI_OPERATION = "(grpc.gateway.protoc_gen_openapiv2.options.openapiv2_operation)"
SCALARS: dict[str, tuple[str, str | None]] = {
    "double": ("number", "double"),
    "float": ("number", "float"),
    "int32": ("integer", "int32"),
    "sint32": ("integer", "int32"),
    "sfixed32": ("integer", "int32"),
    "uint32": ("integer", "int64"),
    "fixed32": ("integer", "int64"),
    "int64": ("string", "int64"),
    "sint64": ("string", "int64"),
    "sfixed64": ("string", "int64"),
    "uint64": ("string", "uint64"),
    "fixed64": ("string", "uint64"),
    "bool": ("boolean", None),
    "string": ("string", None),
    "bytes": ("string", "byte"),
}
WELL_KNOWN: dict[str, tuple[str, str | None]] = {
    "google.protobuf.Timestamp": ("string", "date-time"),
    "google.protobuf.Duration": ("string", None),
    "google.protobuf.FieldMask": ("string", None),
    "google.protobuf.Struct": ("object", None),
    "google.protobuf.Empty": ("object", None),
}
RPC_STATUS: dict[str, Fact] = {
    "": fact("object"),
    "code": fact("integer", format_="int32"),
    "message": fact("string"),
    "details": fact("array"),
    "details[]": fact("object"),
    "details[].@type": fact("string"),
}


def json_name(name: str) -> str:
    """protoc's default JSON name: underscores dropped, the following letter upper-cased."""
    return re.sub(r"_([a-z0-9])", lambda m: m[1].upper(), name)


@dataclass
class Protos:
    """Every message and enum of a directory of ``.proto`` files by full name, and its services."""

    messages: dict[str, list[ast.Field]] = field(default_factory=dict)
    enums: dict[str, list[str]] = field(default_factory=dict)
    services: list[tuple[str, str, ast.Service]] = field(default_factory=list)

    @classmethod
    def load(cls, root: Path) -> Protos:
        protos = cls()
        for path in sorted(root.rglob("*.proto")):
            tree = Parser().parse(path.read_text(encoding="utf-8"))
            package = next((e.name for e in tree.file_elements if isinstance(e, ast.Package)), "")
            protos._add(package, tree.file_elements)
        return protos

    def _add(self, scope: str, elements: list[Any]) -> None:
        for element in elements:
            name = f"{scope}.{getattr(element, 'name', '')}".lstrip(".")
            if isinstance(element, ast.Message):
                self.messages[name] = [e for e in element.elements if isinstance(e, ast.Field)]
                self._add(name, element.elements)
            elif isinstance(element, ast.Enum):
                self.enums[name] = [e.name for e in element.elements if isinstance(e, ast.EnumValue)]
            elif isinstance(element, ast.Service):
                self.services.append((scope, element.name, element))

    def resolve(self, type_name: str, scope: str) -> str:
        """The full name a type reference means inside ``scope`` (protobuf scoping: innermost first)."""
        if type_name.startswith("."):
            return type_name[1:]
        parts = scope.split(".")
        for i in range(len(parts), -1, -1):
            candidate = ".".join([*parts[:i], type_name])
            if candidate in self.messages or candidate in self.enums:
                return candidate
        return type_name


def operations(protos: Protos) -> list[Operation]:
    """One operation per method with an HTTP rule, in every service."""
    found = []
    for package, service_name, service in protos.services:
        for method in (e for e in service.elements if isinstance(e, ast.Method)):
            rule = _option(method, HTTP_RULE)
            if rule is not None:
                found.append(_operation(protos, package, service_name, method, rule))
    return found


def _operation(protos: Protos, package: str, service: str, method: ast.Method, rule: dict[str, Any]) -> Operation:
    verb = next(k for k in ("get", "put", "post", "delete", "patch") if k in rule)
    request = protos.resolve(method.input_type.type, package)
    response = protos.resolve(method.output_type.type, package)
    bound = re.findall(r"\{([^}=]+)", str(rule[verb]))
    params = {f"path {_json_path(b)}": {**_field_fact(protos, request, b), "required": True} for b in bound}
    body = rule.get("body")
    request_fields = _fields(protos, request, exclude=bound)
    if body != "*":
        params.update(_query(protos, request, request_fields))
    naming = _option(method, OPENAPI_OPERATION) or {}
    return {
        "method": verb,
        "path": re.sub(r"\{([^}=]+)(=[^}]*)?\}", lambda m: "{" + _json_path(m[1]) + "}", str(rule[verb])),
        "operationId": naming.get("operation_id") or f"{service}_{method.name}",
        "parameters": params,
        "request": {"required": False, "media": ["application/json"], "fields": request_fields}
        if body == "*"
        else None,
        "responses": {
            "200": {"media": ["application/json"], "fields": _fields(protos, response)},
            "default": {"media": ["application/json"], "fields": dict(RPC_STATUS)},
        },
    }


def _query(protos: Protos, message: str, fields: dict[str, Fact]) -> dict[str, Fact]:
    """Query parameters: leaf fields by dotted JSON path; repeated ones as arrays of their items."""
    params: dict[str, Fact] = {}
    for path, entry in fields.items():
        if not path or path.endswith("[]") or "[]" in path or entry["type"] == "object":
            continue
        param = dict(entry)
        if param["type"] == "array":
            param["items"] = {k: v for k, v in fields[f"{path}[]"].items() if k != "required"}
        params[f"query {path}"] = param
    return params


def _fields(protos: Protos, message: str, exclude: list[str] | None = None) -> dict[str, Fact]:
    out: dict[str, Fact] = {"": fact("object")}
    _walk(protos, message, "", out, (message,))
    for path in exclude or []:
        json_path = _json_path(path)
        for key in [k for k in out if k == json_path or k.startswith(json_path + ".")]:
            del out[key]
    return out


def _walk(protos: Protos, message: str, prefix: str, out: dict[str, Fact], seen: tuple[str, ...]) -> None:
    for item in protos.messages.get(message, []):
        path = f"{prefix}.{json_name(item.name)}" if prefix else json_name(item.name)
        target = protos.resolve(item.type, message)
        entry = _type_fact(protos, target)
        required = _behavior(item) == "REQUIRED"
        if item.cardinality == ast.FieldCardinality.REPEATED:
            out[path] = fact("array", required=required)
            out[path + "[]"] = entry
            item_path = path + "[]"
        else:
            out[path] = {**entry, **({"required": True} if required else {})}
            item_path = path
        if target in protos.messages and target not in seen:
            _walk(protos, target, item_path, out, (*seen, target))


def _type_fact(protos: Protos, target: str) -> Fact:
    if target in SCALARS:
        return fact(SCALARS[target][0], format_=SCALARS[target][1])
    if target in WELL_KNOWN:
        return fact(WELL_KNOWN[target][0], format_=WELL_KNOWN[target][1])
    if target in protos.enums:
        return fact("string", enum=protos.enums[target])
    return fact("object")


def _field_fact(protos: Protos, message: str, dotted: str) -> Fact:
    """The fact of the field a path template binds (``user_group.user_group_id``)."""
    for part in dotted.split("."):
        item = next(f for f in protos.messages[message] if f.name == part)
        target = protos.resolve(item.type, message)
        message = target
    return _type_fact(protos, message)


def _json_path(dotted: str) -> str:
    return ".".join(json_name(p) for p in dotted.split("."))


def _behavior(item: ast.Field) -> str:
    for option in item.options:
        if option.name == BEHAVIOR:
            return str(getattr(option.value, "name", option.value))
    return ""


def _option(method: ast.Method, name: str) -> dict[str, Any] | None:
    """A message-literal option of a method as a plain dict (``{"get": "/api/...", "body": "*"}``)."""
    for element in method.elements:
        if isinstance(element, ast.Option) and element.name == name:
            literal = element.value
            return {f.name: f.value for f in getattr(literal, "elements", [])}
    return None
