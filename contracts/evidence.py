"""What a failure shows: the request, the response and a curl line that reproduces it.

Every level turns what it saw into an :class:`Exchange` (a contract's last request through
``Target``, a Schemathesis case's response), so a failure reads the same at every level and a
report (JUnit, HTML) gets the parts separately. Secrets never appear: the ``Authorization``
header of the request is shown as ``<scheme> ***``, and the curl line names the environment
variable the user gave the credential in (``"$IDSYNC_BEARER_TOKEN"``), or ``***`` for a token
the run obtained itself. Against the embedded mock the credentials are the default seed's
public ones, and :class:`Reproduction` points the curl line at ``idsync serve`` on its default
port instead of the temporary port the run used (issue 10, "every failure reproducible").
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field

MASK = "***"
#: Headers every HTTP client or server adds; they say nothing about a contract failure.
ROUTINE_HEADERS = frozenset(
    {"host", "accept", "accept-encoding", "connection", "user-agent", "content-length", "date", "server"}
)
BODY_EXCERPT = 2000


@dataclass(frozen=True)
class Reproduction:
    """How a curl line reaches the target: the origin the run used, the one to show, and how to start it."""

    origin: str = ""
    shown_origin: str = ""
    preamble: str = ""

    def url(self, url: str) -> str:
        """``url`` with the run's origin replaced by the one a user can reach."""
        if self.origin and self.shown_origin and url.startswith(self.origin):
            return self.shown_origin + url[len(self.origin) :]
        return url


@dataclass
class Exchange:
    """One request and its response, secrets masked. ``auth`` is the curl fragment that authenticates."""

    method: str
    url: str
    request_headers: dict[str, str]
    request_body: str
    status: int | None = None
    response_headers: dict[str, str] = field(default_factory=dict)
    response_body: str = ""
    auth: str = ""
    reproduction: Reproduction = field(default_factory=Reproduction)

    def curl(self) -> str:
        """A shell command reproducing the request against the target as the user gave it."""
        parts = ["curl", "-sS", "-X", self.method]
        headers = [
            ("-H", f"{k}: {v}") for k, v in telling(self.request_headers).items() if k.lower() != "authorization"
        ]
        body = ["--data-raw", self.request_body] if self.request_body else []
        quoted = " ".join(shlex.quote(p) for p in [*parts, *(x for pair in headers for x in pair), *body])
        line = f"{quoted}{' ' + self.auth if self.auth else ''} {shlex.quote(self.reproduction.url(self.url))}"
        return f"{self.reproduction.preamble}{line}"

    def format(self, limit: int = BODY_EXCERPT) -> str:
        """Request, response and curl as text for a failure report."""
        req_headers = "".join(f"\n    {k}: {v}" for k, v in telling(self.request_headers).items())
        resp_headers = "".join(f"\n    {k}: {v}" for k, v in telling(self.response_headers).items())
        return (
            f"Request:  {self.method} {self.url}{req_headers}"
            + (f"\n    {self.request_body[:limit]}" if self.request_body else "")
            + f"\nResponse: {self.status}{resp_headers}"
            + (f"\n    {self.response_body[:limit]}" if self.response_body else "")
            + f"\nReproduce: {self.curl()}"
        )


def telling(headers: dict[str, str]) -> dict[str, str]:
    """``headers`` without the routine ones."""
    return {k: v for k, v in headers.items() if k.lower() not in ROUTINE_HEADERS}


def masked(headers: dict[str, str]) -> dict[str, str]:
    """``headers`` with the credential of ``Authorization`` replaced by ``***`` (the scheme stays)."""
    return {k: (f"{v.split(' ', 1)[0]} {MASK}" if k.lower() == "authorization" else v) for k, v in headers.items()}


def text(body: bytes | str | None, limit: int = BODY_EXCERPT) -> str:
    """A body excerpt as text (undecodable bytes replaced)."""
    if body is None:
        return ""
    decoded = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    return decoded[:limit]
