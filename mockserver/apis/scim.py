"""SCIM 2.0 directory handlers (RFC 7644): operationIds of specs/scim.yaml.

Each handler parses, makes one call on the tenant's :class:`Directory`, and renders the
result as ``application/scim+json`` with ``ETag``/``Location`` (RFC 7644 §3.1, §3.14).
Stored locations are paths (``/scim/{tenant}/v2/Users/{id}``); they are made absolute with
the request's own origin on the way out, so the same world serves any host and port.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from connexion.lifecycle import ConnexionResponse

from mockserver.apis.base import BaseHandlers, ErrorResponse, empty, json_error, request, request_origin
from mockserver.domain.errors import DomainError, NotFound
from mockserver.domain.jsonpolicy import dumps
from mockserver.domain.scim import (
    FIELD_RENAMED,
    Directory,
    ListQuery,
    Page,
    bulk,
    discovery,
    etag_matches,
)
from mockserver.domain.scim.schema import LIST_RESPONSE

# Both request media types are declared on purpose (RFC 7644 §3.1); Connexion warns per request.
logging.getLogger("connexion.operations.openapi").setLevel(logging.ERROR)

SCIM_JSON = "application/scim+json"
ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error"
Reply = tuple[Any, int, dict[str, str]]
T = TypeVar("T")


#: The request schemas whose ``schemas`` list the mock reads per tenant (``mounted_spec``).
READ_PER_TENANT = ("UserInput", "GroupInput")


def mounted_spec(spec: dict[str, Any]) -> dict[str, Any]:
    """``specs/scim.yaml`` as this mock mounts it: ``UserInput`` and ``GroupInput`` admit any string
    in ``schemas``, where the spec (the contract ``idsync verify`` holds servers to) lists the URNs of
    RFC 7643 §4.1, §4.2 and §4.3. The directory checks them per tenant instead: a strict tenant answers
    400 ``invalidValue`` ("Unknown schema ..."), a tenant in a client compatibility mode ignores an
    unknown URN with a journal note, as Entra ID's "Create Group" needs (it lists
    ``http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group``: Microsoft Learn,
    https://learn.microsoft.com/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups).
    specs/README.md, "scim", "Client compatibility modes", records the difference."""
    schemas = spec["components"]["schemas"]
    for name in READ_PER_TENANT:
        schemas[name]["properties"]["schemas"] = {**schemas[name]["properties"]["schemas"], "items": {"type": "string"}}
    return spec


def render_error(err: DomainError) -> ErrorResponse:
    """RFC 7644 §3.12: ``{schemas, status (string), scimType?, detail}`` as ``application/scim+json``;
    a 401 carries the RFC 6750 §3 ``WWW-Authenticate`` challenge."""
    body: dict[str, Any] = {"schemas": [ERROR_SCHEMA], "status": str(err.status), "detail": err.detail}
    if err.scim_type:
        body["scimType"] = err.scim_type
    rendered = json_error(err, body, SCIM_JSON)
    if err.status == 401:
        rendered.headers.setdefault("WWW-Authenticate", 'Bearer realm="scim", error="invalid_token"')
    return rendered


def _absolute(value: Any, origin: str) -> Any:
    """Every ``location``/``$ref`` path made absolute with ``origin`` (RFC 7643 §3.1 ``meta.location``)."""
    if isinstance(value, dict):
        return {
            k: (
                origin + v
                if k in ("location", "$ref") and isinstance(v, str) and v.startswith("/")
                else _absolute(v, origin)
            )
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_absolute(v, origin) for v in value]
    return value


def _origin() -> str:
    return request_origin()


def _reply(body: Any, status: int = 200, etag: str | None = None) -> Reply:
    headers = {"Content-Type": SCIM_JSON}
    if etag:
        headers["ETag"] = etag
    return _absolute(body, _origin()), status, headers


def _payload_size(body: Any) -> int:
    """The request body's size in bytes (RFC 7644 §3.7.4 ``maxPayloadSize``): its ``Content-Length``,
    or for a chunked body the size of its JSON (the server's body limit has already bounded it)."""
    declared = request.headers.get("content-length") or ""
    return int(declared) if declared.isdigit() else len(dumps(body).encode())


def _bulk_answer(outcome: bulk.Outcome) -> dict[str, Any]:
    """One operation of a BulkResponse (RFC 7644 §3.7.3): ``status`` as a string, as in the RFC's
    examples; ``response`` the resource or, for an error, the SCIM error body (§3.12)."""
    out: dict[str, Any] = {"method": outcome.method, "status": str(outcome.status)}
    if outcome.bulk_id:
        out["bulkId"] = outcome.bulk_id
    if outcome.location:
        out["location"] = outcome.location
    if outcome.version:
        out["version"] = outcome.version
    if outcome.error is not None:
        out["response"] = render_error(outcome.error).body
    elif outcome.resource is not None:
        out["response"] = outcome.resource
    return out


def _list(page: Page, *, renamed: bool = False) -> Reply:
    body = {
        "schemas": [LIST_RESPONSE],
        # Planted bug (scim-list-field-renamed): a snake_case rename, as a careless serializer does.
        ("total_results" if renamed else "totalResults"): page.total_results,
        "itemsPerPage": len(page.resources),
        "startIndex": page.start_index,
        "Resources": page.resources,
    }
    return _reply(body)


class Handlers(BaseHandlers):
    """operationIds of specs/scim.yaml; ``Users``/``Groups`` share one implementation per verb."""

    def check_bearer(self, token: str, path_params: dict[str, Any], headers: dict[str, str]) -> dict[str, Any] | None:
        """RFC 6750: the tenant's own tokens; an unknown tenant is 401 like a wrong token."""
        try:
            directory = self.world.directories.get(str(path_params.get("tenant", "")))
        except NotFound:
            return None
        return {"sub": f"scim:{directory.name}"} if directory.token_valid(token) else None

    def _list(self, page: Page) -> Reply:
        return _list(page, renamed=self.world.quirk(FIELD_RENAMED))

    def _dir(self, tenant: str) -> Directory:
        return self.world.directories.get(tenant)

    def _noted(self, tenant: str, call: Callable[[Directory], T]) -> T:
        """``call`` on the tenant; what a lenient tenant option or its client compatibility mode
        (``options.compat``) let through goes to the journal, even when the call then fails."""
        directory = self._dir(tenant)
        try:
            return call(directory)
        finally:
            for text in directory.take_notes():
                self.note(text)

    # --- shared verbs ---------------------------------------------------------------------
    def _one(self, tenant: str, resource: dict[str, Any], query: dict[str, Any], status: int = 200) -> Reply:
        """One resource with ``attributes``/``excludedAttributes`` applied, ``ETag`` and (201) ``Location``."""
        q = ListQuery.parse(query)
        body, code, headers = _reply(
            self._dir(tenant).project(resource, q.attributes, q.excluded), status, resource["meta"]["version"]
        )
        if status == 201:
            headers["Location"] = _origin() + resource["meta"]["location"]
        return body, code, headers

    def _get(self, tenant: str, resource: dict[str, Any], query: dict[str, Any]) -> Reply | ConnexionResponse:
        """RFC 7644 §3.14 / RFC 7232 §3.2: ``If-None-Match`` naming the current version → 304."""
        version = resource["meta"]["version"]
        if etag_matches(version, request.headers.get("if-none-match") or "\0"):
            return empty(304, {"ETag": version})
        return self._one(tenant, resource, query)

    # --- Users ----------------------------------------------------------------------------
    async def listUsers(self, tenant: str, **query: Any) -> Reply:
        return self._list(self._noted(tenant, lambda d: d.list_users(ListQuery.parse(query))))

    async def searchUsers(self, tenant: str, body: dict[str, Any]) -> Reply:
        return self._list(self._noted(tenant, lambda d: d.list_users(ListQuery.parse(body))))

    async def createUser(self, tenant: str, body: dict[str, Any], **query: Any) -> Reply:
        return self._one(tenant, self._noted(tenant, lambda d: d.create_user(body)), query, 201)

    async def getUser(self, tenant: str, id: str, **query: Any) -> Reply | ConnexionResponse:
        return self._get(tenant, self._dir(tenant).read_user(id), query)

    async def replaceUser(self, tenant: str, id: str, body: dict[str, Any], **query: Any) -> Reply:
        if_match = request.headers.get("if-match")
        return self._one(tenant, self._noted(tenant, lambda d: d.replace_user(id, body, if_match=if_match)), query)

    async def patchUser(self, tenant: str, id: str, body: dict[str, Any], **query: Any) -> Reply:
        if_match = request.headers.get("if-match")
        return self._one(tenant, self._noted(tenant, lambda d: d.patch_user(id, body, if_match=if_match)), query)

    async def deleteUser(self, tenant: str, id: str, **headers: Any) -> ConnexionResponse:
        self._dir(tenant).delete_user(id, if_match=request.headers.get("if-match"))
        return empty(204)

    # --- Groups ---------------------------------------------------------------------------
    async def listGroups(self, tenant: str, **query: Any) -> Reply:
        return self._list(self._noted(tenant, lambda d: d.list_groups(ListQuery.parse(query))))

    async def searchGroups(self, tenant: str, body: dict[str, Any]) -> Reply:
        return self._list(self._noted(tenant, lambda d: d.list_groups(ListQuery.parse(body))))

    async def createGroup(self, tenant: str, body: dict[str, Any], **query: Any) -> Reply:
        return self._one(tenant, self._noted(tenant, lambda d: d.create_group(body)), query, 201)

    async def getGroup(self, tenant: str, id: str, **query: Any) -> Reply | ConnexionResponse:
        return self._get(tenant, self._dir(tenant).read_group(id), query)

    async def replaceGroup(self, tenant: str, id: str, body: dict[str, Any], **query: Any) -> Reply:
        if_match = request.headers.get("if-match")
        return self._one(tenant, self._noted(tenant, lambda d: d.replace_group(id, body, if_match=if_match)), query)

    async def patchGroup(self, tenant: str, id: str, body: dict[str, Any], **query: Any) -> Reply:
        if_match = request.headers.get("if-match")
        return self._one(tenant, self._noted(tenant, lambda d: d.patch_group(id, body, if_match=if_match)), query)

    async def deleteGroup(self, tenant: str, id: str, **headers: Any) -> ConnexionResponse:
        self._dir(tenant).delete_group(id, if_match=request.headers.get("if-match"))
        return empty(204)

    # --- root search, discovery (RFC 7644 §4: filter, sort and paging parameters are ignored) ---
    async def queryAll(self, tenant: str, **query: Any) -> Reply:
        return self._list(self._noted(tenant, lambda d: d.search(ListQuery.parse(query))))

    async def searchAll(self, tenant: str, body: dict[str, Any]) -> Reply:
        return self._list(self._noted(tenant, lambda d: d.search(ListQuery.parse(body))))

    async def getServiceProviderConfig(self, tenant: str, **ignored: Any) -> Reply:
        directory = self._dir(tenant)
        body_limit = self.runtime.max_body_bytes
        return _reply(discovery.service_provider_config(directory.base_path, directory.options, body_limit))

    # --- bulk (RFC 7644 §3.7) -------------------------------------------------------------
    async def bulk(self, tenant: str, body: dict[str, Any]) -> Reply:
        size = _payload_size(body)
        outcomes = self._noted(tenant, lambda d: bulk.run(d, body, size))
        for outcome in outcomes:
            for text in outcome.notes:
                self.note(text)
        return _reply({"schemas": [bulk.BULK_RESPONSE], "Operations": [_bulk_answer(o) for o in outcomes]})

    async def listResourceTypes(self, tenant: str, **ignored: Any) -> Reply:
        return _reply(discovery.resource_types(self._dir(tenant).base_path))

    async def getResourceType(self, tenant: str, id: str, **ignored: Any) -> Reply:
        return _reply(discovery.resource_type(self._dir(tenant).base_path, id))

    async def listSchemas(self, tenant: str, **ignored: Any) -> Reply:
        return _reply(discovery.schemas(self._dir(tenant).base_path))

    async def getSchema(self, tenant: str, id: str, **ignored: Any) -> Reply:
        return _reply(discovery.schema(self._dir(tenant).base_path, id))
