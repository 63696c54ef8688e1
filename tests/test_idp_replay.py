"""The IdP replays of ``idsync verify --api scim --idp entra|okta|authentik`` (issue 15, points 1, 2, 4).

Every run starts a real server: the embedded mock (``verify`` without a base URL, a tenant in the
IdP's compat mode), or ``LiveServer`` reached as a plain SCIM base URL on its strict ``default``
tenant (no admin API: what a user's own server looks like to the replay). The strict runs are
the proof that the replay can fail: Entra ID's documented requests are not all RFC 7644.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from contracts.idp import idp_of, wanted
from contracts.idp.lifecycle import IDPS, PLACEHOLDER, data_text, lifecycle
from contracts.idp.paths import MISSING, matches, resolve
from contracts.idp.replay import source
from contracts.report import Result
from contracts.target import Credentials
from contracts.verify import VerifyOptions, VerifyRun, contract_names, verify
from mockserver.app import create_app
from mockserver.domain.planted import PlantedFault
from mockserver.domain.scim import IDP_FAULTS
from mockserver.server import LiveServer

ROOT = Path(__file__).resolve().parents[1]
#: The step names fixed by the seam with p15-compat (its planted faults name them).
SEAM = {
    "idp_entra_lookup_before_create",
    "idp_entra_patch_capitalised_ops",
    "idp_entra_group_member_batches",
    "idp_okta_lookup_before_create",
    "idp_okta_put_update",
    "idp_okta_deactivate_with_active_false",
    "idp_authentik_create_or_link",
    "idp_authentik_group_patch",
    "idp_authentik_delete",
}
#: How each IdP's consequences begin ("what that IdP would do with the answer").
WOULD = {"entra": "Entra would", "okta": "Okta would", "authentik": "authentik"}


def replay(idp: str, **options: object) -> tuple[VerifyRun, str]:
    lines: list[str] = []
    run = verify(VerifyOptions(["scim"], levels=("scenario",), idp=idp, **options), out=lines.append)  # type: ignore[arg-type]
    return run, "\n".join(lines)


def verdicts(run: VerifyRun) -> dict[str, str]:
    return {r.name: r.status for r in run.results}


@pytest.fixture(scope="module")
def strict_server() -> Iterator[str]:
    """A mock whose strict ``default`` tenant is reached as a plain SCIM base URL."""
    with LiveServer(create_app()) as server:
        yield f"{server.url}/scim/default/v2"


def on_strict(url: str, idp: str) -> tuple[VerifyRun, str]:
    return replay(idp, base_url=url, credentials=Credentials(bearer="idsync-token"))


@pytest.mark.parametrize("idp", IDPS)
def test_every_step_cites_its_source_and_every_sample_request_exists(idp: str) -> None:
    life = lifecycle(idp)
    data = json.loads(data_text(f"lifecycle-{idp}.json"))
    assert [s["name"] for s in data["steps"]] == [s.name for s in life.steps]
    for step in life.steps:
        assert idp_of(step.name) == idp and step.source and step.calls, step
        assert all(c.consequence["status"] and c.consequence["body"] for c in step.calls)
        assert all(WOULD[idp] in text for c in step.calls for text in c.consequence.values()), step.name
    references = [c["sample"] for s in data["steps"] for c in s["calls"] if "sample" in c]
    assert references and all(r.split("#")[0] in data["samples"] for r in references)
    used = {name for s in life.steps for c in s.calls for name in PLACEHOLDER.findall(json.dumps(c.request))}
    assert used <= life.saved | {"run", "RUN"}, used - life.saved


def test_the_seam_names_are_steps_and_only_idp_runs_replay_them() -> None:
    names = set(contract_names(["scim"]))
    assert names >= SEAM
    assert wanted("idp_okta_put_update", "okta", None) and not wanted("idp_okta_put_update", None, None)
    assert wanted("patch_is_atomic", "okta", None) and wanted("idp_okta_put_update", None, ["idp_okta_put_update"])
    plain = verify(VerifyOptions(["scim"], levels=("scenario",)), out=lambda line: None)
    assert not [r.name for r in plain.results if r.name.startswith("idp_")]


@pytest.mark.parametrize("idp", IDPS)
def test_replay_passes_on_idsync_in_the_idps_compat_mode(idp: str) -> None:
    run, text = replay(idp)
    assert run.ok, text
    assert verdicts(run) == {s.name: "passed" for s in lifecycle(idp).steps}, text


def test_entra_on_a_strict_rfc_7644_server_fails_naming_what_entra_would_do(strict_server: str) -> None:
    run, text = on_strict(strict_server, "entra")
    got = verdicts(run)
    failed = {name for name, status in got.items() if status == "failed"}
    assert {"idp_entra_disable_with_string_boolean", "idp_entra_group_lookup_before_create"} <= failed, text
    assert got["idp_entra_lookup_before_create"] == "passed"
    assert all(r.rule.startswith("Entra would") and r.evidence for r in _failures(run)), text
    assert '"value":"False"' in text and "Reproduce: curl" in text and "own tenant" not in text
    skipped = [r.message for r in run.results if r.status == "skipped"]
    assert skipped and all("idp_entra_group_lookup_before_create did not provide" in m for m in skipped)


def test_okta_documented_requests_are_rfc_7644_and_pass_on_the_strict_tenant(strict_server: str) -> None:
    """Twice on the same server: fresh names per run, and what a run made is deleted after it."""
    for _ in range(2):
        run, text = on_strict(strict_server, "okta")
        assert run.ok and set(verdicts(run).values()) == {"passed"}, text
    listed = httpx.get(f"{strict_server}/Users", headers={"Authorization": "Bearer idsync-token"}).json()
    assert not [u["userName"] for u in listed["Resources"] if "okta.local" in u["userName"]]


def test_authentik_remove_with_a_value_list_is_read_the_rfc_way_on_the_strict_tenant(strict_server: str) -> None:
    """RFC 7644 §3.5.2.2: remove on ``members`` without a filter removes every member; authentik means one."""
    run, text = on_strict(strict_server, "authentik")
    assert {r.name for r in _failures(run)} == {"idp_authentik_group_members"}, text
    assert "authentik would consider the member removed while the server keeps it" in text


@pytest.mark.parametrize("fault", IDP_FAULTS, ids=[f.name for f in IDP_FAULTS])
def test_planted_fault_fails_its_step_naming_the_idps_consequence(fault: PlantedFault) -> None:
    idp = idp_of(fault.catches)
    assert idp is not None
    run, text = replay(idp, profile=fault.name, contracts=[fault.catches])
    (result,) = run.results
    assert result.status == "failed" and result.rule.startswith(WOULD[idp]), text
    step = next(s for s in lifecycle(idp).steps if s.name == fault.catches)
    assert result.source == source(step) and "Request:" in result.message and "curl -sS" in result.message
    assert f'--data-raw \'{{"name": "idp-{idp}"' in result.message  # how to make the replay's tenant


def test_cli_replays_and_refuses_idp_with_another_api() -> None:
    command = [sys.executable, "-m", "mockserver.cli", "verify", "--api", "scim", "--idp", "authentik"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"{len(lifecycle('authentik').steps)} checks, 0 failed" in done.stdout, done.stdout
    wrong = subprocess.run([*command[:5], "sift", "--idp", "okta"], cwd=ROOT, capture_output=True, text=True)
    assert wrong.returncode == 2 and "--idp replays a SCIM provisioning life cycle" in wrong.stderr


@pytest.mark.parametrize(
    ("path", "want"),
    [
        ("name.FamilyName", "Doe"),
        ("emails[type=work].value", "w@x.example"),
        ("emails[type=pager].value", MISSING),
        ("members[].value", ["b", "a"]),
        ("Resources.0.id", "a"),
        ("Resources.5.id", MISSING),
        ("title", MISSING),
    ],
)
def test_expectation_paths(path: str, want: object) -> None:
    """The path language of the life cycles (``contracts.idp.paths``): attribute names ignore case
    (RFC 7643 §2.1), ``[k=v]`` selects, ``[]`` maps and compares as a set (RFC 7643 §2.4)."""
    body = {
        "name": {"familyName": "Doe"},
        "emails": [{"type": "home", "value": "h@x.example"}, {"type": "work", "value": "w@x.example"}],
        "members": [{"value": "a"}, {"value": "b"}],
        "Resources": [{"id": "a"}],
    }
    got = resolve(body, path)
    assert got is want if want is MISSING else matches(got, want, path)
    assert not matches(resolve(body, "members[].value"), ["a"], "members[].value")


def _failures(run: VerifyRun) -> list[Result]:
    return [r for r in run.results if r.failed]


def test_the_packaged_suite_replays_an_idp_when_asked() -> None:
    """``pytest --pyargs contracts.suite --idsync-idp okta``: the same steps as ``idsync verify --idp okta``."""
    command = [sys.executable, "-m", "pytest", "--pyargs", "contracts.suite", "-q", "-p", "no:randomly"]
    flags = ["--idsync-api", "scim", "--idsync-level", "scenario", "--idsync-idp", "okta"]
    done = subprocess.run([*command, *flags], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert f"{len(lifecycle('okta').steps)} passed" in done.stdout, done.stdout[-3000:]
