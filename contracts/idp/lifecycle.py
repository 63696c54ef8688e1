"""An identity provider's provisioning life cycle as data: ``contracts/data/idp/lifecycle-<idp>.json``.

A life cycle is an ordered list of :class:`Step`; each step is one or more :class:`Call` (a
request, what the IdP needs of the answer, and what the IdP does when it does not get it) and
the vendor document it comes from, with ``inferred`` saying where that document is silent.

A call either names a request of a vendor sample (``"sample": "<file>#<case name>"``: the
``idp-*.json`` files beside it, the literal requests of each vendor document, which
tests/test_scim_compat.py also replays) or spells its own ``request``. The life cycle's
``values`` map the documents' example values to this run's (``{run}``: a fresh tag per replay,
``{RUN}`` the same in upper case),
so a replay can run on a shared server; ``{alias}`` stands for an id saved by an earlier call.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from contracts.report import Requirement

#: The identity providers with a life cycle, in ``--idp`` order.
IDPS = ("entra", "okta", "authentik")
PLACEHOLDER = re.compile(r"\{([A-Za-z][A-Za-z0-9_]*)\}")


@dataclass(frozen=True)
class Expect:
    """What the IdP needs of an answer: a status among ``status``; values at ``json`` paths
    (``contracts.idp.paths``); attributes ``absent`` from the body."""

    status: tuple[int, ...]
    json: dict[str, Any] = field(default_factory=dict)
    absent: tuple[str, ...] = ()


@dataclass(frozen=True)
class Call:
    """One request of a step. ``consequence`` says what the IdP does when the answer is not as
    expected: ``status`` for a wrong status, ``body`` for a wrong body (``{status}`` is filled)."""

    request: dict[str, Any]
    expect: Expect
    consequence: dict[str, str]
    save: dict[str, str] = field(default_factory=dict)
    origin: str = ""


@dataclass(frozen=True)
class Step:
    """One named step of the life cycle: a scenario contract of the scim API."""

    name: str
    title: str
    source: str
    calls: tuple[Call, ...]
    inferred: str = ""
    #: MUST unless the IdP copes without it (then SHOULD: a warning, docs/style.md).
    requirement: Requirement = Requirement.MUST


@dataclass(frozen=True)
class Lifecycle:
    """Everything one IdP sends, in order, with the tenant compat mode that reads it on idsync."""

    idp: str
    title: str
    compat: str
    headers: dict[str, str]
    values: dict[str, str]
    steps: tuple[Step, ...]
    notes: tuple[str, ...] = ()

    @property
    def saved(self) -> set[str]:
        """Every alias a call of this life cycle saves an id under."""
        return {alias for step in self.steps for call in step.calls for alias in call.save}


def data_text(name: str) -> str:
    """A file of ``contracts/data/idp`` (shipped in the package)."""
    return resources.files("contracts.data").joinpath("idp", name).read_text(encoding="utf-8")


@cache
def sample_request(reference: str) -> dict[str, Any]:
    """The request of ``<file>#<case name>`` in a vendor sample; KeyError names what is missing."""
    file, _, case = reference.partition("#")
    cases = {c["name"]: c for c in json.loads(data_text(file))["cases"]}
    if case not in cases:
        raise KeyError(f"{file} has no case {case!r}")
    request: dict[str, Any] = cases[case]["request"]
    return request


def _call(data: dict[str, Any], documents: dict[str, str]) -> Call:
    reference = data.get("sample")
    request = sample_request(reference) if reference else data["request"]
    expect = data["expect"]
    consequence = data["consequence"]
    return Call(
        request=request,
        expect=Expect(tuple(expect["status"]), dict(expect.get("json", {})), tuple(expect.get("absent", ()))),
        consequence=consequence if isinstance(consequence, dict) else {"status": consequence, "body": consequence},
        save=dict(data.get("save", {})),
        origin=_origin(reference, documents),
    )


def _origin(reference: str | None, documents: dict[str, str]) -> str:
    """``<vendor document>, "<case name>"`` for a sample reference; empty for a call's own request."""
    if not reference:
        return ""
    file, _, case = reference.partition("#")
    return f'{documents[file]}, "{case}"'


def _step(data: dict[str, Any], documents: dict[str, str]) -> Step:
    calls = tuple(_call(c, documents) for c in data["calls"])
    requirement = Requirement(data.get("requirement", "MUST"))
    return Step(data["name"], data["title"], data["source"], calls, data.get("inferred", ""), requirement)


@cache
def lifecycle(idp: str) -> Lifecycle:
    """The life cycle of ``idp`` (one of :data:`IDPS`)."""
    data = json.loads(data_text(f"lifecycle-{idp}.json"))
    documents = {name: json.loads(data_text(name))["source"].split(" (")[0] for name in data.get("samples", [])}
    return Lifecycle(
        idp=data["idp"],
        title=data["title"],
        compat=data["compat"],
        headers=dict(data["headers"]),
        values=dict(data["values"]),
        steps=tuple(_step(s, documents) for s in data["steps"]),
        notes=tuple(data.get("notes", ())),
    )


def fill(value: Any, values: dict[str, str], names: dict[str, str]) -> Any:
    """``value`` with the documents' example ``values`` replaced, then ``{name}`` by ``names``.

    An unknown ``{name}`` stays as it is (a JSON object in a string is not a placeholder).
    """
    if isinstance(value, dict):
        return {fill(k, values, names): fill(v, values, names) for k, v in value.items()}
    if isinstance(value, list):
        return [fill(v, values, names) for v in value]
    if not isinstance(value, str):
        return value
    for example, mine in values.items():
        value = value.replace(example, mine)
    return PLACEHOLDER.sub(lambda m: names.get(m.group(1), m.group(0)), value)
