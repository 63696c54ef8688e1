"""Writing one authentik group to a SCIM target (``authentik/providers/scim/clients/groups.py``).

Create: ``POST /Groups`` (``members`` in the body only when the target does not support
PATCH), then ``PATCH /Groups/{id}`` adding every member that already has a remote id.
Update: ``PATCH`` replace of the whole group (``aws``: per-attribute replaces) or ``PUT`` when
PATCH is unsupported, then membership reconcile from ``GET /Groups/{id}`` (docs/vendor-facts.md A8).
"""

from __future__ import annotations

from typing import Any

from mockserver.domain.authentik.scim_client import (
    NotFoundSyncException,
    ObjectExistsSyncException,
    SCIMClient,
    SCIMRequestException,
)
from mockserver.domain.authentik.state import AuthentikState

GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group"
PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


def group_to_scim(state: AuthentikState, provider_pk: int, client: SCIMClient, group: dict[str, Any]) -> dict[str, Any]:
    """Default group mapping ``{displayName}`` with ``externalId`` = group pk."""
    body: dict[str, Any] = {"schemas": [GROUP_SCHEMA], "displayName": group["name"], "externalId": group["pk"]}
    members = member_scim_ids(state, provider_pk, group)
    if not client.config.patch and members:
        body["members"] = [{"value": m} for m in members]
    return body


def member_scim_ids(state: AuthentikState, provider_pk: int, group: dict[str, Any]) -> list[str]:
    """Remote ids of the group's members that have a connection to this provider."""
    if state.context.quirk("authentik-push-without-members"):
        return []
    return state.scim_ids(provider_pk, sorted(group["users"]))


async def write_group(state: AuthentikState, provider_pk: int, client: SCIMClient, group: dict[str, Any]) -> None:
    """Update when linked (a 404 drops the link and creates again), else create."""
    link = state.link_for("group", provider_pk, group["pk"])
    body = group_to_scim(state, provider_pk, client, group)
    if link is not None:
        try:
            await _update(state, provider_pk, client, group, {**body, "id": link["scim_id"]}, link["scim_id"])
            return
        except NotFoundSyncException:
            state.unlink("group", link["id"])
    await _create(state, provider_pk, client, group, body)


async def _create(
    state: AuthentikState, provider_pk: int, client: SCIMClient, group: dict[str, Any], body: dict[str, Any]
) -> None:
    scim_id, response = await client.create("/Groups", body, f'displayName eq "{group["name"]}"')
    state.link("group", provider_pk, group["pk"], scim_id, response)
    members = member_scim_ids(state, provider_pk, group)
    await _patch(client, scim_id, [_member_op("add", m) for m in members])


async def _update(
    state: AuthentikState,
    provider_pk: int,
    client: SCIMClient,
    group: dict[str, Any],
    body: dict[str, Any],
    scim_id: str,
) -> None:
    if client.config.patch:
        await _update_patch(client, body, scim_id)
    else:
        try:
            await client.request("PUT", f"/Groups/{scim_id}", body)
        except (SCIMRequestException, ObjectExistsSyncException):
            # "Some providers don't support PUT on groups": fall back to PATCH.
            await _update_patch(client, body, scim_id)
    await _reconcile_members(state, provider_pk, client, group, scim_id)


async def _update_patch(client: SCIMClient, body: dict[str, Any], scim_id: str) -> None:
    if client.compatibility_mode == "aws":
        ops = [{"op": "replace", "path": attr, "value": body[attr]} for attr in ("displayName", "externalId")]
        await _patch(client, scim_id, ops)
        return
    await client.request(
        "PATCH", f"/Groups/{scim_id}", {"schemas": [PATCH_OP], "Operations": [{"op": "replace", "value": body}]}
    )


async def _reconcile_members(
    state: AuthentikState, provider_pk: int, client: SCIMClient, group: dict[str, Any], scim_id: str
) -> None:
    """``patch_compare_users``: adds are only computed when the remote group has ``members``."""
    current = await client.request("GET", f"/Groups/{scim_id}")
    remote = current.get("members") if isinstance(current, dict) else None
    should = member_scim_ids(state, provider_pk, group)
    have = [m.get("value") for m in remote or [] if isinstance(m, dict)]
    removes = [v for v in have if v not in should]
    adds = [v for v in should if v not in have] if remote is not None else []
    await _patch(
        client, scim_id, [_member_op("add", v) for v in adds] + [_member_op("remove", v) for v in removes if v]
    )


async def _patch(client: SCIMClient, scim_id: str, ops: list[dict[str, Any]]) -> None:
    """``_patch_chunked``: ``bulk.maxOperations`` operations per request (all when < 1)."""
    size = client.config.max_operations if client.config.max_operations >= 1 else len(ops)
    for start in range(0, len(ops), max(size, 1)):
        await client.request(
            "PATCH", f"/Groups/{scim_id}", {"schemas": [PATCH_OP], "Operations": ops[start : start + size]}
        )


def _member_op(op: str, scim_id: str) -> dict[str, Any]:
    return {"op": op, "path": "members", "value": [{"value": scim_id}]}
