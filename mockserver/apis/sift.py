"""Sift handlers (specs/sift.yaml): grpc-gateway JSON over ``mockserver.domain.sift`` (docs/vendor-facts.md part B).

Each method is named after the vendor's operationId; Connexion passes path and query
parameters by their spec names, the body as ``body`` and the authenticated user id as ``user``
(``check_bearer``'s ``sub``). Every reply is HTTP 200, as grpc-gateway answers every successful
unary RPC.
"""

from __future__ import annotations

import re
from typing import Any

from mockserver.apis.base import BaseHandlers, ErrorResponse, json_error, request
from mockserver.apis.leniency import Leniency
from mockserver.domain.errors import DomainError
from mockserver.domain.sift.paging import ListQuery

Reply = tuple[Any, int]


def json_name(proto_name: str) -> str:
    """The JSON name of a proto field (protoc: ``_`` dropped, the next letter upper-cased), per
    dotted segment; grpc-gateway accepts either name in query strings and bodies (B1)."""
    return ".".join(re.sub(r"_([a-z0-9])", lambda m: m[1].upper(), part) for part in proto_name.split("."))


#: grpc-gateway v2's runtime: query names by JSON or proto name, unknown ones ignored
#: (``runtime/query.go``); bodies unmarshalled by protojson with ``DiscardUnknown`` whatever
#: their ``Content-Type`` (``marshaler_registry.go``); an absent body is the empty message.
LENIENCY = Leniency(server="grpc-gateway", alias=json_name, any_body_is_json=True)


def render_error(err: DomainError) -> ErrorResponse:
    """grpc-gateway ``rpcStatus`` ``{code, message, details}``; ``code`` is the gRPC number and the
    HTTP status follows ``runtime.HTTPStatusFromCode`` (docs/vendor-facts.md B1). A validator's
    message keeps its first line (the schema and instance it appends are no Sift message)."""
    message = err.detail.split("\n\n", 1)[0]
    return json_error(err, {"code": err.grpc_code, "message": message, "details": []})


def _origin() -> str:
    """Scheme and authority this request came in on: SCIM URLs handed out point back at this server."""
    url = request.url
    return f"{url.scheme}://{url.netloc}"


def _query(pageSize: int | None, pageToken: str | None, filter: str | None, orderBy: str | None) -> ListQuery:
    return ListQuery(page_size=pageSize, page_token=pageToken, filter=filter, order_by=orderBy)


class Handlers(BaseHandlers):
    """operationIds of specs/sift.yaml."""

    def check_bearer(self, token: str, path_params: dict[str, Any], headers: dict[str, str]) -> dict[str, Any] | None:
        """API keys are user-associated; a deactivated user's keys are dead (docs manage-user-access)."""
        user_id = self.world.sift.caller(token)
        return {"sub": user_id} if user_id else None

    # -- ExternalSyncService ---------------------------------------------------------------

    async def ExternalSyncService_SyncOrganization(self, body: dict[str, Any], user: str) -> Reply:
        return self.world.sift.sync.sync(user, _origin()), 200

    async def ExternalSyncService_GenerateToken(self, body: dict[str, Any], user: str) -> Reply:
        return self.world.sift.sync.generate_token(user, _origin()), 200

    async def ExternalSyncService_GetExternalSync(self) -> Reply:
        return self.world.sift.sync.details(_origin()), 200

    async def ExternalSyncService_ListExternalSyncTokens(
        self,
        pageSize: int | None = None,
        pageToken: str | None = None,
        filter: str | None = None,
        orderBy: str | None = None,
    ) -> Reply:
        return self.world.sift.sync.list_tokens(_query(pageSize, pageToken, filter, orderBy)), 200

    async def ExternalSyncService_ListExternalSyncRuns(
        self,
        pageSize: int | None = None,
        pageToken: str | None = None,
        filter: str | None = None,
        orderBy: str | None = None,
    ) -> Reply:
        return self.world.sift.sync.list_runs(_query(pageSize, pageToken, filter, orderBy)), 200

    async def ExternalSyncService_GetExternalSyncRun(self, externalSyncRunId: str) -> Reply:
        return self.world.sift.sync.get_run(externalSyncRunId), 200

    async def ExternalSyncService_GetIsOrgExternallyProvisioned(self) -> Reply:
        return self.world.sift.sync.is_provisioned(), 200

    # -- UserGroupService ------------------------------------------------------------------

    async def UserGroupService_ListUserGroupsV2(
        self,
        pageSize: int | None = None,
        pageToken: str | None = None,
        filter: str | None = None,
        orderBy: str | None = None,
    ) -> Reply:
        return self.world.sift.user_groups.list_groups(_query(pageSize, pageToken, filter, orderBy)), 200

    async def UserGroupService_GetUserGroupV2(self, userGroupId: str) -> Reply:
        return self.world.sift.user_groups.get(userGroupId), 200

    async def UserGroupService_CreateUserGroupV2(self, body: dict[str, Any]) -> Reply:
        return self.world.sift.user_groups.create(body), 200

    async def UserGroupService_UpdateUserGroupV2(self, userGroupId: str, body: dict[str, Any]) -> Reply:
        return self.world.sift.user_groups.update(userGroupId, body), 200

    async def UserGroupService_DeleteUserGroupV2(self, userGroupId: str) -> Reply:
        return self.world.sift.user_groups.delete(userGroupId), 200

    async def UserGroupService_AddUserToUserGroupV2(self, userGroupId: str, userId: str) -> Reply:
        return self.world.sift.user_groups.add_user(userGroupId, userId), 200

    async def UserGroupService_RemoveUserFromUserGroupV2(self, userGroupId: str, userId: str) -> Reply:
        return self.world.sift.user_groups.remove_user(userGroupId, userId), 200

    async def UserGroupService_UpdateUserUserGroupsV2(
        self, userId: str, userGroupIds: list[str] | None = None
    ) -> Reply:
        return self.world.sift.user_groups.update_user(userId, list(userGroupIds or [])), 200

    async def UserGroupService_GetUserGroupsForAssetsV2(self, assetIds: list[str]) -> Reply:
        return self.world.sift.user_groups.for_assets(list(assetIds)), 200

    # -- UserService, RoleService ------------------------------------------------------------

    async def UserService_GetUserV2(self, userId: str) -> Reply:
        return self.world.sift.people.get_user(userId), 200

    async def UserService_ListActiveUsersV2(
        self,
        pageSize: int | None = None,
        pageToken: str | None = None,
        filter: str | None = None,
        organizationId: str | None = None,
        orderBy: str | None = None,
    ) -> Reply:
        return self.world.sift.people.list_active(_query(pageSize, pageToken, filter, orderBy), organizationId), 200

    async def UserService_ListUsersV2(
        self,
        pageSize: int | None = None,
        pageToken: str | None = None,
        filter: str | None = None,
        orderBy: str | None = None,
    ) -> Reply:
        return self.world.sift.people.list_all(_query(pageSize, pageToken, filter, orderBy)), 200

    async def UserService_UpdateUserOrganizationActiveV2(self, userId: str, body: dict[str, Any], user: str) -> Reply:
        return self.world.sift.people.set_active(userId, body, user), 200

    async def RoleService_ListRolesV2(
        self,
        pageSize: int | None = None,
        pageToken: str | None = None,
        filter: str | None = None,
        orderBy: str | None = None,
    ) -> Reply:
        return self.world.sift.people.list_roles(_query(pageSize, pageToken, filter, orderBy)), 200
