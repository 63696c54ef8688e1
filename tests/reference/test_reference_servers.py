"""``idsync verify`` against SCIM servers we did not write (issue 10, points 2, 3, 5 and 7).

python-scim's ``scim2-server`` 0.8.3 (``scim2_reference``) is served over real HTTP on a free
loopback port and verified as a user would (``--base-url <server>/v2 --bearer-token T``, the
default random seed). Its findings must be exactly those of ``scim2-server-0.8.3.yaml``, each
with the RFC text it breaks; two runs on two fresh servers send the same requests and reach
the same verdicts; every request stays under the base URL on the spec's paths; and each
mutation of ``scim2_reference.MUTATIONS`` is caught by the contract it names, naming its rule.
A second implementation, browniebroke's ``django-scim2-server`` 1.1.0 in a minimal Django
project (``django_scim2_server_app``, its own process), must show exactly the findings of
``django-scim2-server-1.1.0.yaml`` at every level.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from scim2_reference import MUTATIONS, TOKEN, Mutated, Mutation, Recorder, reference_app, serving

from contracts.conformance import spec_for_target
from contracts.target import Credentials, Target
from contracts.verify import VerifyOptions, VerifyRun, verify
from mockserver.specs import load_spec

HERE = Path(__file__).parent
KNOWN = yaml.safe_load((HERE / "scim2-server-0.8.3.yaml").read_text(encoding="utf-8"))
KNOWN_DJANGO = yaml.safe_load((HERE / "django-scim2-server-1.1.0.yaml").read_text(encoding="utf-8"))
#: Ids the server (32 hex digits) or a contract (a random UUID for a resource that does not exist) made.
HEX_ID = re.compile(r"/(?:[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?=/|$)")
#: Schemathesis' engine probes, before any phase, whether the server decodes an unsafe path
#: (``engine/run/probes.py``, no option turns it off): one request under the base URL, off the spec.
PROBE = "/v2/schemathesis-probe"


def verify_reference(app: Any, **options: Any) -> tuple[VerifyRun, str, list[tuple[str, str]]]:
    """Verify ``app`` (behind a :class:`Recorder`) as ``idsync verify --api scim`` would."""
    recorder = Recorder(app)
    lines: list[str] = []
    with serving(recorder) as url:
        credentials = Credentials(bearer=TOKEN)
        run = verify(VerifyOptions(["scim"], base_url=url, credentials=credentials, **options), out=lines.append)
    return run, "\n".join(lines), recorder.requests


@pytest.fixture(scope="module")
def two_runs() -> list[tuple[VerifyRun, str, list[tuple[str, str]]]]:
    """Two full runs with the default random seed, each on a fresh server."""
    return [verify_reference(reference_app()) for _ in range(2)]


def findings(run: VerifyRun) -> set[tuple[str, str, str, str]]:
    return {(r.level, r.name, r.status, r.requirement.value) for r in run.results if r.deviated}


def known(data: dict[str, Any]) -> set[tuple[str, str, str, str]]:
    """The findings a data file lists (those of endpoints the SCIM spec documents); each must say
    which text it breaks and why."""
    paths = load_spec("scim.yaml")["paths"]
    listed = [e for e in data["findings"] if e.get("requires_path", "/{tenant}/v2/Users") in paths]
    assert all(e["rfc"].strip() and e["why"].strip() for e in listed)
    return {(e["level"], e["check"], e["status"], e["requirement"]) for e in listed}


def test_scim2_server_findings_are_exactly_the_known_ones(two_runs: list[Any]) -> None:
    run, text, _ = two_runs[0]
    assert findings(run) == known(KNOWN), text
    assert not run.ok and "empty userName" not in text  # the finding is shown by its evidence:
    assert '"userName": ""' in text and "Reproduce: curl" in text and TOKEN not in text
    levels = {r.level for r in run.results if r.status == "passed"}
    assert levels == {"spec", "conformance", "stateful", "semantic"}, levels


def test_two_runs_with_the_same_seed_send_the_same_requests_and_agree(two_runs: list[Any]) -> None:
    (first, _, sent_first), (second, _, sent_second) = two_runs
    verdicts = [[(r.level, r.name, r.status) for r in run.results] for run in (first, second)]
    assert verdicts[0] == verdicts[1]
    assert [r for r in first.results if r.level == "stateful"], "the stateful level ran"
    normalized = [[(m, HEX_ID.sub("/{id}", p)) for m, p in sent] for sent in (sent_first, sent_second)]
    assert normalized[0] == normalized[1]


def test_every_request_of_a_remote_run_is_under_the_base_url_on_a_spec_path(two_runs: list[Any]) -> None:
    """Catches a contract that tests the wrong URL (issue 10: generic contracts hit /v2/scim/default/v2/Users)."""
    _, _, sent = two_runs[0]
    remote = Target("http://127.0.0.1:9", Credentials(bearer=TOKEN), {"scim": "http://127.0.0.1:9/v2"})
    spec = spec_for_target("scim", load_spec("scim.yaml"), remote)
    templates = [re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(path)) for path in spec["paths"]]
    allowed = re.compile("^/v2/?$|^/v2(?:" + "|".join(templates) + ")/?$")
    outside = sorted({f"{m} {p}" for m, p in sent if not allowed.match(p) and not p.startswith(PROBE)})
    assert not outside, outside
    assert len([p for _, p in sent if p.startswith(PROBE)]) <= 2  # one per Schemathesis run
    assert len(sent) > 300


@pytest.mark.parametrize("mutation", MUTATIONS, ids=[m.name for m in MUTATIONS])
def test_a_mutation_of_the_reference_server_is_caught_naming_its_rule(mutation: Mutation) -> None:
    if mutation.level in ("semantic", "scenario"):
        options: dict[str, Any] = {"levels": (mutation.level,), "contracts": [mutation.catches]}
    else:
        options = {"levels": (mutation.level,), "max_examples": 3}
    run, text, _ = verify_reference(Mutated(reference_app(), mutation.name), **options)
    assert mutation.catches in run.failed_names(), f"{mutation.name} went unnoticed:\n{text}"
    caught = [r for r in run.results if r.failed and mutation.catches in r.name]
    assert any(mutation.rule in r.message for r in caught), text


@pytest.fixture(scope="module")
def django_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``django_scim2_server_app.py`` in its own process (Django's settings are per process)."""
    directory = tmp_path_factory.mktemp("django-scim")
    command = [sys.executable, str(HERE / "django_scim2_server_app.py"), str(directory)]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        port = server.stdout.readline().strip()
        assert port.isdigit(), server.stderr.read() if server.stderr else port
        yield f"http://127.0.0.1:{port}/scim/v2"
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_django_scim2_server_findings_are_exactly_the_known_ones(django_server: str) -> None:
    lines: list[str] = []
    credentials = Credentials(bearer=TOKEN)
    options = VerifyOptions(["scim"], base_url=django_server, credentials=credentials)
    run = verify(options, out=lines.append)
    text = "\n".join(lines)
    assert findings(run) == known(KNOWN_DJANGO), text
    assert TOKEN not in text
