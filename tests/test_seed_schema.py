"""Issue 14, point 2: the seed format is published, documented with a complete example, and checked
the same way by ``idsync serve --seed`` and ``POST /__admin/seed``.

The example and the sample refusal are read from ``docs/seed.md`` itself, so the document cannot
drift from what the server does.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pytest
import yaml

from mockserver.app import create_app
from mockserver.domain import statefile
from tests.test_serve_cli import ROOT, start, stop

DOC = ROOT / "docs" / "seed.md"
AUTH = {"Authorization": "Bearer idsync-token"}
USER = "urn:ietf:params:scim:schemas:core:2.0:User"


def blocks(heading: str) -> list[str]:
    """The fenced blocks of ``docs/seed.md`` under ``## heading``, in order."""
    text = DOC.read_text(encoding="utf-8")
    section = text.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```[a-z]*\n(.*?)```", section, re.DOTALL)


def example() -> dict[str, Any]:
    seed: dict[str, Any] = yaml.safe_load(blocks("A complete example")[0])
    return seed


def test_the_documented_example_fits_the_published_schema() -> None:
    """Checked with the reference ``jsonschema`` library, not the server's own validator."""
    jsonschema.Draft202012Validator(statefile.schema()).validate(example())


def test_the_example_covers_every_vendor_and_kind_of_record() -> None:
    seed = example()
    assert set(seed) >= {"credentials", "outbound", "scim", "sift", "authentik", "vcf", "resolution", "stackspot"}
    tenants = seed["scim"]["tenants"]
    assert "default" in tenants and any(
        t.get("users") and t.get("groups") and t.get("options") for t in tenants.values()
    )
    assert all(seed["sift"][k] for k in ("users", "groups", "externalSync"))
    assert all(seed["authentik"][k] for k in ("users", "groups", "providers"))
    assert seed["vcf"]["identity_providers"] and seed["resolution"]["connectors"]
    assert all(seed["stackspot"]["tenants"]["acme"][k] for k in ("Users", "Groups", "Roles"))


def test_the_example_loads_through_the_admin_api_and_every_record_is_served() -> None:
    with create_app().test_client(headers=AUTH) as client:
        assert client.post("/__admin/seed", json=example()).json() == {"status": "seeded"}
        acme = {"Authorization": "Bearer acme-expiring"}
        users = client.get("/scim/acme/v2/Users", headers=acme).json()["Resources"]
        assert sorted(u["userName"] for u in users) == ["ada@acme.example", "grace@acme.example"]
        group = client.get("/scim/acme/v2/Groups", headers=acme).json()["Resources"][0]
        assert group["displayName"] == "Engineering" and len(group["members"]) == 1
        sift_users = client.get("/sift/api/v2/users:all", headers={"Authorization": "Bearer ci-token"}).json()
        assert "dan@acme.example" in json.dumps(sift_users)
        assert "Analysts" in client.get("/sift/api/v2/user-groups").text
        assert "/scim/sift-acme/v2" in client.get("/sift/api/v1/external-sync").text
        assert [p["name"] for p in client.get("/authentik/api/v3/providers/scim/").json()["results"]] == ["to-acme"]
        login = client.post("/vcf/v1/tokens", json={"username": "admin", "password": "admin"}).json()
        idps = client.get("/vcf/v1/identity-providers", headers={"Authorization": f"Bearer {login['accessToken']}"})
        assert "rainpole-okta" in idps.text
        directory = client.get("/resolution/rest/samlsso-admin/1.0/directory/10100", auth=("admin", "admin"))
        assert directory.status_code == 200
        assert "erin@acme.example" in client.get("/stackspot/acme/scim/Users").text


def test_the_example_loads_with_serve_seed_and_keeps_the_default_tenant(tmp_path: Path) -> None:
    path = tmp_path / "example.yaml"
    path.write_text(blocks("A complete example")[0], encoding="utf-8")
    proc, url, banner = start("--seed", str(path))
    try:
        found = httpx.get(url + "/scim/acme/v2/Users", headers={"Authorization": "Bearer acme-token"}).json()
        assert found["totalResults"] == 2
    finally:
        stop(proc)
    assert "/scim/acme/v2" in banner and "dropped" not in banner


