"""``/ServiceProviderConfig`` advertises exactly what works (RFC 7643 §5): each feature it says is
supported is exercised, each one it says is not is refused, on a tenant with the default options
and on one whose options turn bulk off."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

AUTH = {"Authorization": "Bearer idsync-token"}
USER = "urn:ietf:params:scim:schemas:core:2.0:User"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
BULK_REQUEST = "urn:ietf:params:scim:api:messages:2.0:BulkRequest"
SPC_FIELDS = {"patch", "bulk", "filter", "changePassword", "sort", "etag"}


def _user(client: Any, base: str, name: str, **extra: Any) -> dict[str, Any]:
    r = client.post(f"{base}/Users", json={"schemas": [USER], "userName": name, **extra}, headers=AUTH)
    assert r.status_code == 201, r.text
    return dict(r.json())


def _bulk_users(client: Any, base: str, names: list[str]) -> Any:
    ops = [{"method": "POST", "path": "/Users", "bulkId": n, "data": {"schemas": [USER], "userName": n}} for n in names]
    return client.post(f"{base}/Bulk", json={"schemas": [BULK_REQUEST], "Operations": ops}, headers=AUTH)


def patch_works(client: Any, base: str, spc: dict[str, Any]) -> None:
    user = _user(client, base, "pat")
    body = {"schemas": [PATCH], "Operations": [{"op": "replace", "path": "title", "value": "t"}]}
    r = client.patch(f"{base}/Users/{user['id']}", json=body, headers=AUTH)
    assert r.status_code == 200 and r.json()["title"] == "t"


def bulk_works(client: Any, base: str, spc: dict[str, Any]) -> None:
    """Up to ``maxOperations`` works; one more, or more than ``maxPayloadSize`` bytes, is 413."""
    limit = spc["bulk"]["maxOperations"]
    assert _bulk_users(client, base, [f"b{i}" for i in range(limit)]).status_code == 200
    assert client.get(f"{base}/Users", params={"count": 0}, headers=AUTH).json()["totalResults"] >= limit
    assert _bulk_users(client, base, [f"c{i}" for i in range(limit + 1)]).status_code == 413
    size = spc["bulk"]["maxPayloadSize"]
    big = _bulk_users(client, base, ["x" * size])
    assert big.status_code == 413 and str(size) in big.json()["detail"] and big.json()["status"] == "413"


def bulk_refused(client: Any, base: str, spc: dict[str, Any]) -> None:
    r = _bulk_users(client, base, ["nobody"])
    assert r.status_code == 501 and r.json()["status"] == "501"
    assert spc["bulk"]["maxOperations"] == 0 and spc["bulk"]["maxPayloadSize"] == 0


def filter_works(client: Any, base: str, spc: dict[str, Any]) -> None:
    """A filter matches, and no page is longer than ``maxResults`` (RFC 7644 §3.4.2.4)."""
    limit = spc["filter"]["maxResults"]
    made = client.post("/__admin/tenants", json={"name": "many", "tokens": ["idsync-token"]}, headers=AUTH)
    assert made.status_code == 201
    for start in range(0, limit + 1, 500):  # maxResults + 1 users, through bulk
        names = [f"m{i:05d}" for i in range(start, min(start + 500, limit + 1))]
        assert _bulk_users(client, "/scim/many/v2", names).status_code == 200
    page = client.get("/scim/many/v2/Users", params={"count": limit + 500}, headers=AUTH).json()
    assert page["totalResults"] == limit + 1 and page["itemsPerPage"] == limit == len(page["Resources"])
    found = client.get("/scim/many/v2/Users", params={"filter": 'userName eq "m00007"'}, headers=AUTH).json()
    assert [u["userName"] for u in found["Resources"]] == ["m00007"]


def change_password_works(client: Any, base: str, spc: dict[str, Any]) -> None:
    """A password set by PATCH and by PUT is a change (a new version) and is never returned."""
    user = _user(client, base, "pw", password="one")
    body = {"schemas": [PATCH], "Operations": [{"op": "replace", "path": "password", "value": "two"}]}
    patched = client.patch(f"{base}/Users/{user['id']}", json=body, headers=AUTH)
    assert patched.status_code == 200 and patched.json()["meta"]["version"] != user["meta"]["version"]
    put = client.put(
        f"{base}/Users/{user['id']}", json={"schemas": [USER], "userName": "pw", "password": "3"}, headers=AUTH
    )
    assert put.status_code == 200 and put.json()["meta"]["version"] != patched.json()["meta"]["version"]
    assert "password" not in put.json() and "password" not in patched.json()


def sort_works(client: Any, base: str, spc: dict[str, Any]) -> None:
    for name in ("sb", "sa", "sc"):
        _user(client, base, name)
    params = {"filter": 'userName sw "s"', "sortBy": "userName", "sortOrder": "descending"}
    page = client.get(f"{base}/Users", params=params, headers=AUTH).json()
    assert [u["userName"] for u in page["Resources"]] == ["sc", "sb", "sa"]


def etag_works(client: Any, base: str, spc: dict[str, Any]) -> None:
    user = _user(client, base, "et")
    url, version = f"{base}/Users/{user['id']}", user["meta"]["version"]
    read = client.get(url, headers=AUTH)
    assert read.headers["etag"] == version
    unchanged = client.get(url, headers={**AUTH, "If-None-Match": version})
    assert unchanged.status_code == 304 and unchanged.content == b"" and "content-type" not in unchanged.headers
    body = {"schemas": [PATCH], "Operations": [{"op": "replace", "path": "title", "value": "x"}]}
    assert client.patch(url, json=body, headers={**AUTH, "If-Match": version}).status_code == 200
    assert client.patch(url, json=body, headers={**AUTH, "If-Match": version}).status_code == 412


WORKS: dict[str, Callable[[Any, str, dict[str, Any]], None]] = {
    "patch": patch_works,
    "bulk": bulk_works,
    "filter": filter_works,
    "changePassword": change_password_works,
    "sort": sort_works,
    "etag": etag_works,
}
#: What a "supported: false" feature answers; the other features cannot be turned off.
REFUSED: dict[str, Callable[[Any, str, dict[str, Any]], None]] = {"bulk": bulk_refused}


@pytest.mark.parametrize("options", [{}, {"bulk": {"supported": False}}, {"bulk": {"maxOperations": 3}}])
@pytest.mark.parametrize("feature", sorted(SPC_FIELDS))
def test_each_advertised_feature_works_and_each_other_is_refused(
    idsync_client, options: dict[str, Any], feature: str
) -> None:
    idsync_client.post("/__admin/tenants", json={"name": "default", "options": options}, headers=AUTH)
    base = "/scim/default/v2"
    spc = idsync_client.get(f"{base}/ServiceProviderConfig", headers=AUTH).json()
    assert set(spc) >= SPC_FIELDS
    if spc[feature]["supported"]:
        WORKS[feature](idsync_client, base, spc)
    else:
        assert feature in REFUSED, f"{feature} is advertised as unsupported but nothing checks it is refused"
        REFUSED[feature](idsync_client, base, spc)


def test_authentication_scheme_is_the_bearer_token(idsync_client) -> None:
    base = "/scim/default/v2"
    spc = idsync_client.get(f"{base}/ServiceProviderConfig", headers=AUTH).json()
    assert [s["type"] for s in spc["authenticationSchemes"]] == ["oauthbearertoken"]
    refused = idsync_client.get(f"{base}/Users")
    assert refused.status_code == 401 and refused.headers["www-authenticate"].startswith("Bearer")
