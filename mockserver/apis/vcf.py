"""VCF SDDC Manager handlers (specs/vcf.yaml): tokens, identity providers, sync client.

Thin by design (docs/style.md rule 3): parse, one call on ``world.vcf``, render. Errors leave as the
vendor's ``Error`` / ``ErrorResponse`` (docs/vendor-facts.md §1.6) via :func:`render_error`.
"""

from __future__ import annotations

import secrets
import string
from typing import Any

from mockserver.apis.base import BaseHandlers, ErrorResponse, empty, json_error, request
from mockserver.domain.errors import DomainError

#: Inferred ``errorCode`` per status when the domain gives none (codes are undocumented).
DEFAULT_CODES = {
    400: "VALIDATION_FAILED",
    401: "UNAUTHORIZED",
    403: "FORBIDDEN",
    404: "RESOURCE_NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    408: "REQUEST_TIMEOUT",
    409: "CONFLICT",
    413: "PAYLOAD_TOO_LARGE",
    414: "URI_TOO_LONG",
    415: "UNSUPPORTED_MEDIA_TYPE",
    429: "TOO_MANY_REQUESTS",
    431: "REQUEST_HEADER_FIELDS_TOO_LARGE",
    500: "INTERNAL_SERVER_ERROR",
    501: "NOT_IMPLEMENTED",
    503: "SERVICE_UNAVAILABLE",
}
Reply = tuple[Any, int]


def reference_token() -> str:
    """docs/vendor-facts.md §1.6 (Inferred): six random upper-case alphanumerics, as VCF shows them."""
    return "".join(secrets.choice(string.ascii_uppercase + string.digits) for _ in range(6))


def render_error(err: DomainError) -> ErrorResponse:
    """The fields ``Error`` and ``ErrorResponse`` share (docs/vendor-facts.md §1.6), so one body fits both
    schemas: neither ``cause`` (ErrorResponse) nor ``causes`` (Error) is sent."""
    body: dict[str, Any] = {
        "errorCode": getattr(err, "error_code", None) or DEFAULT_CODES.get(err.status, "INTERNAL_SERVER_ERROR"),
        "arguments": list(getattr(err, "arguments", [])),
        "context": {},
        "message": err.detail,
        "nestedErrors": [],
        "referenceToken": reference_token(),
    }
    return json_error(err, body)


def _origin() -> str:
    return f"{request.url.scheme}://{request.url.netloc}"


class Handlers(BaseHandlers):
    """operationIds of specs/vcf.yaml."""

    def check_bearer(self, token: str, path_params: dict[str, Any], headers: dict[str, str]) -> dict[str, Any] | None:
        """Access tokens from ``POST /v1/tokens``; also the seeded API bearer (``idsync-token``)."""
        return self.world.vcf.tokens.verify(token) or super().check_bearer(token, path_params, headers)

    async def createToken(self, body: dict[str, Any]) -> Reply:
        return self.world.vcf.tokens.create(body), 200

    async def refreshAccessToken(self, body: str) -> Reply:
        """PowerVCF ``checkVCFToken``: the body and the answer are bare JSON strings."""
        return self.world.vcf.tokens.refresh_access(body), 200

    async def invalidateRefreshToken(self, body: str) -> Any:
        self.world.vcf.tokens.invalidate_refresh(body)
        return empty(204)

    async def getIdentityProviders(self) -> Reply:
        elements = self.world.vcf.list_all()
        return {"elements": elements}, 200

    async def addExternalIdentityProvider(self, body: dict[str, Any]) -> Reply:
        """201 with no body (and so no ``Content-Type``), as VCF answers; ``Location`` is inferred."""
        idp_id = self.world.vcf.add_external(body)
        return empty(201, {"Location": f"{str(request.url).split('?')[0].rstrip('/')}/{idp_id}"})

    async def getIdentityProviderById(self, id: str) -> Reply:
        return self.world.vcf.get(id), 200

    async def updateExternalIdentityProvider(self, id: str, body: dict[str, Any]) -> Reply:
        self.world.vcf.update_external(id, body)
        return empty(204)

    async def deleteExternalIdentityProvider(self, id: str) -> Reply:
        self.world.vcf.delete_external(id)
        return empty(204)

    async def addEmbeddedIdentitySource(self, id: str, body: dict[str, Any]) -> Reply:
        self.world.vcf.add_source(id, body)
        return empty(204)

    async def updateEmbeddedIdentitySource(self, id: str, domainName: str, body: dict[str, Any]) -> Reply:
        self.world.vcf.update_source(id, domainName, body)
        return empty(204)

    async def deleteIdentitySource(self, id: str, domainName: str) -> Reply:
        self.world.vcf.delete_source(id, domainName)
        return empty(204)

    async def generateSyncClientToken(self, id: str, syncClientTokenTTL: int | None = None) -> Reply:
        return self.world.vcf.generate_sync_client(id, syncClientTokenTTL, _origin()), 200
