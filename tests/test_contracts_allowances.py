"""Requirement levels and allowed alternatives (issue 10, point 1): what verify grades, and how.

Every built-in Schemathesis check has a level and a source; the SCIM spec verify checks with
allows what RFC 7643 / RFC 7644 allow; a run whose authenticated requests were all refused is
never a pass. Over HTTP, ``tests/reference/`` proves the rest: scim2-server answers PATCH with
204 and passes every PATCH contract (``contracts.suites.scim.patched`` reads the resource back).
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from contracts.allowances import not_offered, widened
from contracts.checks import CHECK_RULES, requirement_of
from contracts.collector import AuthTally
from contracts.report import Requirement
from mockserver.specs import load_spec


def test_every_builtin_schemathesis_check_has_a_level_and_a_source() -> None:
    import schemathesis.specs.openapi.checks  # noqa: F401  (registers the OpenAPI checks)
    from schemathesis.checks import CHECKS

    assert set(CHECKS.get_all_names()) <= set(CHECK_RULES)
    assert all(rule.source and rule.requirement in Requirement for rule in CHECK_RULES.values())


def test_a_405_without_allow_is_a_must_other_method_mismatches_a_should() -> None:
    assert requirement_of("unsupported_method", 405) is Requirement.MUST
    assert requirement_of("unsupported_method", 404) is Requirement.SHOULD
    assert requirement_of("allow_header_conformance", 405) is Requirement.SHOULD
    assert requirement_of("negative_data_rejection", 201) is Requirement.MUST


@pytest.fixture(scope="module")
def scim() -> dict[str, Any]:
    return widened("scim", load_spec("scim.yaml"))


def test_discovery_endpoints_may_be_public(scim: dict[str, Any]) -> None:
    """RFC 7644 §4, RFC 7643 §5: an anonymous alternative, so 200 and 401 both pass."""
    for path in ("/{tenant}/v2/ServiceProviderConfig", "/{tenant}/v2/ResourceTypes", "/{tenant}/v2/Schemas/{id}"):
        assert {} in scim["paths"][path]["get"]["security"]
    assert "security" not in scim["paths"]["/{tenant}/v2/Users"]["get"]


def test_null_equals_unassigned_and_canonical_values_are_suggestions(scim: dict[str, Any]) -> None:
    """RFC 7643 §2.5 and §2.2; userName stays required and non-empty (§4.1.1)."""
    user = scim["components"]["schemas"]["UserInput"]
    assert user["properties"]["displayName"]["nullable"] is True
    assert "nullable" not in user["properties"]["userName"] and user["properties"]["userName"]["minLength"] == 1
    member = scim["components"]["schemas"]["Member"]
    assert "enum" not in member["properties"]["type"] and "required" not in member
    assert widened("sift", scim) is scim  # only SCIM is widened


def test_optional_queries_may_be_missing() -> None:
    assert not_offered("scim", "POST /{tenant}/v2/Users/.search", 404)
    assert not_offered("scim", "GET /", 501)
    assert not not_offered("scim", "GET /Users", 404)
    assert not not_offered("sift", "GET /", 404)


def test_a_run_whose_authenticated_requests_were_all_refused_fails() -> None:
    def recorder(*statuses: int) -> Any:
        interactions = {
            str(n): SimpleNamespace(
                request=SimpleNamespace(headers={"Authorization": ["Bearer x"]}),
                response=SimpleNamespace(status_code=status),
            )
            for n, status in enumerate(statuses)
        }
        return SimpleNamespace(interactions=interactions)

    refused, mixed = AuthTally(), AuthTally()
    refused.add(recorder(401, 401, 403))
    mixed.add(recorder(401, 200))
    verdict = refused.verdict("scim", "conformance")
    assert [r.status for r in verdict] == ["failed"] and "answered 401/403" in verdict[0].message
    assert mixed.verdict("scim", "conformance") == []
