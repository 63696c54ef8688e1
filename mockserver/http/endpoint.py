"""The handler end of an operation's chain: Connexion's decorators applied once, not per request.

Connexion 3's ``AsyncApp`` re-decorates the handler on every request: a new
``StarletteDecorator``, ``inspect.signature`` of the handler, a new URI parser (issue 13's
profile). :class:`EndpointOperation` builds the decorator chain once per operation. The arguments
the handler receives come from Connexion's own ``get_arguments`` and the response from Connexion's
own response decorator. What differs is only what cannot change the result:

- the operation itself is given to them instead of Connexion's context proxy, and the sanitised
  argument names and inferred response media types are remembered;
- path and query parameters are taken as request validation resolved them, with the same URI
  parser (``mockserver.http.validation.SCOPE_PARAMETERS``);
- the body is not read for an operation that takes none (``get_arguments`` ignores it then), a
  form is parsed only for a form media type (Starlette answers any other with an empty form), and a
  JSON body the outer middleware parsed under the JSON policy is not parsed again
  (``scope["idsync.json"]``, the same bytes);
- the handler's ``request`` (``mockserver.apis.base``) is one object for the whole call.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable
from typing import Any

from connexion import utils
from connexion.context import context
from connexion.datastructures import NoContent
from connexion.decorators import StarletteDecorator
from connexion.decorators.parameter import (
    CONTEXT_NAME,
    AsyncParameterDecorator,
    get_arguments,
    unwrap_decorators,
)
from connexion.decorators.response import AsyncResponseDecorator
from connexion.frameworks.starlette import Starlette as StarletteFramework
from connexion.http_facts import FORM_CONTENT_TYPES
from connexion.jsonifier import JSONEncoder, Jsonifier
from connexion.lifecycle import ConnexionRequest
from connexion.operations import AbstractOperation, Swagger2Operation
from connexion.uri_parsing import AbstractURIParser
from connexion.utils import inspect_function_arguments, is_json_mimetype
from starlette.requests import Request
from starlette.types import Receive, Scope, Send

from mockserver.apis.base import CURRENT_REQUEST
from mockserver.http.middleware import SCOPE_JSON
from mockserver.http.requests import ChainRequest
from mockserver.http.validation import SCOPE_PARAMETERS

Handler = Callable[..., Awaitable[Any]]
_MISSING = object()
#: Response media types remembered per operation (keyed by what the handlers return: a few).
INFERRED_KEPT = 32


class ResolvedRequest(ChainRequest):
    """A ``ConnexionRequest`` whose path and query parameters were resolved during validation
    (``resolved``: the ``SCOPE_PARAMETERS`` entry)."""

    resolved: tuple[Any, dict[str, Any], dict[str, Any]]

    @property
    def path_params(self) -> dict[str, Any]:
        return self.resolved[1]

    @property
    def query_params(self) -> dict[str, Any]:
        return self.resolved[2]


class OperationParameters(AsyncParameterDecorator):
    """Connexion's ``AsyncParameterDecorator`` (``connexion/decorators/parameter.py``) for one operation."""

    def __init__(self, operation: AbstractOperation, *, pythonic_params: bool) -> None:
        super().__init__(framework=StarletteFramework, pythonic_params=pythonic_params)
        self.sanitize_fn: Callable[[str], str] = functools.lru_cache(maxsize=1024)(self.sanitize_fn)
        self.operation = operation

    def __call__(self, function: Handler) -> Handler:
        arguments, has_kwargs = inspect_function_arguments(unwrap_decorators(function))
        operation, sanitize = self.operation, self.sanitize_fn

        @functools.wraps(function)
        async def wrapper(request: ConnexionRequest) -> Any:
            body = await self._body(request, arguments, has_kwargs)
            form = request.mimetype in FORM_CONTENT_TYPES
            kwargs = get_arguments(
                operation,
                path_params=request.path_params,
                query_params=request.query_params,
                body=body,
                files=await request.files() if form else {},
                arguments=arguments,
                has_kwargs=has_kwargs,
                sanitize=sanitize,
                content_type=request.mimetype,
            )
            kwargs = {sanitize(k): v for k, v in kwargs.items()}
            kwargs.update((k, v) for k, v in request.context.items() if has_kwargs or k in arguments)
            if CONTEXT_NAME in arguments:
                kwargs[CONTEXT_NAME] = context
            return await function(**kwargs)

        return wrapper

    async def _body(self, request: ConnexionRequest, arguments: list[str], has_kwargs: bool) -> Any:
        """Connexion's ``_maybe_get_body``, reading only a body that can reach the handler."""
        operation = self.operation
        form = request.mimetype in FORM_CONTENT_TYPES
        if not (operation.is_request_body_defined or form):
            return None
        wanted = has_kwargs or self.sanitize_fn(operation.body_name(request.content_type)) in arguments
        if not (wanted or (form and isinstance(operation, Swagger2Operation))):
            return None
        parsed = request.scope.get(SCOPE_JSON, _MISSING)
        if parsed is not _MISSING and is_json_mimetype(request.content_type):
            return parsed
        body = request.get_body()
        while asyncio.iscoroutine(body):
            body = await body
        return body


