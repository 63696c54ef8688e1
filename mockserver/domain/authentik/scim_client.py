"""authentik's outbound SCIM client: how it talks to a provider's target (docs/vendor-facts.md A8).

Mirrors ``authentik/providers/scim/clients/base.py``: the provider ``url`` with one trailing
``/`` stripped plus ``/ServiceProviderConfig``, ``/Users``, ``/Groups``; ``Authorization:
Bearer <token>``; ``Accept`` and ``Content-Type`` ``application/scim+json``; dry-run refuses
every method but GET/HEAD/OPTIONS/TRACE; 404 → not found, 409 → exists, 429/503 → transient,
any other error status or a network failure → ``SCIMRequestException`` (transient).
Uses ``httpx.AsyncClient`` so a push to this same server never blocks the event loop; this is the
only domain module that speaks HTTP (ARCHITECTURE.md, "Layers").
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx

SCIM_JSON = "application/scim+json"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
TIMEOUT = 10.0


class SyncError(Exception):
    """Base of ``authentik.lib.sync.outgoing.exceptions``."""


class TransientSyncException(SyncError):
    """429/503 from the target: try again later."""


class SCIMRequestException(TransientSyncException):
    """Any other error status, or the request could not be sent. ``str()`` is the SCIM ``detail``."""

    def __init__(self, detail: str, status: int | None = None) -> None:
        super().__init__(detail)
        self.status = status


class NotFoundSyncException(SyncError):
    """404 from the target."""


class ObjectExistsSyncException(SyncError):
    """409 from the target."""


class StopSync(SyncError):
    """The object cannot be synced at all (e.g. the target answered a create without ``id``)."""


class DryRunRejected(SyncError):
    """A mutating request the provider's ``dry_run`` kept from being sent."""

    def __init__(self, url: str, method: str, body: Any) -> None:
        super().__init__(f"Dry-run rejected {method} {url}")
        self.url = url
        self.method = method
        self.body = body


@dataclass
class ServiceProviderConfig:
    """What the client reads from ``GET /ServiceProviderConfig`` (RFC 7643 §5)."""

    patch: bool = False
    filter: bool = False
    max_operations: int = 0
    is_fallback: bool = False

    @classmethod
    def parse(cls, body: dict[str, Any], compatibility_mode: str) -> ServiceProviderConfig:
        """``aws`` forces PATCH off, ``slack`` forces filter on (``SCIMCompatibilityMode``)."""
        patch = bool((body.get("patch") or {}).get("supported", False))
        filt = bool((body.get("filter") or {}).get("supported", False))
        max_ops = (body.get("bulk") or {}).get("maxOperations", 0)
        return cls(
            patch=patch and compatibility_mode != "aws",
            filter=filt or compatibility_mode == "slack",
            max_operations=max_ops if isinstance(max_ops, int) else 0,
        )


class SCIMClient:
    """One target (provider ``url`` + ``token``); ``config`` is set by :meth:`connect`."""

    def __init__(
        self, http: httpx.AsyncClient, url: str, token: str, *, dry_run: bool, compatibility_mode: str
    ) -> None:
        self.http = http
        self.base_url = url[:-1] if url.endswith("/") else url
        self.token = token
        self.dry_run = dry_run
        self.compatibility_mode = compatibility_mode
        self.config = ServiceProviderConfig(is_fallback=True)

    async def connect(self) -> None:
        """Read ``/ServiceProviderConfig``; an error (other than 429/503) or an invalid body
        means the default config: nothing supported, ``is_fallback`` set."""
        try:
            body = await self.request("GET", "/ServiceProviderConfig")
        except (SCIMRequestException, NotFoundSyncException, ObjectExistsSyncException):
            return
        if isinstance(body, dict):
            self.config = ServiceProviderConfig.parse(body, self.compatibility_mode)

    async def request(self, method: str, path: str, body: Any = None, params: dict[str, str] | None = None) -> Any:
        """Send one request; returns the parsed body (``{}`` for 204) or raises a sync exception."""
        url = f"{self.base_url}{path}"
        if self.dry_run and method not in SAFE_METHODS:
            raise DryRunRejected(url, method, body)
        headers = {"Authorization": f"Bearer {self.token}", "Accept": SCIM_JSON}
        content = None
        if body is not None:
            headers["Content-Type"] = SCIM_JSON
            content = json.dumps(body).encode()
        try:
            response = await self.http.request(
                method, url, content=content, params=params, headers=headers, timeout=TIMEOUT
            )
        except (httpx.HTTPError, httpx.InvalidURL, ValueError, UnicodeError, OSError):
            # requests' RequestException (connection refused, invalid URL...) in authentik
            raise SCIMRequestException("Failed to send request") from None
        return _result(response)

    async def create(self, endpoint: str, body: dict[str, Any], lookup: str) -> tuple[str, dict[str, Any]]:
        """``POST /<endpoint>``, giving the remote ``id`` and resource. On 409, when the target
        supports filtering, the first resource matching the filter ``lookup`` is taken instead
        (``_create`` in authentik's ``clients/users.py`` and ``clients/groups.py``); an answer
        without a string ``id`` stops the sync of this object."""
        try:
            response = await self.request("POST", endpoint, body)
        except ObjectExistsSyncException:
            if not self.config.filter:
                raise
            found = await self.request("GET", endpoint, params={"filter": lookup})
            resources = (found.get("Resources") or []) if isinstance(found, dict) else []
            if not resources:
                raise
            response = resources[0]
        scim_id = response.get("id") if isinstance(response, dict) else None
        if not scim_id or not isinstance(scim_id, str):
            raise StopSync("SCIM Response with missing or invalid `id`")
        return scim_id, response


@asynccontextmanager
async def open_client(
    url: str, token: str, *, verify: bool, dry_run: bool, compatibility_mode: str
) -> AsyncIterator[SCIMClient]:
    """A client for one push to ``url``, with its own HTTP connections (closed when done)."""
    async with httpx.AsyncClient(verify=verify) as http:
        yield SCIMClient(http, url, token, dry_run=dry_run, compatibility_mode=compatibility_mode)


def _result(response: httpx.Response) -> Any:
    status = response.status_code
    if status == 404:
        raise NotFoundSyncException(_detail(response))
    if status in (429, 503):
        raise TransientSyncException(_detail(response))
    if status == 409:
        raise ObjectExistsSyncException(_detail(response))
    if status >= 400:
        raise SCIMRequestException(_detail(response), status)
    if status == 204 or not response.content:
        return {}
    try:
        return response.json()
    except ValueError:
        raise SCIMRequestException(f"Invalid JSON in response: {response.text[:200]}", status) from None


def _detail(response: httpx.Response) -> str:
    """The SCIM error ``detail`` when the body is a SCIM error (RFC 7644 §3.12), else the text."""
    try:
        body = response.json()
    except ValueError:
        return response.text
    if isinstance(body, dict) and isinstance(body.get("detail"), str):
        return str(body["detail"])
    return response.text
