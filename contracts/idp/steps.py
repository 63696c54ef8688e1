"""Every step of every IdP life cycle as a scenario contract of the ``scim`` API (``contracts.scenario``).

``contracts.verify.all_contracts`` adds :func:`idp_contracts` to the ``scim`` API's own; the
contract's check is :func:`contracts.idp.replay.replay_through` up to that step, its source the
step's vendor document.
"""

from __future__ import annotations

from functools import cache, partial

from contracts.idp.lifecycle import IDPS, Step, lifecycle
from contracts.idp.replay import replay_through, source
from contracts.scenario import Contract


@cache
def steps() -> tuple[Contract, ...]:
    """One contract per step, every IdP, in life-cycle order."""
    return tuple(_contract(idp, step) for idp in IDPS for step in lifecycle(idp).steps)


def idp_contracts(api: str) -> list[Contract]:
    """The replay steps of ``api`` (all of them are the ``scim`` API's)."""
    return [c for c in steps() if c.api == api]


def _contract(idp: str, step: Step) -> Contract:
    check = partial(replay_through, idp=idp, name=step.name)
    return Contract("scim", step.name, "scenario", source(step), check, description=step.title,
                    requirement=step.requirement)  # fmt: skip
