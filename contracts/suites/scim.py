"""SCIM 2.0 semantic contracts (RFC 7643 / RFC 7644), runnable against the mock or a real server.

Every check creates its own resources under a random ``userName`` prefix, so it can run on a
shared directory; the SCIM base URL is ``base_urls["scim"]`` when given (a real server's
``.../scim/v2``), else ``/scim/{tenant}/v2`` on the target (the mock).

Where RFC 7644 allows alternatives every one passes: a successful PATCH answers 200 with the
resource *or* 204 without a body (§3.5.2; :func:`patched` reads the resource back after a 204).
Rules the RFCs only recommend are ``should`` (warnings), as is anything the RFCs do not state
(a deleted user leaving its groups).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from contracts.report import Requirement
from contracts.scenario import contract, require, should, skip
from contracts.target import Target

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"
SCIM_JSON = "application/scim+json"


def scim_base(target: Target, tenant: str | None = None) -> str:
    """Base URL of the tenant's SCIM service provider."""
    if "scim" in target.base_urls and tenant is None and not target.embedded:
        return target.base_urls["scim"].rstrip("/")
    return f"{target.root}/scim/{tenant or target.credentials.scim_tenant}/v2"


@contextmanager
def scim_client(target: Target, token: str | None = None, tenant: str | None = None) -> Iterator[httpx.Client]:
    """An httpx client on the SCIM base with the target's bearer token (or ``token``)."""
    headers = {"Authorization": f"Bearer {token}"} if token else target.auth_headers("scim")
    with target.http(scim_base(target, tenant), headers) as client:
        yield client


def patched(client: httpx.Client, url: str, operations: list[dict[str, Any]], **headers: str) -> httpx.Response:
    """PATCH ``url``; a 204 is followed by a GET, so the caller sees the resource either way.

    RFC 7644 §3.5.2: "the server either MUST return a 200 OK response code and the entire
    resource within the response body ... or MAY return HTTP status code 204 (No Content)".
    The returned response is the PATCH's own unless it was a 204, then the GET's (200).
    """
    response = client.patch(url, json={"schemas": [PATCH], "Operations": operations}, headers=headers)
    if response.status_code != 204:
        return response
    read = client.get(url)
    require(read.status_code == 200, "a resource PATCHed with 204 No Content can be read", "RFC 7644 §3.5.2", read.text)
    return read


def _tag() -> str:
    return "ct" + uuid.uuid4().hex[:10]


def _create_user(client: httpx.Client, user_name: str, **extra: Any) -> dict[str, Any]:
    response = client.post("/Users", json={"schemas": [USER], "userName": user_name, **extra})
    require(response.status_code == 201, "POST /Users answers 201 Created", "RFC 7644 §3.3", response.text)
    body: dict[str, Any] = response.json()
    return body


def _list(client: httpx.Client, **params: Any) -> dict[str, Any]:
    response = client.get("/Users", params=params)
    require(
        response.status_code == 200,
        "GET /Users answers 200",
        "RFC 7644 §3.4.2",
        f"{params} -> {response.status_code} {response.text}",
    )
    body: dict[str, Any] = response.json()
    return body


PEOPLE: list[dict[str, Any]] = [
    {
        "suffix": "ann",
        "title": "Engineer",
        "active": True,
        "emails": [{"value": "ann@work.example", "type": "work"}],
        "name": {"familyName": "Avery"},
    },
    {
        "suffix": "BOB",
        "title": "engineering lead",
        "active": False,
        "emails": [{"value": "bob@home.example", "type": "home"}],
    },
    {
        "suffix": "cid",
        "active": True,
        "emails": [{"value": "cid@work.example", "type": "work"}, {"value": "c@home.example", "type": "home"}],
    },
    {"suffix": "dee", "title": "Manager", "name": {"familyName": "Dee"}},
]

