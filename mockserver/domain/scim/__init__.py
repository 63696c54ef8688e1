"""SCIM 2.0 directories (RFC 7643 / RFC 7644): one per tenant, the hub every vendor syncs through.

INTERFACE STUB: the full directory (filters, PATCH, paging, ETags, indexes) replaces the
bodies; the names and signatures below are what the vendor domains rely on.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from mockserver.domain.clock import Clock
from mockserver.domain.errors import NotFound


class Directory:
    """One SCIM tenant: users, groups and the bearer tokens it accepts."""

    def __init__(self, name: str, clock: Clock) -> None:
        self.name = name
        self.clock = clock
        self.tokens: dict[str, float | None] = {}
        self._users: dict[str, dict[str, Any]] = {}
        self._groups: dict[str, dict[str, Any]] = {}

    def add_token(self, token: str, expires_at: float | None = None) -> None:
        """Accept ``token`` until ``expires_at`` (epoch seconds on the mock clock; None = never)."""
        self.tokens[token] = expires_at

    def revoke_token(self, token: str) -> None:
        """Stop accepting ``token``; unknown tokens are ignored."""
        self.tokens.pop(token, None)

    def token_valid(self, token: str) -> bool:
        """RFC 6750 §3.1: a token that is unknown, revoked or expired is ``invalid_token``."""
        if token not in self.tokens:
            return False
        expires = self.tokens[token]
        return expires is None or self.clock.now() < expires

    def users(self) -> Iterator[dict[str, Any]]:
        """Every user as a SCIM resource (copies), in creation order."""
        raise NotImplementedError

    def groups(self) -> Iterator[dict[str, Any]]:
        """Every group as a SCIM resource (copies) with ``members``, in creation order."""
        raise NotImplementedError


class Directories:
    """All tenants by name."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._by_name: dict[str, Directory] = {}

    def get(self, name: str) -> Directory:
        """The tenant ``name``; :class:`NotFound` if there is none."""
        try:
            return self._by_name[name]
        except KeyError:
            raise NotFound(f"SCIM tenant {name!r} not found") from None

    def ensure(self, name: str) -> Directory:
        """The tenant ``name``, created empty if missing."""
        if name not in self._by_name:
            self._by_name[name] = Directory(name, self.clock)
        return self._by_name[name]

    def drop(self, name: str) -> None:
        """Delete the tenant and everything in it."""
        self._by_name.pop(name, None)

    def names(self) -> list[str]:
        """Tenant names, sorted."""
        return sorted(self._by_name)

    def load(self, data: dict[str, Any]) -> None:
        """Replace all tenants from the seed's ``scim`` section."""
        self._by_name = {}
        for name, tenant in (data.get("tenants") or {}).items():
            directory = self.ensure(str(name))
            for token in tenant.get("tokens") or []:
                directory.add_token(str(token))

    def export(self) -> dict[str, Any]:
        """Seed-shaped state."""
        return {"tenants": {n: {"tokens": list(d.tokens)} for n, d in self._by_name.items()}}
