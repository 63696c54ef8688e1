"""Named fault profiles: planted bugs that the contract suite must catch (docs/style.md rules 7, 10).

Each profile is a small object selected by name (``create_app(profile=...)``,
``idsync serve --profile NAME``); domain code asks ``world.quirk(name)``. The docstring-like
``description`` says which contract should fail on it.
"""

from __future__ import annotations

from mockserver.domain.planted import Profile

#: Domain modules that declare ``PLANTED_FAULTS: tuple[Profile, ...]`` next to the code they break.
PLANTED_IN = (
    "mockserver.domain.scim",
    "mockserver.domain.sift",
    "mockserver.domain.authentik",
    "mockserver.domain.vcf",
    "mockserver.domain.resolution",
    "mockserver.domain.stackspot",
    "mockserver.http.faults_planted",
    "mockserver.apis.admin",
)


def _collect() -> dict[str, Profile]:
    import importlib

    found = {"default": Profile("default", "faithful behaviour; every contract passes")}
    for module_name in PLANTED_IN:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError:
            continue
        for profile in getattr(module, "PLANTED_FAULTS", ()):
            found[profile.name] = profile
    return found


PROFILES: dict[str, Profile] = _collect()


def get_profile(name: str) -> Profile:
    """The profile called ``name``; ``KeyError`` lists the choices."""
    try:
        return PROFILES[name]
    except KeyError:
        raise KeyError(f"unknown profile {name!r}; choose from {', '.join(PROFILES)}") from None
