"""Arbitrary input never escapes as anything but a SCIM 4xx domain error (no 500s)."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from mockserver.domain.clock import Clock
from mockserver.domain.errors import DomainError
from mockserver.domain.scim import Directory, ListQuery

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
FILTER_ALPHABET = st.sampled_from(
    [
        *'()[]"\\ .:-_$eqnotandorprswcglt0123456789userNamemailstypevalue',
        *("eq", " and ", " or ", "not ", " pr", "emails", "userName", '"x"', "true", "null"),
        "\u0663",  # a Unicode digit that is not a JSON digit
    ]
)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(["value", "type", "primary", "userName", "name", "emails", "x"]), inner, max_size=3
        )
    ),
    max_leaves=8,
)


def fresh() -> tuple[Directory, dict[str, Any]]:
    d = Directory("t", Clock())
    return d, d.create_user({"schemas": [USER], "userName": "u", "emails": [{"value": "a@b", "type": "work"}]})


def is_client_error(exc: DomainError) -> bool:
    return 400 <= exc.status < 500


@settings(max_examples=300, deadline=None)
@given(text=st.one_of(st.text(max_size=40), st.lists(FILTER_ALPHABET, max_size=12).map("".join)))
def test_any_filter_text_parses_or_is_invalid_filter(text: str) -> None:
    d, _ = fresh()
    try:
        d.list_users(ListQuery(filter=text))
    except DomainError as exc:
        assert exc.scim_type == "invalidFilter"


@settings(max_examples=200, deadline=None)
@given(
    op=st.sampled_from(["add", "replace", "remove", "Replace"]),
    path=st.one_of(st.none(), st.lists(FILTER_ALPHABET, max_size=8).map("".join)),
    value=JSON,
)
def test_any_patch_is_applied_or_rejected_without_side_effects(op: str, path: str | None, value: Any) -> None:
    d, user = fresh()
    operation = {"op": op, "value": value, **({"path": path} if path is not None else {})}
    try:
        d.patch_user(user["id"], {"schemas": [PATCH], "Operations": [operation]})
    except DomainError as exc:
        assert is_client_error(exc)
        assert d.get_user(user["id"]) == user


@settings(max_examples=200, deadline=None)
@given(
    body=st.dictionaries(
        st.sampled_from(["schemas", "userName", "name", "emails", "active", "groups", "id", "x"]), JSON, max_size=5
    )
)
def test_any_create_body_is_stored_or_rejected(body: dict[str, Any]) -> None:
    d = Directory("t", Clock())
    try:
        created = d.create_user(body)
    except DomainError as exc:
        assert is_client_error(exc) and list(d.users()) == []
    else:
        assert d.get_user(created["id"]) == created
