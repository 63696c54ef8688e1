"""Connexion error handlers: every error, Connexion's own included, in the vendor's body.

Connexion 3 renders validation, security and routing errors as ``application/problem+json``
(docs/tooling.md §8.6); we translate them to domain errors and let the owning API render them.
An error never quotes a credential the request carried (issue 12, point 2): Connexion's
validation messages start with the offending value (``'hunter2' is too short - 'password'``),
so every detail is scrubbed of the request's secrets (``mockserver.domain.secrets``) first.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

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
from mockserver.domain.secrets import scrub
from mockserver.http.body import request_secrets
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
    # Called from an error handler, outside the ``except`` block: the traceback is passed explicitly.
    log.error("unhandled error serving %s", path, exc_info=exc)
    return InternalError("Internal server error")


def scrub_error(err: DomainError, secrets: Iterable[str]) -> DomainError:
    """``err`` with every given secret masked in its detail and field messages (in place)."""
    secrets = set(secrets)
    if secrets:
        err.detail = scrub(err.detail, secrets)
        err.fields = {name: [scrub(m, secrets) for m in messages] for name, messages in err.fields.items()}
    return err


def make_error_handler(router: Router):  # type: ignore[no-untyped-def]
    """The one handler registered for every exception class on the Connexion app."""

    def handle(request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
        path = request.url.path
        err = scrub_error(to_domain_error(exc, path, router), request_secrets(request.scope))
        rendered = router.render(path, err)
        return ConnexionResponse(
            status_code=rendered.status,
            body=rendered.encoded(),
            content_type=rendered.content_type,
            headers=rendered.headers,
        )

    return handle


HANDLED: tuple[type[Exception], ...] = (DomainError, ProblemException, HTTPException, Exception)
