"""The app's middleware list: Connexion's request steps chained once per operation at start-up.

Connexion 3's default list runs five routed middlewares after routing (security, request
validation, response validation, lifespan, context), and each looks the operation up again in the
ASGI scope and builds its helpers per request; its app then re-decorates the handler on every
request (issue 13's profile). The list here (``AsyncApp(middlewares=...)``, Connexion's documented
extension point) keeps Connexion's error, Swagger UI and routing middlewares, and replaces the
routed ones with one :class:`OperationMiddleware`: for each operation it chains, at start-up,
Connexion's own per-operation steps (``SecurityOperation``, ``RequestValidationOperation`` built
once by :class:`mockserver.http.prepared.PreparedRequestValidation`, ``ResponseValidationOperation``
when responses are validated, ``ContextOperation``) in Connexion's order, ending in the handler
wrapped once (:mod:`mockserver.http.endpoint`). A request is looked up once and runs that chain.

Insertion points left for ``add_middleware``: ``BEFORE_EXCEPTION`` and ``BEFORE_ROUTING``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import MutableMapping
from typing import Any

from connexion.middleware.abstract import RoutedAPI, RoutedMiddleware
from connexion.middleware.context import ContextOperation
from connexion.middleware.exceptions import ExceptionMiddleware
from connexion.middleware.lifespan import LifespanMiddleware
from connexion.middleware.security import SecurityOperation
from connexion.operations import AbstractOperation
from connexion.security import SecurityHandlerFactory
from connexion.spec import Specification
from starlette.middleware.errors import ServerErrorMiddleware
from starlette.types import ASGIApp

from mockserver.http.dispatch import SegmentRouting, SwaggerUIGate
from mockserver.http.endpoint import EndpointOperation
from mockserver.http.prepared import PreparedRequestValidation, PreparedResponseValidation, SharedRequestSecurity
from mockserver.http.requests import uri_parser


class OperationAPI(RoutedAPI[ASGIApp]):
    """The operations of one mounted spec, each one chain of Connexion's per-operation steps.

    Takes the options Connexion passes every middleware's ``add_api`` and gives each step the ones
    its own middleware would have read (``security_map``/``auth_all_paths`` to security,
    ``strict_validation``/``validator_map`` to validation, ``validate_responses``, ``pythonic_params``
    and ``jsonifier`` to the handler)."""

    operations: MutableMapping[str | None, ASGIApp]

    def __init__(
        self,
        specification: Specification,
        *,
        next_app: ASGIApp,
        security_map: dict[str, Any] | None = None,
        auth_all_paths: bool | None = False,
        strict_validation: bool | None = False,
        validator_map: dict[str, Any] | None = None,
        validate_responses: bool | None = False,
        pythonic_params: bool | None = False,
        jsonifier: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(specification, next_app=next_app, **kwargs)
        self.security_handler_factory = SecurityHandlerFactory(security_map)
        self.strict_validation = bool(strict_validation)
        self.validator_map = validator_map
        self.validate_responses = bool(validate_responses)
        self.pythonic_params = bool(pythonic_params)
        self.jsonifier = jsonifier
        self.add_paths()
        if auth_all_paths:  # Connexion's SecurityAPI.add_auth_on_not_found
            default = self._secured(self.specification, next_app)
            known: dict[str | None, ASGIApp] = dict(self.operations)
            self.operations = defaultdict(lambda: default, known)

    def make_operation(self, operation: AbstractOperation) -> ASGIApp:
        """Security → request validation → response validation (if on) → context → handler."""
        parser = uri_parser(operation)
        app: ASGIApp = EndpointOperation(
            operation, uri_parser=parser, pythonic_params=self.pythonic_params, jsonifier=self.jsonifier
        )
        app = ContextOperation(app, operation=operation)
        if self.validate_responses:
            app = PreparedResponseValidation(app, operation=operation, validator_map=self.validator_map)
        app = PreparedRequestValidation(
            app,
            operation=operation,
            uri_parser=parser,
            strict_validation=self.strict_validation,
            validator_map=self.validator_map,
        )
        return self._secured(operation, app)

    def _secured(self, operation: AbstractOperation | Specification, next_app: ASGIApp) -> SecurityOperation:
        return SharedRequestSecurity.from_operation(
            operation, next_app=next_app, security_handler_factory=self.security_handler_factory
        )


class OperationMiddleware(RoutedMiddleware[OperationAPI]):
    """Runs the routed operation's chain; a request routed to no operation goes on to Connexion's app
    (``RoutedMiddleware.__call__``, unchanged)."""

    api_cls = OperationAPI


def middlewares() -> list[Any]:
    """Connexion's error, Swagger UI and routing middlewares (:mod:`mockserver.http.dispatch`), then one
    chain per operation."""
    return [
        ServerErrorMiddleware,
        ExceptionMiddleware,
        SwaggerUIGate,
        SegmentRouting,
        LifespanMiddleware,
        OperationMiddleware,
    ]
