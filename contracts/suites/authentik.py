"""authentik (2025.8) semantic and scenario contracts: auth, envelopes, errors, and the
``sync/object`` push as observed on the SCIM target.

Push contracts need a SCIM server the authentik under test can reach: ``IDSYNC_AUTHENTIK_SCIM_URL``
/ ``IDSYNC_AUTHENTIK_SCIM_TOKEN`` when set, else ``base_urls["scim"]``, else the SCIM tenant of
the idsync mock itself (``/scim/<tenant>/v2``), hence ``needs=("admin",)`` on those.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from contracts.scenario import ContractViolation, contract, require
from contracts.target import Target

API = "authentik"
DOC_AUTH = "authentik/api/authentication.py + DRF 403 (docs/vendor-facts.md A2)"
DOC_SYNC = "https://docs.goauthentik.io/add-secure-apps/providers/scim/ (docs/vendor-facts.md A6, A8)"
USER = "authentik.core.models.User"
GROUP = "authentik.core.models.Group"


def _scim(target: Target) -> tuple[str, str]:
    """The SCIM target URL and token the provider under test pushes to: the environment, else
    ``base_urls["scim"]`` (a real ``.../v2``), else the mock's ``/scim/<tenant>/v2``."""
    remote_scim = None if target.embedded else target.base_urls.get("scim")
    url = os.environ.get("IDSYNC_AUTHENTIK_SCIM_URL") or remote_scim
    url = url or f"{target.root}/scim/{target.credentials.scim_tenant}/v2"
    return url.rstrip("/"), os.environ.get("IDSYNC_AUTHENTIK_SCIM_TOKEN") or target.credentials.bearer or ""


@contextmanager
def _provider(target: Target, url: str, token: str, **extra: Any) -> Iterator[int]:
    """A fresh SCIM provider, deleted afterwards."""
    client = target.client(API)
    created = client.post(
        "/api/v3/providers/scim/", json={"name": f"idsync-{uuid.uuid4().hex[:8]}", "url": url, "token": token, **extra}
    )
    require(created.status_code == 201, "POST /providers/scim/ answers 201", "docs/vendor-facts.md A3", created.text)
    pk = int(created.json()["pk"])
    try:
        yield pk
    finally:
        client.delete(f"/api/v3/providers/scim/{pk}/")


def _user(target: Target, **extra: Any) -> dict[str, Any]:
    name = f"idsync-{uuid.uuid4().hex[:8]}"
    created = target.client(API).post(
        "/api/v3/core/users/", json={"username": name, "name": "Contract User", "email": f"{name}@example.com", **extra}
    )
    require(created.status_code == 201, "POST /core/users/ answers 201", "docs/vendor-facts.md A5", created.text)
    return dict(created.json())


def _sync(target: Target, pk: int, model: str, oid: Any, **extra: Any) -> list[dict[str, Any]]:
    response = target.client(API).post(
        f"/api/v3/providers/scim/{pk}/sync/object/",
        json={"sync_object_model": model, "sync_object_id": str(oid), **extra},
    )
    require(response.status_code == 200, "sync/object answers 200 (errors are log messages)", DOC_SYNC, response.text)
    return list(response.json()["messages"])


def _link(target: Target, kind: str, pk: int, obj: Any) -> dict[str, Any] | None:
    key = {"user": "user__id", "group": "group__group_uuid"}[kind]
    page = target.client(API).get(f"/api/v3/providers/scim_{kind}s/", params={"provider__id": pk, key: obj}).json()
    return page["results"][0] if page["results"] else None


def _linked(target: Target, kind: str, pk: int, obj: Any, rule: str) -> dict[str, Any]:
    """The link of ``obj`` to its remote id, which ``rule`` says must exist."""
    link = _link(target, kind, pk, obj)
    if link is None:
        raise ContractViolation(rule, DOC_SYNC)
    return link


def _remote(url: str, token: str, path: str) -> dict[str, Any]:
    response = httpx.get(
        f"{url}{path}", headers={"Authorization": f"Bearer {token}", "Accept": "application/scim+json"}, timeout=30
    )
    require(
        response.status_code == 200,
        f"the pushed object is on the SCIM target ({path})",
        "RFC 7644 §3.4.1",
        response.text,
    )
    return dict(response.json())


@contract(API, level="semantic", source=DOC_AUTH)
def missing_token_is_403(target: Target) -> None:
    """No Authorization header: 403 "Authentication credentials were not provided." (not 401)."""
    response = httpx.get(f"{target.base_url(API)}/api/v3/providers/scim/", timeout=30)
    require(
        response.status_code == 403, "missing credentials are 403", DOC_AUTH, f"{response.status_code} {response.text}"
    )
    require(
        response.json() == {"detail": "Authentication credentials were not provided."},
        "DRF detail text",
        DOC_AUTH,
        response.text,
    )


