"""RFC 7644 §3.4.2.2 filters: examples, invalidFilter cases, indexes, and a Hypothesis property
test checking the directory against a straightforward reference evaluation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mockserver.domain.clock import Clock
from mockserver.domain.errors import InvalidFilter
from mockserver.domain.scim import Directory, ListQuery
from mockserver.domain.scim.evaluate import index_keys
from mockserver.domain.scim.filter import parse

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"


def directory_with(users: list[dict[str, Any]]) -> Directory:
    d = Directory("t", Clock())
    for u in users:
        d.create_user({"schemas": [USER], **u})
    return d


def names(d: Directory, flt: str) -> list[str]:
    page = d.list_users(ListQuery(filter=flt))
    assert page.total_results == len(page.resources)
    return sorted(r["userName"] for r in page.resources)


SAMPLE = [
    {
        "userName": "bjensen",
        "name": {"familyName": "Jensen", "givenName": "Barbara"},
        "title": "Tour Guide",
        "active": True,
        "emails": [
            {"value": "bjensen@example.com", "type": "work", "primary": True},
            {"value": "babs@jensen.org", "type": "home"},
        ],
        "userType": "Employee",
        "externalId": "E-1",
        ENTERPRISE: {"employeeNumber": "701984", "department": "Tour Operations"},
    },
    {
        "userName": "jsmith",
        "name": {"familyName": "Smith"},
        "active": False,
        "emails": [{"value": "js@example.org", "type": "home"}],
        "userType": "Intern",
        "externalId": "e-1",
    },
    {
        "userName": "mpark",
        "displayName": "Min Park",
        "userType": "Employee",
        "emails": [{"value": "min@EXAMPLE.com", "type": "work"}],
    },
]


@pytest.mark.parametrize(
    ("flt", "expected"),
    [
        ('userName Eq "BJENSEN"', ["bjensen"]),
        ('name.familyName co "EN"', ["bjensen"]),
        ('userName sw "J"', ["jsmith"]),
        ('urn:ietf:params:scim:schemas:core:2.0:User:userName sw "j"', ["jsmith"]),
        ("title pr", ["bjensen"]),
        ("displayName pr and not (title pr)", ["mpark"]),
        ('emails[type eq "work" and value co "@example.com"]', ["bjensen", "mpark"]),
        ('emails.type eq "work" and not (emails.value ew ".org")', ["mpark"]),
        ('userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")', ["bjensen", "mpark"]),
        ('userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")', []),
        ("active eq false", ["jsmith"]),
        ("active ne true", ["jsmith", "mpark"]),
        ('externalId eq "E-1"', ["bjensen"]),  # externalId is caseExact (RFC 7643 §3.1)
        ("displayName eq null", ["bjensen", "jsmith"]),
        ('meta.lastModified gt "2011-05-13T04:42:34Z"', ["bjensen", "jsmith", "mpark"]),
        ('meta.resourceType eq "User" and userName gt "c" and userName le "mpark"', ["jsmith", "mpark"]),
        (f'{ENTERPRISE}:employeeNumber eq "701984"', ["bjensen"]),
        ('userName eq "x" or userName eq "mpark" and displayName sw "min"', ["mpark"]),
        ('(userName eq "x" or userName eq "mpark") and displayName sw "min"', ["mpark"]),
    ],
)
def test_filter_examples(flt: str, expected: list[str]) -> None:
    assert names(directory_with(SAMPLE), flt) == expected


@pytest.mark.parametrize(
    "flt",
    [
        "",
        "userName",
        "userName eq",
        'userName regex "x"',
        'userName eq "a" and',
        '(userName eq "a"',
        'userName eq "a")',
        'nosuch eq "x"',
        'name.nosuch eq "x"',
        "active gt true",
        'active eq "true"',
        "userName eq 5",
        'name eq "x"',
        'meta.created gt "yesterday"',
        'password eq "x"',
        'emails[type eq "work"',
        'emails[value[type eq "x"]]',
        'not userName eq "a"',
        'userName eq "unterminated',
        "userName gt null",
        'userName eq "a" or or',
        'displayName co "a" \x00',
        "userName eq \u0663",
        "not (" * 500 + "userName pr" + ")" * 500,
        "(" * 40 + "userName pr" + ")" * 40,
        " or ".join(["userName pr"] * 300),
        'a.b.c eq "x"',
    ],
)
def test_invalid_filters_are_invalid_filter(flt: str) -> None:
    with pytest.raises(InvalidFilter):
        directory_with([]).list_users(ListQuery(filter=flt))


def test_eq_on_username_external_id_and_id_uses_indexes() -> None:
    indexed = {"id": True, "externalid": True, "username": False}
    assert index_keys(parse('userName eq "BJ"'), indexed) == [("username", "bj")]
    assert index_keys(parse('externalId eq "X" and active eq true'), indexed) == [("externalid", "X")]
    assert index_keys(parse('userName eq "a" or externalId eq "b"'), indexed) == [
        ("username", "a"),
        ("externalid", "b"),
    ]
    assert index_keys(parse('userName eq "a" or title eq "b"'), indexed) is None
    assert index_keys(parse('userName co "a"'), indexed) is None


class CountingDict(dict):  # type: ignore[type-arg]
    """A store that counts full scans (``values()``)."""

    scans = 0

    def values(self):  # type: ignore[no-untyped-def,override]
        CountingDict.scans += 1
        return super().values()


def test_indexed_filters_do_not_scan() -> None:
    d = directory_with([{"userName": f"user{i}", "externalId": f"ext{i}"} for i in range(50)])
    d._users = CountingDict(d._users)
    CountingDict.scans = 0
    assert names(d, 'userName eq "USER7"') == ["user7"]
    assert names(d, 'externalId eq "ext9" and active pr') == []
    assert names(d, 'externalId eq "ext9" or userName eq "user3"') == ["user3", "user9"]
    assert CountingDict.scans == 0
    assert names(d, 'userName co "7"') == ["user17", "user27", "user37", "user47", "user7"]
    assert CountingDict.scans == 1


def test_deep_page_renders_only_the_page(monkeypatch: pytest.MonkeyPatch) -> None:
    d = directory_with([{"userName": f"u{i:05d}"} for i in range(3000)])
    calls = []
    original = Directory._view
    monkeypatch.setattr(Directory, "_view", lambda self, rt, r: calls.append(1) or original(self, rt, r))
    page = d.list_users(ListQuery(start_index=2990, count=5))
    assert page.total_results == 3000 and [r["userName"] for r in page.resources] == [
        f"u{i:05d}" for i in range(2989, 2994)
    ]
    assert len(calls) == 5


# --- property test against a reference evaluation -------------------------------------------------

WORDS = ["alice", "Alice", "bob", "BOB", "carol", "a", "o", "ob", "li"]
ATTRS = {  # path → (caseExact, kind)
    "userName": (False, "string"),
    "displayName": (False, "string"),
    "title": (False, "string"),
    "externalId": (True, "string"),
    "name.familyName": (False, "string"),
    "emails.value": (False, "string"),
    "emails.type": (False, "string"),
    "active": (False, "boolean"),
}
STRING_OPS = ["eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le"]


@dataclass(frozen=True)
class RCmp:
    path: str
    op: str
    value: Any


@dataclass(frozen=True)
class RPr:
    path: str


@dataclass(frozen=True)
class RLog:
    op: str
    left: Any
    right: Any


@dataclass(frozen=True)
class RNot:
    inner: Any


@dataclass(frozen=True)
class RVal:
    inner: Any  # emails[...] with inner paths "value"/"type"


def _cmp(path: str, inner: bool = False) -> st.SearchStrategy[Any]:
    kind = ATTRS[path if not inner else f"emails.{path}"][1]
    if kind == "boolean":
        return st.builds(RCmp, st.just(path), st.sampled_from(["eq", "ne"]), st.booleans())
    return st.builds(RCmp, st.just(path), st.sampled_from(STRING_OPS), st.sampled_from([*WORDS, "work", "home"]))


def _logic(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.builds(RLog, st.sampled_from(["and", "or"]), children, children), st.builds(RNot, children))


inner_filters = st.recursive(
    st.sampled_from(["value", "type"]).flatmap(lambda p: _cmp(p, inner=True)), _logic, max_leaves=3
)
leaves = st.one_of(
    st.sampled_from(list(ATTRS)).flatmap(_cmp),
    st.builds(RPr, st.sampled_from(list(ATTRS))),
    st.builds(RVal, inner_filters),
)
filters = st.recursive(leaves, _logic, max_leaves=6)


def render(node: Any, upper: bool) -> str:
    """Filter text; ``and`` inside ``or`` goes without parentheses to exercise precedence."""
    kw = str.upper if upper else str.lower
    if isinstance(node, RCmp):
        value = ("true" if node.value else "false") if isinstance(node.value, bool) else f'"{node.value}"'
        return f"{node.path} {kw(node.op)} {value}"
    if isinstance(node, RPr):
        return f"{node.path} {kw('pr')}"
    if isinstance(node, RNot):
        return f"{kw('not')} ({render(node.inner, upper)})"
    if isinstance(node, RVal):
        return f"emails[{render(node.inner, upper)}]"

    def side(child: Any) -> str:
        bare = isinstance(child, RCmp | RPr | RNot | RVal) or (node.op == "or" and child.op == "and")
        return render(child, upper) if bare else f"({render(child, upper)})"

    return f"{side(node.left)} {kw(node.op)} {side(node.right)}"


def ref_values(obj: dict[str, Any], path: str) -> list[Any]:
    head, _, sub = path.partition(".")
    v = obj.get(head)
    if v is None:
        return []
    items = v if isinstance(v, list) else [v]
    if not sub:
        return items
    return [e[sub] for e in items if sub in e]


def ref_eval(node: Any, obj: dict[str, Any], scope: str = "") -> bool:
    if isinstance(node, RLog):
        a, b = ref_eval(node.left, obj, scope), ref_eval(node.right, obj, scope)
        return (a and b) if node.op == "and" else (a or b)
    if isinstance(node, RNot):
        return not ref_eval(node.inner, obj, scope)
    if isinstance(node, RVal):
        return any(ref_eval(node.inner, e) for e in obj.get("emails", []))
    values = ref_values(obj, node.path)
    if isinstance(node, RPr):
        return any(v not in ("", None, [], {}) for v in values)
    exact = ATTRS.get(node.path, ATTRS.get(f"emails.{node.path}", (False, "")))[0]

    def fold(x: Any) -> Any:
        return x if exact or not isinstance(x, str) else x.lower()

    t = fold(node.value)
    tests = {
        "eq": lambda v: v == t,
        "ne": lambda v: v == t,
        "co": lambda v: t in v,
        "sw": lambda v: v.startswith(t),
        "ew": lambda v: v.endswith(t),
        "gt": lambda v: v > t,
        "ge": lambda v: v >= t,
        "lt": lambda v: v < t,
        "le": lambda v: v <= t,
    }
    hit = any(tests[node.op](fold(v)) for v in values)
    return not hit if node.op == "ne" else hit


users_strategy = st.lists(
    st.fixed_dictionaries(
        {"userName": st.sampled_from(WORDS).map(lambda w: w + "-")},
        optional={
            "displayName": st.sampled_from(WORDS),
            "title": st.sampled_from([*WORDS, ""]),
            "externalId": st.sampled_from(WORDS),
            "active": st.booleans(),
            "name": st.fixed_dictionaries({}, optional={"familyName": st.sampled_from(WORDS)}),
            "emails": st.lists(
                st.fixed_dictionaries(
                    {"value": st.sampled_from(WORDS)}, optional={"type": st.sampled_from(["work", "home"])}
                ),
                max_size=3,
            ),
        },
    ),
    max_size=6,
    unique_by=lambda u: u["userName"].lower(),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(users=users_strategy, node=filters, upper=st.booleans())
def test_filter_agrees_with_reference(users: list[dict[str, Any]], node: Any, upper: bool) -> None:
    d = directory_with(users)
    stored = list(d.users())
    expected = sorted(u["userName"] for u in stored if ref_eval(node, u))
    assert names(d, render(node, upper)) == expected


def test_external_id_is_not_unique_and_index_finds_all() -> None:
    d = directory_with(
        [
            {"userName": "a", "externalId": "X"},
            {"userName": "b", "externalId": "X"},
            {"userName": "c", "externalId": "x"},
        ]
    )
    assert names(d, 'externalId eq "X"') == ["a", "b"]
    d.delete_user(d.find_user("a")["id"])
    assert names(d, 'externalId eq "X"') == ["b"]
