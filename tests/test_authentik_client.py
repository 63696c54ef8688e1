"""Issue 11, point 3: authentik's own generated client against the live mock.

``authentik-client`` 2025.8.6 is generated from the same ``schema.yml`` as authentik 2025.8.6. It
talks real HTTP to the mock (uvicorn on a free loopback port, response validation on) and checks
every answer with its pydantic models: a call passes when it returns the documented model (or
nothing, for 204) or raises the documented typed error. One test per authentik operation the mock
implements; ``test_every_implemented_operation_is_driven`` keeps the list complete.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import authentik_client as ak
import httpx
import pytest
from authentik_client.exceptions import BadRequestException, NotFoundException, UnauthorizedException

from mockserver.app import create_app
from mockserver.server import LiveServer

ROOT = Path(__file__).resolve().parent.parent
USER = "authentik.core.models.User"
GROUP = "authentik.core.models.Group"


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    with LiveServer(create_app(validate_responses=True)) as live:
        yield live


@dataclass
class World:
    """The generated client's two APIs and a small authentik: a user in a group, a provider that
    pushed both to this server's own SCIM tenant (so both connections exist)."""

    core: ak.CoreApi
    providers: ak.ProvidersApi
    user: ak.User
    group: ak.Group
    provider: ak.SCIMProvider
    user_link: ak.SCIMProviderUser
    group_link: ak.SCIMProviderGroup


@pytest.fixture
def world(server: LiveServer) -> Iterator[World]:
    httpx.post(f"{server.url}/__admin/reset", headers={"Authorization": "Bearer idsync-token"}).raise_for_status()
    config = ak.Configuration(host=f"{server.url}/authentik/api/v3", access_token="idsync-token")
    with ak.ApiClient(config) as client:
        core, providers = ak.CoreApi(client), ak.ProvidersApi(client)
        user = core.core_users_create(ak.UserRequest(username="jdoe", name="Jane Doe", email="jane@example.com"))
        group = core.core_groups_create(ak.GroupRequest(name="engineering", users=[user.pk]))
        provider = providers.providers_scim_create(
            ak.SCIMProviderRequest(name="to-default", url="/scim/default/v2", token="idsync-token")
        )
        for model, pk in ((USER, str(user.pk)), (GROUP, str(group.pk))):
            request = ak.SyncObjectRequest(sync_object_model=model, sync_object_id=pk)
            providers.providers_scim_sync_object_create(provider.pk, request)
        user_link = providers.providers_scim_users_list(provider__id=provider.pk).results[0]
        group_link = providers.providers_scim_groups_list(provider__id=provider.pk).results[0]
        yield World(core, providers, user, group, provider, user_link, group_link)


def _provider_request(**changes: Any) -> ak.SCIMProviderRequest:
    return ak.SCIMProviderRequest(**{"name": "other", "url": "/scim/default/v2", "token": "t", **changes})


def _page(result: Any, model: type) -> bool:
    return isinstance(result.pagination, ak.Pagination) and all(isinstance(r, model) for r in result.results)


