"""An independent SCIM client (python-scim's scim2-client, httpx2 engine) against every SCIM tenant.

The live mock (uvicorn on a free port, real HTTP) serves the default tenant, Sift's organisation
tenant (``sift-<org>``, token from ``GenerateToken``), a VCF federated IdP's tenant (``vcf-<id>``,
token from ``sync-client``) and resolution's upstream directory. On each, scim2-client runs
discovery, CRUD with a conditional read, filters, sorting and paging, ``.search``, PATCH
(including ``add`` on the enterprise extension URN with ``schemas`` in the value, as the client
sends it) and Bulk. Besides the client's own checks, every response it received is validated
again here in scim2-models, under the context of the request that produced it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import httpx2
import pytest
from scim2_client.engines.httpx2 import SyncSCIMClient
from scim2_models import (
    BulkOperation,
    BulkRequest,
    BulkResponse,
    Context,
    EnterpriseUser,
    Error,
    ListResponse,
    PatchOp,
    PatchOperation,
    ResourceType,
    Schema,
    SearchRequest,
    ServiceProviderConfig,
    get_model_by_payload,
)

AUTH = {"Authorization": "Bearer idsync-token"}
VCF_IDP = {
    "name": "Okta",
    "type": "Okta",
    "fedIdpSpec": {
        "name": "Okta",
        "directory": {"name": "rainpole-okta", "domains": ["rainpole.io"], "defaultDomain": "rainpole.io"},
        "oidcSpec": {
            "clientId": "0oa8",
            "clientSecret": "s3cr3t",
            "discoveryEndpoint": "https://rainpole.okta.com/.well-known/openid-configuration",
        },
    },
}


@dataclass
class Tenant:
    """A SCIM tenant as a client finds it: base URL and bearer token."""

    base_url: str
    token: str


def default_tenant(url: str) -> Tenant:
    return Tenant(f"{url}/scim/default/v2", "idsync-token")


def resolution_upstream(url: str) -> Tenant:
    return Tenant(f"{url}/scim/resolution-upstream/v2", "idsync-token")


def sift_tenant(url: str) -> Tenant:
    """Sift's GenerateToken: the organisation's SCIM server URL and a token for the IdP."""
    r = httpx.post(f"{url}/sift/api/v1/external-sync:generate-token", json={}, headers=AUTH)
    r.raise_for_status()
    return Tenant(r.json()["externalSync"]["scimServerUrl"], r.json()["token"])


def vcf_tenant(url: str) -> Tenant:
    """VCF: log in, add a federated IdP, mint its sync-client token (README "Five-minute tour")."""
    login = httpx.post(f"{url}/vcf/v1/tokens", json={"username": "admin", "password": "admin"})
    bearer = {"Authorization": f"Bearer {login.json()['accessToken']}"}
    added = httpx.post(f"{url}/vcf/v1/identity-providers", json=VCF_IDP, headers=bearer)
    assert added.status_code == 201, added.text
    idp = added.headers["location"].rstrip("/").rsplit("/", 1)[1]
    client = httpx.post(f"{url}/vcf/v1/identity-providers/{idp}/sync-client", headers=bearer)
    client.raise_for_status()
    return Tenant(client.json()["scimUrl"], client.json()["token"])


TENANTS: dict[str, Callable[[str], Tenant]] = {
    "default": default_tenant,
    "sift": sift_tenant,
    "vcf": vcf_tenant,
    "resolution-upstream": resolution_upstream,
}


@dataclass
class Recorder:
    """Every response the client received, for a second validation in scim2-models."""

    responses: list[httpx2.Response] = field(default_factory=list)

    def __call__(self, response: httpx2.Response) -> None:
        response.read()
        self.responses.append(response)


@pytest.fixture(params=sorted(TENANTS))
def scim(request: pytest.FixtureRequest, idsync_url: str) -> Iterator[tuple[SyncSCIMClient, Recorder]]:
    tenant = TENANTS[request.param](idsync_url)
    recorder = Recorder()
    http = httpx2.Client(
        base_url=tenant.base_url,
        headers={"Authorization": f"Bearer {tenant.token}"},
        event_hooks={"response": [recorder]},
    )
    client = SyncSCIMClient(http)
    client.discover()
    yield client, recorder
    http.close()


def test_scim2_client_works_every_tenant(scim: tuple[SyncSCIMClient, Recorder]) -> None:
    client, recorder = scim
    user_model, group_model = client.get_resource_model("User"), client.get_resource_model("Group")
    assert user_model is not None and group_model is not None
    config = client.provider.config
    assert config is not None and config.bulk is not None and config.bulk.supported and config.patch.supported

    # CRUD, with a conditional read answered 304 (the client hands back the object it had)
    ann = client.create(user_model(user_name="zz-ann", display_name="Ann", emails=[{"value": "ann@example.com"}]))
    assert ann.id and ann.meta.version
    read = client.query(user_model, ann.id)
    assert read.user_name == "zz-ann" and client.query(read) is read
    read.display_name = "Ann A."
    replaced = client.replace(read)
    assert replaced.display_name == "Ann A." and replaced.meta.version != ann.meta.version

    # PATCH: replace, then add on the enterprise extension URN with schemas in the value
    patch = PatchOp[user_model](operations=[PatchOperation[user_model](op="replace", path="title", value="Guide")])
    assert client.modify(user_model, ann.id, patch).title == "Guide"
    extension = EnterpriseUser(department="Tours")
    patch = PatchOp[user_model](
        operations=[PatchOperation[user_model](op="add", path=EnterpriseUser.__schema__, value=extension)]
    )
    assert client.modify(user_model, ann.id, patch)[EnterpriseUser].department == "Tours"

    # Bulk: a user and a group holding it by bulkId (RFC 7644 §3.7.2), and a forward reference
    bulk = BulkRequest[user_model | group_model](
        operations=[
            BulkOperation[group_model](
                method="POST",
                path="/Groups",
                bulk_id="guides",
                data=group_model(display_name="zz-Guides", members=[{"value": "bulkId:bob"}, {"value": ann.id}]),
            ),
            BulkOperation[user_model](method="POST", path="/Users", bulk_id="bob", data=user_model(user_name="zz-bob")),
        ]
    )
    answer = client.bulk(bulk)
    assert isinstance(answer, BulkResponse) and [op.status for op in answer.operations] == [201, 201]
    group_id = answer.operations[0].location.rsplit("/", 1)[1]

    # filters, sorting, paging, .search
    by_name = client.query(user_model, query_parameters=SearchRequest(filter='userName eq "zz-bob"'))
    assert by_name.total_results == 1 and by_name.resources[0].user_name == "zz-bob"
    sorted_page = client.query(
        user_model,
        query_parameters=SearchRequest(
            filter='(title pr and userName sw "zz-") or userName eq "zz-bob"', sort_by="userName", count=1
        ),
    )
    assert sorted_page.total_results == 2 and [u.user_name for u in sorted_page.resources] == ["zz-ann"]
    found = client.search(SearchRequest(filter='displayName eq "zz-Guides"'))
    assert found.total_results == 1

    # group membership by PATCH, then deletes
    remove = PatchOp[group_model](
        operations=[PatchOperation[group_model](op="remove", path=f'members[value eq "{ann.id}"]')]
    )
    group = client.modify(group_model, group_id, remove)
    assert [m.display for m in group.members] == ["zz-bob"]
    client.delete(user_model, ann.id)
    missing = client.query(user_model, ann.id, raise_scim_errors=False)
    assert isinstance(missing, Error) and missing.status == 404

    assert len(recorder.responses) > 15
    for response in recorder.responses:
        validate_in_scim2_models(response, user_model, group_model)


def validate_in_scim2_models(response: httpx2.Response, user_model: Any, group_model: Any) -> None:
    """The response body as scim2-models reads it, under the request's context (RFC 7644 §3)."""
    if response.status_code in (204, 304):
        assert response.content == b"" and "content-type" not in response.headers
        return
    assert response.headers["content-type"].startswith("application/scim+json")
    payload = response.json()
    schemas = payload["schemas"]
    resources = [user_model, group_model, ResourceType, Schema, ServiceProviderConfig]
    context = _context(response.request)
    if schemas == [Error.__schema__]:
        Error.model_validate(payload)
    elif schemas == [ListResponse.__schema__]:
        ListResponse[user_model | group_model | ResourceType | Schema].model_validate(payload, scim_ctx=context)
    elif schemas == [BulkResponse.__schema__]:
        BulkResponse[user_model | group_model].model_validate(payload, scim_ctx=Context.BULK_RESPONSE)
    else:
        model = get_model_by_payload(resources, payload)
        assert model is not None, payload
        model.model_validate(payload, scim_ctx=context)


def _context(request: httpx2.Request) -> Context:
    path = request.url.path
    if request.method == "GET":
        return Context.RESOURCE_QUERY_RESPONSE
    if request.method == "POST":
        return Context.SEARCH_RESPONSE if path.endswith(".search") else Context.RESOURCE_CREATION_RESPONSE
    return Context.RESOURCE_REPLACEMENT_RESPONSE if request.method == "PUT" else Context.RESOURCE_PATCH_RESPONSE
