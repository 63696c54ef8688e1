"""``sift.users.v2.UserService`` and ``sift.roles.v2.RoleService`` (docs/vendor-facts.md B4).

There is no create-user RPC: users come from sign-up, invitation or the IdP sync (docs). The
User message has no ``active`` flag; activity is per organisation and shows as membership of
``ListActiveUsers`` (active members) versus ``ListUsers`` (``users:all``, every member, active or
deactivated) (Inferred, specs/README.md (sift section)).
"""

from __future__ import annotations

from typing import Any

from mockserver.domain.errors import BadRequest, FailedPrecondition, Forbidden, NotFound
from mockserver.domain.sift.paging import ListQuery, select
from mockserver.domain.sift.records import SiftRecords

Json = dict[str, Any]
USER_FILTERS = {"user_id": lambda u: u["userId"], "name": lambda u: u["userName"]}


class People:
    """Users of the organisation and its roles."""

    def __init__(self, state: SiftRecords) -> None:
        self.state = state

    def get_user(self, user_id: str) -> Json:
        return {"user": self.state.user_view(self.state.user(user_id))}

    def list_active(self, query: ListQuery, organization_id: str | None) -> Json:
        """``ListActiveUsers``; ``organizationId`` scopes the list (another org's users are not visible)."""
        users = [u for u in self.state.users.values() if u["membership"] == "active"]
        if organization_id and organization_id != self.state.org["organizationId"]:
            users = []
        orders = {
            "name": lambda u: u["userName"],
            "created_date": lambda u: u["createdDate"],
            "modified_date": lambda u: u["createdDate"],
        }
        items, token = select(
            users,
            query,
            filters=USER_FILTERS,
            orders=orders,
            default_order="name",
            scope=f"active|{organization_id or ''}",
        )
        return {"users": [self.state.user_view(u) for u in items], "nextPageToken": token}

    def list_all(self, query: ListQuery) -> Json:
        """``ListUsers`` (``GET /api/v2/users:all``): every member, deactivated ones included."""
        users = [u for u in self.state.users.values() if u["membership"] != "none"]
        orders = {"created_date": lambda u: u["createdDate"], "modified_date": lambda u: u["createdDate"]}
        items, token = select(
            users, query, filters=USER_FILTERS, orders=orders, default_order="created_date", scope="all"
        )
        return {"users": [self.state.user_view(u) for u in items], "nextPageToken": token}

    def set_active(self, user_id: str, body: Json, caller: str) -> Json:
        """``UpdateUserOrganizationActive``: "toggle a user's active status within their organization".

        Inferred: the org must be the caller's (else PERMISSION_DENIED), the user a member (else
        NOT_FOUND), and an admin cannot deactivate themself (FAILED_PRECONDITION, it would also
        deactivate the API key in use).
        """
        user = self.state.user(user_id)
        organization_id, active = body.get("organizationId"), body.get("active", False)
        if not isinstance(organization_id, str) or not organization_id:
            raise BadRequest("organization_id: value is required")
        if not isinstance(active, bool):
            raise BadRequest("active: value must be a boolean")
        if organization_id != self.state.org["organizationId"]:
            raise Forbidden(f"not allowed to manage users of organization {organization_id}")
        if user["membership"] == "none":
            raise NotFound(f"user {user_id} is not a member of organization {organization_id}")
        if not active and user["userId"] == caller:
            raise FailedPrecondition("you cannot deactivate your own account")
        user["membership"] = "active" if active else "deactivated"
        return {}

    def list_roles(self, query: ListQuery) -> Json:
        """``ListRoles``: CEL on ``role_id``, ``name``, ``description``; ``orderBy`` name/description, default name."""
        filters = {
            "role_id": lambda r: r["roleId"],
            "name": lambda r: r["name"],
            "description": lambda r: r["description"],
        }
        orders = {"name": lambda r: r["name"], "description": lambda r: r["description"]}
        items, token = select(self.state.roles, query, filters=filters, orders=orders, default_order="name")
        return {"roles": [dict(r) for r in items], "nextPageToken": token}