#: operationId → (call, check of its result and the world). A check is true when the answer is
#: the one the vendor documents; typed errors are raised inside the call and caught by ``expect``.
Call = Callable[[World], Any]
CALLS: dict[str, tuple[Call, Callable[[Any, World], bool]]] = {
    # SCIM providers
    "providers_scim_list": (
        lambda w: w.providers.providers_scim_list(search="default"),
        lambda r, w: _page(r, ak.SCIMProvider),
    ),
    "providers_scim_create": (
        lambda w: w.providers.providers_scim_create(_provider_request(dry_run=True)),
        lambda r, w: r.dry_run is True,
    ),
    "providers_scim_retrieve": (
        lambda w: w.providers.providers_scim_retrieve(w.provider.pk),
        lambda r, w: r.name == "to-default",
    ),
    "providers_scim_update": (
        lambda w: w.providers.providers_scim_update(w.provider.pk, _provider_request(filter_group=w.group.pk)),
        lambda r, w: r.filter_group == w.group.pk,
    ),
    "providers_scim_partial_update": (
        lambda w: w.providers.providers_scim_partial_update(
            w.provider.pk, ak.PatchedSCIMProviderRequest(compatibility_mode="slack")
        ),
        lambda r, w: r.compatibility_mode == "slack",
    ),
    "providers_scim_destroy": (lambda w: w.providers.providers_scim_destroy(w.provider.pk), lambda r, w: r is None),
    "providers_scim_sync_object_create": (
        lambda w: w.providers.providers_scim_sync_object_create(
            w.provider.pk, ak.SyncObjectRequest(sync_object_model=USER, sync_object_id=str(w.user.pk))
        ),
        lambda r, w: [m.event for m in r.messages] == ["Syncing page 1 or Users"],
    ),
    "providers_scim_sync_status_retrieve": (
        lambda w: w.providers.providers_scim_sync_status_retrieve(w.provider.pk),
        lambda r, w: r.is_running is False and r.last_sync_status == "info",
    ),
    "providers_scim_used_by_list": (
        lambda w: w.providers.providers_scim_used_by_list(w.provider.pk),
        lambda r, w: {u.model_name for u in r} == {"scimprovideruser", "scimprovidergroup"},
    ),
    # provider ↔ object connections
    "providers_scim_users_list": (
        lambda w: w.providers.providers_scim_users_list(user__username="jdoe"),
        lambda r, w: _page(r, ak.SCIMProviderUser) and len(r.results) == 1,
    ),
    "providers_scim_users_create": (
        lambda w: w.providers.providers_scim_users_create(
            ak.SCIMProviderUserRequest(scim_id="remote-1", user=1, provider=w.provider.pk)
        ),
        lambda r, w: r.user_obj.username == "akadmin",
    ),
    "providers_scim_users_retrieve": (
        lambda w: w.providers.providers_scim_users_retrieve(w.user_link.id),
        lambda r, w: r.user == w.user.pk,
    ),
    "providers_scim_users_destroy": (
        lambda w: w.providers.providers_scim_users_destroy(w.user_link.id),
        lambda r, w: r is None,
    ),
    "providers_scim_users_used_by_list": (
        lambda w: w.providers.providers_scim_users_used_by_list(w.user_link.id),
        lambda r, w: r == [],
    ),
    "providers_scim_groups_list": (
        lambda w: w.providers.providers_scim_groups_list(group__name="engineering"),
        lambda r, w: _page(r, ak.SCIMProviderGroup) and len(r.results) == 1,
    ),
    "providers_scim_groups_create": (
        lambda w: w.providers.providers_scim_groups_create(
            ak.SCIMProviderGroupRequest(scim_id="remote-g", group=w.group.pk, provider=w.provider.pk)
        ),
        lambda r, w: r.group_obj.name == "engineering",
    ),
    "providers_scim_groups_retrieve": (
        lambda w: w.providers.providers_scim_groups_retrieve(w.group_link.id),
        lambda r, w: r.group_obj.name == "engineering",
    ),
    "providers_scim_groups_destroy": (
        lambda w: w.providers.providers_scim_groups_destroy(w.group_link.id),
        lambda r, w: r is None,
    ),
    "providers_scim_groups_used_by_list": (
        lambda w: w.providers.providers_scim_groups_used_by_list(w.group_link.id),
        lambda r, w: r == [],
    ),
    # core users
    "core_users_list": (
        lambda w: w.core.core_users_list(path_startswith="us", groups_by_name=["engineering"], type=["internal"]),
        lambda r, w: _page(r, ak.User) and [u.username for u in r.results] == ["jdoe"],
    ),
    "core_users_create": (
        lambda w: w.core.core_users_create(ak.UserRequest(username="ada", name="Ada", path="people/eng")),
        lambda r, w: r.path == "people/eng" and r.type == "internal",
    ),
    "core_users_retrieve": (
        lambda w: w.core.core_users_retrieve(w.user.pk),
        lambda r, w: r.groups_obj[0].name == "engineering",
    ),
    "core_users_update": (
        lambda w: w.core.core_users_update(w.user.pk, ak.UserRequest(username="jdoe", name="Jane D.", is_active=False)),
        lambda r, w: r.is_active is False,
    ),
    "core_users_partial_update": (
        lambda w: w.core.core_users_partial_update(w.user.pk, ak.PatchedUserRequest(attributes={"team": "eng"})),
        lambda r, w: r.attributes == {"team": "eng"},
    ),
    "core_users_destroy": (lambda w: w.core.core_users_destroy(w.user.pk), lambda r, w: r is None),
    "core_users_used_by_list": (
        lambda w: w.core.core_users_used_by_list(w.user.pk),
        lambda r, w: [u.model_name for u in r] == ["scimprovideruser"],
    ),
    "core_users_me_retrieve": (
        lambda w: w.core.core_users_me_retrieve(),
        lambda r, w: r.user.username == "akadmin" and r.user.is_superuser,
    ),
    "core_users_paths_retrieve": (
        lambda w: w.core.core_users_paths_retrieve(search="outpost"),
        lambda r, w: r.paths == ["goauthentik.io/outposts"],
    ),
    "core_users_service_account_create": (
        lambda w: w.core.core_users_service_account_create(
            ak.UserServiceAccountRequest(name="ci-bot", create_group=True)
        ),
        lambda r, w: r.username == "ci-bot" and r.group_pk and r.token,
    ),
    "core_users_set_password_create": (
        lambda w: w.core.core_users_set_password_create(w.user.pk, ak.UserPasswordSetRequest(password="s3cret!")),
        lambda r, w: r is None,
    ),
    "core_users_impersonate_create": (
        lambda w: w.core.core_users_impersonate_create(w.user.pk, ak.ImpersonationRequest(reason="ticket 42")),
        lambda r, w: r is None,
    ),
    "core_users_impersonate_end_retrieve": (
        lambda w: w.core.core_users_impersonate_end_retrieve(),
        lambda r, w: r is None,
    ),
    "core_users_recovery_create": (
        lambda w: expect(BadRequestException, w.core.core_users_recovery_create, w.user.pk),
        lambda r, w: r.non_field_errors == ["Recovery flow is not set for this brand."],
    ),
    "core_users_recovery_email_create": (
        lambda w: expect(BadRequestException, w.core.core_users_recovery_email_create, "stage", w.user.pk),
        lambda r, w: r.non_field_errors == ["Recovery flow is not set for this brand."],
    ),
    # core groups
    "core_groups_list": (
        lambda w: w.core.core_groups_list(members_by_username=["jdoe"], include_children=True),
        lambda r, w: _page(r, ak.Group) and [g.name for g in r.results] == ["engineering"],
    ),
    "core_groups_create": (
        lambda w: w.core.core_groups_create(ak.GroupRequest(name="platform", children=[w.group.pk])),
        lambda r, w: r.children == [w.group.pk],
    ),
    "core_groups_retrieve": (
        lambda w: w.core.core_groups_retrieve(w.group.pk, include_children=True),
        lambda r, w: r.users_obj[0].username == "jdoe" and r.children_obj == [],
    ),
    "core_groups_update": (
        lambda w: w.core.core_groups_update(w.group.pk, ak.GroupRequest(name="eng", users=[])),
        lambda r, w: r.name == "eng" and r.users == [],
    ),
    "core_groups_partial_update": (
        lambda w: w.core.core_groups_partial_update(w.group.pk, ak.PatchedGroupRequest(is_superuser=True)),
        lambda r, w: r.is_superuser is True,
    ),
    "core_groups_destroy": (lambda w: w.core.core_groups_destroy(w.group.pk), lambda r, w: r is None),
    "core_groups_add_user_create": (
        lambda w: w.core.core_groups_add_user_create(w.group.pk, ak.UserAccountRequest(pk=1)),
        lambda r, w: r is None,
    ),
    "core_groups_remove_user_create": (
        lambda w: w.core.core_groups_remove_user_create(w.group.pk, ak.UserAccountRequest(pk=w.user.pk)),
        lambda r, w: r is None,
    ),
    "core_groups_used_by_list": (
        lambda w: w.core.core_groups_used_by_list(w.group.pk),
        lambda r, w: [u.model_name for u in r] == ["scimprovidergroup"],
    ),
}


