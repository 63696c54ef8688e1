"""SDDC Manager API tokens: ``POST /v1/tokens``, ``PATCH /v1/tokens/access-token/refresh`` and
``DELETE /v1/tokens/refresh-token``.

Sources: VCF API guide "Tokens" (developer.broadcom.com/xapis/vmware-cloud-foundation-api/latest/tokens)
and PowerVCF ``Request-VCFToken`` / ``checkVCFToken``. The access token is a JWT whose claims
start ``jti, iat, sub`` and carry ``exp`` (PowerVCF reads it). Lifetimes are not in the vendor
reference; a VCF 9 community guide (drpranayjha.com/vcf-9-api-authentication-rbac) reports 60
minutes for access tokens and 24 hours for refresh tokens, which the mock uses on its clock.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid
from typing import Any

from mockserver.domain.context import VendorContext
from mockserver.domain.errors import NotFound, Unauthenticated
from mockserver.domain.limits import MAX_VCF_TOKENS, evict_oldest
from mockserver.domain.vcf.errors import vcf_error

ACCESS_TTL = 3600
REFRESH_TTL = 86400
#: Not a secret: the mock never verifies signatures, it looks tokens up.
SIGNING_KEY = b"idsync-vcf-mock"


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def make_jwt(subject: str, issued_at: float, expires_at: float) -> str:
    """An HS256 JWT with the claims the VCF API guide example shows (``jti, iat, sub``) plus ``exp``."""
    header = _b64url(json.dumps({"alg": "HS256"}, separators=(",", ":")).encode())
    claims = {"jti": str(uuid.uuid4()), "iat": int(issued_at), "sub": subject, "exp": int(expires_at)}
    payload = _b64url(json.dumps(claims, separators=(",", ":")).encode())
    signature = hmac.new(SIGNING_KEY, f"{header}.{payload}".encode(), hashlib.sha256).digest()
    return f"{header}.{payload}.{_b64url(signature)}"


class TokenStore:
    """Issued access tokens and refresh token ids, each with its subject and expiry (epoch s)."""

    def __init__(self, context: VendorContext) -> None:
        self.context = context
        self.access: dict[str, dict[str, Any]] = {}
        self.refresh: dict[str, dict[str, Any]] = {}

    def load(self, data: dict[str, Any]) -> None:
        """Replace the tokens from a snapshot (``{"access": {...}, "refresh": {...}}``)."""
        self.access = {str(k): dict(v) for k, v in (data.get("access") or {}).items()}
        self.refresh = {str(k): dict(v) for k, v in (data.get("refresh") or {}).items()}

    def export(self) -> dict[str, Any]:
        """JSON-able copy."""
        return {
            "access": {k: dict(v) for k, v in self.access.items()},
            "refresh": {k: dict(v) for k, v in self.refresh.items()},
        }

    def create(self, spec: dict[str, Any]) -> dict[str, Any]:
        """``TokenCreationSpec`` → ``TokenPair``. Only username/password logins, checked against the
        seed's basic credentials; wrong or missing ones → 401 (community report, VCF 9: "wrong creds
        return 401"; Inferred for ``apiKey``/``idToken`` logins, which the mock does not support)."""
        username, password = spec.get("username"), spec.get("password")
        if username is None or password is None or not self.context.credentials.basic_ok(username, password):
            raise vcf_error(Unauthenticated, "Invalid username or password", "AUTHENTICATION_FAILED")
        now = self.context.clock.now()
        self._prune(now)
        refresh_id = str(uuid.uuid4())
        self.refresh[refresh_id] = {"sub": username, "exp": now + REFRESH_TTL}
        evict_oldest(self.refresh, MAX_VCF_TOKENS)
        return {"accessToken": self._issue(username, now), "refreshToken": {"id": refresh_id}}

    def refresh_access(self, refresh_id: str) -> str:
        """A new access token for a live refresh token id (PowerVCF ``checkVCFToken``)."""
        entry = self.refresh.get(refresh_id)
        now = self.context.clock.now()
        if entry is None or now >= entry["exp"]:
            raise vcf_error(NotFound, "Refresh token not found", "REFRESH_TOKEN_NOT_FOUND")
        return self._issue(entry["sub"], now)

    def invalidate_refresh(self, refresh_id: str) -> None:
        """``DELETE /v1/tokens/refresh-token``: the id stops refreshing; unknown ids are a no-op
        (Inferred: the vendor declares only 204)."""
        self.refresh.pop(refresh_id, None)

    def verify(self, token: str) -> dict[str, Any] | None:
        """Token info for a live access token, else None (→ 401)."""
        entry = self.access.get(token)
        if entry is None:
            return None
        if self.context.clock.now() >= entry["exp"] and not self.context.quirk("vcf-access-token-never-expires"):
            return None
        return {"sub": entry["sub"], "exp": entry["exp"]}

    def _issue(self, subject: str, now: float) -> str:
        token = make_jwt(subject, now, now + ACCESS_TTL)
        self.access[token] = {"sub": subject, "exp": now + ACCESS_TTL}
        evict_oldest(self.access, MAX_VCF_TOKENS)  # a login loop cannot grow the store (limits.py)
        return token

    def _prune(self, now: float) -> None:
        """Forget long-dead tokens so the store stays small."""
        self.access = {k: v for k, v in self.access.items() if v["exp"] > now - REFRESH_TTL}
        self.refresh = {k: v for k, v in self.refresh.items() if v["exp"] > now}