# (filter template, reference predicate over the created resources); {t} is the run's prefix.
FILTERS: list[tuple[str, Callable[[dict[str, Any]], bool]]] = [
    ('userName sw "{t}" and title co "ENGINEER"', lambda u: "engineer" in u.get("title", "").lower()),
    ('userName sw "{t}" and userName ew "bob"', lambda u: u["userName"].lower().endswith("bob")),
    ('userName sw "{t}" and not (title pr)', lambda u: "title" not in u),
    (
        'userName sw "{t}" and emails[type eq "work" and value co "@work.example"]',
        lambda u: any(e.get("type") == "work" for e in u.get("emails", [])),
    ),
    (
        'userName sw "{t}" and (active eq false or name.familyName eq "dee")',
        lambda u: u.get("active") is False or u.get("name", {}).get("familyName", "").lower() == "dee",
    ),
    (
        'userName sw "{t}" and emails.type eq "home" and not (emails.type eq "work")',
        lambda u: {e.get("type") for e in u.get("emails", [])} == {"home"},
    ),
    ('userName SW "{t}" AND title GE "f"', lambda u: "title" in u and u["title"].lower() >= "f"),
]


def _filter_attributes(template: str) -> set[str]:
    """Attribute paths a filter of :data:`FILTERS` names (``emails[type eq ...]`` names emails.type)."""
    names = set()
    for outer, inside in re.findall(r"(\w+)\[([^\]]*)\]", template):
        names |= {outer} | {f"{outer}.{inner}" for inner in re.findall(r"(\w+) (?:eq|co|sw)\b", inside)}
    flat = re.sub(r"\[[^\]]*\]", "", template)
    names |= set(re.findall(r"([A-Za-z]+(?:\.[A-Za-z]+)?) (?:sw|ew|co|eq|ge|pr)\b", flat, flags=re.IGNORECASE))
    return names


@contract("scim", level="semantic", source="RFC 7644 §3.4.2.2")
def filter_agrees_with_reference(target: Target) -> None:
    """Filters (and/or/not, value paths, sub-attributes, caseExact) select what a reference evaluation selects."""
    tag = _tag()
    with scim_client(target) as client:
        declared = _attributes(client)
        created = [
            _create_user(client, f"{tag}{p['suffix']}", **{k: v for k, v in p.items() if k != "suffix"}) for p in PEOPLE
        ]
        for template, predicate in FILTERS:
            if declared is not None and not _filter_attributes(template) <= declared:
                continue  # RFC 7643 §7: the server's /Schemas says which attributes it has
            flt = template.format(t=tag)
            got = sorted(r["id"] for r in _list(client, filter=flt)["Resources"])
            want = sorted(u["id"] for u in created if predicate(u))
            require(
                got == want,
                "filter results match the reference evaluation",
                "RFC 7644 §3.4.2.2",
                f"{flt}: got {got}, want {want}",
            )


@contract("scim", level="semantic", source="RFC 7644 §3.4.2.4")
def paging_total_results_counts_every_match(target: Target) -> None:
    """totalResults counts every match on every page; pages of count=2 tile the result; count=0 returns none."""
    tag = _tag()
    with scim_client(target) as client:
        ids = {_create_user(client, f"{tag}{i}")["id"] for i in range(5)}
        flt = f'userName sw "{tag}"'
        seen: list[str] = []
        for start in (1, 3, 5):
            page = _list(client, filter=flt, startIndex=start, count=2, sortBy="userName")
            require(
                page["totalResults"] == 5,
                "totalResults is the number of matches, not the page size",
                "RFC 7644 §3.4.2",
                str(page),
            )
            require(
                page["startIndex"] == start and page["itemsPerPage"] == len(page["Resources"]),
                "startIndex/itemsPerPage describe the page",
                "RFC 7644 §3.4.2.4",
                str(page),
            )
            seen += [r["id"] for r in page["Resources"]]
        require(
            len(seen) == 5 and set(seen) == ids,
            "consecutive pages return every match exactly once",
            "RFC 7644 §3.4.2.4",
            str(seen),
        )
        empty = _list(client, filter=flt, count=0)
        require(
            empty["totalResults"] == 5 and not empty.get("Resources"),
            "count=0 returns only totalResults",
            "RFC 7644 §3.4.2.4",
            str(empty),
        )
        beyond = _list(client, filter=flt, startIndex=99, count=-1)
        require(
            beyond["totalResults"] == 5 and not beyond.get("Resources"),
            "a start past the end is an empty page, negative count is 0",
            "RFC 7644 §3.4.2.4",
            str(beyond),
        )


