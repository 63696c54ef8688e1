"""Issue 2, point 3: every spec is valid OpenAPI and carries what a client and Schemathesis need."""

from __future__ import annotations

import pytest
from openapi_spec_validator import validate
from specs_walk import all_specs, operations, resolve

from mockserver.apis.registry import APIS

SPECS = all_specs()
SPEC_OPS = [(name, method, path) for name, spec in SPECS.items() for method, path, _ in operations(spec)]


@pytest.mark.parametrize("name", sorted(SPECS))
def test_spec_is_valid_openapi(name: str) -> None:
    validate(SPECS[name])


def test_titles_are_distinct_and_match_registry() -> None:
    titles = {name: spec["info"]["title"] for name, spec in SPECS.items()}
    assert len(set(titles.values())) == len(titles)
    assert titles == {api.name: api.title for api in APIS}


@pytest.mark.parametrize("name", sorted(SPECS))
def test_spec_declares_security_and_operations(name: str) -> None:
    spec = SPECS[name]
    assert spec["components"]["securitySchemes"], f"{name}: no security scheme"
    assert operations(spec), f"{name}: no operations"


@pytest.mark.parametrize(("name", "method", "path"), SPEC_OPS)
def test_operation_has_id_summary_and_examples(name: str, method: str, path: str) -> None:
    spec = SPECS[name]
    op = spec["paths"][path][method]
    assert op.get("operationId"), "operationId missing"
    assert op.get("summary"), "summary missing"
    body = resolve(spec, op.get("requestBody")) if op.get("requestBody") else None
    if body:
        media = next(iter(body["content"].values()))
        assert media.get("example") is not None or media.get("examples"), "request example missing"
    for status, response in op["responses"].items():
        response = resolve(spec, response)
        for media in (response.get("content") or {}).values():
            assert media.get("example") is not None or media.get("examples"), f"{status} example missing"


@pytest.mark.parametrize("name", sorted(SPECS))
def test_operation_ids_are_unique_and_implemented(name: str) -> None:
    import importlib

    spec = SPECS[name]
    ids = [op["operationId"] for _, _, op in operations(spec)]
    assert len(ids) == len(set(ids))
    handlers = importlib.import_module(next(a.module for a in APIS if a.name == name)).Handlers
    missing = [op_id for op_id in ids if not callable(getattr(handlers, op_id, None))]
    assert not missing, f"operations without a handler: {missing}"


#: Errors the vendor sends without a body: authentik's ``impersonate`` answers a bare
#: ``Response(status=401)`` ("Access denied", specs/README.md authentik).
BODILESS_ERRORS = {("authentik", "post", "/core/users/{id}/impersonate/", "401")}


@pytest.mark.parametrize("name", sorted(SPECS))
def test_every_error_response_has_a_body_schema(name: str) -> None:
    spec = SPECS[name]
    for method, path, op in operations(spec):
        for status, response in op["responses"].items():
            if (name, method, path, status) in BODILESS_ERRORS:
                assert not resolve(spec, response).get("content"), f"{method.upper()} {path} {status} has a body"
            elif status.startswith(("4", "5")) or status == "default":
                content = resolve(spec, response).get("content") or {}
                assert content, f"{method.upper()} {path} {status}: error without a body schema"


@pytest.mark.parametrize("name", sorted(SPECS))
def test_creates_link_to_their_reads_and_writes(name: str) -> None:
    """Issue 2: OpenAPI ``links`` from each create (POST answering 201) to its get/update/delete.

    A create is a POST answering 201 on a collection that has item paths (``<path>/{id}``).
    """
    spec = SPECS[name]
    for method, path, op in operations(spec):
        created = op["responses"].get("201")
        has_items = any(p.startswith(path.rstrip("/") + "/{") for p in spec["paths"])
        if method == "post" and created and has_items:
            links = resolve(spec, created).get("links") or {}
            assert links, f"POST {path}: 201 without links"
            targets = {link.get("operationId") for link in links.values()}
            known = {o["operationId"] for _, _, o in operations(spec)}
            assert targets <= known, f"POST {path}: links to unknown operations {targets - known}"
