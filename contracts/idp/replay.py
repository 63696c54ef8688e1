"""Replaying an identity provider's life cycle (``contracts.idp.lifecycle``) against a SCIM target.

The contract of step *n* replays steps 1 to *n*-1 first, as the IdP would have sent them, then
its own calls; each call's answer is held to what the IdP needs of it, and a miss is reported as
what the IdP would then do (the call's ``consequence``) with the step's vendor source. A failure
in an earlier step is that step's verdict, not this one's: like the IdP, the replay goes on, and
a call that needs an id the failed step should have saved makes this step SKIPPED, saying why.

On an idsync mock (the admin API is there) a replay runs on a tenant of its own in the IdP's
compatibility mode (``options.compat``, specs/README.md "Client compatibility modes") unless
another SCIM tenant than ``default`` was named; on any other server it runs on the given base URL, under fresh names
(``{run}``), and deletes what it created afterwards.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from typing import Any

import httpx

from contracts.idp.lifecycle import PLACEHOLDER, Call, Lifecycle, Step, fill, lifecycle
from contracts.idp.paths import MISSING, matches, resolve
from contracts.scenario import ContractSkipped, ContractViolation
from contracts.target import Target


@dataclass
class Replay:
    """One replay: the client on the SCIM base, the names filled in, what it created.

    ``failed`` keeps, per earlier step, why it failed: the IdP goes on with its other work, and a
    later call that needs an id that step should have saved cannot be sent (``missing``).
    """

    life: Lifecycle
    client: httpx.Client
    names: dict[str, str]
    created: list[str] = field(default_factory=list)
    sent: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    #: How to make the replay's own tenant before a curl line of the evidence (idsync mocks only).
    setup: str = ""

    def step(self, step: Step) -> None:
        """Every call of ``step``; raises :class:`ContractViolation` naming the IdP's consequence,
        or :class:`ContractSkipped` when an earlier step did not provide an id it needs."""
        self.sent = []
        for call in step.calls:
            self.call(step, call)

    def arrange(self, step: Step) -> None:
        """An earlier step as the IdP sends it: a failed call is noted and the step goes on."""
        self.sent = []
        for call in step.calls:
            try:
                self.call(step, call)
            except ContractViolation as exc:
                self.failed.setdefault(step.name, exc.rule)
            except ContractSkipped:
                pass

    def call(self, step: Step, call: Call) -> None:
        request = fill(call.request, self.life.values, self.names)
        self.needs(request)
        response = self.send(request)
        status = response.status_code
        self.sent.append(f"{request['method']} {request['path']} -> {status}")
        if status not in call.expect.status:
            wanted = " or ".join(map(str, call.expect.status))
            self.violated(step, call, "status", f"expected {wanted}, got {status}", status)
        body = _json(response)
        for path, wanted in fill(call.expect.json, self.life.values, self.names).items():
            got = resolve(body, path)
            if got is MISSING or not matches(got, wanted, path):
                self.violated(step, call, "body", f"{path}: expected {wanted!r}, got {_shown(got)}", status)
        for path in call.expect.absent:
            if resolve(body, path) is not MISSING:
                self.violated(step, call, "body", f"{path} is in the answer although the request excluded it", status)
        self.save(step, call, body, status)
        if request["method"] == "POST" and status == 201 and isinstance(body, dict) and body.get("id"):
            self.created.append(f"{request['path']}/{body['id']}")

    def needs(self, request: dict[str, Any]) -> None:
        """Skip a call naming an id no earlier call saved (its step failed), saying which."""
        missing = sorted(set(PLACEHOLDER.findall(json.dumps(request))) & self.life.saved - set(self.names))
        if missing:
            saver = next((s.name for s in self.life.steps if any(missing[0] in c.save for c in s.calls)), "?")
            why = self.failed.get(saver, "it failed")
            raise ContractSkipped(f"needs {{{missing[0]}}}, which the earlier step {saver} did not provide: {why}")

    def send(self, request: dict[str, Any]) -> httpx.Response:
        body = request.get("body")
        headers = {"Content-Type": self.life.headers["Content-Type"]} if body is not None else {}
        return self.client.request(
            request["method"], request["path"], params=request.get("query"), json=body, headers=headers
        )

    def save(self, step: Step, call: Call, body: Any, status: int) -> None:
        for alias, path in call.save.items():
            value = resolve(body, path)
            if value is MISSING or not isinstance(value, str | int) or value == "":
                self.violated(step, call, "body", f"no {path} in the answer to keep as {{{alias}}}", status)
            self.names[alias] = str(value)

    def violated(self, step: Step, call: Call, kind: str, evidence: str, status: int) -> None:
        consequence = call.consequence[kind].format(status=status)
        lines = [evidence, *(f"this step sent: {line}" for line in self.sent[:-1])]
        if call.origin:
            lines.append(f"request as in {call.origin}")
        if self.setup:
            lines.append(self.setup)
        raise ContractViolation(consequence, source(step), "\n".join(lines))


def source(step: Step) -> str:
    """The step's vendor source, and what was inferred where the source is silent."""
    return step.source + (f"; inferred: {step.inferred}" if step.inferred else "")


