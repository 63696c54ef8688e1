"""Sift's records: one organisation, its users, groups, roles, API keys and external sync.

docs/vendor-facts.md B1-B6. The organisation is always the caller's ("Organization is taken from request
context", external_sync.proto), so there is exactly one. The default world (an empty seed
section) is usable as is: an admin whose API key is ``idsync-token``, the four documented roles
(Admin, Editor, Collaborator, Viewer; docs "users reference"), a default group (``isDefault``)
and one internal group. ``load(export())`` round-trips exactly. The services that operate on
the records (``external_sync``, ``groups``, ``people``) are put together in ``state.py``.
"""

from __future__ import annotations

import copy
import re
from datetime import UTC, datetime
from typing import Any

from mockserver.domain.context import VendorContext
from mockserver.domain.errors import BadRequest, NotFound

Json = dict[str, Any]

ORG_ID = "7a1d3c52-9e4b-4f0a-8c6d-2b5e1f9a0c01"
ADMIN_USER_ID = "5c0e8a71-3b2d-4e6f-9a1c-0d7b4e2f8a11"
ROLE_IDS = {
    name: f"3f6b2c1e-8d4a-4b7e-9c2f-1a5d0e6b7c2{i}"
    for i, name in enumerate(("Admin", "Editor", "Collaborator", "Viewer"), 1)
}
DEFAULT_GROUP_ID = "9b4e1d2c-6a3f-4e8b-b1c0-5d2a7f3e9c31"
INTERNAL_GROUP_ID = "9b4e1d2c-6a3f-4e8b-b1c0-5d2a7f3e9c32"
SEEDED_AT = 1735689600.0  # 2025-01-01T00:00:00Z: creation time of the seeded records
#: Inferred: 30 days (the protos only say ``token_lifetime_seconds``); the seed may override it.
TOKEN_LIFETIME_SECONDS = 2_592_000

_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
MEMBERSHIPS = ("active", "deactivated", "none")

ROLE_DESCRIPTIONS = {
    "Admin": "Full access to data, configuration settings, and user management.",
    "Editor": "Can create and edit data and configuration.",
    "Collaborator": "Can view data and collaborate through annotations and reports.",
    "Viewer": "View-only access.",
}


def default_seed() -> Json:
    """The Sift section of the default world (what ``load({})`` builds)."""
    return {
        "organization": {"organizationId": ORG_ID, "organizationName": "idsync Example Org"},
        "tokenLifetimeSeconds": TOKEN_LIFETIME_SECONDS,
        "adminUserId": ADMIN_USER_ID,
        "apiKeys": {},
        "roles": [
            {"roleId": rid, "name": name, "description": ROLE_DESCRIPTIONS[name], "roleOrder": i}
            for i, (name, rid) in enumerate(ROLE_IDS.items(), 1)
        ],
        "users": [{"userId": ADMIN_USER_ID, "userName": "admin@idsync.example", "membership": "active"}],
        "groups": [
            {
                "userGroupId": DEFAULT_GROUP_ID,
                "name": "Default",
                "roleId": ROLE_IDS["Viewer"],
                "isDefault": True,
                "resources": {"assetIds": [], "allAssets": True},
                "userIds": [ADMIN_USER_ID],
            },
            {
                "userGroupId": INTERNAL_GROUP_ID,
                "name": "Administrators",
                "roleId": ROLE_IDS["Admin"],
                "isDefault": False,
                "resources": {"assetIds": [], "allAssets": True},
                "userIds": [ADMIN_USER_ID],
            },
        ],
    }


def require_uuid(value: str, name: str) -> str:
    """buf.validate ``string.uuid`` on ids (user_groups.proto at 8e0a0e0e2) → INVALID_ARGUMENT."""
    if not isinstance(value, str) or not _UUID.match(value):
        raise BadRequest(f"invalid {name}: value must be a valid UUID")
    return value.lower()


def timestamp(epoch: float) -> str:
    """protobuf JSON ``Timestamp``: RFC 3339, ``Z``, 0/3/6 fractional digits."""
    try:
        moment = datetime.fromtimestamp(epoch, tz=UTC)
    except (ValueError, OverflowError, OSError):  # the admin clock moved outside datetime's range
        return "9999-12-31T23:59:59Z" if epoch > 0 else "0001-01-01T00:00:00Z"
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    micros = moment.microsecond
    if micros:
        text += f".{micros // 1000:03d}" if micros % 1000 == 0 else f".{micros:06d}"
    return text + "Z"


