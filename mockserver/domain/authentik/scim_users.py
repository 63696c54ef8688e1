"""Writing one authentik user to a SCIM target (``authentik/providers/scim/clients/users.py``).

The body is what the default user mapping ``goauthentik.io/providers/scim/user`` produces
(blueprint ``providers-scim.yaml``) with ``externalId`` = ``user.uid`` (docs/vendor-facts.md A8).
"""

from __future__ import annotations

from typing import Any

from mockserver.domain.authentik.scim_client import NotFoundSyncException, SCIMClient
from mockserver.domain.authentik.state import AuthentikState

USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"


def user_to_scim(user: dict[str, Any], uid: str, *, force_active: bool = False) -> dict[str, Any]:
    """``userName``, ``name{formatted, givenName, familyName}``, ``displayName``, ``active``,
    ``emails`` (``type: other``, primary) and ``locale`` when set; an inactive user is sent with
    ``active: false``, never deleted."""
    given, _, family = user["name"].partition(" ")
    body: dict[str, Any] = {
        "schemas": [USER_SCHEMA],
        "userName": user["username"],
        "name": {"formatted": user["name"], "givenName": given, "familyName": family},
        "displayName": user["name"],
        "active": True if force_active else bool(user["is_active"]),
        "emails": [{"value": user["email"], "type": "other", "primary": True}] if user["email"] else [],
        "externalId": uid,
    }
    locale = ((user.get("attributes") or {}).get("settings") or {}).get("locale")
    if locale:
        body["locale"] = locale
    return body


async def write_user(state: AuthentikState, provider_pk: int, client: SCIMClient, user: dict[str, Any]) -> None:
    """``SCIMClient.write``: update when linked (``PUT /Users/{id}``; a 404 drops the link and
    creates again), else ``POST /Users`` and link the returned ``id``."""
    body = user_to_scim(
        user, state.core.uid(user["pk"]), force_active=state.context.quirk("authentik-inactive-pushed-active")
    )
    link = state.link_for("user", provider_pk, user["pk"])
    if link is not None:
        try:
            response = await client.request("PUT", f"/Users/{link['scim_id']}", {**body, "id": link["scim_id"]})
        except NotFoundSyncException:
            state.unlink("user", link["id"])
        else:
            state.set_link_attributes("user", link["id"], response)
            return
    await _create(state, provider_pk, client, user, body)


async def _create(
    state: AuthentikState, provider_pk: int, client: SCIMClient, user: dict[str, Any], body: dict[str, Any]
) -> None:
    """``POST /Users``; on 409 with filter support, link to ``userName eq "<name>"``."""
    scim_id, response = await client.create("/Users", body, f'userName eq "{user["username"]}"')
    state.link("user", provider_pk, user["pk"], scim_id, response)