@contract(API, level="semantic", source=DOC_AUTH)
def wrong_token_is_403(target: Target) -> None:
    """An unknown token: 403 "Token invalid/expired", and nothing is listed."""
    headers = {"Authorization": f"Bearer wrong-{uuid.uuid4().hex}"}
    response = httpx.get(f"{target.base_url(API)}/api/v3/core/users/", headers=headers, timeout=30)
    require(response.status_code == 403, "an invalid token is 403", DOC_AUTH, f"{response.status_code} {response.text}")
    require(response.json() == {"detail": "Token invalid/expired"}, "authentik's detail text", DOC_AUTH, response.text)


@contract(API, level="semantic", source="authentik/api/pagination.py (docs/vendor-facts.md A2)")
def list_envelope_is_authentiks(target: Target) -> None:
    """Lists carry ``pagination`` (7 fields, page numbers, 0 when none), ``results``, ``autocomplete``."""
    client = target.client(API)
    _user(target)
    first = client.get("/api/v3/core/users/", params={"page_size": 1}).json()
    page = first["pagination"]
    require(
        set(page) == {"next", "previous", "count", "current", "total_pages", "start_index", "end_index"},
        "7 pagination fields",
        "docs/vendor-facts.md A2",
        str(page),
    )
    require(
        "autocomplete" in first and len(first["results"]) == 1,
        "autocomplete and page_size honoured",
        "docs/vendor-facts.md A2",
        str(first),
    )
    require(
        page["count"] >= 2 and page["next"] == 2 and page["previous"] == 0 and page["total_pages"] == page["count"],
        "next/previous are page numbers",
        "docs/vendor-facts.md A2",
        str(page),
    )
    last = client.get("/api/v3/core/users/", params={"page_size": 1, "page": page["total_pages"]}).json()["pagination"]
    require(
        last["next"] == 0 and last["start_index"] == last["end_index"] == page["count"],
        "last page: next 0, 1-based indexes",
        "docs/vendor-facts.md A2",
        str(last),
    )
    beyond = client.get("/api/v3/core/users/", params={"page_size": 1, "page": page["total_pages"] + 1})
    require(
        beyond.status_code == 404 and beyond.json() == {"detail": "Invalid page."},
        "a page past the end is DRF's 404",
        "DRF PageNumberPagination",
        beyond.text,
    )


@contract(API, level="semantic", source="DRF get_object() Http404 (docs/vendor-facts.md A2)")
def provider_crud_round_trip(target: Target) -> None:
    """Create 201, read back, PATCH 200, DELETE 204, then 404 with DRF's detail."""
    client = target.client(API)
    with _provider(target, "http://127.0.0.1:9/scim/v2", "t0ken", dry_run=True) as pk:
        got = client.get(f"/api/v3/providers/scim/{pk}/").json()
        require(
            got["dry_run"] is True and got["url"] == "http://127.0.0.1:9/scim/v2",
            "provider reads back as written",
            "docs/vendor-facts.md A4",
            str(got),
        )
        patched = client.patch(f"/api/v3/providers/scim/{pk}/", json={"dry_run": False}).json()
        require(
            patched["dry_run"] is False and patched["name"] == got["name"],
            "PATCH changes only what it names",
            "docs/vendor-facts.md A3",
            str(patched),
        )
        require(
            client.delete(f"/api/v3/providers/scim/{pk}/").status_code == 204,
            "DELETE answers 204",
            "docs/vendor-facts.md A3",
        )
        gone = client.get(f"/api/v3/providers/scim/{pk}/")
        require(
            gone.status_code == 404
            and gone.json()["detail"] in ("No SCIMProvider matches the given query.", "Not found."),
            "unknown id is 404",
            "docs/vendor-facts.md A2",
            gone.text,
        )


@contract(API, level="semantic", source="SyncObjectSerializer (docs/vendor-facts.md A4)")
def sync_object_validates_body(target: Target) -> None:
    """A wrong ``sync_object_model`` is 400 with DRF's field message; a missing id is required."""
    with _provider(target, "http://127.0.0.1:9/scim/v2", "t0ken") as pk:
        url = f"/api/v3/providers/scim/{pk}/sync/object/"
        bad = target.client(API).post(url, json={"sync_object_model": "foo", "sync_object_id": "1"})
        require(
            bad.status_code == 400 and bad.json() == {"sync_object_model": ['"foo" is not a valid choice.']},
            "invalid choice",
            "docs/vendor-facts.md A2",
            bad.text,
        )
        missing = target.client(API).post(url, json={"sync_object_model": USER})
        require(
            missing.status_code == 400 and missing.json().get("sync_object_id") == ["This field is required."],
            "required field",
            "docs/vendor-facts.md A2",
            missing.text,
        )


