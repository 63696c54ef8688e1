"""Levels 1-3 of docs/design.md "Contracts": spec validity, Schemathesis conformance, stateful links.

Schemathesis 4 runs in-process through its engine (``schemathesis.engine.from_schema``), over
real HTTP against the target's base URL with the API's auth headers; every operation, positive
and negative data (``mode = all``), every built-in check. Each (operation, check) pair becomes
one :class:`~contracts.report.Result`; a failure carries Schemathesis' curl line (credentials
already filtered), the response, and the rule's source.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from contracts.allowances import not_offered, widened
from contracts.evidence import Exchange, Reproduction, masked, text
from contracts.report import Requirement, Result

if TYPE_CHECKING:
    from contracts.target import Target

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
CONFORMANCE_PHASES = ("examples", "coverage", "fuzzing")
STATEFUL_PHASES = ("stateful",)


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


#: Schemathesis' defaults plus 412: like 404 and 409 it depends on server state (a generated
#: ``If-Match`` rarely names the current version), and RFC 9110 §13.1.1 requires it then.
POSITIVE_STATUSES = ["2xx", "3xx", "401", "403", "404", "409", "412", "429", "5xx"]


#: Where a vendor documents a different answer than Schemathesis' defaults expect, per API.
#: Each entry is a vendor fact, not a loosening for the mock's convenience.
VENDOR_CHECKS: dict[str, dict[str, dict[str, Any]]] = {
    # authentik's TokenAuthentication has no authenticate_header, so DRF turns 401 into 403
    # (authentik/api/authentication.py; DRF views.py); its schema.yml declares only 403.
    # Schemathesis 4.32.5 hard-codes 401 for a missing Authorization header
    # (specs/openapi/checks.py::missing_required_header), so that check is off for authentik;
    # contracts.generic.missing_credentials_rejected checks the vendor's 403 instead.
    # DRF also rejects schema-valid bodies naming unknown related objects with 400.
    "authentik": {
        "missing_required_header": {"enabled": False},
        "positive_data_acceptance": {"expected-statuses": [*POSITIVE_STATUSES, "400"]},
    },
    # SDDC Manager answers 400 VALIDATION_FAILED for business rules a schema cannot state
    # (one external IdP, identity sources only on the embedded IdP, non-blank names).
    "vcf": {"positive_data_acceptance": {"expected-statuses": [*POSITIVE_STATUSES, "400"]}},
    # grpc-gateway maps INVALID_ARGUMENT and FAILED_PRECONDITION alike to 400
    # (runtime.HTTPStatusFromCode): made-up page tokens, CEL filters, a sync before a token.
    "sift": {"positive_data_acceptance": {"expected-statuses": [*POSITIVE_STATUSES, "400"]}},
    # elimity-com/scim answers 400 invalidValue for references to ids that do not exist,
    # which a schema cannot express (every permission, resource and group member names one).
    "stackspot": {"positive_data_acceptance": {"expected-statuses": [*POSITIVE_STATUSES, "400"]}},
    # SCIM: the filter ABNF (RFC 7644 §3.4.2.2), schema URNs in ``schemas`` and extension keys,
    # and member references to existing resources cannot be stated in JSON Schema; a server
    # answers 400 invalidFilter / invalidValue for them (RFC 7644 §3.12).
    "scim": {"positive_data_acceptance": {"expected-statuses": [*POSITIVE_STATUSES, "400"]}},
}


@dataclass
class SchemathesisSettings:
    """How much Schemathesis generates."""

    max_examples: int = 10
    seed: int | None = None
    workers: int = 1
    request_timeout: float = 10.0
    report_dir: Path | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """``(METHOD, path, operation)`` for every operation of ``spec``."""
    found = []
    for path, item in (spec.get("paths") or {}).items():
        for method in HTTP_METHODS:
            if isinstance(item, dict) and method in item:
                found.append((method.upper(), path, item[method]))
    return found


def check_spec(api: str, spec: dict[str, Any], filename: str) -> list[Result]:
    """Level 1: openapi-spec-validator and a lint of what Connexion and Schemathesis need."""
    from openapi_spec_validator import validate

    started = time.perf_counter()
    results = []
    try:
        validate(spec)  # type: ignore[arg-type]  # it wants Mapping[Hashable, Any]; Mapping keys are invariant
        results.append(Result(api, "spec", "openapi-spec-validator", "passed", source="OpenAPI 3.0.3"))
    except Exception as exc:  # the validator raises its own hierarchy
        message = f"{filename} is not a valid OpenAPI document: {str(exc).splitlines()[0]}"
        results.append(Result(api, "spec", "openapi-spec-validator", "failed", message, source="OpenAPI 3.0.3"))
    ops = operations(spec)
    missing = [f"{m} {p}" for m, p, op in ops if not op.get("operationId")]
    ids = [str(op["operationId"]) for _, _, op in ops if op.get("operationId")]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    name, bad, detail = (
        "operationId on every operation, unique",
        missing or dupes,
        f"missing: {missing}; dupes: {dupes}",
    )
    source = "OpenAPI 3.0.3 §4.7.10 (operationId is unique); Connexion routes by it"
    results.append(Result(api, "spec", name, "failed" if bad else "passed", detail if bad else "", source=source))
    for result in results:
        result.seconds = (time.perf_counter() - started) / len(results)
    return results


def spec_for_target(api: str, spec: dict[str, Any], target: Target) -> dict[str, Any]:
    """The spec as the target serves it.

    The mock serves SCIM per tenant (``/scim/{tenant}/v2/Users``); any other SCIM service
    provider has one base URL (RFC 7644 §3.1: ``https://example.com/scim/v2``). For a target
    that is not an idsync mock, the ``/{tenant}/v2`` prefix and the tenant parameter are
    dropped and the paths hang off the given base URL. The RFCs' alternatives are allowed on
    every target (``contracts.allowances``).
    """
    spec = widened(api, spec)
    if api != "scim" or target.embedded:
        return spec
    rooted = copy.deepcopy(spec)
    rooted["servers"] = [{"url": "/"}]
    rooted["paths"] = {}
    for path, item in (spec.get("paths") or {}).items():
        short = path.removeprefix("/{tenant}/v2") or "/"
        item = copy.deepcopy(item)
        for holder in [item, *(v for k, v in item.items() if k in HTTP_METHODS)]:
            if isinstance(holder, dict) and "parameters" in holder:
                holder["parameters"] = [p for p in holder["parameters"] if not _is_tenant(spec, p)]
        for method in HTTP_METHODS:
            for response in (item.get(method) or {}).get("responses", {}).values() if method in item else ():
                _drop_tenant_links(response.get("links") or {})
        rooted["paths"][short] = item
    _drop_tenant_links((rooted.get("components") or {}).get("links") or {})
    return rooted


def _drop_tenant_links(links: dict[str, Any]) -> None:
    for link in links.values():
        if isinstance(link, dict):
            (link.get("parameters") or {}).pop("tenant", None)


def _is_tenant(spec: dict[str, Any], param: dict[str, Any]) -> bool:
    if "$ref" in param:
        param = spec.get("components", {}).get("parameters", {}).get(param["$ref"].rsplit("/", 1)[-1], {})
    return param.get("in") == "path" and param.get("name") == "tenant"


def run_schemathesis(
    api: str, spec: dict[str, Any], target: Target, *, level: str, settings: SchemathesisSettings
) -> list[Result]:
    """Level 2 (``conformance``: examples, coverage, fuzzing) or 3 (``stateful``) for one API."""
    import schemathesis
    from schemathesis.engine import events, from_schema

    spec = spec_for_target(api, spec, target)
    if not operations(spec):
        return [Result(api, level, "operations", "skipped", "the spec defines no operations")]
    phases = CONFORMANCE_PHASES if level == "conformance" else STATEFUL_PHASES
    schema = schemathesis.openapi.from_dict(spec, config=schemathesis_config(api, spec, target, phases, settings))
    collector = Collector(api, level, target)
    reporters = _Reporters(settings.report_dir, api, level, schema.config) if settings.report_dir else None
    for event in from_schema(schema).execute():
        collector.on_event(event)
        if reporters:
            reporters.on_event(event)
        if isinstance(event, events.FatalError):
            break
    if reporters:
        reporters.close()
    return collector.results()


def schemathesis_config(
    api: str, spec: dict[str, Any], target: Target, phases: Iterable[str], settings: SchemathesisSettings
) -> Any:
    """Schemathesis configuration (``SchemathesisConfig``) for one API: URL, auth, volume, phases."""
    from schemathesis.config import SchemathesisConfig

    from mockserver.app import spec_base_path

    enabled = set(phases)
    data: dict[str, Any] = {
        "base-url": target.base_url(api) + spec_base_path(spec),
        "headers": target.auth_headers(api),
        "workers": settings.workers,
        "request-timeout": settings.request_timeout,
        "generation": {"max-examples": settings.max_examples, "mode": "all", "database": "none"},
        "phases": {
            **{name: {"enabled": name in enabled} for name in ("examples", "coverage", "fuzzing")},
            # Only the specs' own OpenAPI links drive the stateful level (docs/design.md, level 3);
            # Schemathesis' name-based inference guessed e.g. authentik's user ``uuid`` for ``{id}``.
            "stateful": {"enabled": "stateful" in enabled, "inference": {"algorithms": []}},
        },
        "cache": {"enabled": False},
        "checks": {"positive_data_acceptance": {"expected-statuses": POSITIVE_STATUSES}, **VENDOR_CHECKS.get(api, {})},
        **settings.extra,
    }
    if settings.seed is not None:
        data["seed"] = settings.seed
    tenants = {
        f"path.{name}": target.credentials.scim_tenant for name in _path_params(spec) if "tenant" in name.lower()
    }
    if tenants:  # a SCIM tenant is where the credentials work, not a value to fuzz
        data["parameters"] = tenants
    return SchemathesisConfig.from_dict(data)


def _path_params(spec: dict[str, Any]) -> set[str]:
    names = set()
    for item in (spec.get("paths") or {}).values():
        params = list(item.get("parameters") or [])
        params += [p for m in HTTP_METHODS if isinstance(item.get(m), dict) for p in item[m].get("parameters") or []]
        for param in params:
            if "$ref" in param:
                param = spec.get("components", {}).get("parameters", {}).get(param["$ref"].rsplit("/", 1)[-1], {})
            if param.get("in") == "path":
                names.add(str(param.get("name")))
    return names


class Collector:
    """Folds engine events into one graded result per (operation, check), with the evidence of each failure."""

    def __init__(self, api: str, level: str, target: Target | None = None) -> None:
        self.api = api
        self.level = level
        self.target = target
        self.passed: dict[tuple[str, str], int] = {}
        self.failed_cases: dict[tuple[str, str], int] = {}
        self.failures: dict[tuple[str, str], dict[str, tuple[Requirement, str, Exchange | None]]] = {}
        self.errors: list[Result] = []
        self.started = time.perf_counter()
        self.skips: dict[str, str] = {}
        self.authenticated = AuthTally()

    def on_event(self, event: Any) -> None:
        from schemathesis.engine import events

        if isinstance(event, events.ScenarioFinished | events.FuzzScenarioFinished):
            self._scenario(event)
        elif isinstance(event, events.NonFatalError):
            message = event.info.format(base_url_is_set=True)
            self.errors.append(Result(self.api, self.level, f"{event.label} :: error", "failed", message))
        elif isinstance(event, events.FatalError):
            self.errors.append(Result(self.api, self.level, "schemathesis", "failed", repr(event.exception)))
        elif isinstance(event, events.PhaseFinished) and self.level == "stateful":
            reason = event.phase.skip_reason
            if reason is not None and event.phase.name.value == "stateful":
                self.skips["Stateful links"] = f"stateful phase skipped: {reason.value}"

    def _scenario(self, event: Any) -> None:
        recorder = event.recorder
        if getattr(event, "skip_reason", None) and not recorder.checks:
            self.skips.setdefault(recorder.label, event.skip_reason)
        self.authenticated.add(recorder)
        for case_id, checks in recorder.checks.items():
            node = recorder.cases.get(case_id)
            label = node.value.operation.label if node is not None else recorder.label
            for check in checks:
                key = (label, check.name)
                if check.failure_info is None:
                    self.passed[key] = self.passed.get(key, 0) + 1
                    continue
                failure = check.failure_info.failure
                exchange = self._exchange(recorder, failure.case_id or case_id)
                status = exchange.status if exchange else None
                if not_offered(self.api, label, status):  # an optional query the server lacks
                    self.passed[key] = self.passed.get(key, 0) + 1
                    continue
                self.failed_cases[key] = self.failed_cases.get(key, 0) + 1
                seen = self.failures.setdefault(key, {})
                signature = f"{failure.code} {failure.title}"
                if signature not in seen and len(seen) < 3:
                    seen[signature] = (requirement_of(check.name, status), _describe(failure, exchange), exchange)

    def _exchange(self, recorder: Any, case_id: str) -> Exchange | None:
        interaction = recorder.interactions.get(case_id)
        return exchange_of(interaction, self.target) if interaction is not None else None

    def results(self) -> list[Result]:
        seconds = time.perf_counter() - self.started
        keys = sorted(set(self.passed) | set(self.failures))
        out = [self._result(label, check) for label, check in keys]
        tested = {label for label, _ in keys}
        for label, reason in self.skips.items():
            if label not in tested:
                out.append(Result(self.api, self.level, label, "skipped", reason))
        out.extend(self.errors)
        out.extend(self.authenticated.verdict(self.api, self.level))
        for result in out:
            result.seconds = seconds / max(len(out), 1)
        return out

    def _result(self, label: str, check: str) -> Result:
        rule = CHECK_RULES.get(check, CheckRule(MUST, f"Schemathesis check {check}"))
        source = f"{rule.source}; specs/{self.api}.yaml"
        name = f"{label} :: {check}"
        found = self.failures.get((label, check))
        cases = self.passed.get((label, check), 0) + self.failed_cases.get((label, check), 0)
        if not found:
            return Result(self.api, self.level, name, "passed", "", source, 0.0, rule.requirement, cases=cases)
        levels = [level for level, _, _ in found.values()]
        requirement = MUST if MUST in levels else SHOULD
        message = "\n\n".join(text for _, text, _ in found.values())
        evidence = [exchange for _, _, exchange in found.values() if exchange is not None]
        title = message.splitlines()[0] if message else check
        return Result(self.api, self.level, name, "failed", message, source, 0.0, requirement, title, evidence, cases)


class AuthTally:
    """Counts the answers to requests that carried credentials: a run in which every one of them
    was refused (401/403) tested nothing but the refusal, so it can never pass (issue 10, preflight)."""

    def __init__(self) -> None:
        self.sent = 0
        self.refused = 0

    def add(self, recorder: Any) -> None:
        for interaction in recorder.interactions.values():
            if interaction.response is None or not _header(interaction.request.headers, "authorization"):
                continue
            self.sent += 1
            self.refused += interaction.response.status_code in (401, 403)

    def verdict(self, api: str, level: str) -> list[Result]:
        if not self.sent or self.refused < self.sent:
            return []
        message = f"all {self.sent} requests that carried credentials were answered 401/403: nothing else was tested"
        source = "RFC 9110 §11.6.1, §15.5.2: the given credentials were refused"
        return [Result(api, level, "credentials accepted", "failed", message, source, rule=message)]


def _header(headers: dict[str, list[str]] | None, name: str) -> str:
    for key, values in (headers or {}).items():
        if key.lower() == name and values:
            return str(values[0])
    return ""


def exchange_of(interaction: Any, target: Target | None) -> Exchange:
    """A Schemathesis interaction (request and response as sent) as evidence, credentials masked."""
    request, response = interaction.request, interaction.response
    headers = {k: ", ".join(v) for k, v in (request.headers or {}).items()}
    auth = target.curl_auth(_header(request.headers, "authorization")) if target is not None else ""
    made = Exchange(request.method, request.uri, masked(headers), text(request.body), auth=auth)
    made.reproduction = target.reproduction if target is not None else Reproduction()
    if response is not None:
        made.status = response.status_code
        made.response_headers = {k: ", ".join(v) for k, v in response.headers.items()}
        made.response_body = text(response.content)
    return made


def _describe(failure: Any, exchange: Exchange | None) -> str:
    """Rule broken, then the request, the response and a curl line reproducing it."""
    lines = [f"[{failure.code}] {failure.title}"]
    if failure.message:
        lines.append(failure.message.strip())
    if exchange is not None:
        lines.append(exchange.format(limit=1000))
    return "\n".join(lines)


class _Reporters:
    """Schemathesis' own JUnit and HAR reports (``--st-report-dir``), through its CLI handlers."""

    def __init__(self, directory: Path, api: str, level: str, config: Any) -> None:
        from schemathesis.cli.commands.run.context import ExecutionContext
        from schemathesis.cli.commands.run.handlers.har import HarHandler
        from schemathesis.cli.commands.run.handlers.junitxml import JunitXMLHandler

        directory.mkdir(parents=True, exist_ok=True)
        self._files = [open(directory / f"{api}-{level}.junit.xml", "w", encoding="utf-8")]  # noqa: SIM115
        self.ctx = ExecutionContext(config=config)
        self.handlers = [
            JunitXMLHandler(self._files[0]),
            HarHandler(output=directory / f"{api}-{level}.har", config=config.output, preserve_bytes=False),
        ]
        for handler in self.handlers:
            handler.start(self.ctx)

    def on_event(self, event: Any) -> None:
        self.ctx.on_event(event)
        for handler in self.handlers:
            handler.handle_event(self.ctx, event)

    def close(self) -> None:
        for handler in self.handlers:
            handler.shutdown(self.ctx)
        for fh in self._files:
            fh.close()
