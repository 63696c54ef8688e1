"""Planted faults: named bugs a fault profile switches on (docs/style.md rules 7 and 10).

A module declares ``PLANTED_FAULTS = (PlantedFault(...), ...)`` next to the code it breaks
and asks ``quirk(name)`` (of the vendor's context or the world) at that spot;
``mockserver.profiles`` imports every declaring module, registers its faults and turns each
into a profile selectable by name (``create_app(profile=...)``, ``idsync serve --profile``).
A fault says where the contract suite proves it: the API whose contracts run, the contract
level of ``idsync verify``, and the contract (or Schemathesis check) that must fail on it
(ARCHITECTURE.md "Planted faults").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

#: The levels of ``idsync verify`` (``contracts.scenario.LEVELS``) whose contracts can catch a
#: running server's bug; ``spec`` checks the documents only.
Level = Literal["conformance", "stateful", "semantic", "scenario"]
LEVELS: tuple[str, ...] = get_args(Level)
#: Levels run by Schemathesis: their ``catches`` names a Schemathesis check, not our contract.
SCHEMATHESIS_LEVELS = ("conformance", "stateful")


@dataclass(frozen=True)
class Profile:
    """A named set of quirks switched on together, and what it breaks."""

    name: str
    description: str
    quirks: frozenset[str] = frozenset()


@dataclass(frozen=True, kw_only=True)
class PlantedFault:
    """One planted bug and the contract that catches it.

    ``api``: the API (``mockserver.apis.registry`` name) whose contracts prove it; a fault of
    every API (``mockserver.http.faults_planted``) names the one its proof runs against.
    ``level``: the ``idsync verify`` level that catches it. ``catches``: the contract of that
    API at that level (``contracts/suites/<api>.py`` or ``contracts.generic``), or for the
    Schemathesis levels a Schemathesis check (``contracts.checks.CHECK_SOURCES``).
    """

    name: str
    api: str
    level: Level
    catches: str
    description: str

    def __post_init__(self) -> None:
        if self.level not in LEVELS:
            raise ValueError(f"planted fault {self.name!r}: level {self.level!r} is not one of {LEVELS}")
        if not (self.name and self.api and self.catches and self.description):
            raise ValueError(f"planted fault {self.name!r} needs a name, api, catches and description")

    @property
    def profile(self) -> Profile:
        """The profile planting only this bug, under the fault's own name."""
        return Profile(self.name, self.description, frozenset({self.name}))
