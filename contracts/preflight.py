"""Before any level runs: does the target answer, and does it accept the credentials? (issue 10, point 4)

A run against a URL nobody listens on, or with a token the server refuses, tests nothing; its
thousands of refused requests must not read as findings, let alone as passes. So ``idsync
verify`` first sends one request to the base URL (else one line: ``cannot connect to URL:
connection refused``, exit 2) and then, per API, one authenticated read of a secured collection
(RFC 9110 §11.6.1: 401/403 mean the credentials were refused; else one line naming the option
and the environment variable to fix, exit 2). A 404 for that collection means the base URL is
not the API's (the spec's paths are appended to it): one line too.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import httpx

if TYPE_CHECKING:
    from contracts.target import Target

#: What to set when an API refuses the credentials: its option and environment variable.
HINTS = {
    "resolution": "--basic-user/--basic-password or IDSYNC_BASIC_USER/IDSYNC_BASIC_PASSWORD",
    "authentik": "--authentik-token or IDSYNC_AUTHENTIK_TOKEN (else --bearer-token or IDSYNC_BEARER_TOKEN)",
    "vcf": "--vcf-username/--vcf-password or IDSYNC_VCF_USERNAME/IDSYNC_VCF_PASSWORD",
}
BEARER_HINT = "--bearer-token or IDSYNC_BEARER_TOKEN"
TIMEOUT = 10.0


class PreflightError(Exception):
    """The one line telling why the run cannot start (``idsync verify`` exits 2)."""


def reachable(url: str) -> None:
    """Raise :class:`PreflightError` unless something answers HTTP at ``url`` (any status will do)."""
    try:
        httpx.get(url, timeout=TIMEOUT)
    except httpx.TimeoutException:
        raise PreflightError(f"cannot connect to {url}: no answer within {TIMEOUT:.0f}s") from None
    except httpx.HTTPError as exc:
        raise PreflightError(f"cannot connect to {url}: {_reason(exc)}") from None


def _reason(exc: Exception) -> str:
    """``[Errno 111] Connection refused`` → ``connection refused``."""
    reason = re.sub(r"^\[Errno -?\d+\]\s*", "", str(exc).strip()) or type(exc).__name__
    return reason[0].lower() + reason[1:]


def credentials_accepted(target: Target, api: str, spec: dict[str, Any]) -> None:
    """One authenticated read of a secured collection of ``api``; 401/403 stop the run with a hint."""
    from contracts.generic import PROBE, secured_reads

    reads = secured_reads(spec, target, api)
    if not reads:
        return
    hint = HINTS.get(api, BEARER_HINT)
    if not target.auth_headers(api):
        raise PreflightError(f"{api}: no credentials given; set {hint}")
    client = target.client(api)
    url = reads[0]
    try:
        response = client.get(url)
    except httpx.HTTPError as exc:
        raise PreflightError(f"cannot connect to {url}: {_reason(exc)}") from None
    where = str(response.request.url)
    if response.status_code in (401, 403):
        raise PreflightError(f"{api}: credentials refused (GET {where} answered {response.status_code}); set {hint}")
    if response.status_code == 404 and PROBE not in url:
        raise PreflightError(f"{api}: GET {where} answered 404; is --base-url the base the API's paths hang off?")
