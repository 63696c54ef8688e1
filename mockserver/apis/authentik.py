"""authentik API v3 handlers (specs/authentik.yaml, authentik 2025.8): parse, one domain call, render."""

from __future__ import annotations

import re
from typing import Any

from mockserver.apis.base import BaseHandlers, ErrorResponse, empty, json_error, request
from mockserver.apis.leniency import Leniency
from mockserver.domain.authentik import (
    AuthentikState,
    ImpersonationDenied,
    accounts,
    list_groups,
    list_users,
    sync_object,
    user_paths,
)
from mockserver.domain.errors import DomainError, InvalidSyntax, Unauthenticated

Reply = tuple[Any, int]

#: Django REST framework ignores unknown query parameters (filter backends read only their own)
#: and unknown or read-only body fields (serializers read only their writable fields), and
#: reads an absent body as empty data (docs/vendor-facts.md A2).
LENIENCY = Leniency(server="authentik")

#: DRF's default field messages for what Connexion's JSON-schema validation reports
#: (``rest_framework/fields.py`` ``default_error_messages``).
TYPE_MESSAGES = {
    "string": "Not a valid string.",
    "boolean": "Must be a valid boolean.",
    "integer": "A valid integer is required.",
    "number": "A valid number is required.",
    "object": 'Expected a dictionary of items but got type "{kind}".',
    "array": 'Expected a list of items but got type "{kind}".',
}
FORMAT_MESSAGES = {
    "email": "Enter a valid email address.",
    "uuid": "Must be a valid UUID.",
    "date-time": "Datetime has wrong format. Use one of these formats instead: "
    "YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z].",
}
PY_KINDS = {"'": "str", "[": "list", "{": "dict", "T": "bool", "F": "bool", "N": "NoneType"}


def render_error(err: DomainError) -> ErrorResponse:
    """DRF shapes (docs/vendor-facts.md A2): 400 ``ValidationError`` (field → messages), a body that
    is not JSON ``{"detail": "JSON parse error - ..."}``, other errors ``GenericError {detail}``;
    authentication failures are 403, not 401."""
    if isinstance(err, Unauthenticated):
        missing = err.detail.startswith("No authorization token provided")
        detail = "Authentication credentials were not provided." if missing else "Token invalid/expired"
        return ErrorResponse(403, {"detail": detail})
    if err.status == 400 and err.fields:
        return json_error(err, dict(err.fields))
    if isinstance(err, InvalidSyntax):
        # DRF ``JSONParser``: ``ParseError("JSON parse error - %s" % exc)``.
        reason = err.detail.removeprefix("Request body is not valid JSON: ")
        return json_error(err, {"detail": f"JSON parse error - {reason}"})
    if err.status == 400 and "for path parameter" in err.detail:
        # DRF's get_object() turns a malformed pk into Http404.
        return ErrorResponse(404, {"detail": "Not found."})
    if err.status == 400:
        return json_error(err, drf_fields(err.detail))
    return json_error(err, {"detail": err.detail})


def _origin() -> str:
    """``scheme://host:port`` this request came in on (resolves relative provider URLs)."""
    url = request.url
    return f"{url.scheme}://{url.netloc}"


def drf_fields(detail: str) -> dict[str, Any]:
    """Connexion's validation message → DRF's ``{field: [message]}`` body (best effort).

    A query parameter's jsonschema error names no parameter: its first line becomes DRF's
    message for that kind of value, under ``non_field_errors``; the rest (the schema and the
    instance jsonschema appends) is never sent.
    """
    detail = detail.split("\n\n", 1)[0]
    if m := re.fullmatch(r"'(\w+)' is a required property", detail):
        return {m[1]: ["This field is required."]}
    if m := re.fullmatch(r"Wrong type, expected '(\w+)' for query parameter '(\w+)'", detail):
        return {m[2]: [TYPE_MESSAGES.get(m[1], "Invalid value.").format(kind="str")]}
    if detail == "Request body must not be empty":
        return {"non_field_errors": ["No data provided"]}
    m = re.fullmatch(r"(?s)(.*) - '([\w.]+)'", detail)
    if m is None:
        if re.fullmatch(r"(?s).* is not of type 'object'", detail):
            kind = PY_KINDS.get(detail[:1], "str")
            return {"non_field_errors": [f"Invalid data. Expected a dictionary, but got {kind}."]}
        return {"non_field_errors": [_field_message(detail)]}
    message, field = m[1], m[2].split(".")[0]
    return {field: [_field_message(message)]}


