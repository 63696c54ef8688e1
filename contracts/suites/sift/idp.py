"""What every Sift contract uses: the sources cited, SCIM constants, and :class:`Idp`, an IdP that
gets a token from ``:generate-token`` and pushes users and groups to the handed-out SCIM URL."""

from __future__ import annotations

import uuid
from typing import Any

from contracts.scenario import require
from contracts.target import Target

SYNC_DOC = "https://docs.siftstack.com/api-reference/externalsyncservice/syncorganization"
IDP_DOC = "https://docs.siftstack.com/documentation/manage/connect-an-identity-provider"
PROTO = "sift-stack/sift protos/sift/external_sync/v1/external_sync.proto"
GATEWAY = "grpc-gateway runtime.HTTPStatusFromCode; Sift openapi.json rpcStatus"
USER_GROUPS_PROTO = "sift-stack/sift protos/sift/user_groups/v2/user_groups.proto"
SCIM_JSON = {"Content-Type": "application/scim+json"}
USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group"
PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
SYNC_FIELDS = (
    "externalSync",
    "existingUserCount",
    "addedToOrganizationUserIds",
    "createdUsers",
    "deactivatedUserIds",
    "existingGroupCount",
    "createdUserGroups",
    "deletedUserGroupNames",
)
CHANGE_LISTS = (
    "addedToOrganizationUserIds",
    "createdUsers",
    "deactivatedUserIds",
    "createdUserGroups",
    "deletedUserGroupNames",
)


class Idp:
    """An IdP holding the SCIM URL and token Sift handed out (docs: Manage → Generate Token)."""

    def __init__(self, target: Target) -> None:
        self.sift = target.client("sift")
        generated = self.sift.post("/api/v1/external-sync:generate-token", json={})
        require(generated.status_code == 200, "GenerateToken answers 200", SYNC_DOC, generated.text)
        self.generated: dict[str, Any] = generated.json()
        self.token: str = self.generated["token"]
        self.url: str = self.generated["externalSync"]["scimServerUrl"].rstrip("/")
        self.scim = target.http(self.url, {"Authorization": f"Bearer {self.token}", **SCIM_JSON})
        self.suffix = uuid.uuid4().hex[:8]

    def user(self, name: str, *, active: bool = True) -> dict[str, Any]:
        body = {"schemas": [USER_SCHEMA], "userName": f"{name}-{self.suffix}@example.com", "active": active}
        created = self.scim.post("/Users", json=body)
        require(
            created.status_code == 201,
            "the SCIM server Sift hands out accepts POST /Users",
            "RFC 7644 §3.3",
            created.text,
        )
        return dict(created.json())

    def group(self, name: str, members: list[dict[str, Any]]) -> dict[str, Any]:
        body = {
            "schemas": [GROUP_SCHEMA],
            "displayName": f"{name}-{self.suffix}",
            "members": [{"value": m["id"]} for m in members],
        }
        created = self.scim.post("/Groups", json=body)
        require(
            created.status_code == 201,
            "the SCIM server Sift hands out accepts POST /Groups",
            "RFC 7644 §3.3",
            created.text,
        )
        return dict(created.json())

    def sync(self) -> dict[str, Any]:
        synced = self.sift.post("/api/v1/external-sync", json={})
        require(synced.status_code == 200, "SyncOrganization answers 200", SYNC_DOC, synced.text)
        body: dict[str, Any] = synced.json()
        missing = [f for f in SYNC_FIELDS if f not in body]
        require(not missing, "SyncOrganizationResponse carries all eight fields", SYNC_DOC, f"missing {missing}")
        return body

    def close(self) -> None:
        self.scim.close()


def created_ids(body: dict[str, Any]) -> dict[str, str]:
    return {u["userName"]: u["userId"] for u in body["createdUsers"]}
