"""The request objects of one operation's chain: one Starlette request per scope, read once.

Connexion's steps each build a ``ConnexionRequest`` (and with it a Starlette ``Request``, its
``Headers`` and ``QueryParams``) from the ASGI scope. Security and parameter validation see the
same scope and read no body, so they share one Starlette request (:func:`scope_request`), built
the way Connexion builds theirs; ``ConnexionRequest.from_starlette_request`` is Connexion's own
way to wrap one. :class:`ParsedRequest` and :class:`RawHeaders` answer two reads without building
anything where the answer is already known: an empty query string resolves to ``{}``, and a header
is the first value under its lower-cased name (Starlette's ``Headers.get``).
"""

from __future__ import annotations

import functools
from typing import Any

from connexion.lifecycle import ConnexionRequest
from connexion.operations import AbstractOperation
from connexion.uri_parsing import AbstractURIParser, OpenAPIURIParser
from starlette.datastructures import URL, Headers
from starlette.requests import Request
from starlette.types import Scope

#: ASGI scope key of the scope's shared Starlette request.
SCOPE_REQUEST = "idsync.request"


def scope_request(scope: Scope) -> Request:
    """The one Starlette request (no body) of ``scope``: ``Request(scope)``, as Connexion's steps build it."""
    found = scope.get(SCOPE_REQUEST)
    if found is None or found.scope is not scope:
        found = scope[SCOPE_REQUEST] = Request(scope)
    request: Request = found
    return request


class ChainRequest(ConnexionRequest):
    """``ConnexionRequest`` with the Starlette attributes the chain's steps read as plain properties.

    Connexion reaches them through ``__getattr__``, which Python calls only after the normal lookup
    has failed with an ``AttributeError`` (about 3 µs a read, measured); these return the same
    objects from the wrapped Starlette request (``_starlette_request``, documented on the class)."""

    @property
    def scope(self) -> Scope:
        scope: Scope = self._starlette_request.scope
        return scope

    @property
    def headers(self) -> Headers:
        headers: Headers = self._starlette_request.headers
        return headers

    @property
    def url(self) -> URL:
        url: URL = self._starlette_request.url
        return url


class ParsedRequest(ChainRequest):
    """A ``ConnexionRequest`` whose query parameters, for an empty query string, are ``{}`` at once
    (Connexion's URI parser resolves an empty ``QueryParams`` to an empty dict)."""

    @property
    def query_params(self) -> dict[str, Any]:
        if self.scope.get("query_string") == b"":
            return {}
        query_params: dict[str, Any] = super().query_params
        return query_params


class RawHeaders:
    """``Headers(scope=...).get(name)`` read straight from the scope's raw header list."""

    def __init__(self, raw: list[tuple[bytes, bytes]]) -> None:
        self.raw = raw

    def get(self, name: str) -> str | None:
        """The first value under ``name`` (lower-cased, as ASGI servers send names), or None."""
        key = name.lower().encode("latin-1")
        return next((value.decode("latin-1") for found, value in self.raw if found == key), None)


class PreparedURIParser(OpenAPIURIParser):
    """Connexion's OpenAPI URI parser with its parameter schemas mapped once: its ``param_schemas``
    property builds the mapping anew for every parameter it resolves, from definitions that do not
    change after construction."""

    @functools.cached_property
    def param_schemas(self) -> dict[str, Any]:
        schemas: dict[str, Any] = super().param_schemas
        return schemas


def uri_parser(operation: AbstractOperation) -> AbstractURIParser:
    """The operation's URI parser, as Connexion builds it (a :class:`PreparedURIParser` for the default class)."""
    parser_class = operation.uri_parser_class
    if parser_class is OpenAPIURIParser:
        parser_class = PreparedURIParser
    parser: AbstractURIParser = parser_class(operation.parameters, operation.body_definition())
    return parser
