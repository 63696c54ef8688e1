"""Planted faults: named bugs a fault profile switches on (docs/style.md rules 7 and 10).

A domain module declares ``PLANTED_FAULTS = (PlantedFault(...), ...)`` next to the code it
breaks and tests ``world.quirk(name)`` at that spot. ``mockserver.profiles`` turns each into a
profile selectable by name. ``catches`` names the contract that must fail on it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Profile:
    """A named set of quirks, what it breaks, and which contract catches it."""

    name: str
    description: str
    quirks: frozenset[str] = frozenset()
    catches: str = ""


def planted(name: str, description: str, catches: str) -> Profile:
    """A profile planting the single quirk ``name``."""
    return Profile(name, description, frozenset({name}), catches)
