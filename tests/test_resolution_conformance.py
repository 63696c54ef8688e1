"""Schemathesis conformance of specs/resolution.yaml against the mock, in-process: every
operation, positive and negative data, all built-in checks (issue 2.3; docs/design.md level 2)."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, settings

from mockserver.app import create_app

APP = create_app(apis=["resolution"], validate_responses=True)
schema = schemathesis.openapi.from_asgi("/resolution/rest/samlsso-admin/1.0/openapi.json", APP)
schema.config.update(basic_auth=("admin", "admin"))


@schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_resolution_conforms_to_its_spec(case) -> None:  # type: ignore[no-untyped-def]
    APP.runtime.world.reset()
    case.call_and_validate()
