"""Sift External Sync contracts: semantic properties and documented scenarios (docs/vendor-facts.md part B).

Every check arranges its own upstream state through the public API: ``:generate-token`` gives a
SCIM URL and token, the check pushes users and groups there over SCIM 2.0 (RFC 7644 §3.3) as an
IdP would, then calls ``POST /api/v1/external-sync``. Names carry a random suffix so the checks
do not depend on each other or on a reset. Only the token-expiry check needs the admin API (to
move the clock). Importing this package registers every Sift contract.
"""

from __future__ import annotations

from contracts.suites.sift import model, scenarios

__all__ = ["model", "scenarios"]