def test_a_seed_without_the_default_tenant_says_so_in_the_banner(tmp_path: Path) -> None:
    path = tmp_path / "seed.yaml"
    path.write_text("scim: {tenants: {acme: {tokens: [t]}}}\n", encoding="utf-8")
    proc, url, banner = start("--seed", str(path))
    try:
        assert httpx.get(url + "/scim/default/v2/Users", headers=AUTH).status_code == 401
    finally:
        stop(proc)
    assert "SCIM tenant  'default' dropped by this seed" in banner


def test_the_documented_refusal_is_what_serve_prints(tmp_path: Path) -> None:
    bad, shown = blocks("The JSON Schema")[1:3]
    (tmp_path / "bad.yaml").write_text(bad, encoding="utf-8")
    command, line = shown.strip().splitlines()
    done = subprocess.run(
        [sys.executable, "-m", "mockserver", "--port", "0", "--seed", "bad.yaml"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert command == "$ idsync serve --seed bad.yaml"
    assert (done.returncode, done.stderr) == (2, line + "\n")


#: (seed, the path the refusal must name)
BAD_SEEDS = [
    pytest.param({"bogus": 1}, "$.bogus: unknown key", id="unknown-top-key"),
    pytest.param({"scim": {"tenants": {"acme": {"tokenz": []}}}}, "$.scim.tenants.acme.tokenz: unknown key", id="typo"),
    pytest.param({"scim": {"tenants": {"acme": {"tokens": "notalist"}}}}, "$.scim.tenants.acme.tokens: ", id="tokens"),
    pytest.param(
        {"scim": {"tenants": {"a": {"options": {"members": "loose"}}}}}, "$.scim.tenants.a.options: ", id="options"
    ),
    pytest.param(
        {"scim": {"tenants": {"a": {"users": [{"schemas": [USER]}]}}}}, "$.scim.tenants.a.users[0]: ", id="no-userName"
    ),
    pytest.param({"sift": {"users": [{"userId": "u", "userName": 5}]}}, "$.sift.users[0].userName: ", id="sift-user"),
    pytest.param({"credentials": {"bearer": 7}}, "$.credentials.bearer: ", id="bearer"),
    pytest.param({"resolution": {"connectors": [{"id": "c"}]}}, "$.resolution.connectors[0]: ", id="connector"),
    pytest.param({"scim": {"tenants": {"\ud800": {}}}}, "$.scim.tenants: a string that is not", id="lone-surrogate"),
]


@pytest.mark.parametrize(("seed", "where"), BAD_SEEDS)
def test_each_bad_seed_names_the_same_path_both_ways(seed: dict[str, Any], where: str, tmp_path: Path) -> None:
    path = tmp_path / "seed.json"
    path.write_text(json.dumps(seed), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "mockserver", "--port", "0", "--seed", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2 and len(done.stderr.splitlines()) == 1, done.stderr
    prefix, suffix = f"idsync serve: seed {path} is refused: ", "; the format is in docs/seed.md\n"
    assert done.stderr.startswith(prefix) and done.stderr.endswith(suffix), done.stderr
    from_cli = done.stderr[len(prefix) : -len(suffix)]
    with create_app().test_client(headers=AUTH) as client:
        before = client.get("/__admin/state").json()
        answer = client.post("/__admin/seed", content=json.dumps(seed), headers={"Content-Type": "application/json"})
        assert answer.status_code == 400
        assert client.get("/__admin/state").json() == before
    assert from_cli.startswith(where) and paths(from_cli), from_cli
    # The same paths; the values may differ: the HTTP answer masks what could be a token.
    assert paths(answer.json()["detail"]) == paths(from_cli), (answer.json()["detail"], from_cli)


def paths(detail: str) -> list[str]:
    """The JSONPaths a refusal names, in order."""
    return re.findall(r"(?:^|; )(\$[^ ]*): ", detail)
