"""VCF handlers. STUB: replaced by the vendor implementation."""

from __future__ import annotations

from mockserver.apis.base import BaseHandlers, ErrorResponse, json_error
from mockserver.domain.errors import DomainError


def render_error(err: DomainError) -> ErrorResponse:
    """VCF ``ErrorResponse`` (research §1.6)."""
    code = type(err).__name__.upper()
    return json_error(err, {"errorCode": code, "message": err.detail, "arguments": [], "cause": [], "nestedErrors": []})


class Handlers(BaseHandlers):
    """operationIds of specs/vcf.yaml."""
