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
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from contracts.allowances import widened
from contracts.collector import Collector
from contracts.report import Result
from contracts.reproducible import seed_and_spec_only

if TYPE_CHECKING:
    from contracts.target import Target

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
CONFORMANCE_PHASES = ("examples", "coverage", "fuzzing")
STATEFUL_PHASES = ("stateful",)


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
    # idsync admin (specs/admin.yaml, State and Seed): a state is checked against the full state
    # schema (mockserver/data/state.schema.json, Draft 2020-12, beyond what OpenAPI 3.0 can
    # state) and each vendor's rules (references between records); anything else is a 400.
    "admin": {"positive_data_acceptance": {"expected-statuses": [*POSITIVE_STATUSES, "400"]}},
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
    api: str,
    spec: dict[str, Any],
    target: Target,
    *,
    level: str,
    settings: SchemathesisSettings,
    progress: Callable[[int, int, int], None] | None = None,
) -> list[Result]:
    """Level 2 (``conformance``: examples, coverage, fuzzing) or 3 (``stateful``) for one API.

    ``progress(checks, failed, cases)`` is called after every engine event (``Collector.progress``)."""
    import schemathesis
    from schemathesis.engine import events, from_schema

    spec = spec_for_target(api, spec, target)
    if not operations(spec):
        return [Result(api, level, "operations", "skipped", "the spec defines no operations")]
    phases = CONFORMANCE_PHASES if level == "conformance" else STATEFUL_PHASES
    schema = schemathesis.openapi.from_dict(spec, config=schemathesis_config(api, spec, target, phases, settings))
    collector = Collector(api, level, target)
    reporters = _Reporters(settings.report_dir, api, level, schema.config) if settings.report_dir else None
    with seed_and_spec_only():
        for event in from_schema(schema).execute():
            collector.on_event(event)
            if progress is not None:
                progress(*collector.progress())
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
