"""Schemathesis against specs/vcf.yaml on the in-process mock: no 500s, documented statuses and
bodies, negative data rejected, auth not ignored (docs/tooling.md §7). ``positive_data_acceptance``
is excluded: schema-valid bodies can still break VCF rules the schema cannot express (one
external IdP, known IdP types), which the mock rightly answers with 400/409."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, settings

from mockserver.app import create_app

app = create_app(apis=["vcf", "scim", "admin"], validate_responses=False)
schema = schemathesis.openapi.from_asgi("/vcf/openapi.json", app)
schema.config.update(headers={"Authorization": "Bearer idsync-token"})
EXCLUDED = [schemathesis.checks.positive_data_acceptance]


@schema.parametrize()
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
def test_vcf_operation_conforms(case: schemathesis.Case) -> None:
    case.call_and_validate(excluded_checks=EXCLUDED)


class LinkedCalls(schema.as_state_machine()):  # type: ignore[misc]
    """Call chains from the spec's links (create → get/update/delete/sync-client)."""

    def setup(self) -> None:
        app.runtime.world.reset()

    def validate_response(self, response, case, additional_checks=None, **kwargs) -> None:  # type: ignore[no-untyped-def]
        case.validate_response(response, excluded_checks=EXCLUDED)


TestVcfLinkedCalls = LinkedCalls.TestCase
TestVcfLinkedCalls.settings = settings(
    max_examples=15, stateful_step_count=5, deadline=None, suppress_health_check=list(HealthCheck)
)
