"""Sift handlers. STUB: replaced by the vendor implementation."""

from __future__ import annotations

from mockserver.apis.base import BaseHandlers, ErrorResponse, json_error
from mockserver.domain.errors import DomainError


def render_error(err: DomainError) -> ErrorResponse:
    """grpc-gateway ``rpcStatus`` ``{code, message, details}``; ``code`` is the gRPC number
    (research B1: status from ``runtime.HTTPStatusFromCode``)."""
    return json_error(err, {"code": err.grpc_code, "message": err.detail, "details": []})


class Handlers(BaseHandlers):
    """operationIds of specs/sift.yaml."""
