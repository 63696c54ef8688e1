"""Schemathesis engine events folded into graded results, with the evidence of every failure.

One :class:`~contracts.report.Result` per (operation, check): passed, or failed at the
requirement level of its failures (``contracts.checks``), each failure with the request and
response as sent (``contracts.evidence``). An optional SCIM query the server does not offer
judges nothing (``contracts.allowances.not_offered``), and a run whose authenticated requests
were all refused fails (:class:`AuthTally`).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from contracts.allowances import not_offered
from contracts.checks import CHECK_RULES, MUST, SHOULD, CheckRule, requirement_of
from contracts.evidence import Exchange, Reproduction, masked, text
from contracts.report import Requirement, Result

if TYPE_CHECKING:
    from contracts.target import Target


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
        #: Generated cases judged so far (``contracts.progress``).
        self.cases = 0

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
            self.cases += 1
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

    def progress(self) -> tuple[int, int, int]:
        """``(checks, failed, cases)`` so far: (operation, check) pairs judged as :meth:`results` counts
        them, how many of those failed, and the generated cases behind them."""
        return len(self.passed.keys() | self.failures.keys()), len(self.failures), self.cases

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
