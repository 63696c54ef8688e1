"""The SCIM tenants of this server by name: the hub every vendor syncs through (ARCHITECTURE.md).

Each tenant is a :class:`~mockserver.domain.scim.directory.Directory` served at
``/scim/<name>/v2``; vendors reach theirs through the vendor context (``context.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mockserver.domain.clock import Clock
from mockserver.domain.errors import BadRequest, NotFound
from mockserver.domain.limits import MAX_SCIM_TENANTS, require_room
from mockserver.domain.scim.directory import Directory
from mockserver.domain.scim.options import TenantOptions
from mockserver.domain.scim.schema import GROUP_TYPE, USER_TYPE
from mockserver.domain.statefile import at


class Directories:
    """All tenants by name. ``quirk`` is the world's planted-fault test (mockserver.domain.planted)."""

    def __init__(self, clock: Clock, quirk: Callable[[str], bool] | None = None) -> None:
        self.clock = clock
        self._by_name: dict[str, Directory] = {}
        self.quirk = quirk or _no_quirk

    def get(self, name: str) -> Directory:
        """The tenant ``name``; :class:`NotFound` if there is none."""
        try:
            return self._by_name[name]
        except KeyError:
            raise NotFound(f"SCIM tenant {name!r} not found") from None

    def ensure(self, name: str) -> Directory:
        """The tenant ``name``, created empty if missing (429 past ``MAX_SCIM_TENANTS``, limits.py)."""
        if name not in self._by_name:
            require_room(len(self._by_name), MAX_SCIM_TENANTS, "SCIM tenants")
            self._by_name[name] = Directory(name, self.clock, lambda q: self.quirk(q))
        return self._by_name[name]

    def provision(self, name: str, tokens: list[str], options: dict[str, Any] | None = None) -> Directory:
        """Create the tenant ``name`` if missing, accept ``tokens``, and replace its options when
        ``options`` is given (admin ``POST /tenants``). Options are checked before anything changes."""
        parsed = None if options is None else TenantOptions.load(options)
        directory = self.ensure(name)
        for token in tokens:
            directory.add_token(token)
        if parsed is not None:
            directory.options = parsed
        return directory

    def drop(self, name: str) -> None:
        """Delete the tenant and everything in it."""
        self._by_name.pop(name, None)

    def names(self) -> list[str]:
        """Tenant names, sorted."""
        return sorted(self._by_name)

    def load(self, data: dict[str, Any]) -> None:
        """Replace all tenants from a seed's ``scim`` section: ``{tenants: {name: {tokens, options, users, groups}}}``.

        Tokens are strings or ``{token, expires_at}``; ``options`` is a
        :class:`~mockserver.domain.scim.options.TenantOptions` object; users and groups are SCIM
        resources, with or without ``id``/``meta`` (kept when given, so ``load(export())`` round-trips).
        """
        self._by_name = {}
        for name, tenant in (data.get("tenants") or {}).items():
            directory = self.ensure(str(name))
            tenant = tenant or {}
            path = ("scim", "tenants", str(name))
            try:
                directory.options = TenantOptions.load(tenant.get("options"))
            except BadRequest as exc:
                raise at((*path, "options"), exc) from None
            for token in tenant.get("tokens") or []:
                if isinstance(token, dict):
                    directory.add_token(str(token["token"]), token.get("expires_at"))
                else:
                    directory.add_token(str(token))
            for kind, rtype in (("users", USER_TYPE), ("groups", GROUP_TYPE)):
                for index, resource in enumerate(tenant.get(kind) or []):
                    try:
                        directory.load_resource(rtype, resource, check_members=False)
                    except BadRequest as exc:  # name the offending record (statefile.py)
                        raise at((*path, kind, index), exc) from None
            try:
                directory.check_all_members()
            except BadRequest as exc:
                raise at((*path, "groups"), exc) from None

    def export(self) -> dict[str, Any]:
        """Seed-shaped state; ``load(export())`` gives an identical state."""
        return {"tenants": {n: d.export() for n, d in self._by_name.items()}}


def _no_quirk(name: str) -> bool:
    return False