@contract("scim", level="semantic", source="RFC 7644 §3.5.2")
def patch_is_atomic(target: Target) -> None:
    """A PATCH whose last operation fails changes nothing (and the error is a SCIM 400)."""
    with scim_client(target) as client:
        user = _create_user(client, _tag(), title="Before", emails=[{"value": "a@b.example", "type": "work"}])
        operations = [
            {"op": "replace", "path": "title", "value": "After"},
            {"op": "add", "path": "nickName", "value": "nick"},
            {"op": "replace", "path": 'emails[type eq "pager"].value', "value": "x@y.example"},
        ]
        response = client.patch(f"/Users/{user['id']}", json={"schemas": [PATCH], "Operations": operations})
        require(
            response.status_code == 400,
            "a PATCH with a failing operation is rejected",
            "RFC 7644 §3.5.2",
            response.text,
        )
        after = client.get(f"/Users/{user['id']}").json()
        require(
            after == user,
            "a rejected PATCH leaves the resource unchanged",
            "RFC 7644 §3.5.2 (atomic)",
            f"before {user}\nafter {after}",
        )
        ok = patched(client, f"/Users/{user['id']}", operations[:2])
        require(
            ok.status_code == 200 and ok.json().get("title") == "After" and ok.json().get("nickName") == "nick",
            "valid operations apply in order",
            "RFC 7644 §3.5.2",
            ok.text,
        )


@contract("scim", level="semantic", source="RFC 7644 §3.14")
def etag_bumps_and_if_match(target: Target) -> None:
    """ETag equals meta.version, changes on every modification, and If-Match/If-None-Match are honoured.

    Versioning is optional (RFC 7644 §3.14: "If the service provider supports versioning"), so a
    server whose ServiceProviderConfig says ``etag.supported: false`` skips it. If-None-Match
    answering 304 is a SHOULD (RFC 9110 §13.1.2); If-Match with a stale version is 412 (§3.14).
    """
    with scim_client(target) as client:
        if not _supports(client, "etag"):
            skip("ServiceProviderConfig says etag.supported is false (RFC 7644 §3.14: versioning is optional)")
        user = _create_user(client, _tag())
        v1 = user["meta"]["version"]
        got = client.get(f"/Users/{user['id']}")
        require(got.headers.get("etag") == v1, "ETag header equals meta.version", "RFC 7644 §3.14", str(got.headers))
        should(
            client.get(f"/Users/{user['id']}", headers={"If-None-Match": v1}).status_code == 304,
            "If-None-Match with the current ETag is 304",
            "RFC 9110 §13.1.2; RFC 7644 §3.14",
        )
        done = patched(
            client, f"/Users/{user['id']}", [{"op": "replace", "path": "title", "value": "x"}], **{"If-Match": v1}
        )
        require(done.status_code == 200, "If-Match with the current ETag succeeds", "RFC 7644 §3.14", done.text)
        v2 = done.json()["meta"]["version"]
        require(
            v2 != v1 and done.headers.get("etag") == v2,
            "a modification yields a new version",
            "RFC 7644 §3.14",
            f"{v1} -> {v2}",
        )
        stale = client.put(
            f"/Users/{user['id']}", json={"schemas": [USER], "userName": user["userName"]}, headers={"If-Match": v1}
        )
        require(stale.status_code == 412, "If-Match with a stale ETag is 412", "RFC 7644 §3.14", stale.text)
        require(
            client.delete(f"/Users/{user['id']}", headers={"If-Match": v1}).status_code == 412,
            "DELETE with a stale If-Match is 412",
            "RFC 7644 §3.14",
        )
        require(
            client.get(f"/Users/{user['id']}", headers={"If-None-Match": v1}).status_code == 200,
            "a stale If-None-Match gets the resource",
            "RFC 9110 §13.1.2",
        )


