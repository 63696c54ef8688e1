"""Compiled validators for Connexion's ``validator_map``: each schema compiled once, checked in Rust.

Connexion 3 builds a new ``Draft4Validator`` (with a deep copy of the parameter schema) for every
parameter of every request, and a new body validator for every body (issue 13's profile: the
path-level parameters of an operation were validated six times per request, because Connexion
appends them to the operation's shared parameter list once per middleware). The classes here are
what Connexion lets an app supply instead (``AsyncApp(validator_map=...)``, docs/tooling.md): they
compile each distinct schema once with ``jsonschema_rs`` and validate each distinct parameter once
(docs/tooling.md §8.4).

The verdict stays Connexion's own. A schema is compiled only when every keyword in it means the
same in ``jsonschema_rs`` as in Connexion's validators (OpenAPI ``nullable`` and ``writeOnly``
rewritten into plain Draft 4, ``format`` delegated to jsonschema's own format checker, ``pattern``
searched with Python's ``re`` like jsonschema does); anything else keeps the Python validator,
built once. Whenever the fast check says "invalid", the request is handed to Connexion's original
validation code, so every error status, message and body is exactly Connexion's.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import jsonschema_rs
from connexion.datastructures import MediaTypeDict
from connexion.json_schema import Draft4RequestValidator, Draft4ResponseValidator, Draft4Validator
from connexion.lifecycle import ConnexionRequest
from connexion.utils import is_null, is_nullable
from connexion.validators import (
    FormDataValidator,
    JSONRequestBodyValidator,
    JSONResponseBodyValidator,
    MultiPartFormDataValidator,
    ParameterValidator,
    TextResponseBodyValidator,
)

from mockserver.http.middleware import SCOPE_JSON
from mockserver.http.requests import ParsedRequest, RawHeaders, scope_request

FORMAT_CHECKER = Draft4Validator.FORMAT_CHECKER
#: Keywords whose Draft 4 meaning is the same in jsonschema_rs and in jsonschema (Connexion's engine).
SAME_MEANING = frozenset(
    {
        "type", "enum", "required", "minItems", "maxItems", "minLength", "maxLength", "minimum",
        "maximum", "exclusiveMinimum", "exclusiveMaximum", "minProperties", "maxProperties", "format",
    }
)  # fmt: skip
#: Annotations: no validator in Connexion's Draft 4 request/parameter validators.
ANNOTATIONS = frozenset(
    {
        "description", "title", "example", "examples", "default", "deprecated", "readOnly", "writeOnly",
        "externalDocs", "xml", "discriminator", "components", "nullable", "x-nullable", "x-writeOnly",
    }
)  # fmt: skip
SUBSCHEMA_LISTS = ("allOf", "anyOf", "oneOf")
PATTERN = "x-idsync-python-pattern"


class Unsupported(Exception):
    """The schema uses a keyword whose meaning could differ between the two engines."""


class PythonPattern:
    """``pattern`` as jsonschema checks it: ``re.search`` on strings (JSON Schema Draft 4 §5.2.3)."""

    def __init__(self, parent_schema: dict[str, Any], value: str, schema_path: list[str | int]) -> None:
        self.regex = re.compile(value)

    def validate(self, instance: Any) -> None:
        if isinstance(instance, str) and not self.regex.search(instance):
            raise ValueError(f"{instance!r} does not match {self.regex.pattern!r}")


def plain_draft4(schema: dict[str, Any], mode: str, formats: set[str]) -> dict[str, Any]:
    """``schema`` in plain Draft 4 for jsonschema_rs, as Connexion's validator for ``mode`` reads it.

    ``mode`` is ``parameter`` (plain Draft 4), ``request`` (OpenAPI 3.0 ``nullable``) or
    ``response`` (``nullable``, and any ``writeOnly`` property present is an error). Raises
    :class:`Unsupported` for a keyword outside :data:`SAME_MEANING`.
    """
    if mode == "response" and ("writeOnly" in schema or "x-writeOnly" in schema):
        return {"not": {}}
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key in SAME_MEANING:
            out[key] = value
        elif key == "pattern":
            out[PATTERN] = value
        elif key == "properties":
            out[key] = {name: plain_draft4(sub, mode, formats) for name, sub in value.items()}
        elif key in ("items", "additionalProperties", "not"):
            out[key] = value if isinstance(value, bool) else _sub(value, mode, formats)
        elif key in SUBSCHEMA_LISTS:
            out[key] = [plain_draft4(sub, mode, formats) for sub in value]
        elif key not in ANNOTATIONS and not key.startswith("x-"):
            raise Unsupported(key)
    if "format" in out:
        formats.add(str(out["format"]))
    if mode != "parameter" and (schema.get("x-nullable") is True or schema.get("nullable")):
        _allow_null(out)
    return out


def _sub(value: Any, mode: str, formats: set[str]) -> Any:
    if isinstance(value, list):
        return [plain_draft4(sub, mode, formats) for sub in value]
    return plain_draft4(value, mode, formats)


def _allow_null(out: dict[str, Any]) -> None:
    """Connexion's ``allow_nullable``: a nullable schema's ``type`` and ``enum`` accept ``null``."""
    if "type" in out:
        types = out["type"] if isinstance(out["type"], list) else [out["type"]]
        out["type"] = [*types, "null"]
    if "enum" in out:
        out["enum"] = [*out["enum"], None]


def _format_check(name: str) -> Callable[[str], bool]:
    return lambda value: FORMAT_CHECKER.conforms(value, name)


class CompiledSchema:
    """One schema, compiled once: ``is_valid`` agrees with Connexion's validator for ``mode``."""

    PYTHON_VALIDATORS: dict[str, Any] = {
        "parameter": Draft4Validator,
        "request": Draft4RequestValidator,
        "response": Draft4ResponseValidator,
    }

    def __init__(self, schema: dict[str, Any], mode: str) -> None:
        self.schema = schema
        formats: set[str] = set()
        self._check: Callable[[Any], bool]
        try:
            fast = plain_draft4(schema, mode, formats)
            self._check = jsonschema_rs.Draft4Validator(
                fast,
                formats={name: _format_check(name) for name in formats},
                validate_formats=True,
                keywords={PATTERN: PythonPattern},
            ).is_valid
        except Exception:  # Unsupported, or a schema Rust will not compile: Connexion's engine, built once
            self._check = self.PYTHON_VALIDATORS[mode](schema, format_checker=FORMAT_CHECKER).is_valid

    def is_valid(self, instance: Any) -> bool:
        """True only if Connexion's validator would accept ``instance``."""
        try:
            return bool(self._check(instance))
        except Exception:  # a value Rust cannot take (e.g. a non-JSON type): let Connexion judge
            return False


