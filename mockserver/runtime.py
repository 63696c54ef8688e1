"""What one running app holds besides the identity world: the request journal and fault rules.

Both are driven by the admin API (docs/design.md, "The admin API"); neither imports a web framework.
Their path patterns are RE2 regular expressions (:func:`compile_pattern`): matching takes time
linear in the path, whatever the pattern, so no pattern can stall the event loop.
The journal never holds a credential (issue 12, point 2): ``Journal.record`` masks them
(``mockserver.domain.secrets``) before anything is kept.
"""

from __future__ import annotations

import hmac
import itertools
import random
from collections import deque
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

import re2

from mockserver.domain.errors import BadRequest, NotFound
from mockserver.domain.limits import MAX_FAULT_RULES, MAX_PATTERN_LENGTH, require_room
from mockserver.domain.secrets import mask_headers, mask_query, mask_text, scrub
from mockserver.domain.world import World

FAULT_ACTIONS = ("latency", "status", "rate_limit", "close")
#: The admin routes whose body is a whole state or seed (specs/admin.yaml).
IMPORT_ROUTES = frozenset({("PUT", "/__admin/state"), ("POST", "/__admin/seed")})
#: Default limit of those bodies; ``idsync serve --max-import-mb``.
MAX_IMPORT_BYTES = 512 * 1_048_576
#: How much of each request and answer body, and of the query string, the journal keeps.
JOURNAL_BODY_LIMIT = 4096
#: Bytes past the cut masked along with the kept part (longer than any credential the mock issues).
MASK_SLACK = 2048
#: How much of each header value the journal keeps.
JOURNAL_HEADER_LIMIT = 1024


class Pattern(Protocol):
    """A compiled path pattern: what the journal and fault rules ask of it."""

    pattern: str

    def search(self, text: str) -> object | None:
        """A match anywhere in ``text``, or None."""


def compile_pattern(text: str, what: str = "path") -> Pattern:
    """``text`` as an RE2 regular expression (github.com/google/re2/wiki/Syntax).

    RE2 matches in time linear in the subject (no backtracking), so ``(a+)+$`` against a long
    path answers at once; in exchange it has no backreferences nor lookaround, which are a 400,
    as is a pattern longer than ``MAX_PATTERN_LENGTH`` characters (limits.py).
    """
    if len(text) > MAX_PATTERN_LENGTH:
        raise BadRequest(f"{what} is longer than {MAX_PATTERN_LENGTH} characters")
    try:
        compiled: Pattern = re2.compile(text, _RE2_OPTIONS)
    except re2.error as exc:
        reason = exc.args[0].decode("utf-8", "replace") if exc.args and isinstance(exc.args[0], bytes) else exc
        raise BadRequest(f"{what} is not a valid RE2 regular expression: {reason}") from None
    return compiled


_RE2_OPTIONS = re2.Options()
_RE2_OPTIONS.log_errors = False  # a bad pattern is the client's 400, not a line on the server's stderr
_ANY: Pattern = compile_pattern(".*")


@dataclass
class JournalEntry:
    """One request as the server saw it."""

    id: int
    time: float
    method: str
    path: str
    query: str
    status: int
    api: str
    request_body: str
    response_body: str
    duration_ms: float
    #: What the real vendor would have ignored or accepted only leniently (``BaseHandlers.note``).
    notes: list[str] = field(default_factory=list)
    #: Request headers, credentials masked to their scheme (``Bearer ***``).
    request_headers: dict[str, str] = field(default_factory=dict)


class Journal:
    """A bounded, newest-last record of requests (admin ``GET /journal``)."""

    def __init__(self, limit: int = 1000) -> None:
        self.limit = limit
        self._entries: deque[JournalEntry] = deque(maxlen=limit)
        self._ids = itertools.count(1)
        self.enabled = True

    def record(
        self,
        *,
        query: str = "",
        request_headers: Iterable[tuple[bytes, bytes]] = (),
        request_body: bytes = b"",
        response_body: bytes = b"",
        secrets: Iterable[str] = (),
        sealed: bool = False,
        **fields: Any,
    ) -> None:
        """Append an entry, credentials masked: secret headers, query parameters and JSON members,
        and every value in ``secrets`` (what the request carried) wherever it appears. ``sealed``
        bodies (state exports, imports, seeds: every credential of the world) are not kept at all.
        The oldest entry falls off when the journal is full."""
        if not self.enabled:
            return
        secrets = set(secrets)
        self._entries.append(
            JournalEntry(
                id=next(self._ids),
                query=scrub(mask_query(query[: JOURNAL_BODY_LIMIT + MASK_SLACK]), secrets)[:JOURNAL_BODY_LIMIT],
                request_headers={k: v[:JOURNAL_HEADER_LIMIT] for k, v in mask_headers(request_headers).items()},
                request_body=_kept(request_body, secrets, sealed),
                response_body=_kept(response_body, secrets, sealed),
                **fields,
            )
        )

    def query(
        self,
        *,
        method: str | None = None,
        path: str | None = None,
        api: str | None = None,
        status: int | None = None,
        limit: int | None = None,
        after: int | None = None,
    ) -> list[dict[str, Any]]:
        """Entries matching every given criterion (``path``: an RE2 expression searched in the path;
        ``after``: only ids above it, what a poller has not seen yet)."""
        pattern = compile_pattern(path) if path else None
        found = [
            asdict(e)
            for e in self._entries
            if (after is None or e.id > after)
            and (method is None or e.method == method.upper())
            and (pattern is None or pattern.search(e.path))
            and (api is None or e.api == api)
            and (status is None or e.status == status)
        ]
        return found[-limit:] if limit else found

    def clear(self) -> None:
        """Forget every entry."""
        self._entries.clear()