def _user_schema(client: httpx.Client) -> dict[str, Any]:
    """The User schema from ``GET /Schemas`` (RFC 7644 §4: it "SHALL return all supported schemas")."""
    listed = client.get("/Schemas")
    require(listed.status_code == 200, "GET /Schemas answers 200", "RFC 7644 §4", listed.text)
    resources = listed.json().get("Resources") or []
    schema = next((r for r in resources if isinstance(r, dict) and r.get("id") == USER), None)
    require(schema is not None, "GET /Schemas lists the User schema", "RFC 7644 §4; RFC 7643 §7", listed.text)
    return dict(schema or {})


def _attributes(client: httpx.Client) -> set[str] | None:
    """Attribute paths of the User schema the server declares (``name.familyName``), or None if unreadable."""
    listed = client.get("/Schemas")
    try:
        resources = listed.json().get("Resources") or [] if listed.status_code == 200 else []
    except ValueError:
        return None
    schema = next((r for r in resources if isinstance(r, dict) and r.get("id") == USER), None)
    if schema is None:
        return None
    names = set()
    for attribute in schema.get("attributes") or []:
        names.add(attribute["name"])
        names.update(f"{attribute['name']}.{sub['name']}" for sub in attribute.get("subAttributes") or [])
    return names


def _supports(client: httpx.Client, feature: str) -> bool:
    """``<feature>.supported`` of the ServiceProviderConfig (RFC 7643 §5); True when it cannot be read."""
    response = client.get("/ServiceProviderConfig")
    try:
        return bool(response.json()[feature]["supported"]) if response.status_code == 200 else True
    except (ValueError, KeyError, TypeError):
        return True


@contract("scim", level="semantic", source="RFC 7643 §4.1.1; RFC 7644 §3.3")
def username_unique_case_insensitive(target: Target) -> None:
    """A second user whose userName differs only in case is 409 with scimType uniqueness."""
    with scim_client(target) as client:
        name = _tag()
        _create_user(client, name.lower())
        dup = client.post("/Users", json={"schemas": [USER], "userName": name.upper()})
        body = dup.json() if dup.headers.get("content-type", "").startswith(SCIM_JSON) else {}
        require(
            dup.status_code == 409 and body.get("scimType") == "uniqueness",
            "duplicate userName is 409 uniqueness",
            "RFC 7644 §3.3",
            dup.text,
        )


@contract(
    "scim",
    level="semantic",
    source="Inferred: RFC 7644 §3.6 says a deleted resource is gone; no RFC says its memberships follow",
    requirement=Requirement.SHOULD,
)
def delete_removes_group_membership(target: Target) -> None:
    """Deleting a user removes it from every group's members (a dangling member is a warning: no RFC states it)."""
    with scim_client(target) as client:
        keep, gone = _create_user(client, _tag()), _create_user(client, _tag())
        group = client.post(
            "/Groups",
            json={"schemas": [GROUP], "displayName": _tag(), "members": [{"value": keep["id"]}, {"value": gone["id"]}]},
        )
        require(group.status_code == 201, "POST /Groups answers 201", "RFC 7644 §3.3", group.text)
        require(client.delete(f"/Users/{gone['id']}").status_code == 204, "DELETE answers 204", "RFC 7644 §3.6")
        members = [m["value"] for m in client.get(f"/Groups/{group.json()['id']}").json().get("members", [])]
        require(members == [keep["id"]], "a deleted user is no longer a member", "RFC 7644 §3.6", str(members))