def _field_message(message: str) -> str:
    if m := re.fullmatch(r"(?s)(.*) is not one of \[.*\]", message):
        return f'"{m[1].strip(chr(39))}" is not a valid choice.'
    if message.startswith("None is not of type"):
        return "This field may not be null."
    if m := re.fullmatch(r"(?s)(.*) is not of type '(\w+)'", message):
        return TYPE_MESSAGES.get(m[2], "Invalid value.").format(kind=PY_KINDS.get(m[1][:1], "int"))
    if message.startswith(("'' is too short", "'' should be non-empty")):
        return "This field may not be blank."
    if m := re.fullmatch(r"(?s).* is not a '([\w-]+)'", message):
        return FORMAT_MESSAGES.get(m[1], "Invalid value.")
    if "is too long" in message:
        return "Ensure this field has no more than 150 characters."
    return message


class Handlers(BaseHandlers):
    """operationIds of specs/authentik.yaml."""

    @property
    def state(self) -> AuthentikState:
        return self.world.authentik

    def check_bearer(self, token: str, path_params: dict[str, Any], headers: dict[str, str]) -> dict[str, Any] | None:
        """``authentik/api/authentication.py``: a known API token, else 403 "Token invalid/expired".
        Inferred: the seeded token is not tied to ``akadmin``'s state (provenance), so a fuzzer
        deactivating or deleting users cannot lock itself out."""
        if self.world.quirk("authentik-auth-ignored") or self.world.credentials.bearer_ok(token):
            return {"sub": "akadmin"}
        return None

    # -- SCIM providers -------------------------------------------------------------------
    async def providers_scim_list(self, **query: Any) -> Reply:
        return self.state.list_providers(query), 200

    async def providers_scim_create(self, body: dict[str, Any]) -> Reply:
        return self.state.render_provider(self.state.save_provider(None, body)), 201

    async def providers_scim_retrieve(self, id: int) -> Reply:
        return self.state.render_provider(self.state.provider(id)), 200

    async def providers_scim_update(self, id: int, body: dict[str, Any]) -> Reply:
        self.state.provider(id)
        return self.state.render_provider(self.state.save_provider(id, body)), 200

    async def providers_scim_partial_update(self, id: int, body: dict[str, Any] | None = None) -> Reply:
        self.state.provider(id)
        return self.state.render_provider(self.state.save_provider(id, body or {})), 200

    async def providers_scim_destroy(self, id: int) -> Reply:
        self.state.delete_provider(id)
        return empty(204)

    async def providers_scim_sync_object_create(self, id: int, body: dict[str, Any]) -> Reply:
        model, object_id, override = body["sync_object_model"], body["sync_object_id"], body.get("override_dry_run")
        messages = await sync_object(self.state, id, model, object_id, bool(override), origin=_origin())
        return {"messages": messages}, 200

    async def providers_scim_sync_status_retrieve(self, id: int) -> Reply:
        return self.state.sync_status(id), 200

    async def providers_scim_used_by_list(self, id: int) -> Reply:
        return self.state.used_by(id), 200

    # -- connections ----------------------------------------------------------------------
    async def providers_scim_users_list(self, **query: Any) -> Reply:
        return self.state.list_links("user", query), 200

    async def providers_scim_users_create(self, body: dict[str, Any]) -> Reply:
        return self.state.render_link("user", self.state.create_link("user", body)), 201

    async def providers_scim_users_retrieve(self, id: str) -> Reply:
        return self.state.render_link("user", self.state.get_link("user", str(id))), 200

    async def providers_scim_users_used_by_list(self, id: str) -> Reply:
        return self.state.link_used_by("user", str(id)), 200

    async def providers_scim_users_destroy(self, id: str) -> Reply:
        self.state.unlink("user", self.state.get_link("user", str(id))["id"])
        return empty(204)

    async def providers_scim_groups_list(self, **query: Any) -> Reply:
        return self.state.list_links("group", query), 200

    async def providers_scim_groups_create(self, body: dict[str, Any]) -> Reply:
        return self.state.render_link("group", self.state.create_link("group", body)), 201

    async def providers_scim_groups_retrieve(self, id: str) -> Reply:
        return self.state.render_link("group", self.state.get_link("group", str(id))), 200

    async def providers_scim_groups_used_by_list(self, id: str) -> Reply:
        return self.state.link_used_by("group", str(id)), 200

    async def providers_scim_groups_destroy(self, id: str) -> Reply:
        self.state.unlink("group", self.state.get_link("group", str(id))["id"])
        return empty(204)

    # -- core users -----------------------------------------------------------------------
    async def core_users_list(self, **query: Any) -> Reply:
        return list_users(self.state.core, query), 200

    async def core_users_create(self, body: dict[str, Any]) -> Reply:
        return self.state.core.render_user(self.state.core.save_user(None, body)), 201

    async def core_users_retrieve(self, id: int) -> Reply:
        return self.state.core.render_user(self.state.core.user(id)), 200

    async def core_users_update(self, id: int, body: dict[str, Any]) -> Reply:
        self.state.core.user(id)
        return self.state.core.render_user(self.state.core.save_user(id, body)), 200

    async def core_users_partial_update(self, id: int, body: dict[str, Any] | None = None) -> Reply:
        self.state.core.user(id)
        return self.state.core.render_user(self.state.core.save_user(id, body or {})), 200

    async def core_users_destroy(self, id: int) -> Reply:
        self.state.delete_user(id)
        return empty(204)

    async def core_users_used_by_list(self, id: int) -> Reply:
        return self.state.user_used_by(id), 200

    async def core_users_me_retrieve(self, user: str) -> Reply:
        return accounts.me(self.state.core, user), 200

    async def core_users_paths_retrieve(self, search: str | None = None) -> Reply:
        return user_paths(self.state.core, {"search": search}), 200

    async def core_users_service_account_create(self, body: dict[str, Any]) -> Reply:
        return accounts.create_service_account(self.state.core, body), 200

    async def core_users_set_password_create(self, id: int, body: dict[str, Any]) -> Any:
        accounts.set_password(self.state.core, id, body["password"])
        return empty(204)

    async def core_users_impersonate_create(self, id: int, body: dict[str, Any], user: str) -> Any:
        """authentik answers 201 on success although its schema says 204; the mock follows the schema."""
        try:
            accounts.impersonate(self.state.core, id, user)
        except ImpersonationDenied:
            return empty(401)
        return empty(204)

    async def core_users_impersonate_end_retrieve(self) -> Any:
        return empty(204)

    async def core_users_recovery_create(self, id: int) -> Reply:
        return accounts.recovery_link(self.state.core, id, by_email=False), 200

    async def core_users_recovery_email_create(self, id: int, email_stage: str) -> Any:
        accounts.recovery_link(self.state.core, id, by_email=True)
        return empty(204)

    # -- core groups ----------------------------------------------------------------------
    async def core_groups_list(self, **query: Any) -> Reply:
        return list_groups(self.state.core, query), 200

    async def core_groups_create(self, body: dict[str, Any]) -> Reply:
        return self.state.core.render_group(self.state.core.save_group(None, body)), 201

    async def core_groups_retrieve(
        self, group_uuid: str, include_users: bool = True, include_children: bool = False
    ) -> Reply:
        return self.state.core.render_group(self.state.core.group(group_uuid), include_users, include_children), 200

    async def core_groups_update(self, group_uuid: str, body: dict[str, Any]) -> Reply:
        group = self.state.core.group(group_uuid)
        return self.state.core.render_group(self.state.core.save_group(group["pk"], body)), 200

    async def core_groups_partial_update(self, group_uuid: str, body: dict[str, Any] | None = None) -> Reply:
        group = self.state.core.group(group_uuid)
        return self.state.core.render_group(self.state.core.save_group(group["pk"], body or {})), 200

    async def core_groups_destroy(self, group_uuid: str) -> Reply:
        self.state.delete_group(group_uuid)
        return empty(204)

    async def core_groups_used_by_list(self, group_uuid: str) -> Reply:
        return self.state.group_used_by(group_uuid), 200

    async def core_groups_add_user_create(self, group_uuid: str, body: dict[str, Any]) -> Reply:
        self.state.core.set_membership(group_uuid, body["pk"], True)
        return empty(204)

    async def core_groups_remove_user_create(self, group_uuid: str, body: dict[str, Any]) -> Reply:
        self.state.core.set_membership(group_uuid, body["pk"], False)
        return empty(204)