class SchemaCache:
    """Compiled schemas by the identity of the schema object Connexion hands over (it passes the same
    dict for an operation on every request). Bounded, and holding each schema, so an id is never
    reused while its entry lives."""

    def __init__(self, size: int = 8192) -> None:
        self.size = size
        self._entries: OrderedDict[tuple[int, str], CompiledSchema] = OrderedDict()

    def get(self, schema: dict[str, Any], mode: str) -> CompiledSchema:
        key = (id(schema), mode)
        found = self._entries.get(key)
        if found is None or found.schema is not schema:
            found = self._entries[key] = CompiledSchema(schema, mode)
            if len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return found


SCHEMAS = SchemaCache()
#: ASGI scope key: ``(uri_parser, path_params, query_params)`` of a request whose parameters passed.
SCOPE_PARAMETERS = "idsync.parameters"
_MISSING = object()


class CompiledParameterValidator(ParameterValidator):
    """Connexion's ``ParameterValidator`` with a compiled plan: each distinct parameter checked once.

    Built once per operation (:class:`mockserver.http.prepared.PreparedRequestValidation`); the plan
    (which parameters, their compiled schemas) is kept with the operation's parameter list.
    Strictness (``strict_validation``, per API) is applied exactly as Connexion applies it.
    """

    def __init__(
        self,
        parameters: list[dict[str, Any]],
        uri_parser: Any,
        strict_validation: bool = False,
        security_query_params: list[str] | None = None,
    ) -> None:
        self._given = parameters
        self.uri_parser = uri_parser
        self.strict_validation = strict_validation
        self.security_query_params = set(security_query_params or [])

    def validate(self, scope: dict[str, Any]) -> None:
        """Accept at once when every check passes; otherwise Connexion's own code names the error.

        The path and query parameters as this validator's URI parser resolved them are left in the
        scope (:data:`SCOPE_PARAMETERS`), so the handler's request need not resolve them again."""
        request = ParsedRequest.from_starlette_request(scope_request(scope), uri_parser=self.uri_parser)
        if not self._passes(request):
            given = (self._given, self.uri_parser, self.strict_validation, self.security_query_params)
            ParameterValidator(*given).validate_request(request)
        scope[SCOPE_PARAMETERS] = (self.uri_parser, request.path_params, request.query_params)

    def _passes(self, request: ConnexionRequest) -> bool:
        plan = PLANS.get(self._given)
        if self.strict_validation and set(request.query_params) - plan.query_names - self.security_query_params:
            return False
        sources: dict[str, Any] = {}
        for where, key, nullable, required, schema in plan.checks:
            source = sources.get(where)
            if source is None:
                source = sources[where] = _source(request, where)
            value = source.get(key)
            if nullable and is_null(value):
                continue
            if value is None:
                if required:
                    return False
            elif not schema.is_valid(value):
                return False
        return True


