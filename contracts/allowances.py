"""What the SCIM RFCs allow that one OpenAPI document cannot say: the spec ``idsync verify`` checks with.

``specs/scim.yaml`` describes the mock, which takes one of the answers the RFCs allow. A
server that takes another allowed answer must pass too (issue 10, "requirement levels": where
the source allows alternatives, every allowed answer passes), so before the Schemathesis
levels run the SCIM spec is widened where RFC 7643 / RFC 7644 leave a choice:

- **The discovery endpoints may be public.** RFC 7644 §4 defines ``/ServiceProviderConfig``,
  ``/ResourceTypes`` and ``/Schemas`` as discovery for clients, and RFC 7643 §5's
  ``authenticationSchemes`` tells a client how to authenticate, which it may read before it
  has credentials; so a discovery GET answered without credentials is allowed, and one that
  requires them is allowed too (``security`` gains the anonymous alternative ``{}``).
- **null equals unassigned.** RFC 7643 §2.5: "Unassigned attributes, the null value, or empty
  array (in the case of a multi-valued attribute) SHALL be considered to be equivalent in
  'state'", so ``null`` for an attribute that is not required is no schema violation a server
  must reject (every optional property becomes ``nullable``).
- **Canonical values are suggestions.** RFC 7643 §2.2: ``canonicalValues`` are "suggested
  canonical values that MAY be used"; "service providers MAY choose to ignore unsupported
  values". A multi-valued attribute's ``type`` (members ``User``/``Group``, groups
  ``direct``/``indirect``) is therefore no enumeration a server must enforce (its ``enum`` goes).
- **Only userName must be non-empty.** RFC 7643 §4.1.1 says "Each User MUST include a non-empty
  userName value"; it says no such thing of a Group's ``displayName`` (§4.2: REQUIRED) nor of a
  member's ``value`` (§4.2; whether it must name an existing resource is the server's choice:
  the mock answers 400 ``invalidValue``). Their ``minLength`` goes; ``userName``'s stays. The
  Group schema of RFC 7643 §8.7.1 marks a member's ``value`` ``"required": false``, so the
  spec's ``Member`` no longer requires it.
- **Searching and sorting are optional.** Queries on the server root and ``POST .../.search``
  are something a client "MAY" do (RFC 7644 §3.4.2.1, §3.4.3), and a server that does not
  offer them answers 404 or 501 ("Service provider does not support the request operation",
  §3.12); so may ``POST /Bulk`` where ``bulk.supported`` is false (§3.7). "Sort support is
  OPTIONAL" (§3.4.2.3, ``sort.supported``), so a server without it
  may ignore ``sortBy`` and ``sortOrder``: the enumeration of ``sortOrder`` and the
  ``minLength`` of ``sortBy`` go. Where a server answers an optional query with 404 or 501, no
  check of that exchange fails (:func:`not_offered`).
- **Discovery ignores list parameters.** RFC 7644 §4 has the discovery endpoints ignore
  filtering, sorting and paging (a filter on ``/ServiceProviderConfig`` SHOULD even be 403),
  so their query parameters take any value.
- **401 or 403.** RFC 7644 §3.12 gives both for refused credentials ("The authorization
  header is invalid or missing"; "not permitted based on the supplied authorization"), so
  wherever the spec documents 401 it documents 403 too.
- **A bulk request answers for each operation.** RFC 7644 §3.7.3: the service provider
  answers the request with a BulkResponse in which each operation carries its own ``status``,
  so an invalid operation inside a well-formed BulkRequest is no reason to reject the request
  (the items of ``Operations`` take any value), and the answer for an operation the server
  could not read needs only its ``status`` (it has no ``method`` to repeat).
- **PATCH answers 200 with the resource or 204 without a body** (RFC 7644 §3.5.2); the semantic
  contracts accept both, and every PATCH documents 204.
"""

from __future__ import annotations

import copy
from typing import Any

DISCOVERY = ("/ServiceProviderConfig", "/ResourceTypes", "/Schemas")
#: Operations a server may not offer: the root query and the searches (RFC 7644 §3.4.2.1, §3.4.3),
#: bulk (§3.7: ServiceProviderConfig ``bulk.supported``).
OPTIONAL_OPERATIONS = ("queryAll", "searchAll", "searchUsers", "searchGroups", "bulk")
NOT_OFFERED = {
    "404": {"description": "RFC 7644 §3.4.2.1 / §3.4.3: the server offers no such query"},
    "501": {"description": "RFC 7644 §3.12: not implemented"},
}
#: Attributes the mock's spec gives a ``minLength`` that RFC 7643 does not state.
UNSTATED_MIN_LENGTH = ("displayName", "value")
#: Labels (``METHOD /path``, the path after any ``/{tenant}/v2``) of the optional queries.
OPTIONAL_LABELS = ("GET /", "POST /.search", "POST /Users/.search", "POST /Groups/.search", "POST /Bulk")


