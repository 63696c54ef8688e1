"""authentik values and the fresh install (docs/vendor-facts.md A5): DRF's renderings and messages,
uuid checks, ``Group.num_pk``, and the users and group a new install starts with.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from mockserver.domain.errors import BadRequest

#: ``DEFAULT_AVATAR`` (``authentik/core/models.py``) as served with ``avatars: none``.
DEFAULT_AVATAR = "/static/dist/assets/images/user_default.png"
USER_TYPES = ("internal", "external", "service_account", "internal_service_account")
SERVICE_ACCOUNT_TYPES = ("service_account", "internal_service_account")
INSTALL_ID = "5f0c7e4e-8a5c-4b8e-9d0c-2b6f1c3e4a7d"
ADMINS_GROUP = "8b3f6c1e-2d4a-4f5b-9c8d-7e6a5b4c3d2e"
#: What a write may set (``UserRequest`` / ``GroupRequest``); DRF ignores read-only and unknown fields.
USER_WRITABLE = frozenset({"username", "name", "is_active", "last_login", "email", "attributes", "path", "type"})
GROUP_WRITABLE = frozenset({"name", "is_superuser", "attributes", "roles", "users"})


def iso(epoch: float) -> str:
    """DRF's datetime rendering: ISO 8601 with microseconds and ``Z``."""
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def missing_pk(value: object) -> list[str]:
    """DRF ``PrimaryKeyRelatedField`` ``does_not_exist`` message."""
    return [f'Invalid pk "{value}" - object does not exist.']


def is_uuid(value: object) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def require_uuids(data: dict[str, Any], fields: tuple[str, ...], message: str = "Must be a valid UUID.") -> None:
    """400 ``{field: [message]}`` for the first field holding (or listing) a non-uuid value.
    DRF ``UUIDField``: "Must be a valid UUID."; django-filter ``UUIDFilter``: "Enter a valid UUID."."""
    for name in fields:
        value = data.get(name)
        values = value if isinstance(value, list) else [value]
        if value is not None and not all(is_uuid(v) for v in values):
            raise BadRequest(f"Invalid {name}", fields={name: [message]})


def norm_uuid(value: object) -> str:
    """The canonical (lower-case, hyphenated) form of a uuid, or the value as text."""
    return str(uuid.UUID(str(value))) if is_uuid(value) else str(value)


def default_core(now: str) -> dict[str, Any]:
    """A fresh install: ``akadmin`` in ``authentik Admins`` and the embedded outpost's
    internal service account (docs/vendor-facts.md A5; the usernames are authentik's own)."""
    user: dict[str, Any] = {
        "last_login": None,
        "date_joined": now,
        "attributes": {},
        "path": "users",
        "type": "internal",
        "password_change_date": now,
        "last_updated": now,
        "is_active": True,
    }
    return {
        "users": [
            {
                **user,
                "pk": 1,
                "username": "akadmin",
                "name": "authentik Default Admin",
                "email": "root@localhost",
                "uuid": "1f2e3d4c-5b6a-4798-8a9b-0c1d2e3f4a5b",
            },
            {
                **user,
                "pk": 2,
                "username": "ak-outpost-0f2b4c6d8e0a4b1c9d7e5f3a1b2c3d4e",
                "name": "Outpost authentik Embedded Outpost Service-Account",
                "email": "",
                "path": "goauthentik.io/outposts",
                "type": "internal_service_account",
                "uuid": "2a3b4c5d-6e7f-4081-92a3-b4c5d6e7f809",
            },
        ],
        "groups": [
            {
                "pk": ADMINS_GROUP,
                "name": "authentik Admins",
                "is_superuser": True,
                "parent": None,
                "attributes": {},
                "roles": [],
                "users": [1],
            },
        ],
    }


def num_pk(pk: str) -> int:
    """``Group.num_pk``: the first 5 digits of the uuid's integer value."""
    return int(str(uuid.UUID(pk).int)[:5])
