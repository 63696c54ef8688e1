"""The rule each built-in Schemathesis check enforces, its requirement level (RFC 2119) and its source.

A check is MUST where its source says MUST/SHALL (or the spec documents the only answers the
RFC or vendor allows); SHOULD where the source only recommends. ``contracts.collector`` grades
each failure with :func:`requirement_of`; ``PlantedFault.catches`` names a check of
:data:`CHECK_SOURCES` at the Schemathesis levels.
"""

from __future__ import annotations

from dataclasses import dataclass

from contracts.report import Requirement


@dataclass(frozen=True)
class CheckRule:
    """The rule a built-in Schemathesis check enforces, its requirement level and where it is written."""

    requirement: Requirement
    source: str


MUST, SHOULD = Requirement.MUST, Requirement.SHOULD
#: Every built-in check we run, graded. A check is MUST where its source says MUST/SHALL (or the
#: spec documents the only answers the RFC or vendor allows); SHOULD where the source only
#: recommends (RFC 9110 never requires 405 over 404 for a method a resource lacks, nor that
#: ``Allow`` lists exactly the documented methods).
CHECK_RULES: dict[str, CheckRule] = {
    "not_a_server_error": CheckRule(MUST, "RFC 9110 §15.6: a 5xx means the server failed; bad input deserves a 4xx"),
    "status_code_conformance": CheckRule(MUST, "OpenAPI 3.0.3 §4.7.16 (Responses Object): only documented statuses"),
    "content_type_conformance": CheckRule(MUST, "OpenAPI 3.0.3 §4.7.17 (response media types); RFC 9110 §8.3"),
    "response_headers_conformance": CheckRule(MUST, "OpenAPI 3.0.3 §4.7.17 (Response headers)"),
    "response_schema_conformance": CheckRule(MUST, "OpenAPI 3.0.3 §4.7.24 (Schema Object) of the response"),
    "negative_data_rejection": CheckRule(MUST, "RFC 9110 §15.5.1: schema-invalid input must be rejected with a 4xx"),
    "positive_data_acceptance": CheckRule(MUST, "OpenAPI 3.0.3: a schema-valid request must be accepted"),
    "missing_required_header": CheckRule(MUST, "OpenAPI 3.0.3 §4.7.12 required header; RFC 9110 §15.5.1"),
    "unsupported_method": CheckRule(
        SHOULD, "RFC 9110 §15.5.6: a method the resource lacks SHOULD get 405; a 405 MUST carry Allow"
    ),
    "allow_header_conformance": CheckRule(
        SHOULD, "RFC 9110 §10.2.1: Allow lists the methods advertised as supported (the spec documents which)"
    ),
    "use_after_free": CheckRule(MUST, "RFC 9110 §9.3.5; RFC 7644 §3.6: a deleted resource is gone (404)"),
    "ensure_resource_availability": CheckRule(
        MUST, "RFC 9110 §15.3.2 and the spec's OpenAPI links: a created resource is readable"
    ),
    "ignored_auth": CheckRule(MUST, "RFC 9110 §11.6.1 / RFC 6750 §3.1: the spec's security scheme must be enforced"),
    "object_level_authorization": CheckRule(MUST, "OWASP API1:2023: one identity must not read another's object"),
    "max_response_time": CheckRule(SHOULD, "configured response-time limit"),
}
#: Sources only, by check name (what ``PlantedFault.catches`` names at the Schemathesis levels).
CHECK_SOURCES = {name: rule.source for name, rule in CHECK_RULES.items()}


def requirement_of(check: str, status: int | None) -> Requirement:
    """The level of one failure of ``check``: a 405 without ``Allow`` breaks RFC 9110's MUST."""
    rule = CHECK_RULES.get(check)
    if rule is None:
        return MUST
    if check == "unsupported_method" and status == 405:
        return MUST
    return rule.requirement
