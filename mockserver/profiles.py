"""Named fault profiles: planted bugs that the contract suite must catch (docs/style.md rules 7, 10).

Every module declaring ``PLANTED_FAULTS`` is imported here by an ordinary import, so a module
that fails to import stops start-up (and the tests) instead of silently dropping its profiles.
:data:`FAULTS` holds each :class:`~mockserver.domain.planted.PlantedFault` by name (checked at
import: unique names, a mounted API); :data:`PROFILES` is what ``create_app(profile=...)`` and
``idsync serve --profile`` / ``--list-profiles`` offer, ``default`` first.
"""

from __future__ import annotations

from mockserver.apis import admin
from mockserver.apis.registry import API_NAMES
from mockserver.domain import authentik, resolution, scim, sift, stackspot, vcf
from mockserver.domain.planted import PlantedFault, Profile
from mockserver.http import faults_planted

#: The declaring modules, in ``--list-profiles`` order.
DECLARING_MODULES = (scim, sift, authentik, vcf, resolution, stackspot, faults_planted, admin)
DEFAULT = Profile("default", "faithful behaviour; every contract passes")


def register(declared: tuple[PlantedFault, ...]) -> dict[str, PlantedFault]:
    """``declared`` by name; a repeated name or an API that is not mounted is an error."""
    faults: dict[str, PlantedFault] = {}
    for fault in declared:
        if fault.name in faults or fault.name == DEFAULT.name:
            raise ValueError(f"planted fault {fault.name!r} is declared twice")
        if fault.api not in API_NAMES:
            raise ValueError(f"planted fault {fault.name!r} names API {fault.api!r}; choose from {API_NAMES}")
        faults[fault.name] = fault
    return faults


FAULTS: dict[str, PlantedFault] = register(tuple(f for m in DECLARING_MODULES for f in m.PLANTED_FAULTS))
PROFILES: dict[str, Profile] = {DEFAULT.name: DEFAULT, **{name: f.profile for name, f in FAULTS.items()}}


def get_profile(name: str) -> Profile:
    """The profile called ``name``; ``KeyError`` lists the choices."""
    try:
        return PROFILES[name]
    except KeyError:
        raise KeyError(f"unknown profile {name!r}; choose from {', '.join(PROFILES)}") from None
