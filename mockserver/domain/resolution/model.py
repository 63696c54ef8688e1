"""resolution User Sync records: connectors, Atlassian user directories, users, sync statuses.

Field names follow the vendor where it documents them (the SyncStatus example of
https://wiki.resolution.de/doc/usersync/latest/knowledge-base/how-to-use-rest-api-with-user-sync);
the connector and user shapes are inferred (docs/vendor-facts.md §2.6) and marked so in specs/resolution.yaml.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

#: Connector IdP types (docs/vendor-facts.md §2.6, R5/R10); the enum spelling is inferred.
CONNECTOR_TYPES = ("AZURE_AD", "OKTA", "GOOGLE", "ONELOGIN", "KEYCLOAK", "AWS_COGNITO")
#: Cleanup behaviours (R4): disable is the documented default.
CLEANUP_BEHAVIOURS = ("DISABLE", "DELETE", "ANONYMIZE", "KEEP")
#: SyncStatus.status: DONE is documented (R1, R3); SCHEDULED/RUNNING are inferred.
STATUSES = ("SCHEDULED", "RUNNING", "DONE")
#: SyncStatus.result, from the log lines of R3 ("status is DONE with result PARTIALLY_FAILED").
RESULTS = ("SUCCESS", "PARTIALLY_FAILED", "FAILED")
COUNTERS = (
    "addedCount",
    "updatedCount",
    "notModifiedCount",
    "failedCount",
    "deletedCount",
    "filteredCount",
    "resultCount",
)


@dataclass
class Connector:
    """A User Sync connector; ``upstreamScimTenant`` names the SCIM tenant standing in for the IdP."""

    id: str
    name: str
    directoryId: int  # noqa: N815 (wire name)
    upstreamScimTenant: str = "resolution-upstream"  # noqa: N815
    type: str = "AZURE_AD"
    enabled: bool = True
    cleanupBehaviour: str = "DISABLE"  # noqa: N815
    scheduledSync: dict[str, Any] = field(default_factory=lambda: {"enabled": False, "intervalMinutes": 60})  # noqa: N815
    lastSyncStatusId: int | None = None  # noqa: N815

    def public(self) -> dict[str, Any]:
        """The connector as ``GET usersync/connector/{id}`` shows it."""
        return asdict(self)


@dataclass
class AtlassianUser:
    """A user of an Atlassian (Crowd embedded) directory; ``externalId`` links it to the IdP user."""

    username: str
    displayName: str  # noqa: N815
    email: str
    active: bool = True
    groups: list[str] = field(default_factory=list)
    externalId: str | None = None  # noqa: N815

    def public(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class UserDirectory:
    """The Atlassian user directory a connector syncs into (one per connector, R5)."""

    id: int
    name: str
    connectorId: str  # noqa: N815
    users: dict[str, AtlassianUser] = field(default_factory=dict)  # lower-cased username → user

    def public(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "connectorId": self.connectorId,
            "users": [u.public() for u in self.users.values()],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> UserDirectory:
        made = cls(
            int(data["id"]), str(data.get("name") or f"User Sync {data['id']}"), str(data.get("connectorId", ""))
        )
        for raw in data.get("users") or []:
            user = AtlassianUser(**raw)
            made.users[user.username.lower()] = user
        return made


@dataclass
class SyncStatus:
    """One sync run (R1 example): counters, messages, timestamps, numeric id."""

    id: int
    connectorUID: str  # noqa: N815
    jobId: str  # noqa: N815
    created: float
    lastModified: float  # noqa: N815
    status: str = "SCHEDULED"
    result: str | None = None
    kind: str = "FULL"  # FULL | SINGLE (inferred)
    messages: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNTERS, 0))
    started: float | None = None
    duration: int = 0
    clusterNode: str = "NOT_CLUSTERED"  # noqa: N815

    @property
    def busy(self) -> bool:
        """True while the job is queued or running (one sync per connector at a time, R3)."""
        return self.status != "DONE"

    def export(self) -> dict[str, Any]:
        return asdict(self)
