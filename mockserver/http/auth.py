"""Security functions named by the specs' security schemes (Connexion 3 ``x-*InfoFunc``).

``mockserver.app`` writes these dotted names into each loaded spec's ``securitySchemes``, so
the shipped specs stay vendor-pure. Each function finds the API's handler object in the ASGI
scope (put there by :class:`mockserver.http.middleware.IdsyncMiddleware`) and asks it.
"""

from __future__ import annotations

from typing import Any

from connexion.lifecycle import ConnexionRequest

from mockserver.apis.base import BaseHandlers

SCOPE_HANDLERS = "idsync.handlers"


def _handlers(request: ConnexionRequest) -> BaseHandlers:
    handlers: BaseHandlers = request.scope[SCOPE_HANDLERS]
    return handlers


def _path_and_headers(request: ConnexionRequest) -> tuple[dict[str, Any], dict[str, str]]:
    """``dict(request.path_params)`` and ``dict(request.headers)`` (the first of repeated headers),
    read from the ASGI scope without building Starlette's request objects."""
    scope = request.scope
    headers: dict[str, str] = {}
    for key, value in scope["headers"]:
        headers.setdefault(key.decode("latin-1"), value.decode("latin-1"))
    return dict(scope.get("path_params", {})), headers


def bearer_info(token: str, request: ConnexionRequest) -> dict[str, Any] | None:
    """RFC 6750 bearer token → token info, or None for 401."""
    return _handlers(request).check_bearer(token, *_path_and_headers(request))


def basic_info(username: str, password: str, request: ConnexionRequest) -> dict[str, Any] | None:
    """RFC 7617 basic credentials → user info, or None for 401."""
    return _handlers(request).check_basic(username, password, *_path_and_headers(request))


def apikey_info(api_key: str, request: ConnexionRequest) -> dict[str, Any] | None:
    """An API key in a header is checked like a bearer token."""
    return _handlers(request).check_bearer(api_key, *_path_and_headers(request))


INFO_FUNCS: dict[tuple[str, str | None], tuple[str, str]] = {
    ("http", "bearer"): ("x-bearerInfoFunc", f"{__name__}.bearer_info"),
    ("http", "basic"): ("x-basicInfoFunc", f"{__name__}.basic_info"),
    ("apiKey", None): ("x-apikeyInfoFunc", f"{__name__}.apikey_info"),
}


def wire_security(spec: dict[str, Any]) -> None:
    """Point every security scheme of a loaded spec at the functions above."""
    schemes = (spec.get("components") or {}).get("securitySchemes") or {}
    for scheme in schemes.values():
        kind = scheme.get("type")
        sub = str(scheme.get("scheme", "")).lower() if kind == "http" else None
        key_func = INFO_FUNCS.get((kind, sub))
        if key_func:
            scheme[key_func[0]] = key_func[1]
