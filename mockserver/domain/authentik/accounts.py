"""authentik's user actions (``UserViewSet`` in ``authentik/core/api/users.py``, 2025.8):
``me``, ``service_account``, ``set_password``, ``impersonate`` / ``impersonate_end``,
``recovery`` / ``recovery_email`` (docs/vendor-facts.md A5).

The mock keeps no browser sessions and models no flows, brands or e-mail stages, so impersonation
leaves nothing behind for a token client and recovery answers as a fresh install does (no recovery
flow set). Passwords are kept only as salted PBKDF2 hashes, never in clear.
"""

from __future__ import annotations

import hashlib
import secrets
import string
from typing import Any

from mockserver.domain.authentik.core import CoreStore
from mockserver.domain.errors import BadRequest, Unauthenticated

#: ``USER_PATH_SERVICE_ACCOUNT`` and ``USER_ATTRIBUTE_TOKEN_EXPIRING`` (``authentik/core/models.py``).
SERVICE_ACCOUNT_PATH = "goauthentik.io/service-accounts"
TOKEN_EXPIRING = "goauthentik.io/user/token-expires"
#: Inferred: the ``authentik_rbac`` system permissions a superuser holds (all of them in authentik).
SUPERUSER_PERMISSIONS = ("access_admin_interface", "edit_system_settings", "view_system_info", "view_system_settings")
NO_RECOVERY_FLOW = "Recovery flow is not set for this brand."


class ImpersonationDenied(Exception):
    """authentik answers a refused impersonation with a bare 401 (``Response(status=401)``)."""


def me(store: CoreStore, username: str) -> dict[str, Any]:
    """``SessionUser``: the token's user as ``UserSelf``; never ``original`` (no session)."""
    user = next((u for u in store.users.values() if u["username"] == username), None)
    if user is None:
        raise Unauthenticated("Token invalid/expired")
    groups = sorted(store.groups_of(user["pk"]), key=lambda g: g["name"])
    superuser = store.is_superuser(user["pk"])
    rendered = store.render_user(user)
    return {
        "user": {
            **{k: rendered[k] for k in ("pk", "username", "name", "is_active", "email", "avatar", "uid", "type")},
            "is_superuser": superuser,
            "groups": [{"name": g["name"], "pk": g["pk"]} for g in groups],
            "settings": {},
            "system_permissions": list(SUPERUSER_PERMISSIONS) if superuser else [],
        }
    }


def create_service_account(store: CoreStore, body: dict[str, Any]) -> dict[str, Any]:
    """``POST /core/users/service_account/``: the user, optionally its group, and an app-password
    token (intent ``app_password``: not an API token, so the mock does not keep it)."""
    name = str(body["name"])
    if any(u["username"] == name for u in store.users.values()):
        detail = 'duplicate key value violates unique constraint "authentik_core_user_username_key"\n'
        detail += f"DETAIL:  Key (username)=({name}) already exists."
        raise BadRequest("Service account exists", fields={"non_field_errors": [detail]})
    request = {"username": name, "name": name, "path": SERVICE_ACCOUNT_PATH, "type": "service_account"}
    user = store.save_user(None, {**request, "attributes": {TOKEN_EXPIRING: bool(body.get("expiring", True))}})
    answer: dict[str, Any] = {"username": name, "user_uid": store.uid(user["pk"]), "user_pk": user["pk"]}
    if body.get("create_group"):
        answer["group_pk"] = store.save_group(None, {"name": name, "users": [user["pk"]]})["pk"]
    alphabet = string.ascii_letters + string.digits
    answer["token"] = "".join(secrets.choice(alphabet) for _ in range(60))
    return answer


def set_password(store: CoreStore, pk: int, password: str) -> None:
    """``set_password``: store a salted hash and bump ``password_change_date``."""
    user = store.user(pk)
    salt = secrets.token_hex(8)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), 10_000).hex()
    store.passwords[pk] = f"pbkdf2_sha256$10000${salt}${digest}"
    user["password_change_date"] = user["last_updated"] = store.now()


def impersonate(store: CoreStore, pk: int, caller: str) -> None:
    """Starting an impersonation: 401 for the caller itself; otherwise accepted, with nothing to keep."""
    if store.user(pk)["username"] == caller:
        raise ImpersonationDenied(f"{caller} cannot impersonate themselves")


def recovery_link(store: CoreStore, pk: int, *, by_email: bool) -> dict[str, str]:
    """``recovery`` / ``recovery_email``: no brand recovery flow is set, so both are 400 (e-mail
    first needs an address)."""
    user = store.user(pk)
    if by_email and not user["email"]:
        message = "User does not have an email address set."
        raise BadRequest(message, fields={"non_field_errors": [message]})
    raise BadRequest(NO_RECOVERY_FLOW, fields={"non_field_errors": [NO_RECOVERY_FLOW]})
