"""The implementation under test: the embedded mock or a real base URL (STYLE.md rule 8).

Tests never hold a URL; they get a :class:`Target`. ``Target.embedded()`` starts the mock on
a free loopback port (with the admin API, so set-up contracts can run); ``Target.remote()``
points at a real server with credentials from options or environment variables and has no
admin API.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

import httpx

from contracts.plugin import Admin

#: Environment variables holding credentials for a remote target (never printed).
ENV = {
    "bearer": "IDSYNC_BEARER_TOKEN",
    "basic_user": "IDSYNC_BASIC_USER",
    "basic_password": "IDSYNC_BASIC_PASSWORD",
    "scim_tenant": "IDSYNC_SCIM_TENANT",
}

#: Path prefixes of each API on the embedded mock (mockserver.apis.registry).
EMBEDDED_PREFIX = {
    "sift": "/sift",
    "authentik": "/authentik",
    "resolution": "/resolution",
    "stackspot": "/stackspot",
    "vcf": "/vcf",
    "scim": "",
    "admin": "",
}


@dataclass
class Credentials:
    """What a target accepts. ``bearer`` for Sift/authentik/StackSpot/SCIM/admin; ``basic`` for
    resolution and VCF ``POST /v1/tokens``."""

    bearer: str | None = None
    basic_user: str | None = None
    basic_password: str | None = None
    scim_tenant: str = "default"

    @classmethod
    def from_env(cls, **overrides: Any) -> Credentials:
        """Environment variables (``ENV``), overridden by non-None keyword values."""
        made = cls(
            bearer=os.environ.get(ENV["bearer"]),
            basic_user=os.environ.get(ENV["basic_user"]),
            basic_password=os.environ.get(ENV["basic_password"]),
            scim_tenant=os.environ.get(ENV["scim_tenant"], "default"),
        )
        for key, value in overrides.items():
            if value is not None:
                setattr(made, key, value)
        return made

    def __repr__(self) -> str:  # never leak secrets into logs or reports
        bearer = "***" if self.bearer else None
        return f"Credentials(bearer={bearer}, basic_user={self.basic_user!r}, scim_tenant={self.scim_tenant!r})"


@dataclass
class Target:
    """Where the contracts run. ``root`` is the server's origin, ``base_urls`` each API's base."""

    root: str
    credentials: Credentials
    base_urls: dict[str, str] = field(default_factory=dict)
    admin: Admin | None = None
    embedded: bool = False
    _clients: dict[str, httpx.Client] = field(default_factory=dict, repr=False)

    def base_url(self, api: str) -> str:
        """Base URL the API's spec paths are appended to (``http://h:p/sift``)."""
        return self.base_urls.get(api, self.root + EMBEDDED_PREFIX.get(api, ""))

    def auth_headers(self, api: str) -> dict[str, str]:
        """Headers authenticating to ``api`` (bearer, or basic for resolution)."""
        creds = self.credentials
        if api == "resolution" and creds.basic_user is not None:
            return {"Authorization": "Basic " + _b64(f"{creds.basic_user}:{creds.basic_password or ''}")}
        return {"Authorization": f"Bearer {creds.bearer}"} if creds.bearer else {}

    def client(self, api: str) -> httpx.Client:
        """An ``httpx.Client`` with the API's base URL and auth headers (cached per API)."""
        if api not in self._clients:
            self._clients[api] = httpx.Client(base_url=self.base_url(api), headers=self.auth_headers(api), timeout=30)
        return self._clients[api]

    def close(self) -> None:
        for client in self._clients.values():
            client.close()
        self._clients.clear()
        if self.admin is not None:
            self.admin.close()

    @classmethod
    def for_url(
        cls, root: str, credentials: Credentials, *, admin: bool, base_urls: dict[str, str] | None = None
    ) -> Target:
        """A target at ``root``; ``admin`` when it is an idsync mock with the admin API."""
        root = root.rstrip("/")
        token = os.environ.get("IDSYNC_ADMIN_TOKEN", credentials.bearer or "idsync-token")
        return cls(root, credentials, dict(base_urls or {}), Admin(root, token) if admin else None, embedded=admin)


def _b64(text: str) -> str:
    import base64

    return base64.b64encode(text.encode()).decode()
