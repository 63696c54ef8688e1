"""Discovery endpoints (RFC 7644 §4, RFC 7643 §5-§7): what this directory really supports.

The ServiceProviderConfig is derived from the same constants and tenant options the directory
uses (``MAX_RESULTS``, ``TenantOptions.bulk``), and ``/Schemas`` and ``/ResourceTypes`` from the schema data that drives
validation and filtering, so the advertisement cannot drift from the behaviour.
"""

from __future__ import annotations

from typing import Any

from mockserver.domain.errors import NotFound
from mockserver.domain.scim.options import TenantOptions
from mockserver.domain.scim.query import MAX_RESULTS
from mockserver.domain.scim.schema import LIST_RESPONSE, RESOURCE_TYPES, SCHEMAS, SPC_SCHEMA

DOCS = "https://datatracker.ietf.org/doc/html/rfc7644"


def service_provider_config(base_path: str, options: TenantOptions, body_limit: int) -> dict[str, Any]:
    """RFC 7643 §5 for one tenant: patch, filter, sort, etag and changePassword supported (a
    ``password`` can be set by PUT and PATCH); bulk as the tenant's options say, its payload
    limit never above ``body_limit`` (the server's request-size limit, which applies first)."""
    bulk = options.bulk
    return {
        "schemas": [SPC_SCHEMA],
        "documentationUri": DOCS,
        "patch": {"supported": True},
        "bulk": {
            "supported": bulk.supported,
            "maxOperations": bulk.max_operations if bulk.supported else 0,
            "maxPayloadSize": min(bulk.max_payload_size, body_limit) if bulk.supported else 0,
        },
        "filter": {"supported": True, "maxResults": MAX_RESULTS},
        "changePassword": {"supported": True},
        "sort": {"supported": True},
        "etag": {"supported": True},
        "authenticationSchemes": [
            {
                "type": "oauthbearertoken",
                "name": "OAuth Bearer Token",
                "description": "Authentication with a per-tenant bearer token (RFC 6750)",
                "specUri": "https://www.rfc-editor.org/info/rfc6750",
                "primary": True,
            }
        ],
        "meta": {"resourceType": "ServiceProviderConfig", "location": f"{base_path}/ServiceProviderConfig"},
    }


def _list(resources: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "schemas": [LIST_RESPONSE],
        "totalResults": len(resources),
        "itemsPerPage": len(resources),
        "startIndex": 1,
        "Resources": resources,
    }


def resource_types(base_path: str) -> dict[str, Any]:
    """RFC 7644 §4: every resource type as a ListResponse."""
    return _list([rt.to_scim(base_path) for rt in RESOURCE_TYPES.values()])


def resource_type(base_path: str, id: str) -> dict[str, Any]:
    """One resource type; 404 if unknown."""
    if id not in RESOURCE_TYPES:
        raise NotFound(f"ResourceType {id} not found")
    return RESOURCE_TYPES[id].to_scim(base_path)


def schemas(base_path: str) -> dict[str, Any]:
    """RFC 7644 §4: every schema as a ListResponse."""
    return _list([s.to_scim(base_path) for s in SCHEMAS.values()])


def schema(base_path: str, id: str) -> dict[str, Any]:
    """One schema by URN; 404 if unknown."""
    if id not in SCHEMAS:
        raise NotFound(f"Schema {id} not found")
    return SCHEMAS[id].to_scim(base_path)
