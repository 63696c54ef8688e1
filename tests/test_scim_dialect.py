"""Each field of the SCIM core's ``Dialect`` changes exactly what its docstring says (no HTTP).

Every case runs the same input through the core twice, in the RFC reading (``/scim``) and in
StackSpot's (elimity-com/scim), and checks both outcomes, so a field that stops being read, or
starts leaking into the other dialect, fails here.
"""

from __future__ import annotations

from typing import Any

import pytest

from mockserver.domain.errors import BadRequest, DomainError, InvalidFilter, InvalidPath, InvalidSyntax, NoTarget
from mockserver.domain.scim.dialect import RFC7644, Dialect
from mockserver.domain.scim.evaluate import compile_filter
from mockserver.domain.scim.patchop import MAX_PATH_LENGTH, read_operations
from mockserver.domain.scim.schema import PATCH_OP, USER_TYPE
from mockserver.domain.scim.validate import normalize
from mockserver.domain.stackspot.dialect import STACKSPOT, STACKSPOT_CASE_SENSITIVE_PATCH
from mockserver.domain.stackspot.schema import KINDS

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
Outcome = type[DomainError] | dict[str, Any]


def outcome(call: Any) -> Any:
    try:
        return call()
    except DomainError as exc:
        return type(exc)


@pytest.mark.parametrize(
    ("body", "rfc", "stackspot"),
    [
        pytest.param({"userName": "a", "nosuch": 1}, BadRequest, {"userName": "a"}, id="unknown_attributes"),
        pytest.param({"userName": "a", "USERNAME": "b"}, {"userName": "b"}, InvalidSyntax, id="duplicates"),
        pytest.param({"userName": "a", "emails": []}, {"userName": "a"}, {"userName": "a", "emails": []}, id="empty"),
        pytest.param(
            {"userName": "a", "emails": [{"value": "x"}, {"value": "x", "type": "work"}]},
            {"userName": "a", "emails": [{"value": "x"}, {"value": "x", "type": "work"}]},
            {"userName": "a", "emails": [{"value": "x"}]},
            id="multi_values",
        ),
        pytest.param(
            {"userName": "a", "emails": [{"value": "x", "primary": True}, {"value": "y", "primary": True}]},
            BadRequest,
            {"userName": "a", "emails": [{"value": "x", "primary": True}, {"value": "y", "primary": True}]},
            id="primary",
        ),
        pytest.param({"userName": ""}, BadRequest, {"userName": ""}, id="empty_required_strings"),
        pytest.param(["not", "an", "object"], BadRequest, InvalidSyntax, id="non_object_body"),
    ],
)
def test_body_fields(body: Any, rfc: Outcome, stackspot: Outcome) -> None:
    got_rfc = outcome(lambda: normalize(body, USER_TYPE))
    got_stackspot = outcome(lambda: normalize(body, KINDS["Users"].rtype, STACKSPOT))
    if isinstance(got_rfc, dict):
        got_rfc.pop("schemas")
    assert (got_rfc, got_stackspot) == (rfc, stackspot)


def test_schemas_member_is_checked_or_ignored() -> None:
    body = {"schemas": ["urn:nosuch"], "userName": "a"}
    with pytest.raises(BadRequest):
        normalize(body, USER_TYPE)
    assert normalize(body, KINDS["Users"].rtype, STACKSPOT) == {"userName": "a"}


@pytest.mark.parametrize("flt", ['active eq "yes"', "active gt true", 'meta.created gt "yesterday"', "name eq 1"])
def test_mismatched_comparison(flt: str) -> None:
    with pytest.raises(InvalidFilter):
        compile_filter(flt, USER_TYPE)
    _, matches = compile_filter(flt, KINDS["Users"].rtype, dialect=STACKSPOT)
    record = {"userName": "a", "active": True, "name": {"givenName": "a"}, "meta": {"created": "2024-01-01T00:00:00Z"}}
    assert matches(record) is False
    _, differs = compile_filter(flt.replace(" eq ", " ne ", 1), KINDS["Users"].rtype, dialect=STACKSPOT)
    assert differs(record) is (" eq " in flt)


