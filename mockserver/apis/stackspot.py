"""StackSpot IAM SCIM handlers: the operationIds of specs/stackspot.yaml.

Every resource type has the same six operations, twice: ``/scim/<Resource>`` with the tenant in
``X-Tenant-Id`` and ``/{tenant}/scim/<Resource>`` (docs/vendor-facts.md §3.2), so the handler methods are
made by one factory per operation (``list<Plural>``, ``create<Singular>``, ``get<Singular>``,
``replace<Singular>``, ``patch<Singular>``, ``delete<Singular>``, plus ``...InTenant``). Each
is parse, one domain call, render. The bearer check is the base one: every seeded API token
(``idsync-token`` by default) is accepted for every tenant.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from mockserver.apis.base import BaseHandlers, ErrorResponse, empty, json_error, request
from mockserver.domain.errors import DomainError, NotFound

# The request bodies declare application/json (StackSpot's reference) and application/scim+json
# (what SCIM clients send); Connexion 3.3 warns about that on every request (docs/tooling.md §8.9).
logging.getLogger("connexion.operations.openapi3").setLevel(logging.ERROR)

SCIM_JSON = "application/scim+json"
ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error"
#: endpoint → (singular, plural) as used in the operationIds
ENDPOINTS = {
    "Users": ("User", "Users"),
    "Groups": ("Group", "Groups"),
    "Roles": ("Role", "Roles"),
    "Permissions": ("Permission", "Permissions"),
    "Actions": ("Action", "Actions"),
    "Resource-Types": ("ResourceType", "ResourceTypes"),
    "Resources": ("Resource", "Resources"),
}
Result = tuple[Any, int] | tuple[Any, int, dict[str, str]]


def render_error(err: DomainError) -> ErrorResponse:
    """elimity-com/scim ``ScimError.MarshalJSON``: ``{schemas, scimType?, detail?, status}``, ``status`` a string.

    An unknown route is elimity's 404 "Specified endpoint does not exist." (docs/vendor-facts.md §3.6).
    """
    detail = err.detail
    if isinstance(err, NotFound) and detail.startswith("No route for"):
        detail = "Specified endpoint does not exist."
    body: dict[str, Any] = {"schemas": [ERROR_SCHEMA]}
    if err.scim_type:
        body["scimType"] = err.scim_type
    if detail:
        body["detail"] = detail
    body["status"] = str(err.status)
    return json_error(err, body, SCIM_JSON)


def _tenant(tenant: str | None) -> str:
    """The path's tenant, else the ``X-Tenant-Id`` header (Connexion has already required one of them)."""
    return tenant if tenant is not None else request.headers.get("x-tenant-id", "")


def _list(endpoint: str) -> Callable[..., Awaitable[Result]]:
    async def handler(
        self: Handlers,
        tenant: str | None = None,
        startIndex: int = 1,
        count: int | None = None,
        filter: str | None = None,
    ) -> Result:
        page = self.world.stackspot.list_resources(
            _tenant(tenant), endpoint, filter=filter, start_index=startIndex, count=count
        )
        return page, 200

    return handler


def _create(endpoint: str) -> Callable[..., Awaitable[Result]]:
    async def handler(self: Handlers, body: Any, tenant: str | None = None) -> Result:
        return self.world.stackspot.create(_tenant(tenant), endpoint, body), 201

    return handler


def _get(endpoint: str) -> Callable[..., Awaitable[Result]]:
    async def handler(self: Handlers, id: str, tenant: str | None = None) -> Result:
        return self.world.stackspot.get(_tenant(tenant), endpoint, id), 200

    return handler


def _replace(endpoint: str) -> Callable[..., Awaitable[Result]]:
    async def handler(self: Handlers, id: str, body: Any, tenant: str | None = None) -> Result:
        return self.world.stackspot.replace(_tenant(tenant), endpoint, id, body), 200

    return handler


def _patch(endpoint: str) -> Callable[..., Awaitable[Result]]:
    async def handler(self: Handlers, id: str, body: Any, tenant: str | None = None) -> Result:
        return self.world.stackspot.patch(_tenant(tenant), endpoint, id, body), 200

    return handler


def _delete(endpoint: str) -> Callable[..., Awaitable[Result]]:
    async def handler(self: Handlers, id: str, tenant: str | None = None) -> Result:
        self.world.stackspot.delete(_tenant(tenant), endpoint, id)
        return empty(204)

    return handler


class Handlers(BaseHandlers):
    """operationIds of specs/stackspot.yaml, attached below (one factory per operation)."""


def _attach() -> None:
    for endpoint, (singular, plural) in ENDPOINTS.items():
        ops = {
            f"list{plural}": _list,
            f"create{singular}": _create,
            f"get{singular}": _get,
            f"replace{singular}": _replace,
            f"patch{singular}": _patch,
            f"delete{singular}": _delete,
        }
        for name, factory in ops.items():
            for suffix in ("", "InTenant"):
                method = factory(endpoint)
                method.__name__ = method.__qualname__ = name + suffix
                method.__doc__ = f"``{name}{suffix}``: {factory.__name__.strip('_')} on /{endpoint}."
                setattr(Handlers, name + suffix, method)


_attach()
