"""Bad input in a client compatibility mode: never a 500, a refused request changes nothing.

Two ways: Hypothesis builds requests from the pieces the modes rewrite (capitalised and unknown
ops, string booleans, value lists, value paths, bare extension names, unquoted filter values,
unknown attributes and schema URNs) and sends them to a directory in each mode: the only error
allowed is a ``DomainError`` (the SCIM error of RFC 7644 §3.12), and after one the tenant's export
is what it was. Then the hostile-input corpus of issue 12 (``tests/test_hostile_corpus.py``) runs
over real HTTP against the default tenant switched to ``compat: entra`` (the mode with every rule);
its state snapshots carry the option, so ``PUT /__admin/state`` also round-trips it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mockserver.app import create_app
from mockserver.domain.errors import DomainError
from mockserver.domain.scim.directory import Directory
from mockserver.domain.scim.query import ListQuery
from mockserver.domain.world import World
from mockserver.server import LiveServer
from tests.hostile_corpus import cases_for
from tests.test_hostile_corpus import Campaign

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
MODES = ("entra", "okta", "authentik", "strict")

OPS = st.sampled_from(["add", "Add", "REPLACE", "Replace", "remove", "Remove", "Rem", "", 3, None])
PATHS = st.one_of(
    st.sampled_from(
        [
            'emails[type eq "work"].value',
            'phoneNumbers[type eq "work"].value',
            'addresses[type eq "work" and primary eq true].formatted',
            'emails[type eq "work" and type eq "home"].value',
            'emails[type eq "work"].type',
            'emails[type eq "work"]',
            "emails[type eq work].value",
            'emails[value eq "{ann}"].primary',
            "members",
            'members[value eq "{ann}"]',
            "manager",
            "manager.value",
            f"{ENTERPRISE}:manager",
            "department",
            "active",
            "name.givenName",
            "urn:x:custom:2.0:User:tag",
            "emails[",
            "x[type eq 1].y",
            "",
        ]
    ),
    st.text(max_size=30),
)
SCALARS = st.one_of(
    st.sampled_from(["False", "True", "true", "yes", "{ann}", "", "null"]),
    st.booleans(),
    st.none(),
    st.integers(-2, 2),
    st.text(max_size=10),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.lists(st.fixed_dictionaries({"value": inner}), max_size=3),
        st.dictionaries(
            st.sampled_from(["value", "type", "primary", "active", "name.givenName", "manager", "members", ENTERPRISE]),
            inner,
            max_size=3,
        ),
    ),
    max_leaves=6,
)


@st.composite
def operations(draw: st.DrawFn) -> dict[str, Any]:
    op: dict[str, Any] = {}
    if draw(st.integers(0, 5)):
        op["op"] = draw(OPS)
    if draw(st.integers(0, 3)):
        op["path"] = draw(PATHS)
    if draw(st.integers(0, 3)):
        op["value"] = draw(VALUES)
    return op


BODY_KEYS = st.sampled_from(["active", "emails", "manager", ENTERPRISE, "department", "schemas", "name", "urn:x:y"])
BODIES = st.dictionaries(BODY_KEYS, VALUES, max_size=4)
FILTERS = st.one_of(
    st.sampled_from(["userName eq ann", "externalId eq jyoung and active eq true", "userName eq", "eq eq eq"]),
    st.text(alphabet='ab eqco"()[]:.', max_size=25),
)


def _directory(compat: str) -> Directory:
    world = World({"scim": {"tenants": {"t": {"tokens": ["t"], "options": {"compat": compat}}}}})
    directory = world.directories.get("t")
    ann = directory.create_user({"schemas": [USER, ENTERPRISE], "userName": "ann", "emails": [{"value": "a@x"}]})
    directory.create_group({"schemas": [GROUP], "displayName": "g", "members": [{"value": ann["id"]}]})
    return directory


DIRECTORIES = {mode: _directory(mode) for mode in MODES}


def _fill(value: Any, ann: str) -> Any:
    return json.loads(json.dumps(value).replace("{ann}", ann))


def _refused_changes_nothing(directory: Directory, call: Any) -> None:
    before = json.dumps(directory.export(), sort_keys=True)
    try:
        call()
    except DomainError:
        assert json.dumps(directory.export(), sort_keys=True) == before
    finally:
        directory.take_notes()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mode=st.sampled_from(MODES), ops=st.lists(operations(), min_size=1, max_size=3), group=st.booleans())
def test_patch_in_any_mode_is_applied_or_refused_whole(mode: str, ops: list[dict[str, Any]], group: bool) -> None:
    directory = DIRECTORIES[mode]
    ann = directory.list_users(ListQuery.parse({"filter": 'userName eq "ann"'})).resources[0]["id"]
    target = directory.list_groups(ListQuery.parse({})).resources[0]["id"] if group else ann
    patch = directory.patch_group if group else directory.patch_user
    body = {"schemas": [PATCH_OP], "Operations": _fill(ops, ann)}
    _refused_changes_nothing(directory, lambda: patch(target, body))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mode=st.sampled_from(MODES), extra=BODIES, name=st.text(min_size=1, max_size=8))
def test_create_and_replace_in_any_mode_are_applied_or_refused_whole(
    mode: str, extra: dict[str, Any], name: str
) -> None:
    directory = DIRECTORIES[mode]
    ann = directory.list_users(ListQuery.parse({"filter": 'userName eq "ann"'})).resources[0]["id"]
    body = {"schemas": [USER, ENTERPRISE], "userName": name, **_fill(extra, ann)}
    _refused_changes_nothing(directory, lambda: directory.create_user(body))
    _refused_changes_nothing(directory, lambda: directory.replace_user(ann, {**body, "userName": "ann"}))


@settings(max_examples=200, deadline=None)
@given(mode=st.sampled_from(MODES), text=FILTERS)
def test_filters_in_any_mode_answer_or_refuse(mode: str, text: str) -> None:
    directory = DIRECTORIES[mode]
    _refused_changes_nothing(directory, lambda: directory.list_users(ListQuery.parse({"filter": text})))


class CompatCampaign(Campaign):
    """The corpus campaign, its admin calls each on a new connection: an idle one may have met the
    server's keep-alive timeout while a long run of rejected requests went by on a loaded machine."""

    def admin(self, method: str, body: bytes = b"") -> bytes:
        self.admin_client.close()
        return super().admin(method, body)


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    with LiveServer(create_app(validate_responses=True)) as live:
        yield live


def test_hostile_corpus_on_a_tenant_in_compat_entra(server: LiveServer) -> None:
    body = {"name": "default", "options": {"compat": "entra"}}
    made = httpx.post(f"{server.url}/__admin/tenants", json=body, headers={"Authorization": "Bearer idsync-token"})
    assert made.status_code == 201 and made.json()["options"]["compat"] == "entra", made.text
    cases = cases_for("scim")
    campaign = CompatCampaign(server.port)
    assert campaign.snapshot["scim"]["tenants"]["default"]["options"]["compat"] == "entra"
    campaign.run(cases)
    assert len(cases) > 100
    assert not campaign.failures, f"{len(campaign.failures)} of {len(cases)} failed:\n" + "\n".join(
        campaign.failures[:60]
    )
    assert campaign.export()["scim"]["tenants"]["default"]["options"]["compat"] == "entra"