def not_offered(api: str, label: str, status: int | None) -> bool:
    """Whether ``status`` says the SCIM server does not offer the optional query ``label``: its
    checks judge nothing then (RFC 7644 §3.4.2.1, §3.4.3, §3.12)."""
    if api != "scim" or status not in (404, 501):
        return False
    method, _, path = label.partition(" ")
    short = f"{method} {path.removeprefix('/{tenant}/v2') or '/'}"
    return short in OPTIONAL_LABELS


def widened(api: str, spec: dict[str, Any]) -> dict[str, Any]:
    """``spec`` with the RFC alternatives above, for the SCIM API; any other API's spec as it is."""
    if api != "scim":
        return spec
    made = copy.deepcopy(spec)
    default_security = made.get("security") or []
    for path, item in (made.get("paths") or {}).items():
        if any(marker in path for marker in DISCOVERY) and isinstance(item.get("get"), dict):
            operation = item["get"]
            required = operation.get("security", default_security)
            if required and {} not in required:
                operation["security"] = [{}, *required]
            operation["parameters"] = [_any_query_value(made, p) for p in operation.get("parameters") or []]
        for method, operation in item.items():
            if isinstance(operation, dict) and "responses" in operation:
                _alternative_statuses(method, operation)
    for parameter in ((made.get("components") or {}).get("parameters") or {}).values():
        if parameter.get("name") in ("sortOrder", "sortBy"):
            parameter.get("schema", {}).pop("enum", None)
            parameter.get("schema", {}).pop("minLength", None)
    schemas = (made.get("components") or {}).get("schemas") or {}
    bulk = (schemas.get("BulkRequest") or {}).get("properties") or {}
    if isinstance(bulk.get("Operations"), dict):
        bulk["Operations"]["items"] = {}
    answers = ((schemas.get("BulkResponse") or {}).get("properties") or {}).get("Operations") or {}
    if isinstance(answers.get("items"), dict) and "required" in answers["items"]:
        answers["items"]["required"] = [name for name in answers["items"]["required"] if name == "status"]
    member = ((made.get("components") or {}).get("schemas") or {}).get("Member") or {}
    if "required" in member:
        member["required"] = [name for name in member["required"] if name != "value"]
        if not member["required"]:
            del member["required"]
    _nullable_optionals(made)
    return made


def _any_query_value(spec: dict[str, Any], parameter: dict[str, Any]) -> dict[str, Any]:
    """A query parameter (``$ref`` resolved) that takes any value; other parameters as they are."""
    if "$ref" in parameter:
        name = str(parameter["$ref"]).rsplit("/", 1)[-1]
        parameter = ((spec.get("components") or {}).get("parameters") or {}).get(name) or parameter
    if parameter.get("in") != "query":
        return parameter
    return {**parameter, "schema": {}}


def _alternative_statuses(method: str, operation: dict[str, Any]) -> None:
    """404/501 for an optional query, 403 beside 401, 204 for PATCH (RFC 7644 §3.12, §3.5.2)."""
    responses = operation["responses"]
    if operation.get("operationId") in OPTIONAL_OPERATIONS:
        operation["responses"] = responses = {**NOT_OFFERED, **responses}
    if "401" in responses and "403" not in responses:
        responses["403"] = responses["401"]
    if method == "patch" and "204" not in responses:
        responses["204"] = {"description": "RFC 7644 §3.5.2: success without the resource"}


def _nullable_optionals(node: Any) -> None:
    """Mark every property that its object schema does not require as ``nullable`` (RFC 7643 §2.5),
    drop the ``enum`` of ``type`` sub-attributes (canonical values, RFC 7643 §2.2) and the
    ``minLength`` the RFC does not state."""
    if isinstance(node, list):
        for item in node:
            _nullable_optionals(item)
        return
    if not isinstance(node, dict):
        return
    properties = node.get("properties")
    if isinstance(properties, dict):
        required = set(node.get("required") or [])
        for name, schema in list(properties.items()):
            if name in ("type", "sortOrder", "sortBy") and isinstance(schema, dict):
                schema.pop("enum", None)  # canonicalValues (RFC 7643 §2.2); optional sorting (RFC 7644 §3.4.2.3)
                schema.pop("minLength", None)
            if name in UNSTATED_MIN_LENGTH and isinstance(schema, dict):
                schema.pop("minLength", None)
            if name not in required and isinstance(schema, dict) and name != "schemas":
                properties[name] = _nullable(schema)
    for key, value in node.items():
        if key != "properties" or not isinstance(value, dict):
            _nullable_optionals(value)
        else:
            for schema in value.values():
                _nullable_optionals(schema)


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in schema:  # OpenAPI 3.0 ignores siblings of $ref
        return {"allOf": [schema], "nullable": True}
    return {**schema, "nullable": True}
