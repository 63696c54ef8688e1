"""sift domain state (STUB: replaced by the vendor implementation)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mockserver.domain.world import World


class SiftState:
    """All sift state held by the world."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.data: dict[str, Any] = {}

    def load(self, data: dict[str, Any]) -> None:
        """Replace the state from a seed section or snapshot."""
        self.data = dict(data)

    def export(self) -> dict[str, Any]:
        """JSON-able state."""
        return dict(self.data)
