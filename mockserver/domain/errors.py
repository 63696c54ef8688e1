"""One error hierarchy for every vendor (docs/style.md rule 4).

Domain code raises these; each vendor module in ``mockserver.apis`` renders them in that
vendor's own body (SCIM error, grpc-gateway ``rpcStatus``, DRF ``detail``, VCF ``Error``...).
The HTTP status and the SCIM ``scimType`` (RFC 7644 §3.12, Table 9) are class attributes,
as in scim2-models' ``exceptions.py``; nothing here imports a web framework.
"""

from __future__ import annotations

from typing import ClassVar


class DomainError(Exception):
    """Base of every error the mock reports to a client.

    ``fields`` carries per-field messages for vendors whose error body lists them
    (DRF ``ValidationError``); ``headers`` extra response headers (``Retry-After``).
    """

    status: ClassVar[int] = 500
    scim_type: ClassVar[str | None] = None
    grpc_code: ClassVar[int] = 13  # INTERNAL

    def __init__(
        self,
        detail: str,
        *,
        fields: dict[str, list[str]] | None = None,
        headers: dict[str, str] | None = None,
        scim_type: str | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.fields = fields or {}
        self.headers = headers or {}
        if scim_type is not None:
            self.scim_type = scim_type  # type: ignore[misc]


class BadRequest(DomainError):
    """400: the request is malformed or a value is invalid (RFC 7644 §3.12 ``invalidValue``)."""

    status = 400
    scim_type = "invalidValue"
    grpc_code = 3  # INVALID_ARGUMENT


class InvalidSyntax(BadRequest):
    """400 ``invalidSyntax``: the body could not be parsed (RFC 7644 §3.12)."""

    scim_type = "invalidSyntax"


class InvalidFilter(BadRequest):
    """400 ``invalidFilter``: a filter has bad syntax or compares wrongly (RFC 7644 §3.4.2.2)."""

    scim_type = "invalidFilter"


class InvalidPath(BadRequest):
    """400 ``invalidPath``: a PATCH path is malformed (RFC 7644 §3.5.2)."""

    scim_type = "invalidPath"


class NoTarget(BadRequest):
    """400 ``noTarget``: a PATCH path matched nothing (RFC 7644 §3.5.2)."""

    scim_type = "noTarget"


class Mutability(BadRequest):
    """400 ``mutability``: an attempt to change a read-only or immutable attribute (RFC 7644 §3.5.2)."""

    scim_type = "mutability"


class TooMany(BadRequest):
    """400 ``tooMany``: the query would return more results than the server allows (RFC 7644 §3.4.2)."""

    scim_type = "tooMany"


class FailedPrecondition(BadRequest):
    """400: the operation is not allowed in the current state (gRPC FAILED_PRECONDITION)."""

    grpc_code = 9


class Unauthenticated(DomainError):
    """401: credentials missing, malformed, wrong, revoked or expired (RFC 7235 §3.1)."""

    status = 401
    scim_type = None
    grpc_code = 16


class Forbidden(DomainError):
    """403: the caller is known but may not do this (RFC 7231 §6.5.3)."""

    status = 403
    grpc_code = 7


class NotFound(DomainError):
    """404: unknown id or route (RFC 7644 §3.12)."""

    status = 404
    grpc_code = 5


class MethodNotAllowed(DomainError):
    """405: the path exists but not with this method; ``allow`` lists the methods that do (RFC 7231 §6.5.5)."""

    status = 405
    grpc_code = 12

    def __init__(self, detail: str, *, allow: list[str]) -> None:
        super().__init__(detail, headers={"Allow": ", ".join(allow)})
        self.allow = allow


class Conflict(DomainError):
    """409 ``uniqueness``: a unique attribute is taken (RFC 7644 §3.3, §3.12)."""

    status = 409
    scim_type = "uniqueness"
    grpc_code = 6  # ALREADY_EXISTS


class PreconditionFailed(DomainError):
    """412: ``If-Match`` did not match the current ETag (RFC 7644 §3.14, RFC 7232 §4.2)."""

    status = 412
    grpc_code = 9


class PayloadTooLarge(DomainError):
    """413: the body is larger than the server accepts (RFC 7644 §3.12 lists 413)."""

    status = 413
    scim_type = None
    grpc_code = 8


class UnsupportedMediaType(DomainError):
    """415: the request body's ``Content-Type`` is not one the operation takes (RFC 7231 §6.5.13)."""

    status = 415
    scim_type = None
    grpc_code = 3


class RequestTimeout(DomainError):
    """408: the request did not arrive whole in time (RFC 9110 §15.5.9); the connection is closed."""

    status = 408
    scim_type = None
    grpc_code = 4  # DEADLINE_EXCEEDED

    def __init__(self, detail: str) -> None:
        super().__init__(detail, headers={"Connection": "close"})


class UriTooLong(DomainError):
    """414: the request target is longer than the server reads (RFC 9110 §15.5.15)."""

    status = 414
    scim_type = None
    grpc_code = 3


class HeadersTooLarge(DomainError):
    """431: the request's header section is larger than the server reads (RFC 6585 §5)."""

    status = 431
    scim_type = None
    grpc_code = 3


class TooManyRequests(DomainError):
    """429: rate limited; ``Retry-After`` says when to come back (RFC 6585 §4)."""

    status = 429
    scim_type = None
    grpc_code = 8  # RESOURCE_EXHAUSTED


class NotImplementedByMock(DomainError):
    """501: a documented operation the mock does not implement (RFC 7644 §3.12)."""

    status = 501
    grpc_code = 12


class InternalError(DomainError):
    """500: a fault rule asked for it, or a planted fault profile; never raised by accident."""

    status = 500
    grpc_code = 13


class Unavailable(DomainError):
    """503: a fault rule asked for it (RFC 7231 §6.6.4)."""

    status = 503
    grpc_code = 14


_BY_STATUS: dict[int, type[DomainError]] = {
    cls.status: cls
    for cls in (
        BadRequest,
        Unauthenticated,
        Forbidden,
        NotFound,
        Conflict,
        PreconditionFailed,
        PayloadTooLarge,
        UnsupportedMediaType,
        RequestTimeout,
        UriTooLong,
        HeadersTooLarge,
        TooManyRequests,
        NotImplementedByMock,
        InternalError,
        Unavailable,
    )
}


def error_for_status(status: int, detail: str) -> DomainError:
    """The domain error for an HTTP status raised outside the domain (routing, validation, faults)."""
    cls = _BY_STATUS.get(status)
    if cls is None:
        err = DomainError(detail)
        err.status = status  # type: ignore[misc]
        return err
    return cls(detail)
