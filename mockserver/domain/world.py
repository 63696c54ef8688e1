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
from typing import Any, Protocol

from mockserver.domain.authentik import AuthentikState
from mockserver.domain.clock import Clock
from mockserver.domain.context import Credentials, VendorContext
from mockserver.domain.errors import BadRequest, DomainError
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
    """All mock state, built from a seed (``World(seed)``); never share one between apps."""

    VENDORS: tuple[str, ...] = ("sift", "authentik", "vcf", "resolution", "stackspot")

    def __init__(
        self, seed: dict[str, Any] | None = None, *, clock: Clock | None = None, quirks: frozenset[str] = frozenset()
    ) -> None:
        self.seed: dict[str, Any] = copy.deepcopy(seed or {})
        self.clock = clock or Clock()
        self.quirks = quirks
        self.credentials = Credentials()
        self.directories = Directories(self.clock, self.quirk)
        context = VendorContext(self.clock, self.credentials, self.directories, self.quirk)
        self.sift = SiftState(context)
        self.authentik = AuthentikState(context)
        self.vcf = VcfState(context)
        self.resolution = ResolutionState(context)
        self.stackspot = StackSpotState(context)
        self.reset()

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
        self._load(self.seed)

    def load_seed(self, seed: dict[str, Any]) -> None:
        """Make ``seed`` the new seeded state and reset to it (admin ``POST /seed``).

        The seed is first loaded into a scratch world, so a bad seed raises before anything here
        changes (the state is left exactly as it was).
        """
        _validated(lambda: World(seed, quirks=self.quirks))
        self.seed = copy.deepcopy(seed)
        self.reset()

    def export(self) -> dict[str, Any]:
        """The full state as JSON-able data (admin ``GET /state``)."""
        data: dict[str, Any] = {
            "clock": self.clock.export(),
            "credentials": self.credentials.export(),
            "scim": self.directories.export(),
        }
        for name in self.VENDORS:
            data[name] = self.vendor(name).export()
        return data

    def restore(self, data: dict[str, Any]) -> None:
        """Replace the state with an export (admin ``PUT /state``); round-trips exactly.

        Validated on a scratch world first, like :meth:`load_seed`.
        """

        def scratch() -> None:
            world = World(quirks=self.quirks)
            world._load(data)
            world.clock.restore(data.get("clock") or {})

        _validated(scratch)
        self._load(data)
        if "clock" in data:
            self.clock.restore(data["clock"])

    def _load(self, data: dict[str, Any]) -> None:
        data = copy.deepcopy(data)
        self.credentials.load(data.get("credentials") or {})
        self.directories.load(data.get("scim") or {})
        for name in self.VENDORS:
            self.vendor(name).load(data.get(name) or {})


def _validated(build: Callable[[], object]) -> None:
    """Run ``build`` on scratch state; anything it rejects is the client's 400, never a 500."""
    try:
        build()
    except DomainError:
        raise
    except Exception as exc:  # a malformed section that a vendor's load() did not anticipate
        raise BadRequest(f"invalid seed or state: {type(exc).__name__}: {exc}") from None
