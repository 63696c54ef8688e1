"""authentik handlers. STUB: replaced by the vendor implementation."""

from __future__ import annotations

from mockserver.apis.base import BaseHandlers, ErrorResponse, json_error
from mockserver.domain.errors import DomainError, Unauthenticated


def render_error(err: DomainError) -> ErrorResponse:
    """DRF shapes (research A2): 400 ``ValidationError`` field map, other errors
    ``GenericError {detail}``; authentication failures are 403, not 401."""
    if isinstance(err, Unauthenticated):
        missing = err.detail.startswith("No authorization token provided")
        detail = "Authentication credentials were not provided." if missing else "Token invalid/expired"
        return ErrorResponse(403, {"detail": detail})
    if err.status == 400:
        return json_error(err, dict(err.fields) or {"non_field_errors": [err.detail]})
    return json_error(err, {"detail": err.detail})


class Handlers(BaseHandlers):
    """operationIds of specs/authentik.yaml."""
