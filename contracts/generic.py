"""HTTP rules every API keeps, checked on any spec (they catch ``mockserver.http.faults_planted``).

Built per API from its spec, so each vendor gets them without writing anything:
``malformed_json_is_client_error`` and ``missing_credentials_rejected``. Both only send
requests a correct server refuses, so they are safe against a real vendor and need no admin API.
They read the spec as the target serves it (``spec_for_target``): a SCIM server rooted at one
base URL is probed at ``<base>/Users``, never at the mock's own ``/scim/{tenant}/v2`` paths.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from contracts.conformance import operations, spec_for_target
from contracts.scenario import Contract, require, skip
from contracts.target import Target

MALFORMED_JSON = b'{"userName": "idsync-probe", "active": tru'
PROBE = "idsync-contract-probe"


def generic_contracts(api: str, spec: dict[str, Any]) -> list[Contract]:
    """The generic contracts of ``api`` (names are the same for every API)."""
    made = []
    for func, source in (
        (malformed_json_is_client_error, "RFC 9110 §15.5.1 (400 Bad Request); RFC 8259 §2 (JSON text)"),
        (missing_credentials_rejected, "RFC 9110 §11.6.1 and §15.5.2 (401); RFC 6750 §3.1; the spec's security"),
    ):
        doc = (func.__doc__ or func.__name__).strip().splitlines()[0]
        made.append(Contract(api, func.__name__, "semantic", source, _bind(func, api, spec), (), doc))
    return made


def _bind(
    func: Callable[[Target, str, dict[str, Any]], None], api: str, spec: dict[str, Any]
) -> Callable[[Target], None]:
    def check(target: Target) -> None:
        func(target, api, spec_for_target(api, spec, target))

    check.__name__ = func.__name__
    check.__doc__ = func.__doc__
    return check


def malformed_json_is_client_error(target: Target, api: str, spec: dict[str, Any]) -> None:
    """A request body that is not valid JSON gets a 4xx client error, never a 5xx."""
    candidates = [(m, p, op) for m, p, op in operations(spec) if _json_body(op, spec)]
    if not candidates:
        skip("the spec has no operation with a JSON request body")
    client = target.client(api)
    base = _server_path(spec)
    for method, path, op in candidates[:3]:
        media = _json_body(op, spec) or "application/json"
        url = base + _fill(path, op, spec, target)
        response = client.request(method, url, content=MALFORMED_JSON, headers={"Content-Type": media})
        require(
            400 <= response.status_code < 500,
            f"{method} {path} with a malformed JSON body must get a 4xx, got {response.status_code}",
            "RFC 9110 §15.5.1; RFC 8259",
        )


def secured_reads(spec: dict[str, Any], target: Target, api: str) -> list[str]:
    """URLs of the spec's secured GET operations, those without ids first.

    A rooted SCIM spec's ``/`` (the service provider root, RFC 7644 §3.4.2.1) is the base URL
    itself, without a trailing slash.
    """
    secured = [(p, op) for m, p, op in operations(spec) if m == "GET" and _secured(op, spec)]
    secured.sort(key=lambda item: len(re.findall(r"\{(?![^}]*tenant)", item[0], flags=re.IGNORECASE)))
    base = target.base_url(api).rstrip("/") + _server_path(spec)
    return [base + ("" if path == "/" else _fill(path, op, spec, target)) for path, op in secured]


def missing_credentials_rejected(target: Target, api: str, spec: dict[str, Any]) -> None:
    """A request without credentials to a secured operation gets 401 (or 403), never the resource."""
    reads = secured_reads(spec, target, api)
    if not reads:
        skip("the spec has no secured GET operation")
    conclusive = 0
    with target.http(target.base_url(api)) as bare:
        for url in reads[:3]:
            response = bare.get(url)
            if response.status_code == 404:
                continue  # no such resource (a probe id, an optional endpoint): inconclusive, try the next
            conclusive += 1
            require(
                response.status_code in (401, 403),
                f"GET {url} without credentials must be refused with 401/403, got {response.status_code}",
                "RFC 9110 §11.6.1, §15.5.2; RFC 6750 §3.1",
            )
    if not conclusive:
        skip("every secured GET tried answered 404 without credentials: nothing to conclude")


def _server_path(spec: dict[str, Any]) -> str:
    from mockserver.app import spec_base_path

    return spec_base_path(spec)


def _resolve(node: Any, spec: dict[str, Any]) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        target: Any = spec
        for part in str(node["$ref"]).lstrip("#/").split("/"):
            target = target.get(part, {}) if isinstance(target, dict) else {}
        node = target
    return node


def _json_body(op: dict[str, Any], spec: dict[str, Any]) -> str | None:
    content = (_resolve(op.get("requestBody") or {}, spec) or {}).get("content") or {}
    return next((media for media in content if "json" in media), None)


def _secured(op: dict[str, Any], spec: dict[str, Any]) -> bool:
    requirements = op.get("security", spec.get("security") or [])
    return bool(requirements) and all(req for req in requirements)


def _fill(path: str, op: dict[str, Any], spec: dict[str, Any], target: Target) -> str:
    """``path`` with each ``{param}`` replaced by its example, the SCIM tenant, or a probe id."""
    for param in [_resolve(p, spec) for p in op.get("parameters") or []]:
        if param.get("in") != "path":
            continue
        name = param.get("name", "")
        schema = _resolve(param.get("schema") or {}, spec)
        value = param.get("example", schema.get("example", schema.get("default")))
        if value is None and schema.get("enum"):
            value = schema["enum"][0]
        if "tenant" in name.lower():
            value = target.credentials.scim_tenant
        path = path.replace("{" + name + "}", str(value if value is not None else PROBE))
    tenant = target.credentials.scim_tenant
    return re.sub(r"\{([^}]+)\}", lambda m: tenant if "tenant" in m.group(1).lower() else PROBE, path)
