"""Named fault profiles: planted bugs that the contract suite must catch (STYLE.md rules 7, 10).

Each profile is a small object selected by name (``create_app(profile=...)``,
``idsync serve --profile NAME``); domain code asks ``world.quirk(name)``. The docstring-like
``description`` says which contract should fail on it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Profile:
    """A named set of quirks and what should catch them."""

    name: str
    description: str
    quirks: frozenset[str] = frozenset()
    catches: str = ""


PROFILES: dict[str, Profile] = {
    p.name: p
    for p in (
        Profile("default", "faithful behaviour; every contract passes"),
    )
}


def get_profile(name: str) -> Profile:
    """The profile called ``name``; ``KeyError`` lists the choices."""
    try:
        return PROFILES[name]
    except KeyError:
        raise KeyError(f"unknown profile {name!r}; choose from {', '.join(PROFILES)}") from None