def replay_through(target: Target, idp: str, name: str) -> None:
    """Replay ``idp``'s life cycle up to and including the step ``name`` against ``target``."""
    life = lifecycle(idp)
    steps = [s.name for s in life.steps]
    index = steps.index(name)
    with _client(target, life) as (client, setup):
        run = "r" + uuid.uuid4().hex[:8]
        replay = Replay(life, client, {"run": run, "RUN": run.upper()}, setup=setup)
        try:
            for earlier in life.steps[:index]:
                replay.arrange(earlier)
            replay.step(life.steps[index])
        finally:
            if target.admin is None:
                _clean_up(client, replay.created)


@contextmanager
def _client(target: Target, life: Lifecycle) -> Iterator[tuple[httpx.Client, str]]:
    """A recording client on the SCIM base (the IdP's own tenant on an idsync mock), and how
    that tenant is made, for the curl lines of a failure."""
    from contracts.suites.scim import scim_base  # imported when a replay runs, as verify imports suites

    tenant, setup = None, ""
    if target.admin is not None and target.credentials.scim_tenant == "default":
        tenant, setup = _compat_tenant(target, life)
    auth = target.auth_headers("scim")
    with target.http(scim_base(target, tenant), {**auth, "Accept": life.headers["Accept"]}) as client:
        yield client, setup


def _compat_tenant(target: Target, life: Lifecycle) -> tuple[str, str]:
    """Make (or keep) the tenant ``idp-<idp>`` in compat mode ``life.compat`` with the run's token;
    its name and the curl line that makes it."""
    assert target.admin is not None
    name = f"idp-{life.idp}"
    token = target.credentials.bearer or "idsync-token"
    body = {"name": name, "tokens": [token], "options": {"compat": life.compat}}
    made = target.admin.http.post("/tenants", json=body)
    if made.status_code not in (201, 409):
        raise ContractViolation(
            f"the idsync mock refused a SCIM tenant in compat mode {life.compat!r}",
            "specs/admin.yaml, POST /__admin/tenants",
            f"{made.status_code} {made.text}",
        )
    shown = {**body, "tokens": ["$TOKEN" if not target.credentials.public else token]}
    url = target.reproduction.url(str(made.request.url))
    auth = target.curl_auth(str(made.request.headers.get("authorization", "")))
    curl = f"curl -sS -X POST -H 'Content-Type: application/json' --data-raw '{json.dumps(shown)}' {auth} {url}"
    return name, f"the replay runs on its own tenant, made first: {target.reproduction.preamble}{curl}"


def _clean_up(recording: httpx.Client, created: list[str]) -> None:
    """Delete what the replay created, outside the recorded exchanges (they are the evidence)."""
    with httpx.Client(base_url=recording.base_url, headers=recording.headers, timeout=30) as client:
        for path in reversed(created):
            with suppress(httpx.HTTPError):
                client.delete(path)


def _json(response: httpx.Response) -> Any:
    try:
        return response.json() if response.content else None
    except ValueError:
        return None


def _shown(value: Any) -> str:
    return "nothing" if value is MISSING else repr(value)
