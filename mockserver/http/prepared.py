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

from collections.abc import Callable
from typing import Any

from connexion import utils
from connexion.middleware.request_validation import RequestValidationOperation
from connexion.security import (
    SECURITY_HANDLERS,
    ApiKeySecurityHandler,
    BasicSecurityHandler,
    BearerSecurityHandler,
)
from connexion.uri_parsing import AbstractURIParser
from connexion.utils import inspect_function_arguments
from starlette.types import ASGIApp, Receive, Scope, Send

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

    def _content_type(self, headers: list[tuple[bytes, bytes]]) -> tuple[str, str]:
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
