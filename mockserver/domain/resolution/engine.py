"""The User Sync reconciliation: upstream IdP users → one Atlassian user directory.

Rules (docs/vendor-facts.md §2.7, resolution knowledge base):
- a full sync adds new upstream users, updates changed ones and counts the rest as not
  modified (https://wiki.resolution.de/doc/usersync/latest/knowledge-base/how-user-sync-works);
- cleanup is the last step: users of the directory no longer returned by the IdP are disabled
  (default), deleted, anonymised or kept, per the connector's ``cleanupBehaviour``
  (.../knowledge-base/cleanup-behaviour-and-scheduled-synchronization); admins are skipped with
  "Skipping admin or sysadmin <name>" (R1 example);
- Inferred: a user without an e-mail address or whose username is already taken fails alone,
  the rest of the sync goes on (result PARTIALLY_FAILED).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from mockserver.domain.resolution.model import COUNTERS, AtlassianUser, UserDirectory


@dataclass
class Outcome:
    """Counters and messages of one reconciliation."""

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNTERS, 0))
    messages: list[str] = field(default_factory=list)
    fatal: bool = False  # the sync could not run at all (no directory, IdP unreachable)

    def fail(self, message: str) -> Outcome:
        """Give up before any user was synced: result FAILED, every counter zero."""
        self.fatal = True
        self.messages.append(message)
        return self

    def bump(self, counter: str) -> None:
        self.counts[counter] += 1

    @property
    def result(self) -> str:
        """SUCCESS, PARTIALLY_FAILED (some users failed) or FAILED (every user failed)."""
        failed, total = self.counts["failedCount"], self.counts["resultCount"]
        if self.fatal:
            return "FAILED"
        if failed == 0:
            return "SUCCESS"
        return "FAILED" if failed == total else "PARTIALLY_FAILED"


def desired_users(scim_users: Iterable[dict[str, Any]], scim_groups: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """SCIM users (RFC 7643 §4.1) as Atlassian user fields; groups from the groups' ``members``."""
    names: dict[str, list[str]] = {}
    for group in scim_groups:
        for member in group.get("members") or []:
            names.setdefault(str(member.get("value")), []).append(str(group.get("displayName", "")))
    found = []
    for user in scim_users:
        found.append(
            {
                "externalId": str(user["id"]),
                "username": str(user.get("userName") or ""),
                "displayName": _display_name(user),
                "email": _email(user),
                "active": bool(user.get("active", True)),
                "groups": sorted(set(names.get(str(user["id"]), []))),
            }
        )
    return found


def _display_name(user: dict[str, Any]) -> str:
    name = user.get("name") or {}
    parts = " ".join(p for p in (name.get("givenName"), name.get("familyName")) if p)
    return str(user.get("displayName") or name.get("formatted") or parts or user.get("userName") or "")


def _email(user: dict[str, Any]) -> str:
    emails = [e for e in user.get("emails") or [] if e.get("value")]
    primary = [e for e in emails if e.get("primary")]
    return str((primary or emails or [{"value": ""}])[0]["value"])


def apply_user(
    directory: UserDirectory, wanted: dict[str, Any], live_ids: set[str], out: Outcome, *, quirk: Callable[[str], bool]
) -> None:
    """Add, update or leave one upstream user; count it (R1 counters). ``live_ids``: every IdP user id."""
    out.bump("resultCount")
    username = wanted["username"]
    if not username or not wanted["email"]:
        out.bump("failedCount")
        out.messages.append(
            f"User {username or wanted['externalId']} has no username or e-mail address and was not synced"
        )
        return
    current = find_user(directory, wanted["externalId"], username, live_ids)
    holder = directory.users.get(username.lower())
    if holder is not None and holder is not current:
        out.bump("failedCount")
        out.messages.append(
            f"User {username} could not be synced: the username is already taken in directory {directory.id}"
        )
        return
    new = AtlassianUser(**wanted)
    if current is None:
        directory.users[username.lower()] = new
        out.bump("addedCount")
    elif current == new:
        out.bump("updatedCount" if quirk("resolution-counts-wrong") else "notModifiedCount")
    else:
        directory.users.pop(current.username.lower(), None)
        directory.users[username.lower()] = new
        out.bump("updatedCount")


def find_user(directory: UserDirectory, external_id: str, username: str, live_ids: set[str]) -> AtlassianUser | None:
    """The directory user linked to the IdP user: by IdP id, else by username (case-insensitive)
    when that user is not linked to another live IdP user (Inferred)."""
    for user in directory.users.values():
        if user.externalId == external_id:
            return user
    by_name = directory.users.get(username.lower())
    if by_name is not None and (by_name.externalId is None or by_name.externalId not in live_ids):
        return by_name
    return None


def cleanup(
    directory: UserDirectory,
    wanted: list[dict[str, Any]],
    behaviour: str,
    admins: set[str],
    out: Outcome,
    *,
    quirk: Callable[[str], bool],
) -> None:
    """Last step of a full sync: handle directory users the IdP no longer returns (R4)."""
    ids = {w["externalId"] for w in wanted}
    names = {w["username"].lower() for w in wanted}
    if quirk("resolution-cleanup-deletes") and behaviour == "DISABLE":
        behaviour = "DELETE"
    for key, user in list(directory.users.items()):
        if user.externalId in ids or key in names:
            continue
        if user.username in admins:
            out.messages.append(f"Skipping admin or sysadmin {user.username}")
        elif behaviour == "DELETE":
            del directory.users[key]
            out.bump("deletedCount")
        elif behaviour == "DISABLE" and user.active:
            user.active = False
            out.bump("deletedCount")
        elif behaviour == "ANONYMIZE" and not user.username.startswith("user-"):
            _anonymize(directory, key, user)
            out.bump("deletedCount")


def _anonymize(directory: UserDirectory, key: str, user: AtlassianUser) -> None:
    """R4: username → user-XXX, e-mail → user-XXX@user.anon, name anonymised; the IdP id stays (reversible)."""
    number = 1
    while f"user-{number}" in directory.users:
        number += 1
    del directory.users[key]
    user.username = user.displayName = f"user-{number}"
    user.email = f"user-{number}@user.anon"
    user.active = False
    directory.users[user.username] = user
