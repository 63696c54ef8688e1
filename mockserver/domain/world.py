"""The one in-memory identity world every vendor API is a view over (docs/design.md, "one identity world").

``World`` owns the clock, the credentials, the SCIM directories (tenants) and one state object
per vendor. Each vendor state is built with the narrow :class:`VendorContext` (``context.py``),
never with the world itself, so no vendor module imports this one. The world is built from a
seed (a plain mapping, usually YAML) and can be reset to it, exported to JSON and imported back.
No web framework is imported here.

Concurrency: every handler is an ``async def`` running on the server's one event loop and
domain calls are synchronous, so mutations never interleave. Background work (resolution
sync jobs) runs as tasks on the same loop.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from mockserver.domain import statefile
from mockserver.domain.authentik import AuthentikState
from mockserver.domain.clock import Clock
from mockserver.domain.context import Credentials, VendorContext
from mockserver.domain.errors import BadRequest, DomainError
from mockserver.domain.heap import no_cyclic_gc
from mockserver.domain.outbound import Outbound
from mockserver.domain.resolution import ResolutionState
from mockserver.domain.scim import Directories
from mockserver.domain.sift import SiftState
from mockserver.domain.stackspot import StackSpotState
from mockserver.domain.vcf import VcfState


class VendorState(Protocol):
    """What the world needs of each vendor's state: load a seed section, export it back."""

    def load(self, data: dict[str, Any]) -> None:
        """Replace the whole state with ``data`` (a seed section or an exported snapshot)."""

    def export(self) -> dict[str, Any]:
        """JSON-able state; ``load(export())`` must give an identical state."""


