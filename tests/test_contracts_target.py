"""contracts.target: discovery of an idsync mock vs a real vendor, auth, and request evidence."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from vendor_like import NoIndex

from contracts.target import ENV, Credentials, Target
from mockserver.app import create_app
from mockserver.server import LiveServer


@pytest.fixture(scope="module")
def vendor_url() -> Iterator[str]:
    with LiveServer(NoIndex(create_app())) as server:
        yield server.url


def test_discover_finds_the_admin_api_and_base_urls_of_an_idsync_mock(idsync_server: str) -> None:
    target = Target.discover(idsync_server, Credentials.embedded())
    try:
        assert target.admin is not None
        assert target.base_url("sift") == idsync_server + "/sift"
        assert target.base_url("admin") == idsync_server
        assert target.client("admin").get("/__admin/clock").status_code == 200
    finally:
        target.close()


def test_a_real_vendor_has_no_admin_api_and_its_url_is_the_api_base(vendor_url: str) -> None:
    target = Target.discover(vendor_url + "/sift", Credentials(bearer="t"), ["sift"])
    assert target.admin is None
    assert target.base_url("sift") == vendor_url + "/sift"


def test_client_records_request_and_response_with_masked_credentials(idsync_server: str) -> None:
    """The user's token never shows: the request masks it, the curl line names its environment variable."""
    target = Target.discover(idsync_server, Credentials(bearer="idsync-token"))
    try:
        target.client("admin").post("/__admin/clock", json={"advance": "soon"})
        last = target.last_exchange()
        assert last is not None and last.status == 400
        assert last.request_headers["authorization"] == "Bearer ***"
        assert '"advance"' in last.request_body and "detail" in last.response_body
        curl = last.curl()
        assert curl.startswith("curl -sS -X POST") and "idsync-token" not in curl and "/__admin/clock" in curl
        assert '-H "Authorization: Bearer $IDSYNC_BEARER_TOKEN"' in curl
        assert "Response: 400" in last.format()
    finally:
        target.close()


def test_the_default_seeds_public_credentials_are_used_and_shown_when_none_is_given(idsync_server: str) -> None:
    """README "Credentials of the default seed": an idsync mock needs no credential option."""
    target = Target.discover(idsync_server, Credentials())
    try:
        assert target.credentials.public and target.credentials.bearer == "idsync-token"
        target.client("admin").get("/__admin/clock")
        last = target.last_exchange()
        assert last is not None and last.status == 200
        assert "-H 'Authorization: Bearer idsync-token'" in last.curl()
    finally:
        target.close()


def test_auth_headers_per_api() -> None:
    creds = Credentials(bearer="b", basic_user="u", basic_password="p", authentik_token="ak")
    target = Target("http://127.0.0.1:9", creds)
    assert target.auth_headers("resolution")["Authorization"].startswith("Basic ")
    assert target.auth_headers("authentik") == {"Authorization": "Bearer ak"}
    assert target.auth_headers("sift") == {"Authorization": "Bearer b"}


def test_credentials_come_from_the_environment_and_never_print(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV["bearer"], "env-secret-token")
    monkeypatch.setenv(ENV["vcf_password"], "vcf-secret")
    creds = Credentials.from_env(basic_user="me")
    assert (creds.bearer, creds.basic_user, creds.vcf_password) == ("env-secret-token", "me", "vcf-secret")
    assert "env-secret-token" not in repr(creds) and "vcf-secret" not in repr(creds)
    assert set(creds.secrets()) == {"env-secret-token", "vcf-secret"}


def test_vcf_credentials_are_traded_for_an_access_token() -> None:
    """VCF API "Tokens": POST /v1/tokens {username, password} → {accessToken, refreshToken}."""
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    async def tokens(request: Request) -> JSONResponse:
        body = await request.json()
        if body != {"username": "u", "password": "p"}:
            return JSONResponse({"errorCode": "AUTH"}, status_code=401)
        return JSONResponse({"accessToken": "vcf-access", "refreshToken": {"id": "r1"}}, status_code=201)

    vendor = Starlette(routes=[Route("/v1/tokens", tokens, methods=["POST"])])
    with LiveServer(vendor) as server:
        good = Target(
            server.url, Credentials(bearer="fallback", vcf_username="u", vcf_password="p"), {"vcf": server.url}
        )
        bad = Target(
            server.url, Credentials(bearer="fallback", vcf_username="u", vcf_password="x"), {"vcf": server.url}
        )
        assert good.auth_headers("vcf") == {"Authorization": "Bearer vcf-access"}
        assert bad.auth_headers("vcf") == {"Authorization": "Bearer fallback"}