def _kept(body: bytes, secrets: set[str], sealed: bool) -> str:
    """What the journal keeps of a body: its first bytes as text, credentials masked."""
    if sealed and body:
        return f"<{len(body)} bytes not journaled: they hold credentials>"
    # Masked before it is cut, so a secret straddling the cut leaves no visible prefix.
    return mask_text(body[: JOURNAL_BODY_LIMIT + MASK_SLACK].decode("utf-8", "replace"), secrets)[:JOURNAL_BODY_LIMIT]


@dataclass
class FaultRule:
    """Misbehave on matching requests (admin ``POST /faults``).

    ``action``: ``latency`` (sleep ``latency_ms`` then answer normally), ``status`` (answer
    ``status`` in the API's own error body), ``rate_limit`` (429 with ``Retry-After:
    retry_after``), ``close`` (drop the connection without a response). ``count`` limits how
    many requests it hits (None = unlimited); ``probability`` how likely each match fires.
    """

    id: int
    action: str
    path: str = ".*"
    method: str | None = None
    api: str | None = None
    status: int = 500
    latency_ms: int = 0
    retry_after: int = 1
    count: int | None = None
    probability: float = 1.0
    hits: int = 0
    _regex: Pattern = field(default=_ANY, repr=False, compare=False)

    def matches(self, method: str, path: str, api: str) -> bool:
        """True if the rule applies to this request and still has hits left."""
        if self.count is not None and self.hits >= self.count:
            return False
        if self.method and self.method.upper() != method:
            return False
        if self.api and self.api != api:
            return False
        return bool(self._regex.search(path))

    def public(self) -> dict[str, Any]:
        """The rule as the admin API shows it."""
        data = asdict(self)
        data.pop("_regex")
        return data


class Faults:
    """The active fault rules, first match wins."""

    def __init__(self, rng: random.Random | None = None) -> None:
        self._rules: list[FaultRule] = []
        self._ids = itertools.count(1)
        self._rng = rng or random.Random()

    def add(self, spec: dict[str, Any]) -> FaultRule:
        """Validate and add a rule from its admin-API body."""
        action = spec.get("action")
        if action not in FAULT_ACTIONS:
            raise BadRequest(f"action must be one of {', '.join(FAULT_ACTIONS)}")
        regex = compile_pattern(spec.get("path") or ".*")
        require_room(len(self._rules), MAX_FAULT_RULES, "fault rules")
        known = {
            k: spec[k]
            for k in ("method", "api", "status", "latency_ms", "retry_after", "count", "probability")
            if k in spec
        }
        rule = FaultRule(id=next(self._ids), action=action, path=regex.pattern, _regex=regex, **known)
        self._rules.append(rule)
        return rule

    def remove(self, rule_id: int) -> None:
        """Delete one rule; :class:`NotFound` if absent."""
        before = len(self._rules)
        self._rules = [r for r in self._rules if r.id != rule_id]
        if len(self._rules) == before:
            raise NotFound(f"fault rule {rule_id} not found")

    def clear(self) -> None:
        """Delete every rule."""
        self._rules.clear()

    def list(self) -> list[dict[str, Any]]:
        """Every rule, in match order."""
        return [r.public() for r in self._rules]

    def pick(self, method: str, path: str, api: str) -> FaultRule | None:
        """The first rule that matches and fires for this request; counts the hit."""
        for rule in self._rules:
            if rule.matches(method, path, api) and self._rng.random() < rule.probability:
                rule.hits += 1
                return rule
        return None


@dataclass
class Runtime:
    """Everything one app instance owns: the world, the journal, the faults and its settings."""

    world: World
    journal: Journal = field(default_factory=Journal)
    faults: Faults = field(default_factory=Faults)
    profile: str = "default"
    max_body_bytes: int = 1_048_576
    #: Larger, separate limit of the two bodies that carry a whole world (``IMPORT_ROUTES``).
    max_import_bytes: int = MAX_IMPORT_BYTES
    #: Seconds a request body may pause between chunks before the request gets 408 (nginx's
    #: ``client_body_timeout`` idea; README "Limits").
    body_timeout: float = 20.0
    #: The admin API's own token given at start-up (``--admin-token`` / ``IDSYNC_ADMIN_TOKEN``);
    #: it outranks the seed's ``credentials.admin_token`` and no seed can change it.
    admin_token: str | None = None
    #: Bound to a non-loopback address: the admin API then takes its admin token only, never
    #: the shared API bearer tokens (README, "Serving on a network").
    exposed: bool = False

    def admin_token_ok(self, token: str) -> bool:
        """Whether ``token`` opens the admin API: the admin token when one is set (start-up or
        seed), else, on loopback only, any API bearer token."""
        expected = self.admin_token or self.world.credentials.admin_token
        if expected:
            return hmac.compare_digest(token.encode(), expected.encode())
        return not self.exposed and self.world.credentials.bearer_ok(token)

    def body_limit(self, method: str, path: str) -> int:
        """Largest body accepted for this request: a state import or a seed may be far larger
        (100,000 SCIM users export to about 60 MB) than any vendor request."""
        return self.max_import_bytes if (method, path.rstrip("/")) in IMPORT_ROUTES else self.max_body_bytes
