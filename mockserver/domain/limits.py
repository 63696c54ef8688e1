"""Caps of every store that grows with requests (ARCHITECTURE.md, "Bounded stores").

A test suite never comes near these numbers; a client looping on a create does. Two policies:

- **history and credentials the server mints** (sync runs and statuses, issued tokens) keep the
  newest entries and forget the oldest (:func:`evict_oldest`), as a log rotates;
- **data a client creates** (tenants, users, groups, records, fault rules) is refused past the cap
  with :class:`QuotaExceeded`: 429 in the vendor's own error body (gRPC ``RESOURCE_EXHAUSTED`` for
  Sift, whose gateway maps it to 429: grpc-gateway ``runtime.HTTPStatusFromCode``), without
  ``Retry-After``, since waiting does not free room; deleting does.

Admin imports and seeds are held to the same numbers by the state schema
(``mockserver/data/state.schema.json``), so an imported world is one the API could have built.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

from mockserver.domain.errors import TooManyRequests

#: SCIM tenants of the hub (``/scim/<tenant>/v2``), whoever creates them.
MAX_SCIM_TENANTS = 1_000
#: Users plus groups in one SCIM tenant (the import floor is 100,000 users).
MAX_SCIM_RESOURCES = 250_000
#: StackSpot tenants (a tenant is created by its first write) and records over all tenants.
MAX_STACKSPOT_TENANTS = 1_000
MAX_STACKSPOT_RECORDS = 250_000
#: authentik core users, core groups, SCIM providers, and connections of each kind.
MAX_AUTHENTIK_USERS = 100_000
MAX_AUTHENTIK_GROUPS = 100_000
MAX_AUTHENTIK_PROVIDERS = 1_000
MAX_AUTHENTIK_CONNECTIONS = 250_000
#: Sift users (deactivated ones past it are forgotten), user groups; tokens and sync runs kept (newest).
MAX_SIFT_USERS = 100_000
MAX_SIFT_GROUPS = 10_000
MAX_SIFT_TOKENS = 1_000
MAX_SIFT_RUNS = 1_000
#: VCF access and refresh tokens kept (newest), identity sources of the Embedded IdP.
MAX_VCF_TOKENS = 10_000
MAX_VCF_SOURCES = 100
#: resolution sync statuses kept (newest; running jobs and each connector's last status stay).
MAX_RESOLUTION_STATUSES = 1_000
#: Users of one resolution directory (disabled ones past it are forgotten).
MAX_RESOLUTION_DIRECTORY_USERS = 250_000
#: Admin fault rules: each one is tried on every request.
MAX_FAULT_RULES = 100
#: Length of a regular expression in an admin query or fault rule.
MAX_PATTERN_LENGTH = 1_000


class QuotaExceeded(TooManyRequests):
    """429: the store is full (ARCHITECTURE.md, "Bounded stores"); deleting makes room."""


def require_room(count: int, cap: int, what: str) -> None:
    """Refuse one more ``what`` when ``count`` already reached ``cap``."""
    if count >= cap:
        raise QuotaExceeded(f"Limit reached: at most {cap} {what}; delete some first")


def evict_oldest(store: MutableMapping[Any, Any], cap: int, keep: frozenset[Any] = frozenset()) -> None:
    """Forget the oldest entries (insertion order) of ``store`` until at most ``cap`` remain;
    keys in ``keep`` are never forgotten."""
    excess = len(store) - cap
    if excess <= 0:
        return
    for key in [k for k in store if k not in keep][:excess]:
        del store[key]
