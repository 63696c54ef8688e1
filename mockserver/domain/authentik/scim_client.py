"""authentik's outbound SCIM client: how it talks to a provider's target (docs/vendor-facts.md A8).

Mirrors ``authentik/providers/scim/clients/base.py``: the provider ``url`` with one trailing
``/`` stripped plus ``/ServiceProviderConfig``, ``/Users``, ``/Groups``; ``Authorization:
Bearer <token>``; ``Accept`` and ``Content-Type`` ``application/scim+json``; dry-run refuses
every method but GET/HEAD/OPTIONS/TRACE; 404 → not found, 409 → exists, 429/503 → transient,
any other error status or a network failure → ``SCIMRequestException`` (transient).
Uses ``httpx.AsyncClient`` so a push to this same server never blocks the event loop; this is the
only domain module that speaks HTTP (ARCHITECTURE.md, "Layers").

The mock's own limits (``mockserver.domain.outbound``, README "Limits"): a target host must be
allowed (loopback, else ``--allow-outbound`` / the seed's ``outbound.allow``), each request and its
whole answer must finish within ``Outbound.timeout``, the answer is streamed and reading stops past
``Outbound.max_response_bytes``, and it is parsed under the JSON policy. Breaking any of them is a
failure to send (``SCIMRequestException``), as a network error is in authentik.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx

from mockserver.domain import jsonpolicy
from mockserver.domain.outbound import Outbound

SCIM_JSON = "application/scim+json"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
log = logging.getLogger("idsync")


@dataclass
class Answer:
    """What the target answered: status and the body read (within the size cap)."""

    status: int
    content: bytes


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
        self,
        http: httpx.AsyncClient,
        url: str,
        token: str,
        *,
        dry_run: bool,
        compatibility_mode: str,
        policy: Outbound | None = None,
    ) -> None:
        self.http = http
        self.base_url = url[:-1] if url.endswith("/") else url
        self.token = token
        self.dry_run = dry_run
        self.compatibility_mode = compatibility_mode
        self.config = ServiceProviderConfig(is_fallback=True)
        self.policy = policy or Outbound()

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
        refused = self.policy.refusal(url)
        if refused:
            log.warning("authentik provider push not sent: %s", refused)
            raise SCIMRequestException(f"Failed to send request: {refused}")
        headers = {"Authorization": f"Bearer {self.token}", "Accept": SCIM_JSON, "Accept-Encoding": "identity"}
        content = None
        if body is not None:
            headers["Content-Type"] = SCIM_JSON
            content = jsonpolicy.dumps(body).encode()
        try:
            async with asyncio.timeout(self.policy.timeout):
                answer = await self._exchange(method, url, content, params, headers)
        except TimeoutError:
            raise SCIMRequestException(
                f"Failed to send request: no whole answer within {self.policy.timeout:g} s"
            ) from None
        except (httpx.HTTPError, httpx.InvalidURL, ValueError, UnicodeError, OSError):
            # requests' RequestException (connection refused, invalid URL...) in authentik
            raise SCIMRequestException("Failed to send request") from None
        return _result(answer)

    async def _exchange(
        self, method: str, url: str, content: bytes | None, params: dict[str, str] | None, headers: dict[str, str]
    ) -> Answer:
        """Send, then read the answer as a stream, stopping past the size cap."""
        cap = self.policy.max_response_bytes
        request = self.http.build_request(method, url, content=content, params=params, headers=headers)
        response = await self.http.send(request, stream=True)
        try:
            if response.headers.get("content-encoding", "identity").lower() != "identity":
                raise SCIMRequestException("Answer is compressed, which was not asked for", response.status_code)
            data = bytearray()
            async for chunk in response.aiter_raw():
                data.extend(chunk)
                if len(data) > cap:
                    raise SCIMRequestException(f"Answer larger than {cap} bytes: stopped reading", response.status_code)
            return Answer(response.status_code, bytes(data))
        finally:
            await response.aclose()

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
    url: str, token: str, *, verify: bool, dry_run: bool, compatibility_mode: str, policy: Outbound | None = None
) -> AsyncIterator[SCIMClient]:
    """A client for one push to ``url``, with its own HTTP connections (closed when done).
    ``policy``: allowed hosts and limits (default: loopback only, default limits)."""
    limits = policy or Outbound()
    async with httpx.AsyncClient(verify=verify, timeout=limits.timeout) as http:
        yield SCIMClient(http, url, token, dry_run=dry_run, compatibility_mode=compatibility_mode, policy=limits)


def _result(answer: Answer) -> Any:
    status = answer.status
    if status == 404:
        raise NotFoundSyncException(_detail(answer))
    if status in (429, 503):
        raise TransientSyncException(_detail(answer))
    if status == 409:
        raise ObjectExistsSyncException(_detail(answer))
    if status >= 400:
        raise SCIMRequestException(_detail(answer), status)
    if status == 204 or not answer.content:
        return {}
    try:
        return jsonpolicy.loads(answer.content)
    except jsonpolicy.JsonRejected as exc:
        raise SCIMRequestException(f"Invalid JSON in response: {exc.detail[:200]}", status) from None


#: Longest error text kept from a target's answer (it lands in the task's log messages).
MAX_DETAIL = 500


def _detail(answer: Answer) -> str:
    """The SCIM error ``detail`` when the body is a SCIM error (RFC 7644 §3.12), else the text."""
    text = answer.content[:MAX_DETAIL].decode("utf-8", "replace")
    try:
        body = jsonpolicy.loads(answer.content)
    except jsonpolicy.JsonRejected:
        return text
    if isinstance(body, dict) and isinstance(body.get("detail"), str):
        return str(body["detail"])[:MAX_DETAIL]
    return text
