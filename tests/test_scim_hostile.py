"""One SCIM core, two servers: the same hostile filters and PATCH paths against ``/scim`` and ``/stackspot``.

Both APIs run the SCIM core (``mockserver.domain.scim``): ``/scim`` in the RFC reading,
StackSpot in elimity-com/scim's dialect. Over real HTTP, every input below must get a 400 in
that vendor's error body (SCIM Error schema, ``status`` "400", the expected ``scimType``;
StackSpot's detail starts with elimity's text) and leave the whole state as it was (admin
``GET /__admin/state`` before and after): the core's limits (filter length, nesting, operator
depth, PATCH path length) hold on both, and a never-returned attribute (``password``, StackSpot
role ``statements``) can be neither filtered nor sorted on, so no answer depends on its value.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contracts.admin import Admin

AUTH = {"Authorization": "Bearer idsync-token"}
ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"
USER = "urn:ietf:params:scim:schemas:core:2.0:User"
PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
SECRET = "hunter2-Secret"
#: elimity-com/scim ``errors/error.go``: StackSpot's details start with RFC 7644 Table 9's text.
ELIMITY = {
    "invalidFilter": "The specified filter syntax was invalid: ",
    "invalidPath": "The path attribute was invalid or malformed: ",
}


@dataclass(frozen=True)
class Vendor:
    name: str
    base: str
    user_body: dict[str, Any]
    wording: dict[str, str]


SCIM = Vendor("scim", "/scim/default/v2", {"schemas": [USER], "userName": "victim", "password": SECRET}, {})
STACKSPOT = Vendor("stackspot", "/stackspot/hostile/scim", {"userName": "victim", "password": SECRET}, ELIMITY)
VENDORS = [pytest.param(SCIM, id="scim"), pytest.param(STACKSPOT, id="stackspot")]

NEVER = "invalidFilter"
HOSTILE_FILTERS = [
    pytest.param("(" * 400 + "userName pr" + ")" * 400, "invalidFilter", id="400-parentheses"),
    pytest.param("not (" * 400 + "userName pr" + ")" * 400, "invalidFilter", id="400-not"),
    pytest.param('userName eq "' + "a" * 5000 + '"', "invalidFilter", id="longer-than-limit"),
    pytest.param("emails[" * 100 + "value pr" + "]" * 100, "invalidFilter", id="deep-value-paths"),
    pytest.param('emails[value[type eq "x"]]', "invalidFilter", id="nested-value-path"),
    pytest.param(" or ".join(["userName pr"] * 300), "invalidFilter", id="300-operators"),
    pytest.param('password sw "a"', NEVER, id="password-sw"),
    pytest.param("password pr", NEVER, id="password-pr"),
    pytest.param(f'password eq "{SECRET}"', NEVER, id="password-eq"),
    pytest.param('PASSWORD co "h"', NEVER, id="password-other-case"),
    pytest.param(f'{USER}:password sw "h"', NEVER, id="password-with-urn"),
    pytest.param('userName pr and not (password sw "h")', NEVER, id="password-inside-not"),
    pytest.param('emails[value pr] or password gt "a"', NEVER, id="password-beside-value-path"),
]
HOSTILE_PATHS = [
    pytest.param("emails[" * 400 + 'value eq "x"' + "]" * 400, id="400-nested-brackets"),
    pytest.param('emails[value[type eq "x"]].value', id="brackets-in-brackets"),
    pytest.param("emails[" + "not (" * 400 + "value pr" + ")" * 400 + "]", id="400-not-in-value-filter"),
    pytest.param("emails[" + "value pr or " * 300 + "value pr]", id="300-operators-in-value-filter"),
    pytest.param("nickName" + "x" * 5000, id="long-attribute-path"),
    pytest.param('emails[value eq "' + "a" * 5000 + '"].value', id="long-value-filter"),
    pytest.param('emails[type eq "work"]]]]].value', id="unbalanced-brackets"),
]


def state(admin: Admin) -> Any:
    response = admin.http.get("/state")
    response.raise_for_status()
    return response.json()


@pytest.fixture
def victim(idsync_url: str, vendor: Vendor) -> tuple[httpx.Client, str]:
    """A client of ``vendor``'s SCIM API and the id of a user whose password is :data:`SECRET`."""
    client = httpx.Client(base_url=idsync_url + vendor.base, headers=AUTH, timeout=30)
    created = client.post("/Users", json=vendor.user_body)
    assert created.status_code == 201, created.text
    return client, created.json()["id"]


def assert_vendor_error(vendor: Vendor, response: httpx.Response, scim_type: str) -> None:
    """400 in the vendor's SCIM error body, with the vendor's wording of ``scim_type``."""
    assert response.status_code == 400, response.text[:500]
    assert response.headers["content-type"].startswith("application/scim+json")
    body = response.json()
    assert body["schemas"] == [ERROR] and body["status"] == "400", body
    assert body.get("scimType") == scim_type, body
    assert body["detail"].startswith(vendor.wording.get(scim_type, "")), body["detail"][:200]
    assert SECRET not in response.text


@pytest.mark.parametrize("vendor", VENDORS)
@pytest.mark.parametrize(("flt", "scim_type"), HOSTILE_FILTERS)
def test_hostile_filters_are_400_on_both(
    victim: tuple[httpx.Client, str], vendor: Vendor, idsync_admin: Admin, flt: str, scim_type: str
) -> None:
    client, _ = victim
    before = state(idsync_admin)
    assert_vendor_error(vendor, client.get("/Users", params={"filter": flt}), scim_type)
    assert state(idsync_admin) == before


