"""The one JSON policy (mockserver.domain.jsonpolicy): RFC 8259 §6 numbers, §8.1 UTF-8, §9 depth limits."""

from __future__ import annotations

import json

import pytest

from mockserver.domain.jsonpolicy import MAX_DEPTH, JsonRejected, check, dumps, loads


@pytest.mark.parametrize(
    "text",
    [
        '{"a": NaN}',
        '{"a": Infinity}',
        '{"a": -Infinity}',
        '{"a": 1e400}',
        "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1),
        '{"a":' * 900 + "1" + "}" * 900,
        b'{"a": "\xff"}',
        '{"a": ',
    ],
    ids=["nan", "inf", "-inf", "overflow", "depth+1", "depth-900", "not-utf8", "truncated"],
)
def test_loads_rejects_what_json_cannot_carry(text: str | bytes) -> None:
    with pytest.raises(JsonRejected) as caught:
        loads(text)
    assert caught.value.status == 400 and caught.value.scim_type == "invalidSyntax"


def test_loads_accepts_the_deepest_allowed_and_brackets_inside_strings() -> None:
    deepest = "[" * MAX_DEPTH + "]" * MAX_DEPTH
    assert loads(deepest) == json.loads(deepest)
    assert loads('{"a": "[[[[{{{{' + "[" * 200 + '"}') == {"a": "[[[[{{{{" + "[" * 200}
    assert loads(b'{"a": 1.5, "b": "\\"["}') == {"a": 1.5, "b": '"['}


def test_check_walks_parsed_values_without_recursion() -> None:
    deep: object = 1
    for _ in range(5000):
        deep = [deep]
    with pytest.raises(JsonRejected):
        check(deep)
    with pytest.raises(JsonRejected):
        check({"x": float("nan")})
    with pytest.raises(JsonRejected):
        check({1: "non-string key"})
    with pytest.raises(JsonRejected):
        check({"x": object()})
    value = {"a": [1, 2.5, "s", None, True, {"b": []}]}
    assert check(value) is value


def test_dumps_refuses_non_finite_numbers() -> None:
    assert dumps({"a": 1}) == '{"a": 1}'
    with pytest.raises(ValueError):
        dumps({"a": float("inf")})


def test_a_journal_note_reaches_the_entry_of_its_request() -> None:
    """``BaseHandlers.note`` in a handler appends to the request's scope; the middleware records it."""
    from starlette.testclient import TestClient

    from mockserver.apis import scim
    from mockserver.app import create_app

    original = scim.Handlers.listUsers

    async def noting(self: scim.Handlers, tenant: str, **query: object) -> object:
        self.note("a note from the handler layer")
        return await original(self, tenant, **query)

    scim.Handlers.listUsers = noting  # type: ignore[method-assign,assignment]
    try:
        app = create_app()
        with TestClient(app) as client:
            client.get("/scim/default/v2/Users", headers={"Authorization": "Bearer idsync-token"})
            client.get("/scim/default/v2/Groups", headers={"Authorization": "Bearer idsync-token"})
    finally:
        scim.Handlers.listUsers = original  # type: ignore[method-assign]
    entries = app.runtime.journal.query(api="scim")
    assert [e["notes"] for e in entries] == [["a note from the handler layer"], []]
