"""The implementation under test: the embedded mock or a real base URL (docs/style.md rule 8).

Tests never hold a URL; they get a :class:`Target`. :meth:`Target.discover` looks at a base
URL: an idsync mock answers ``GET /`` with its index (each API's base path, and the admin API
so set-up contracts can run); anything else is a real vendor, reached at that URL with
credentials from options or environment variables (``ENV``) and no admin API.

Every request made through :meth:`Target.client` or :meth:`Target.http` is recorded
(``Target.exchanges``), so a failing contract can show the request, the response and a curl
line (``contracts.evidence``: credentials masked, or named by their environment variable).
"""

from __future__ import annotations

import base64
import os
import shlex
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from contracts.admin import Admin
from contracts.evidence import MASK, Exchange, Reproduction, masked

#: Environment variables holding credentials for a remote target (never printed).
ENV = {
    "bearer": "IDSYNC_BEARER_TOKEN",
    "basic_user": "IDSYNC_BASIC_USER",
    "basic_password": "IDSYNC_BASIC_PASSWORD",
    "authentik_token": "IDSYNC_AUTHENTIK_TOKEN",
    "vcf_username": "IDSYNC_VCF_USERNAME",
    "vcf_password": "IDSYNC_VCF_PASSWORD",
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

#: APIs that authenticate with HTTP basic (RFC 7617) rather than a bearer token.
BASIC_APIS = ("resolution",)
#: The fixed seed of Schemathesis and Hypothesis when none is given (``--random-seed``).
DEFAULT_RANDOM_SEED = 20261123


@dataclass
class Credentials:
    """What a target accepts. ``bearer`` for Sift/StackSpot/SCIM/admin (and authentik unless
    ``authentik_token``); ``basic`` for resolution; VCF trades ``vcf_username``/``vcf_password``
    for an access token at ``POST /v1/tokens`` (falling back to ``bearer``)."""

    bearer: str | None = None
    basic_user: str | None = None
    basic_password: str | None = None
    authentik_token: str | None = None
    vcf_username: str | None = None
    vcf_password: str | None = None
    scim_tenant: str = "default"
    #: The default seed's credentials, printed in the README: shown as they are in curl lines.
    public: bool = False

    @classmethod
    def from_env(cls, **overrides: Any) -> Credentials:
        """Environment variables (``ENV``), overridden by non-None keyword values."""
        made = cls(scim_tenant=os.environ.get(ENV["scim_tenant"], "default"))
        for key, var in ENV.items():
            if key != "scim_tenant":
                setattr(made, key, os.environ.get(var))
        for key, value in overrides.items():
            if value is not None:
                setattr(made, key, value)
        return made

    @classmethod
    def embedded(cls) -> Credentials:
        """The default seed's credentials (mockserver/data/default-seed.yaml)."""
        return cls(bearer="idsync-token", basic_user="admin", basic_password="admin", vcf_username="admin",
                   vcf_password="admin", public=True)  # fmt: skip

    def given(self) -> bool:
        """Whether any credential is set (the tenant name is none)."""
        secrets = (self.bearer, self.basic_user, self.basic_password, self.authentik_token, self.vcf_username)
        return any(value is not None for value in secrets)

    def secrets(self) -> list[str]:
        """Every secret value held, for masking in reports."""
        return [s for s in (self.bearer, self.basic_password, self.authentik_token, self.vcf_password) if s]

    def __repr__(self) -> str:  # never leak secrets into logs or reports
        bearer = MASK if self.bearer else None
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
    exchanges: deque[Exchange] = field(default_factory=lambda: deque(maxlen=20), repr=False)
    _vcf_token: str | None = field(default=None, repr=False)
    #: How curl lines reach this target (the embedded mock: ``idsync serve`` on its default port).
    reproduction: Reproduction = field(default_factory=Reproduction)
    #: Seed of the Hypothesis properties inside contracts (``--random-seed``).
    random_seed: int = DEFAULT_RANDOM_SEED

    def base_url(self, api: str) -> str:
        """Base URL the API's spec paths are appended to (``http://h:p/sift``)."""
        return self.base_urls.get(api, self.root + EMBEDDED_PREFIX.get(api, ""))

    def auth_headers(self, api: str) -> dict[str, str]:
        """Headers authenticating to ``api``: basic for resolution, VCF's token, else bearer."""
        creds = self.credentials
        if api in BASIC_APIS and creds.basic_user is not None:
            return {"Authorization": "Basic " + _b64(f"{creds.basic_user}:{creds.basic_password or ''}")}
        token = creds.bearer
        if api == "authentik" and creds.authentik_token:
            token = creds.authentik_token
        if api == "vcf" and creds.vcf_username and self.vcf_token():
            token = self._vcf_token
        return {"Authorization": f"Bearer {token}"} if token else {}

    def vcf_token(self) -> str | None:
        """VCF access token from ``POST /v1/tokens`` (VCF API "Tokens"), fetched once; None if refused."""
        if self._vcf_token is None and self.credentials.vcf_username:
            body = {"username": self.credentials.vcf_username, "password": self.credentials.vcf_password or ""}
            try:
                response = httpx.post(f"{self.base_url('vcf')}/v1/tokens", json=body, timeout=30)
                if response.status_code in (200, 201):
                    self._vcf_token = response.json().get("accessToken") or ""
            except (httpx.HTTPError, ValueError, AttributeError):
                self._vcf_token = ""
            self._vcf_token = self._vcf_token or ""
        return self._vcf_token or None

    def client(self, api: str) -> httpx.Client:
        """An ``httpx.Client`` with the API's base URL and auth headers (cached per API)."""
        if api not in self._clients:
            self._clients[api] = self.http(self.base_url(api), self.auth_headers(api))
        return self._clients[api]

    def http(self, base_url: str, headers: dict[str, str] | None = None) -> httpx.Client:
        """A recording ``httpx.Client`` on ``base_url`` (a contract's own token or base); the caller closes it."""
        hooks: dict[str, list[Callable[..., Any]]] = {"request": [self._on_request], "response": [self._on_response]}
        return httpx.Client(base_url=base_url, headers=headers or {}, timeout=30, event_hooks=hooks)

    def _on_request(self, request: httpx.Request) -> None:
        body = request.content.decode("utf-8", "replace") if request.content else ""
        auth = self.curl_auth(request.headers.get("authorization"))
        made = Exchange(request.method, str(request.url), masked(dict(request.headers)), body, auth=auth)
        made.reproduction = self.reproduction
        self.exchanges.append(made)

    def curl_auth(self, authorization: str | None) -> str:
        """The curl fragment sending ``authorization``: public defaults as they are, the user's
        credentials by their environment variable, anything the run obtained itself masked."""
        if not authorization:
            return ""
        if self.credentials.public:
            return "-H " + shlex.quote(f"Authorization: {authorization}")
        creds = self.credentials
        scheme, _, value = authorization.partition(" ")
        basic = _b64(f"{creds.basic_user}:{creds.basic_password or ''}")
        if scheme.lower() == "basic" and creds.basic_user is not None and value == basic:
            return f'-u "${ENV["basic_user"]}:${ENV["basic_password"]}"'
        for key in ("bearer", "authentik_token"):
            if value and value == getattr(creds, key):
                return f'-H "Authorization: Bearer ${ENV[key]}"'
        return "-H " + shlex.quote(f"Authorization: {scheme} {MASK}")

    def _on_response(self, response: httpx.Response) -> None:
        response.read()
        if self.exchanges:
            last = self.exchanges[-1]
            last.status = response.status_code
            last.response_headers = dict(response.headers)
            last.response_body = response.text

    def last_exchange(self) -> Exchange | None:
        """The most recent request made through a client, with its response."""
        return self.exchanges[-1] if self.exchanges else None

    def close(self) -> None:
        for client in self._clients.values():
            client.close()
        self._clients.clear()
        if self.admin is not None:
            self.admin.close()

    @classmethod
    def for_mock(cls, root: str) -> Target:
        """An idsync mock at ``root`` with the default seed's credentials and its admin API."""
        return cls.for_url(root, Credentials.embedded(), admin=True)

    @classmethod
    def for_url(
        cls, root: str, credentials: Credentials, *, admin: bool, base_urls: dict[str, str] | None = None
    ) -> Target:
        """A target at ``root``; ``admin`` when it is an idsync mock with the admin API."""
        root = root.rstrip("/")
        token = os.environ.get("IDSYNC_ADMIN_TOKEN", credentials.bearer or "idsync-token")
        return cls(root, credentials, dict(base_urls or {}), Admin(root, token) if admin else None, embedded=admin)

    @classmethod
    def discover(cls, url: str, credentials: Credentials, apis: list[str] | None = None) -> Target:
        """An idsync mock (its ``GET /`` index names every API) or, else, a real vendor at ``url``.

        For a real vendor ``url`` is the base every API in ``apis`` is reached at (the spec's
        ``servers`` path is appended), and there is no admin API. An idsync mock given no
        credential at all is spoken to with the default seed's public ones (README "Credentials
        of the default seed"), so ``idsync verify --base-url`` of an ``idsync serve`` needs none.
        """
        url = url.rstrip("/")
        index = _idsync_index(url)
        if index is None:
            return cls.for_url(url, credentials, admin=False, base_urls={api: url for api in apis or []})
        if not credentials.given():
            tenant = credentials.scim_tenant
            credentials = Credentials.embedded()
            credentials.scim_tenant = tenant
        from mockserver.apis.registry import by_name
        from mockserver.app import spec_base_path
        from mockserver.specs import load_spec

        bases = {}
        for entry in index:
            own = spec_base_path(load_spec(by_name(entry["name"]).spec))
            base = entry["base_path"].rstrip("/")
            bases[entry["name"]] = url + (base[: -len(own)] if own and base.endswith(own) else base)
        return cls.for_url(url, credentials, admin="admin" in bases, base_urls=bases)


def _idsync_index(url: str) -> list[dict[str, Any]] | None:
    """The APIs an idsync mock lists at ``GET /``, or None when ``url`` is not one."""
    try:
        body = httpx.get(url + "/", timeout=10).json()
    except (httpx.HTTPError, ValueError):
        return None
    if isinstance(body, dict) and body.get("name") == "idsync mock server" and isinstance(body.get("apis"), list):
        return list(body["apis"])
    return None


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()