@contract(API, level="scenario", source=DOC_SYNC, needs=("admin",))
def user_sync_lands_in_scim_target(target: Target) -> None:
    """A synced user is on the target with ``userName`` and ``externalId`` = uid, and linked."""
    url, token = _scim(target)
    user = _user(target)
    with _provider(target, url, token) as pk:
        _sync(target, pk, USER, user["pk"])
        link = _linked(target, "user", pk, user["pk"], "a SCIMProviderUser links the user to its remote id")
        remote = _remote(url, token, f"/Users/{link['scim_id']}")
        require(
            remote["userName"] == user["username"] and remote.get("externalId") == user["uid"],
            "remote user matches",
            DOC_SYNC,
            str(remote),
        )


@contract(API, level="scenario", source=DOC_SYNC, needs=("admin",))
def inactive_user_is_put_with_active_false(target: Target) -> None:
    """Deactivated in authentik and synced again: the remote user has ``active: false``."""
    url, token = _scim(target)
    user = _user(target)
    with _provider(target, url, token) as pk:
        _sync(target, pk, USER, user["pk"])
        target.client(API).patch(f"/api/v3/core/users/{user['pk']}/", json={"is_active": False})
        _sync(target, pk, USER, user["pk"])
        link = _linked(target, "user", pk, user["pk"], "the user stays linked")
        remote = _remote(url, token, f"/Users/{link['scim_id']}")
        require(remote.get("active") is False, "inactive users are pushed with active false", DOC_SYNC, str(remote))


@contract(API, level="scenario", source=DOC_SYNC, needs=("admin",))
def group_sync_pushes_members(target: Target) -> None:
    """A synced group is on the target with its (already synced) members."""
    url, token = _scim(target)
    user = _user(target)
    group = (
        target.client(API)
        .post("/api/v3/core/groups/", json={"name": f"idsync-{uuid.uuid4().hex[:8]}", "users": [user["pk"]]})
        .json()
    )
    with _provider(target, url, token) as pk:
        _sync(target, pk, USER, user["pk"])
        _sync(target, pk, GROUP, group["pk"])
        user_link = _linked(target, "user", pk, user["pk"], "user and group are linked")
        group_link = _linked(target, "group", pk, group["pk"], "user and group are linked")
        remote = _remote(url, token, f"/Groups/{group_link['scim_id']}")
        members = [m.get("value") for m in remote.get("members") or []]
        require(members == [user_link["scim_id"]], "group members are pushed", DOC_SYNC, str(remote))


@contract(API, level="scenario", source=DOC_SYNC, needs=("admin",))
def dry_run_sends_no_writes(target: Target) -> None:
    """``dry_run``: no link, and the drop is logged; ``override_dry_run`` then really pushes."""
    url, token = _scim(target)
    user = _user(target)
    with _provider(target, url, token, dry_run=True) as pk:
        messages = _sync(target, pk, USER, user["pk"])
        events = [m["event"] for m in messages]
        require(
            "Dropping mutating request due to dry run" in events, "the dropped request is logged", DOC_SYNC, str(events)
        )
        require(_link(target, "user", pk, user["pk"]) is None, "nothing was created remotely", DOC_SYNC)
        _sync(target, pk, USER, user["pk"], override_dry_run=True)
        require(_link(target, "user", pk, user["pk"]) is not None, "override_dry_run pushes", DOC_SYNC)


@contract(API, level="scenario", source=DOC_SYNC, needs=("admin",))
def out_of_scope_user_is_not_pushed(target: Target) -> None:
    """A user outside ``filter_group`` answers 200 and is not pushed."""
    url, token = _scim(target)
    user = _user(target)
    group = target.client(API).post("/api/v3/core/groups/", json={"name": f"idsync-{uuid.uuid4().hex[:8]}"}).json()
    with _provider(target, url, token, filter_group=group["pk"]) as pk:
        messages = _sync(target, pk, USER, user["pk"])
        require(
            all(m["log_level"] == "info" for m in messages),
            "no warning for an out-of-scope object",
            DOC_SYNC,
            str(messages),
        )
        require(_link(target, "user", pk, user["pk"]) is None, "out-of-scope users are not pushed", DOC_SYNC)