def expect(error: type[Exception], call: Callable[..., Any], *args: Any) -> Any:
    """The typed error ``call`` must raise, as the vendor documents it; its deserialised body."""
    with pytest.raises(error) as raised:
        call(*args)
    return getattr(raised.value, "data", None)


@pytest.mark.parametrize("operation_id", sorted(CALLS))
def test_generated_client_call(world: World, operation_id: str) -> None:
    call, check = CALLS[operation_id]
    result = call(world)
    assert check(result, world), f"{operation_id} answered {result!r}"


def test_typed_errors_the_vendor_documents(world: World) -> None:
    """404 for unknown ids, 401 for impersonating oneself, 400 ValidationError models for bad input."""
    expect(NotFoundException, world.core.core_users_retrieve, 999)
    expect(NotFoundException, world.providers.providers_scim_retrieve, 999)
    expect(UnauthorizedException, world.core.core_users_impersonate_create, 1, ak.ImpersonationRequest(reason="x"))
    error = expect(BadRequestException, world.core.core_users_create, ak.UserRequest(username="jdoe", name="again"))
    assert isinstance(error, ak.ValidationError)
    assert error.additional_properties == {"username": ["A user with that username already exists."]}


def test_changes_the_client_makes_are_kept(world: World) -> None:
    """``children`` written on a group (writable in 2025.8) and the ``path_startswith`` filter."""
    parent = world.core.core_groups_create(ak.GroupRequest(name="parent", children=[world.group.pk]))
    child = world.core.core_groups_retrieve(world.group.pk)
    assert child.parent == parent.pk and child.parent_name == "parent"
    listed = world.core.core_groups_retrieve(parent.pk, include_children=True).children_obj
    assert [(c.name, c.group_uuid) for c in listed or []] == [("engineering", world.group.pk)]
    world.core.core_users_create(ak.UserRequest(username="svc", name="svc", path="services/ci"))
    found = world.core.core_users_list(path_startswith="services/").results
    assert [u.username for u in found] == ["svc"]


def test_every_implemented_operation_is_driven() -> None:
    """Every authentik operation in our spec has a call above."""
    command = [sys.executable, "-m", "tools.vendorfacts", "spec", "specs/authentik.yaml", "--scope", "/"]
    facts = json.loads(subprocess.run(command, cwd=ROOT, capture_output=True, check=True, timeout=120).stdout)
    implemented = {op["operationId"] for op in facts["operations"]}
    assert implemented == set(CALLS)
