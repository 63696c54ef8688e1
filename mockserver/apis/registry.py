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
    names) and ``render_error`` (domain error → vendor error body). ``untyped_body`` is what the
    vendor's server answers a request body sent without ``Content-Type`` (as Python ``requests``
    sends ``data=``): None when it reads it as JSON anyway, else the detail of its 415.
    """

    name: str
    spec: str
    prefix: str
    module: str
    title: str
    untyped_body: str | None = None


#: grpc-gateway (Sift) falls back to its default JSON marshaler (``runtime.MarshalerForRequest``);
#: elimity-com/scim (StackSpot) decodes every body as JSON; RFC 7644 servers and our admin API
#: take JSON. DRF (authentik) finds no parser for an empty media type
#: (https://github.com/encode/django-rest-framework/blob/master/rest_framework/request.py, ``_parse``);
#: Spring MVC (VCF) reads a missing type as ``application/octet-stream``; Jersey (resolution's
#: Atlassian REST) matches ``@Consumes`` the same way: all three answer 415.
DRF_UNTYPED = 'Unsupported media type "" in request.'
SPRING_UNTYPED = "Content type 'application/octet-stream' not supported"


APIS: tuple[ApiMount, ...] = (
    ApiMount("sift", "sift.yaml", "/sift", "mockserver.apis.sift", "Sift External Sync"),
    ApiMount(
        "authentik", "authentik.yaml", "/authentik", "mockserver.apis.authentik", "authentik SCIM provider", DRF_UNTYPED
    ),
    ApiMount(
        "resolution",
        "resolution.yaml",
        "/resolution",
        "mockserver.apis.resolution",
        "resolution User Sync",
        "Unsupported Media Type",
    ),
    ApiMount("stackspot", "stackspot.yaml", "/stackspot", "mockserver.apis.stackspot", "StackSpot IAM SCIM"),
    ApiMount("vcf", "vcf.yaml", "/vcf", "mockserver.apis.vcf", "VCF identity providers", SPRING_UNTYPED),
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
