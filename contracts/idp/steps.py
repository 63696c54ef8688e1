"""Every step of every IdP life cycle as a scenario contract of the ``scim`` API (``contracts.scenario``).

Imported by ``contracts/suites/scim.py``; the contract's check is :func:`contracts.idp.replay.replay_through`
up to that step, its source the step's vendor document.
"""

from __future__ import annotations

from functools import partial

from contracts.idp.lifecycle import IDPS, Step, lifecycle
from contracts.idp.replay import replay_through, source
from contracts.scenario import REGISTRY, Contract


def register() -> list[Contract]:
    """Register the steps once (a second import adds nothing)."""
    known = {c.name for c in REGISTRY}
    made = [_contract(idp, step) for idp in IDPS for step in lifecycle(idp).steps if step.name not in known]
    REGISTRY.extend(made)
    return made


def _contract(idp: str, step: Step) -> Contract:
    check = partial(replay_through, idp=idp, name=step.name)
    return Contract("scim", step.name, "scenario", source(step), check, description=step.title,
                    requirement=step.requirement)  # fmt: skip


STEPS = register()