def patch(*ops: Any, key: str = "Operations", schemas: Any = (PATCH_OP,)) -> dict[str, Any]:
    return {"schemas": list(schemas) if isinstance(schemas, tuple) else schemas, key: list(ops)}


@pytest.mark.parametrize(
    ("body", "rfc", "stackspot"),
    [
        pytest.param(patch({"op": "remove", "path": "title"}, key="operations"), InvalidSyntax, list, id="names"),
        pytest.param(patch({"op": "remove", "path": None}), InvalidPath, BadRequest, id="null_path"),
        pytest.param(patch({"op": "replace", "path": "title", "value": None}), list, BadRequest, id="null_value"),
        pytest.param(patch({"op": "remove", "path": "title"}, schemas=(PATCH_OP, USER)), list, BadRequest, id="sch"),
        pytest.param(patch({"op": "remove", "path": "title"}, schemas=("urn:x",)), InvalidSyntax, BadRequest, id="s"),
        pytest.param(patch(), InvalidSyntax, BadRequest, id="operations_error"),
        pytest.param(patch("remove"), InvalidSyntax, InvalidPath, id="operation_error"),
        pytest.param(patch({"op": "copy", "path": "title"}), InvalidSyntax, BadRequest, id="unknown_op_error"),
        pytest.param(patch({"op": "copy", "path": "nosuch"}), InvalidSyntax, InvalidPath, id="op_checked"),
        pytest.param(patch({"op": "remove"}), NoTarget, BadRequest, id="remove_without_path_error"),
    ],
)
def test_patch_envelope_fields(body: dict[str, Any], rfc: Outcome, stackspot: Outcome) -> None:
    got = [outcome(lambda d=d: read_operations(body, USER_TYPE, d)) for d in (RFC7644, STACKSPOT)]
    assert [g if isinstance(g, type) else type(g) for g in got] == [rfc, stackspot]


def test_case_sensitive_patch_is_only_the_member_names() -> None:
    """The planted fault ``stackspot-operations-lowercase-ignored`` reads members case-sensitively, nothing else."""
    with pytest.raises(BadRequest):
        read_operations(
            patch({"op": "remove", "path": "title"}, key="operations"), USER_TYPE, STACKSPOT_CASE_SENSITIVE_PATCH
        )
    assert read_operations(patch({"op": "remove", "path": "title"}), USER_TYPE, STACKSPOT_CASE_SENSITIVE_PATCH)


def test_wording_prefixes_each_scim_type_once() -> None:
    with pytest.raises(InvalidFilter) as caught:
        compile_filter("nosuch pr", KINDS["Users"].rtype, dialect=STACKSPOT)
    assert caught.value.detail.startswith("The specified filter syntax was invalid: ")
    assert caught.value.detail.count("The specified filter syntax was invalid") == 1
    with pytest.raises(InvalidPath) as path_error:
        read_operations(patch({"op": "remove", "path": "x" * (MAX_PATH_LENGTH + 1)}), USER_TYPE, STACKSPOT)
    assert path_error.value.detail.startswith("The path attribute was invalid or malformed: ")
    with pytest.raises(InvalidFilter) as plain:
        compile_filter("nosuch pr", USER_TYPE)
    assert not plain.value.detail.startswith("The specified")


def test_limits_and_never_returned_are_not_dialect_choices() -> None:
    lax = Dialect("lax", unknown_attributes="ignore", mismatched_comparison="no match")
    for dialect in (RFC7644, STACKSPOT, lax):
        for flt in ('password sw "a"', "(" * 100 + "userName pr" + ")" * 100, "x" * 5000):
            with pytest.raises(InvalidFilter):
                compile_filter(flt, USER_TYPE, dialect=dialect)
        with pytest.raises(InvalidPath):
            read_operations(patch({"op": "remove", "path": "title" + "x" * MAX_PATH_LENGTH}), USER_TYPE, dialect)
