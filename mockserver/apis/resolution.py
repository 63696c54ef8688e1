"""resolution handlers. STUB: replaced by the vendor implementation."""

from __future__ import annotations

from mockserver.apis.base import BaseHandlers, ErrorResponse, json_error
from mockserver.domain.errors import DomainError


def render_error(err: DomainError) -> ErrorResponse:
    """Atlassian REST error ``{message, status-code}`` (research §2)."""
    return json_error(err, {"message": err.detail, "status-code": err.status})


class Handlers(BaseHandlers):
    """operationIds of specs/resolution.yaml."""
