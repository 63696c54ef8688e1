"""SCIM 2.0 directory handlers (RFC 7644). STUB: replaced by the full implementation."""

from __future__ import annotations

from typing import Any

from mockserver.apis.base import BaseHandlers, ErrorResponse, json_error
from mockserver.domain.errors import DomainError

SCIM_JSON = "application/scim+json"
ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error"


def render_error(err: DomainError) -> ErrorResponse:
    """RFC 7644 §3.12: ``{schemas, status (string), scimType?, detail}`` as ``application/scim+json``."""
    body: dict[str, Any] = {"schemas": [ERROR_SCHEMA], "status": str(err.status), "detail": err.detail}
    if err.scim_type:
        body["scimType"] = err.scim_type
    return json_error(err, body, SCIM_JSON)


class Handlers(BaseHandlers):
    """operationIds of specs/scim.yaml."""