class OperationResponse(AsyncResponseDecorator):
    """Connexion's ``AsyncResponseDecorator``; the media type it infers is remembered per returned
    ``Content-Type`` and kind of body (its only inputs besides the operation's ``produces``)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._inferred: dict[tuple[Any, ...], str | None] = {}
        self._json: dict[str | None, bool] = {}

    def _serialize_data(self, data: Any, *, content_type: str | None) -> Any:
        """Connexion's ``_serialize_data`` with the JSON verdict on the media type remembered."""
        if data is None or data is NoContent:
            return None
        is_json = self._json.get(content_type)
        if is_json is None:
            is_json = utils.is_json_mimetype(utils.split_content_type(content_type)[0])
            if len(self._json) < INFERRED_KEPT:
                self._json[content_type] = is_json
        return self.jsonifier.dumps(data) if is_json else data

    def _infer_content_type(self, data: Any, headers: dict[str, Any]) -> str | None:  # type: ignore[override]
        named = next((v for k, v in headers.items() if _text(k).lower() == "content-type"), None)
        key = (named, data is None, type(data))
        if key not in self._inferred:
            inferred = AsyncResponseDecorator._infer_content_type(data, headers)
            if len(self._inferred) >= INFERRED_KEPT:
                return inferred
            self._inferred[key] = inferred
        return self._inferred[key]


class OneEncoderJsonifier(Jsonifier):
    """Connexion's default ``Jsonifier`` (``json.dumps(data, cls=JSONEncoder)`` and a newline) with the
    encoder built once: ``json.dumps`` builds one with the same default arguments on every call."""

    def __init__(self) -> None:
        super().__init__()
        self._encoder = JSONEncoder()

    def dumps(self, data: Any, **kwargs: Any) -> str:
        if kwargs:
            dumped: str = super().dumps(data, **kwargs)
            return dumped
        return self._encoder.encode(data) + "\n"


def _text(value: str | bytes) -> str:
    return value.decode("latin-1") if isinstance(value, bytes) else value


class EndpointOperation:
    """One operation's handler wrapped once in Connexion's decorators (parameters in, response out)."""

    def __init__(
        self, operation: AbstractOperation, *, uri_parser: AbstractURIParser, pythonic_params: bool, jsonifier: Any
    ) -> None:
        handler = operation.function
        decorator = StarletteDecorator(pythonic_params=pythonic_params, jsonifier=jsonifier or OneEncoderJsonifier())
        if not asyncio.iscoroutinefunction(handler):  # Connexion's wrapper asks again on every call
            handler = decorator._sync_async_decorator(handler)
        with_arguments = OperationParameters(operation, pythonic_params=pythonic_params)(handler)
        self._call = OperationResponse(framework=StarletteFramework, jsonifier=decorator.jsonifier)(with_arguments)
        self._uri_parser = uri_parser

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        starlette = Request(scope, receive)  # one for the arguments and the handler's ``request``
        resolved = scope.get(SCOPE_PARAMETERS)
        if resolved is not None and resolved[0] is self._uri_parser:
            request = ResolvedRequest.from_starlette_request(starlette, uri_parser=self._uri_parser)
            request.resolved = resolved
        else:
            request = ChainRequest.from_starlette_request(starlette, uri_parser=self._uri_parser)
        current = CURRENT_REQUEST.set(ChainRequest.from_starlette_request(starlette))
        try:
            response = await self._call(request)
        finally:
            CURRENT_REQUEST.reset(current)
        await response(scope, receive, send)
