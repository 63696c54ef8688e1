"""Where the mock's outbound clients may connect, and how much of an answer they read.

Only authentik's provider push speaks HTTP to another server (``authentik/scim_client.py``). A
provider ``url`` is client input, so without a rule the mock relays requests to any host its
network reaches (OWASP "Server Side Request Forgery Prevention Cheat Sheet": allow-list the
destinations). The rule: loopback targets (``localhost``, ``*.localhost`` per RFC 6761 §6.3,
127.0.0.0/8, ``::1``) are always allowed; any other host only when ``idsync serve
--allow-outbound HOST[,HOST]`` or the seed's ``outbound.allow`` lists it (``*`` allows every
host). Answers are read with a time limit and a size cap and parsed under the JSON policy
(``jsonpolicy``), so a hostile target cannot stall or exhaust the mock (README, "Limits").
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from mockserver.domain.jsonpolicy import MAX_BODY_BYTES

#: Seconds one outbound request may take in all (connect, send, the whole answer).
OUTBOUND_TIMEOUT = 10.0


def hosts(value: Any) -> set[str]:
    """Host names from an option or seed value: ``"a,b"``, ``["a", "b"]``; lower case, no brackets."""
    items = value.split(",") if isinstance(value, str) else value if isinstance(value, list | tuple | set) else []
    return {str(h).strip().strip("[]").lower() for h in items if str(h).strip()}


def is_loopback(host: str) -> bool:
    """``localhost`` names and loopback addresses; no name is resolved (so no DNS answer can widen it)."""
    host = host.strip("[]").lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass
class Outbound:
    """The outbound rule of one app: hosts allowed by the command line and by the current seed."""

    allowed: set[str] = field(default_factory=set)
    seeded: Callable[[], Any] = lambda: None
    timeout: float = OUTBOUND_TIMEOUT
    max_response_bytes: int = MAX_BODY_BYTES

    def allow(self, more: Iterable[str]) -> None:
        """Allow more hosts for the life of the app (``--allow-outbound``)."""
        self.allowed |= hosts(list(more))

    def refusal(self, url: str) -> str | None:
        """Why ``url`` may not be called, or None when it may."""
        try:
            host = (urlsplit(url).hostname or "").lower()
        except ValueError:
            return f"{url!r} is not a valid URL"
        if not host or is_loopback(host):
            return None
        section = self.seeded()
        permitted = self.allowed | (hosts(section.get("allow")) if isinstance(section, dict) else set())
        if "*" in permitted or host in permitted:
            return None
        return (
            f"outbound requests to {host} are not allowed: only loopback targets are, unless "
            "`idsync serve --allow-outbound HOST` or the seed's outbound.allow lists the host"
        )
