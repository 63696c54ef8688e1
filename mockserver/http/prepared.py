"""Connexion's per-operation request steps with their set-up done once per operation, not per request.

Connexion 3's ``RequestValidationMiddleware`` builds, for every request, a URI parser, a parameter
validator, a ``MediaTypeDict`` of the accepted media types and a body validator (issue 13's
profile). :class:`PreparedRequestValidation` is Connexion's own ``RequestValidationOperation``
with those built at start-up and reused: the parameter validator and URI parser once per operation,
the media-type verdicts and body validators once per media type a client sends (a bounded number
of them; past it they are built per request, as Connexion does). Every check still runs on every
request, in Connexion's order, and every rejection is raised by Connexion's own code.
"""

from __future__ import annotations

from collections.abc import Callable, MutableMapping
from typing import Any

from connexion import utils
from connexion.middleware.request_validation import RequestValidationOperation
from connexion.middleware.response_validation import ResponseValidationOperation
from connexion.middleware.security import SecurityOperation
from connexion.security import (
    SECURITY_HANDLERS,
    ApiKeySecurityHandler,
    BasicSecurityHandler,
    BearerSecurityHandler,
)
from connexion.uri_parsing import AbstractURIParser
from connexion.utils import inspect_function_arguments
from starlette.types import ASGIApp, Receive, Scope, Send

from mockserver.http.requests import ChainRequest, scope_request

RawHeaders = list[tuple[bytes, bytes]]
#: Distinct ``Content-Type`` values remembered per operation (they come from clients: bounded).
MEDIA_TYPES_KEPT = 32


class PreparedRequestValidation(RequestValidationOperation):
    """``RequestValidationOperation`` building its parser and validators once (Connexion 3.3's
    ``connexion/middleware/request_validation.py``, whose ``__call__`` this follows step by step)."""

    def __init__(self, next_app: ASGIApp, *, uri_parser: AbstractURIParser, **kwargs: Any) -> None:
        super().__init__(next_app, **kwargs)
        operation = self._operation
        self._uri_parser = uri_parser
        self._parameters = self._validator_map["parameter"](
            operation.parameters,
            uri_parser=self._uri_parser,
            strict_validation=self.strict_validation,
            security_query_params=self.security_query_params,
        )
        self._content_types: dict[bytes | None, tuple[str, str]] = {}
        self._accepted: set[str] = set()
        self._body_validators: dict[tuple[str, str], Any] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self._parameters.validate(scope)
        mime_type, encoding = self._content_type(scope["headers"])
        if mime_type not in self._accepted:
            self.validate_mime_type(mime_type)
            if len(self._accepted) < MEDIA_TYPES_KEPT:
                self._accepted.add(mime_type)
        validator = self._body_validator(mime_type, encoding)
        if validator is not None:
            receive, scope = await validator.wrap_receive(receive, scope=scope)
        await self.next_app(scope, receive, send)

    def _content_type(self, headers: RawHeaders) -> tuple[str, str]:
        """Connexion's ``extract_content_type``, remembered per ``Content-Type`` value."""
        raw = next((value for key, value in headers if key.lower() == b"content-type"), None)
        found = self._content_types.get(raw)
        if found is None:
            found = self.extract_content_type(headers)
            if len(self._content_types) < MEDIA_TYPES_KEPT:
                self._content_types[raw] = found
        return found

    def _body_validator(self, mime_type: str, encoding: str) -> Any:
        """The body validator Connexion would build for this media type and encoding (None: no body
        schema, or no validator for the media type). Validators keep no per-request state."""
        key = (mime_type, encoding)
        if key in self._body_validators:
            return self._body_validators[key]
        validator = self._new_body_validator(mime_type, encoding)
        if len(self._body_validators) < MEDIA_TYPES_KEPT:
            self._body_validators[key] = validator
        return validator

    def _new_body_validator(self, mime_type: str, encoding: str) -> Any:
        operation = self._operation
        schema = operation.body_schema(mime_type)
        if not schema:
            return None
        try:
            body_validator = self._validator_map["body"][mime_type]
        except KeyError:
            return None
        return body_validator(
            schema=schema,
            required=operation.request_body.get("required", False),
            nullable=utils.is_nullable(operation.body_definition(mime_type)),
            encoding=encoding,
            strict_validation=self.strict_validation,
            uri_parser=operation.uri_parser_class(operation.parameters, operation.body_definition()),
        )


