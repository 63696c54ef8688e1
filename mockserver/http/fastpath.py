"""The request path through Connexion with its per-request set-up done once per operation.

Connexion 3's ``AsyncApp`` re-decorates the handler on every request: a new
``StarletteDecorator``, ``inspect.signature`` of the handler, a new URI parser (issue 13's
profile). :class:`EndpointMiddleware` is the last entry of the app's middleware list (Connexion's
``AsyncApp(middlewares=[...])``): for each operation it builds Connexion's own decorator chain and
URI parser once, at start-up, and calls it; what the handler receives and what goes on the wire is
what Connexion's own decorators make of it. An operation it does not know goes on to Connexion's
app unchanged.

:func:`validator_map` is the ``validator_map`` of the app: the compiled validators of
:mod:`mockserver.http.validation` for JSON bodies, parameters and responses; form bodies and text
responses keep Connexion's validators.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from connexion.datastructures import MediaTypeDict
from connexion.decorators import StarletteDecorator
from connexion.frameworks.starlette import Starlette as StarletteFramework
from connexion.jsonifier import Jsonifier
from connexion.middleware import ConnexionMiddleware
from connexion.middleware.abstract import ROUTING_CONTEXT, RoutedAPI, RoutedMiddleware
from connexion.operations import AbstractOperation
from connexion.security import (
    SECURITY_HANDLERS,
    ApiKeySecurityHandler,
    BasicSecurityHandler,
    BearerSecurityHandler,
)
from connexion.utils import inspect_function_arguments
from connexion.validators import FormDataValidator, MultiPartFormDataValidator, TextResponseBodyValidator
from starlette.types import ASGIApp, Receive, Scope, Send

from mockserver.http.validation import (
    CompiledJSONBodyValidator,
    CompiledJSONResponseValidator,
    CompiledParameterValidator,
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


class EndpointOperation:
    """One operation's handler wrapped once in Connexion's decorators (parameters in, response out)."""

    def __init__(self, operation: AbstractOperation, *, pythonic_params: bool, jsonifier: Any) -> None:
        decorator = StarletteDecorator(pythonic_params=pythonic_params, jsonifier=jsonifier)
        self._call = decorator.decorate(operation.function)
        self._uri_parser = operation.uri_parser_class(operation.parameters, operation.body_definition())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = StarletteFramework.get_request(uri_parser=self._uri_parser, scope=scope, receive=receive)
        response = await self._call(request)
        await response(scope, receive, send)


class EndpointAPI(RoutedAPI[EndpointOperation]):
    """The operations of one mounted spec."""

    def __init__(self, *args: Any, pythonic_params: bool, jsonifier: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pythonic_params = pythonic_params
        self.jsonifier = jsonifier
        self.add_paths()

    def make_operation(self, operation: AbstractOperation) -> EndpointOperation:
        return EndpointOperation(
            operation, pythonic_params=self.pythonic_params, jsonifier=self.jsonifier or Jsonifier()
        )


class EndpointMiddleware(RoutedMiddleware[EndpointAPI]):
    """Calls the routed operation's prepared handler; anything else goes on to Connexion's app."""

    api_cls = EndpointAPI

    def __init__(self, app: ASGIApp) -> None:
        super().__init__(app)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        routing = scope.get("extensions", {}).get(ROUTING_CONTEXT, {}) if scope["type"] == "http" else {}
        for api in self.apis.get(routing.get("api_base_path"), ()):
            operation = api.operations.get(routing.get("operation_id"))
            if operation is not None:
                await operation(scope, receive, send)
                return
        await self.app(scope, receive, send)


def middlewares() -> list[Any]:
    """Connexion's default middleware list with :class:`EndpointMiddleware` last."""
    return [*ConnexionMiddleware.default_middlewares, EndpointMiddleware]
