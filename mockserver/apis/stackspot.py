"""StackSpot handlers. STUB: replaced by the vendor implementation."""

from __future__ import annotations

from typing import Any

from mockserver.apis.base import BaseHandlers, ErrorResponse, json_error
from mockserver.domain.errors import DomainError


def render_error(err: DomainError) -> ErrorResponse:
    """elimity-com/scim ``ScimError``: SCIM error body with a string ``status`` (research §3.6)."""
    body: dict[str, Any] = {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"],
        "status": str(err.status),
        "detail": err.detail,
    }
    if err.scim_type:
        body["scimType"] = err.scim_type
    return json_error(err, body, "application/scim+json")


class Handlers(BaseHandlers):
    """operationIds of specs/stackspot.yaml."""