class SiftRecords:
    """All Sift records, their seed/snapshot form and the lookups every service shares."""

    def __init__(self, context: VendorContext) -> None:
        self.context = context
        self.org: Json = {}
        self.users: dict[str, Json] = {}
        self.groups: dict[str, Json] = {}
        self.roles: list[Json] = []
        self.api_keys: dict[str, str] = {}
        self.admin_user_id = ADMIN_USER_ID
        self.token_lifetime = TOKEN_LIFETIME_SECONDS
        self.external_sync: Json | None = None
        self.tokens: list[Json] = []
        self.runs: list[Json] = []

    # -- seed / snapshot ---------------------------------------------------------------------

    def load(self, data: dict[str, Any]) -> None:
        """Replace the state from a seed section (missing keys take the default world) or an export."""
        try:
            self._load(default_seed() | copy.deepcopy(data))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise BadRequest(f"invalid sift seed section: {exc!r}") from None

    def _load(self, merged: Json) -> None:
        self.org = dict(merged["organization"])
        self.admin_user_id = str(merged["adminUserId"])
        self.token_lifetime = int(merged["tokenLifetimeSeconds"])
        self.api_keys = {str(k): str(v) for k, v in dict(merged["apiKeys"]).items()}
        self.roles = [dict(r) for r in merged["roles"]]
        self.users = {u["userId"]: _user_record(u) for u in merged["users"]}
        self.groups = {g["userGroupId"]: _group_record(g) for g in merged["groups"]}
        self.external_sync = merged.get("externalSync")
        if self.external_sync is not None:
            # Enabled (by Sift staff, docs/vendor-facts.md B2): the org's SCIM server exists even
            # before its first token.
            self.context.directories.ensure(str(self.external_sync["tenant"]))
        self.tokens = list(merged.get("tokens") or [])
        self.runs = list(merged.get("runs") or [])

    def export(self) -> dict[str, Any]:
        """JSON-able state in the seed's own shape."""
        return copy.deepcopy(
            {
                "organization": self.org,
                "tokenLifetimeSeconds": self.token_lifetime,
                "adminUserId": self.admin_user_id,
                "apiKeys": self.api_keys,
                "roles": self.roles,
                "users": list(self.users.values()),
                "groups": list(self.groups.values()),
                "externalSync": self.external_sync,
                "tokens": self.tokens,
                "runs": self.runs,
            }
        )

    # -- shared helpers ----------------------------------------------------------------------

    def now(self) -> float:
        """Mock time (epoch seconds)."""
        return self.context.clock.now()

    def caller(self, token: str) -> str | None:
        """User id behind an API key, or None (→ UNAUTHENTICATED).

        Sift docs (set-up-api-access, manage-user-access): keys are user-associated, and
        "Deactivating a user account automatically deactivates all API keys associated with that
        user". The world's bearer tokens (``idsync-token``) are the API keys of ``adminUserId``;
        the seed's ``apiKeys`` maps further keys to users.
        """
        user_id = self.api_keys.get(token)
        if user_id is None and self.context.credentials.bearer_ok(token):
            user_id = self.admin_user_id
        user = self.users.get(user_id or "")
        return user_id if user is not None and user["membership"] == "active" else None

    def user(self, user_id: str, name: str = "user_id") -> Json:
        """The user ``user_id`` (UUID-checked) or NOT_FOUND."""
        found = self.users.get(require_uuid(user_id, name))
        if found is None:
            raise NotFound(f"user {user_id} not found")
        return found

    def group(self, group_id: str, name: str = "user_group_id") -> Json:
        """The user group ``group_id`` (UUID-checked) or NOT_FOUND."""
        found = self.groups.get(require_uuid(group_id, name))
        if found is None:
            raise NotFound(f"user group {group_id} not found")
        return found

    def role_ids(self) -> set[str]:
        return {r["roleId"] for r in self.roles}

    def org_view(self) -> Json:
        """``sift.common.type.v1.Organization``."""
        return {"organizationId": self.org["organizationId"], "organizationName": self.org["organizationName"]}

    def user_view(self, user: Json) -> Json:
        """``sift.common.type.v1.User``; Inferred: ``organizations`` lists this org while the user is a member."""
        orgs = [self.org_view()] if user["membership"] != "none" else []
        return {"userId": user["userId"], "userName": user["userName"], "organizations": orgs}


def group_view(group: Json) -> Json:
    """``sift.user_groups.v2.UserGroup`` (bookkeeping fields stripped)."""
    return {
        "userGroupId": group["userGroupId"],
        "name": group["name"],
        "roleId": group["roleId"],
        "isDefault": group["isDefault"],
        "resources": {"assetIds": list(group["resources"]["assetIds"]), "allAssets": group["resources"]["allAssets"]},
        "userIds": list(group["userIds"]),
        "isExternal": group["isExternal"],
    }


def _user_record(data: Json) -> Json:
    membership = data.get("membership", "active")
    if membership not in MEMBERSHIPS:
        raise ValueError(f"sift seed: user membership must be one of {MEMBERSHIPS}")
    return {
        "userId": str(data["userId"]),
        "userName": str(data["userName"]),
        "membership": membership,
        "managed": bool(data.get("managed", False)),
        "createdDate": float(data.get("createdDate", SEEDED_AT)),
    }


def _group_record(data: Json) -> Json:
    resources = data.get("resources") or {}
    return {
        "userGroupId": str(data["userGroupId"]),
        "name": str(data["name"]),
        "roleId": str(data.get("roleId", "")),
        "isDefault": bool(data.get("isDefault", False)),
        "resources": {
            "assetIds": list(resources.get("assetIds") or []),
            "allAssets": bool(resources.get("allAssets", False)),
        },
        "userIds": [str(u) for u in data.get("userIds") or []],
        "isExternal": bool(data.get("isExternal", False)),
        "scimGroupId": data.get("scimGroupId"),
        "createdDate": float(data.get("createdDate", SEEDED_AT)),
        "modifiedDate": float(data["modifiedDate"] if "modifiedDate" in data else data.get("createdDate", SEEDED_AT)),
    }