@contract("scim", level="semantic", source="RFC 7644 §4; RFC 7643 §5-§7")
def discovery_tells_the_truth(target: Target) -> None:
    """ServiceProviderConfig, ResourceTypes and Schemas describe what the server actually does."""
    with scim_client(target) as client:
        spc = client.get("/ServiceProviderConfig").json()
        require(spc.get("authenticationSchemes"), "authenticationSchemes is listed", "RFC 7643 §5", str(spc))
        user = _create_user(client, _tag())
        if spc["patch"]["supported"]:
            r = patched(client, f"/Users/{user['id']}", [{"op": "add", "path": "title", "value": "t"}])
            require(r.status_code == 200, "patch.supported means PATCH works", "RFC 7643 §5", r.text)
        if spc["etag"]["supported"]:
            require(
                client.get(f"/Users/{user['id']}").headers.get("etag"),
                "etag.supported means ETag headers",
                "RFC 7643 §5",
            )
        if spc["filter"]["supported"]:
            limit = spc["filter"]["maxResults"]
            page = _list(client, filter=f'userName eq "{user["userName"]}"', count=limit + 10)
            require(
                page["totalResults"] == 1 and len(page["Resources"]) <= limit,
                "filter.supported means filters work within maxResults",
                "RFC 7643 §5",
                str(page),
            )
        if spc["sort"]["supported"]:
            require(
                client.get("/Users", params={"sortBy": "userName", "count": 1}).status_code == 200,
                "sort.supported means sortBy works",
                "RFC 7643 §5",
            )
        if not spc["bulk"]["supported"]:
            bulk = client.post(
                "/Bulk", json={"schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"], "Operations": []}
            )
            require(
                bulk.status_code in (404, 501),
                "bulk unsupported means no Bulk endpoint",
                "RFC 7644 §3.7",
                str(bulk.status_code),
            )
        types = {t["id"]: t for t in client.get("/ResourceTypes").json()["Resources"]}
        require({"User", "Group"} <= set(types), "User and Group resource types", "RFC 7643 §6", str(types))
        for t in types.values():
            require(
                client.get(t["endpoint"], params={"count": 1}).status_code == 200,
                "every advertised endpoint answers",
                "RFC 7643 §6",
                t["endpoint"],
            )
            should(
                client.get(f"/Schemas/{t['schema']}").status_code == 200,
                "every resource type's schema is served at /Schemas/<its URI>",
                'RFC 7644 §4: individual schema definitions "can be returned" by appending the URI',
                t["schema"],
            )
        schema = _user_schema(client)
        user_name = next(a for a in schema["attributes"] if a["name"] == "userName")
        require(
            user_name["uniqueness"] == "server" and user_name["caseExact"] is False,
            "userName is unique and case-insensitive",
            "RFC 7643 §4.1.1",
            str(user_name),
        )
        password = next((a for a in schema["attributes"] if a["name"] == "password"), None)
        require(
            password is None
            or (password["returned"] == "never" and "password" not in client.get(f"/Users/{user['id']}").json()),
            "password, where the server has it, is never returned",
            "RFC 7643 §4.1.1",
        )


@contract("scim", level="semantic", source="RFC 7644 §3.12")
def errors_are_scim_errors(target: Target) -> None:
    """404, 400 invalidFilter and 401 answers are SCIM error bodies in application/scim+json."""
    with scim_client(target) as client, scim_client(target, token="not-a-token") as stranger:
        cases = [
            (client.get(f"/Users/{uuid.uuid4()}"), 404, None),
            (client.get("/Users", params={"filter": "userName xx"}), 400, "invalidFilter"),
            (stranger.get("/Users"), 401, None),
        ]
        for response, status, scim_type in cases:
            body = response.json() if response.headers.get("content-type", "").startswith(SCIM_JSON) else {}
            ok = response.status_code == status and body.get("schemas") == [ERROR] and body.get("status") == str(status)
            require(
                ok and (scim_type is None or body.get("scimType") == scim_type),
                "errors use the SCIM error body",
                "RFC 7644 §3.12",
                f"{response.status_code} {response.text}",
            )


@contract("scim", level="semantic", source="RFC 6750 §3.1", needs=("admin",))
def expired_token_rejected(target: Target) -> None:
    """A tenant token stops working once the (mock) clock passes its expiry, and a revoked one never works."""
    assert target.admin is not None
    admin = target.admin.http
    saved = admin.get("/state").json()
    tenant, token = _tag(), _tag()
    try:
        now = admin.get("/clock").json()["now"]
        state = admin.get("/state").json()
        state["scim"]["tenants"][tenant] = {"tokens": [{"token": token, "expires_at": now + 60}]}
        admin.put("/state", json=state).raise_for_status()
        with scim_client(target, token=token, tenant=tenant) as client:
            require(client.get("/Users").status_code == 200, "a valid tenant token is accepted", "RFC 6750 §2.1")
            target.admin.advance_clock(120)
            late = client.get("/Users")
            require(late.status_code == 401, "an expired token is rejected with 401", "RFC 6750 §3.1", late.text)
    finally:
        admin.put("/state", json=saved).raise_for_status()