@pytest.mark.parametrize("vendor", VENDORS)
@pytest.mark.parametrize("path", HOSTILE_PATHS)
def test_hostile_patch_paths_are_400_on_both(
    victim: tuple[httpx.Client, str], vendor: Vendor, idsync_admin: Admin, path: str
) -> None:
    client, user_id = victim
    before = state(idsync_admin)
    body = {"schemas": [PATCH_OP], "Operations": [{"op": "replace", "path": path, "value": "x"}]}
    assert_vendor_error(vendor, client.patch(f"/Users/{user_id}", json=body), "invalidPath")
    assert state(idsync_admin) == before


@pytest.mark.parametrize(
    ("vendor", "scim_type"),
    [
        pytest.param(SCIM, NEVER, id="scim"),
        # StackSpot's API has no sortBy (elimity-com/scim does not sort): an unknown parameter.
        pytest.param(STACKSPOT, "invalidValue", id="stackspot"),
    ],
)
def test_sorting_on_password_is_refused(
    victim: tuple[httpx.Client, str], vendor: Vendor, idsync_admin: Admin, scim_type: str
) -> None:
    client, _ = victim
    before = state(idsync_admin)
    for sort_by in ("password", f"{USER}:password"):
        response = client.get("/Users", params={"sortBy": sort_by})
        assert response.status_code == 400 and response.json()["scimType"] == scim_type, response.text
    assert state(idsync_admin) == before


def test_root_search_cannot_filter_or_sort_on_password(idsync_url: str, idsync_admin: Admin) -> None:
    """RFC 7644 §3.4.3 root queries span users and groups; the rule holds there too."""
    client = httpx.Client(base_url=idsync_url + SCIM.base, headers=AUTH, timeout=30)
    assert client.post("/Users", json=SCIM.user_body).status_code == 201
    before = state(idsync_admin)
    search = {"schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"]}
    root = idsync_url + SCIM.base
    for response in (
        client.get(root, params={"filter": 'password sw "h"'}),
        client.get(root, params={"sortBy": "password"}),
        client.post("/.search", json={**search, "filter": "password pr"}),
        client.post("/Users/.search", json={**search, "sortBy": "password"}),
    ):
        assert_vendor_error(SCIM, response, NEVER)
    assert state(idsync_admin) == before


@pytest.mark.parametrize("vendor", [pytest.param(STACKSPOT, id="stackspot")])
def test_stackspot_role_statements_are_never_searchable(
    victim: tuple[httpx.Client, str], vendor: Vendor, idsync_admin: Admin
) -> None:
    """Role ``statements`` are stored but never returned: no filter, value path or PATCH value filter on them."""
    client, _ = victim
    action = client.post("/Actions", json={"name": "deploy"}).json()["id"]
    rtype = client.post("/Resource-Types", json={"name": "Workspace", "actions": [action]}).json()["id"]
    resource = client.post("/Resources", json={"name": "payments", "type": rtype}).json()["id"]
    statements = [{"actions": [action], "resource": resource}]
    role = client.post("/Roles", json={"name": "deployers", "statements": statements})
    assert role.status_code == 201 and "statements" not in role.json(), role.text
    before = state(idsync_admin)
    for flt in (f'statements[resource eq "{resource}"]', "statements.resource pr", "statements pr"):
        assert_vendor_error(vendor, client.get("/Roles", params={"filter": flt}), NEVER)
    for operation in (
        {"op": "replace", "path": f'statements[resource eq "{resource}"].resource', "value": resource},
        {"op": "remove", "path": f'statements[resource eq "{resource}"]'},
        {"op": "replace", "value": {f'statements[resource eq "{resource}"].resource': resource}},
    ):
        body = {"schemas": [PATCH_OP], "Operations": [operation]}
        assert_vendor_error(vendor, client.patch(f"/Roles/{role.json()['id']}", json=body), NEVER)
    assert state(idsync_admin) == before


FILTER_PIECES = st.sampled_from(
    [
        *'()[]" .:-_$',
        *("eq", "ne", "co", "sw", "gt", " and ", " or ", "not ", " pr", "not (", "(" * 40, "]" * 3),
        *("userName", "emails", "value", "type", "password", "name.givenName", "meta.created", '"a"', "true"),
        "null",
        "\u0663",
    ]
)


@pytest.mark.parametrize("vendor", VENDORS)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(flt=st.lists(FILTER_PIECES, max_size=16).map("".join), path=st.lists(FILTER_PIECES, max_size=10).map("".join))
def test_generated_filters_and_paths_never_500(
    victim: tuple[httpx.Client, str], vendor: Vendor, flt: str, path: str
) -> None:
    """Any filter or PATCH path is answered, or refused with the vendor's SCIM error; never a 5xx."""
    client, user_id = victim
    listed = client.get("/Users", params={"filter": flt})
    body = {"schemas": [PATCH_OP], "Operations": [{"op": "replace", "path": path or "nickName", "value": "n"}]}
    patched = client.patch(f"/Users/{user_id}", json=body)
    for response in (listed, patched):
        assert response.status_code in (200, 400), response.text[:500]
        if response.status_code == 400:
            assert response.json()["schemas"] == [ERROR] and response.json()["status"] == "400"
