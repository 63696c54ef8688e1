"""The spec's OpenAPI links (create → get/replace/patch/delete) drive Schemathesis' stateful phase against the mock."""

from __future__ import annotations

from typing import Any

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import ignored_auth, positive_data_acceptance

from mockserver.app import create_app

APP = create_app(validate_responses=True)
SCHEMA = schemathesis.openapi.from_asgi("/stackspot/openapi.json", APP)


class LinkedCalls(SCHEMA.as_state_machine()):  # type: ignore[misc]
    """Linked sequences get documented statuses, content types and bodies, and never a 5xx.

    Off: ``positive_data_acceptance`` (schema-valid bodies naming ids that do not exist are rightly
    rejected, specs/README.md (stackspot section)) and ``ignored_auth`` (it takes the token this harness
    adds for "generated" and expects 401; tests/test_stackspot_flow.py checks 401s itself).
    """

    def setup(self) -> None:
        APP.runtime.world.reset()  # each scenario starts from the seeded state, so replays are deterministic

    def before_call(self, case: Any) -> None:
        case.headers = {**(case.headers or {}), "Authorization": "Bearer idsync-token"}

    def validate_response(self, response: Any, case: Any, additional_checks: Any = None, **kwargs: Any) -> None:
        case.validate_response(
            response,
            additional_checks=additional_checks,
            excluded_checks=[positive_data_acceptance, ignored_auth],
            recorder=self.recorder,
        )


def test_linked_sequences_conform() -> None:
    LinkedCalls.run(
        settings=settings(
            max_examples=25, stateful_step_count=4, deadline=None, suppress_health_check=list(HealthCheck)
        )
    )