class World:
    """All mock state, built from a seed (``World(seed)``); never share one between apps.

    Seeds, imports and resets build a whole new set of parts (credentials, SCIM directories, one
    state per vendor) on the world's clock, and only a complete, valid set replaces the current
    one, in one step: a refused state leaves everything as it was, and nothing is loaded twice.
    """

    VENDORS: tuple[str, ...] = ("sift", "authentik", "vcf", "resolution", "stackspot")

    credentials: Credentials
    directories: Directories
    sift: SiftState
    authentik: AuthentikState
    vcf: VcfState
    resolution: ResolutionState
    stackspot: StackSpotState

    def __init__(
        self, seed: dict[str, Any] | None = None, *, clock: Clock | None = None, quirks: frozenset[str] = frozenset()
    ) -> None:
        self.clock = clock or Clock()
        self.quirks = quirks
        self.clock.reset()
        self.seed: dict[str, Any] = {}
        #: Hosts outbound pushes may reach: loopback, ``--allow-outbound`` and the seed's ``outbound.allow``.
        self.outbound = Outbound(seeded=lambda: self.seed.get("outbound"))
        self._adopt(self._build(seed or {}))
        self.seed = copy.deepcopy(seed or {})

    def quirk(self, name: str) -> bool:
        """True when the running fault profile plants the bug ``name`` (mockserver.profiles)."""
        return name in self.quirks

    def vendor(self, name: str) -> VendorState:
        """The state object of vendor ``name``."""
        state: VendorState = getattr(self, name)
        return state

    def reset(self) -> None:
        """Back to the seeded state (admin ``POST /reset``). The clock returns to real time."""
        self.clock.reset()
        self._adopt(self._build(self.seed))

    def load_seed(self, seed: dict[str, Any]) -> None:
        """Make ``seed`` the new seeded state and reset to it (admin ``POST /seed``).

        Validated whole (``statefile.validate``, then every loader) before anything changes.
        """
        saved = self.clock.offset, self.clock.frozen_at
        self.clock.reset()
        try:
            parts = self._build(seed)
        except BaseException:
            self.clock.offset, self.clock.frozen_at = saved
            raise
        self.seed = copy.deepcopy(seed)
        self._adopt(parts)

    def export(self) -> dict[str, Any]:
        """The full state as JSON-able data (admin ``GET /state``); valid against the state schema."""
        data: dict[str, Any] = {
            "clock": self.clock.export(),
            "credentials": self.credentials.export(),
            "scim": self.directories.export(),
        }
        for name in self.VENDORS:
            data[name] = self.vendor(name).export()
        return data

    def counts(self) -> list[dict[str, Any]]:
        """How many records each API holds, per tenant (admin ``GET /counts``, specs/admin.yaml ``Count``).

        SCIM tenants count their stores directly (a tenant may hold 100,000 users); the vendors'
        states are small, so their exports are counted: each list-valued member is a collection.
        """
        rows = [
            {"api": "scim", "tenant": name, "records": self.directories.get(name).sizes()}
            for name in self.directories.names()
        ]
        for name in self.VENDORS:
            rows += _tally(name, self.vendor(name).export())
        return rows

    def restore(self, data: dict[str, Any]) -> None:
        """Replace the state with an export (admin ``PUT /state``); round-trips exactly.

        The world takes ``data`` over (the caller must not use it afterwards): the SCIM
        directories, most of a large state, are built from it without a copy. The clock is
        checked on a scratch clock first; a refused state changes nothing.
        """
        statefile.validate(data)
        Clock().restore(data.get("clock") or {})
        parts = self._build(data, validated=True, owned=True)
        self._adopt(parts)
        if "clock" in data:
            self.clock.restore(data["clock"])

    def _build(self, data: dict[str, Any], *, validated: bool = False, owned: bool = False) -> _Parts:
        """Every part of a world loaded from ``data`` on this world's clock; 400 when it cannot be."""
        if not validated:
            statefile.validate(data)
        with no_cyclic_gc():
            return _validated(lambda: self._load(data, owned))

    def _load(self, data: dict[str, Any], owned: bool) -> _Parts:
        scim = data.get("scim") or {}
        if not owned:  # the SCIM core copies what it keeps; the vendors' sections are small
            data = {k: v for k, v in data.items() if k != "scim"}
        data = data if owned else copy.deepcopy(data)
        credentials = Credentials.from_seed(data.get("credentials") or {})
        directories = Directories(self.clock, self.quirk)
        directories.load(scim)
        context = VendorContext(self.clock, credentials, directories, self.quirk, self.outbound)
        vendors = {name: _VENDOR_TYPES[name](context) for name in self.VENDORS}
        for name in self.VENDORS:
            vendors[name].load(data.get(name) or {})
        return _Parts(credentials, directories, vendors)

    def _adopt(self, parts: _Parts) -> None:
        """Make ``parts`` the world's state in one step (handlers read ``world.<part>`` per call)."""
        self.credentials, self.directories = parts.credentials, parts.directories
        for name, state in parts.vendors.items():
            setattr(self, name, state)


@dataclass(frozen=True)
class _Parts:
    credentials: Credentials
    directories: Directories
    vendors: dict[str, VendorState]


_VENDOR_TYPES: dict[str, Callable[[VendorContext], VendorState]] = {
    "sift": SiftState,
    "authentik": AuthentikState,
    "vcf": VcfState,
    "resolution": ResolutionState,
    "stackspot": StackSpotState,
}


def _tally(api: str, data: dict[str, Any]) -> list[dict[str, Any]]:
    """Rows of :meth:`World.counts` for one vendor export; a ``tenants`` map (StackSpot) gives one row each."""
    if set(data) == {"tenants"} and isinstance(data["tenants"], dict):
        return [{"api": api, "tenant": name, "records": _lengths(part)} for name, part in data["tenants"].items()]
    return [{"api": api, "tenant": None, "records": _lengths(data)}]


def _lengths(data: dict[str, Any]) -> dict[str, int]:
    return {key: len(value) for key, value in data.items() if isinstance(value, list)}


def _validated(build: Callable[[], _Parts]) -> _Parts:
    """Run ``build`` on scratch state; anything it rejects is the client's 400, never a 500."""
    try:
        return build()
    except DomainError:
        raise
    except Exception as exc:  # a malformed section that a vendor's load() did not anticipate
        raise BadRequest(f"invalid seed or state: {type(exc).__name__}: {exc}") from None
