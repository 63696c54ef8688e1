"""Which APIs the mock serves, where, and which handler object and error renderer each uses.

The path an API is mounted at is ``prefix`` + the path of the spec's first ``servers`` URL,
so a client whose base URL is ``http://127.0.0.1:8080/authentik`` sends authentik's own
``/api/v3/...`` paths (issue 3, point 1).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ApiMount:
    """One mounted API.

    ``module`` is the ``mockserver.apis`` module holding ``Handlers`` (operationIds as method
    names) and ``render_error`` (domain error → vendor error body).
    """

    name: str
    spec: str
    prefix: str
    module: str
    title: str


APIS: tuple[ApiMount, ...] = (
    ApiMount("sift", "sift.yaml", "/sift", "mockserver.apis.sift", "Sift External Sync"),
    ApiMount("authentik", "authentik.yaml", "/authentik", "mockserver.apis.authentik", "authentik SCIM provider"),
    ApiMount("resolution", "resolution.yaml", "/resolution", "mockserver.apis.resolution", "resolution User Sync"),
    ApiMount("stackspot", "stackspot.yaml", "/stackspot", "mockserver.apis.stackspot", "StackSpot IAM SCIM"),
    ApiMount("vcf", "vcf.yaml", "/vcf", "mockserver.apis.vcf", "VCF identity providers"),
    ApiMount("scim", "scim.yaml", "", "mockserver.apis.scim", "SCIM 2.0 directory"),
    ApiMount("admin", "admin.yaml", "", "mockserver.apis.admin", "idsync admin"),
)

API_NAMES: tuple[str, ...] = tuple(a.name for a in APIS)

#: APIs that stay mounted at their own paths when another API is served at the root
#: (``idsync serve --api NAME``): vendors hand out SCIM URLs, and tests need the admin API.
ALWAYS_MOUNTED: tuple[str, ...] = ("scim", "admin")


def by_name(name: str) -> ApiMount:
    """The mount called ``name``; ``KeyError`` names the choices."""
    for api in APIS:
        if api.name == name:
            return api
    raise KeyError(f"unknown API {name!r}; choose from {', '.join(API_NAMES)}")
