"""Connexion error handlers: every error, Connexion's own included, in the vendor's body.

Connexion 3 renders validation, security and routing errors as ``application/problem+json``
(docs/tooling.md §8.6); we translate them to domain errors and let the owning API render them.
"""

from __future__ import annotations

import logging

from connexion.exceptions import ProblemException
from connexion.lifecycle import ConnexionRequest, ConnexionResponse
from starlette.exceptions import HTTPException

from mockserver.domain.errors import (
    DomainError,
    InternalError,
    MethodNotAllowed,
    NotFound,
    Unauthenticated,
    error_for_status,
)
from mockserver.http.routing import Router

log = logging.getLogger("idsync")


def to_domain_error(exc: Exception, path: str, router: Router) -> DomainError:
    """Translate anything raised while serving ``path`` into a :class:`DomainError`."""
    if isinstance(exc, DomainError):
        return exc
    if isinstance(exc, ProblemException | HTTPException):
        status = exc.status_code
        detail = str(getattr(exc, "detail", "") or getattr(exc, "title", "") or "")
        if status == 404:
            return NotFound(f"No route for {path}" if not detail or detail == "Not Found" else detail)
        if status == 405:
            return MethodNotAllowed(f"Method not allowed on {path}", allow=router.allowed_methods(path))
        if status == 401:
            return Unauthenticated(detail or "Unauthorized")
        return error_for_status(status, detail or "Error")
    log.exception("unhandled error serving %s", path)
    return InternalError("Internal server error")


def make_error_handler(router: Router):  # type: ignore[no-untyped-def]
    """The one handler registered for every exception class on the Connexion app."""

    def handle(request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
        path = request.url.path
        rendered = router.render(path, to_domain_error(exc, path, router))
        return ConnexionResponse(
            status_code=rendered.status,
            body=rendered.encoded(),
            content_type=rendered.content_type,
            headers=rendered.headers,
        )

    return handle


HANDLED: tuple[type[Exception], ...] = (DomainError, ProblemException, HTTPException, Exception)