class SharedRequestSecurity(SecurityOperation):
    """Connexion's ``SecurityOperation`` reading the credentials from the scope's shared Starlette
    request (:func:`mockserver.http.requests.scope_request`) instead of building its own."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.security:
            await self.verification_fn(ChainRequest.from_starlette_request(scope_request(scope)))
        await self.next_app(scope, receive, send)


class PreparedResponseValidation(ResponseValidationOperation):
    """``ResponseValidationOperation`` (``--validate-responses``) deriving what it checks from the spec
    once per status and ``Content-Type``: the media type and encoding, its verdict, the required
    headers, the body validator class, schema and nullability (Connexion 3.3's
    ``connexion/middleware/response_validation.py``, whose ``wrapped_send`` this follows)."""

    def __init__(self, next_app: ASGIApp, **kwargs: Any) -> None:
        super().__init__(next_app, **kwargs)
        self._expected: dict[tuple[int, bytes | None], tuple[Any, ...]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def wrapped_send(message: MutableMapping[str, Any]) -> None:
            nonlocal send
            if message["type"] == "http.response.start":
                send = self._checked(scope, message, send)
            await send(message)

        await self.next_app(scope, receive, wrapped_send)

    def _checked(self, scope: Scope, message: MutableMapping[str, Any], send: Send) -> Send:
        """Check the start of the response; ``send`` wrapped in the body validator, if any."""
        headers, status = message["headers"], message["status"]
        key = (status, next((value for name, value in headers if name.lower() == b"content-type"), None))
        expected = self._expected.get(key) or self._expect(status, headers, key)
        definition, validator, schema, nullable, encoding = expected
        if definition.get("headers"):
            self.validate_required_headers(headers, definition)
        if validator is None:
            return send
        checked: Send = validator(scope, schema=schema, nullable=nullable, encoding=encoding).wrap_send(send)
        return checked

    def _expect(
        self, status: int, headers: list[tuple[bytes, bytes]], key: tuple[int, bytes | None]
    ) -> tuple[Any, ...]:
        mime_type, encoding = self.extract_content_type(headers)
        if status < 400:
            self.validate_mime_type(mime_type)
        operation = self._operation
        definition = operation.response_definition(str(status), mime_type)
        try:
            validator = self._validator_map["response"][mime_type]
        except KeyError:
            validator = None
        schema = operation.response_schema(str(status), mime_type) if validator else None
        expected = (definition, validator, schema, utils.is_nullable(definition), encoding)
        if len(self._expected) < MEDIA_TYPES_KEPT:
            self._expected[key] = expected
        return expected


def _accepts_kwarg_once(func: Callable[..., Any], keyword: str) -> bool:
    """Connexion's ``SecurityHandler._accepts_kwarg``, with the signature inspected once per function."""
    key = (func, keyword)
    found = _ACCEPTS.get(key)
    if found is None:
        arguments, has_kwargs = inspect_function_arguments(func)
        found = _ACCEPTS[key] = has_kwargs or keyword in arguments
    return found


_ACCEPTS: dict[tuple[Callable[..., Any], str], bool] = {}


class BasicHandler(BasicSecurityHandler):
    """Connexion's HTTP basic handler (RFC 7617) inspecting the check function once."""

    _accepts_kwarg = staticmethod(_accepts_kwarg_once)


class BearerHandler(BearerSecurityHandler):
    """Connexion's bearer handler (RFC 6750) inspecting the check function once."""

    _accepts_kwarg = staticmethod(_accepts_kwarg_once)


class ApiKeyHandler(ApiKeySecurityHandler):
    """Connexion's API-key handler inspecting the check function once."""

    _accepts_kwarg = staticmethod(_accepts_kwarg_once)


def security_map() -> dict[str, Any]:
    """Connexion's ``SECURITY_HANDLERS`` with the handlers above (OAuth 2 is not used by any spec)."""
    return {**SECURITY_HANDLERS, "basic": BasicHandler, "bearer": BearerHandler, "apiKey": ApiKeyHandler}