def _source(request: ConnexionRequest, where: str) -> Any:
    """Where Connexion's validator reads a parameter of ``where`` (``validate_<in>_parameter``)."""
    if where == "query":
        return request.query_params
    if where == "path":
        return request.path_params
    if where == "header":
        return RawHeaders(request.scope["headers"])
    return request.cookies


class ParameterPlan:
    """The distinct parameters of one operation that Connexion validates (query, path, header, cookie)."""

    PLACES = ("query", "path", "header", "cookie")

    def __init__(self, parameters: list[dict[str, Any]]) -> None:
        self.source = parameters
        self.size = len(parameters)
        distinct: list[dict[str, Any]] = []
        for param in parameters:
            if param not in distinct:  # Connexion repeats the path-level ones; equal dicts validate alike
                distinct.append(param)
        self.checks = [
            (
                p["in"],
                p["name"].replace("-", "_") if p["in"] == "path" else p["name"],  # as Connexion reads it
                bool(is_nullable(p)),
                bool(p.get("required")),
                SCHEMAS.get(p.get("schema", p), "parameter"),
            )
            for p in distinct
            if p["in"] in self.PLACES
        ]
        self.query_names = {p["name"] for p in parameters if p["in"] == "query"}


class PlanCache:
    """Plans by the identity of Connexion's per-operation parameter list (rebuilt if it grows)."""

    def __init__(self, size: int = 4096) -> None:
        self.size = size
        self._plans: OrderedDict[int, ParameterPlan] = OrderedDict()

    def get(self, parameters: list[dict[str, Any]]) -> ParameterPlan:
        found = self._plans.get(id(parameters))
        if found is None or found.source is not parameters or found.size != len(parameters):
            found = self._plans[id(parameters)] = ParameterPlan(parameters)
            if len(self._plans) > self.size:
                self._plans.popitem(last=False)
        return found


PLANS = PlanCache()


class CompiledJSONBodyValidator(JSONRequestBodyValidator):
    """Connexion's JSON body validator with the schema compiled once; the body already parsed by
    ``IdsyncMiddleware`` (``scope["idsync.json"]``, same text, same values) is not parsed again."""

    def __init__(self, *, schema: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(schema=schema, **kwargs)
        self._compiled = SCHEMAS.get(schema, "request")

    async def _parse(self, stream: Any, scope: dict[str, Any]) -> Any:
        parsed = scope.get(SCOPE_JSON, _MISSING)
        if parsed is _MISSING or self._encoding.lower().replace("-", "") != "utf8":
            return await super()._parse(stream, scope)
        async for _ in stream:  # consumed as Connexion does, so the body is replayed downstream
            pass
        return parsed

    def _validate(self, body: Any) -> dict[str, Any] | None:
        if body is not None and self._compiled.is_valid(body):
            return None
        result: dict[str, Any] | None = super()._validate(body)
        return result


class CompiledJSONResponseValidator(JSONResponseBodyValidator):
    """Connexion's JSON response validator (``--validate-responses``) with the schema compiled once."""

    def _validate(self, body: Any) -> None:
        if not SCHEMAS.get(self._schema, "response").is_valid(body):
            super()._validate(body)


def validator_map() -> dict[str, Any]:
    """Connexion's ``VALIDATOR_MAP`` with the compiled validators for JSON and parameters."""
    return {
        "parameter": CompiledParameterValidator,
        "body": MediaTypeDict(
            {
                "*/*json": CompiledJSONBodyValidator,
                "application/x-www-form-urlencoded": FormDataValidator,
                "multipart/form-data": MultiPartFormDataValidator,
            }
        ),
        "response": MediaTypeDict({"*/*json": CompiledJSONResponseValidator, "text/plain": TextResponseBodyValidator}),
    }
