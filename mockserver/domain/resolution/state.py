"""All resolution state of the world and its operations (one method per REST call).

A full sync is a job: :meth:`ResolutionState.schedule_sync` records it (``SCHEDULED``) and
answers at once, the HTTP layer later calls :meth:`start` and :meth:`finish` from a background
task. Everything here is synchronous and runs on the server's one event loop.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict
from typing import Any

from mockserver.domain.clock import rfc3339
from mockserver.domain.context import VendorContext
from mockserver.domain.errors import BadRequest, Conflict, NotFound
from mockserver.domain.limits import MAX_RESOLUTION_DIRECTORY_USERS, MAX_RESOLUTION_STATUSES, evict_oldest
from mockserver.domain.resolution import engine
from mockserver.domain.resolution.model import (
    CLEANUP_BEHAVIOURS,
    CONNECTOR_TYPES,
    Connector,
    SyncStatus,
    UserDirectory,
)
from mockserver.domain.resolution.scim_client import UpstreamIdp

DEFAULT_CONNECTOR = "7df9fd3f-793f-4595-b415-b839b76b0018"  # the connectorUID of the R1 example
DEFAULT_TENANT = "resolution-upstream"
FIRST_DIRECTORY_ID = 10100
EDITABLE = ("name", "type", "enabled", "cleanupBehaviour", "scheduledSync", "upstreamScimTenant")


class SyncBusy(Conflict):
    """409 (Inferred): a connector runs one sync at a time; a stuck sync blocks the next (R3)."""


class ResolutionState:
    """Connectors, their Atlassian directories and every sync status."""

    def __init__(self, context: VendorContext) -> None:
        self.context = context
        self.upstream = UpstreamIdp(context.directories)
        self.sync_delay = 0.05
        self.connectors: dict[str, Connector] = {}
        self.directories: dict[int, UserDirectory] = {}
        self.statuses: dict[int, SyncStatus] = {}
        self.next_directory_id = FIRST_DIRECTORY_ID
        self.next_status_id = 1

    # -- seed and snapshot -------------------------------------------------------------------
    def load(self, data: dict[str, Any]) -> None:
        """Replace everything; an empty section gives one connector syncing from ``resolution-upstream``.

        ``initialSync: true`` (mock-only seed key) runs one full sync of every connector at load, as
        an install that has been set up and synced once (the default seed: seed page 002's
        ``syncstatus`` answers before any sync was started). A malformed section raises
        :class:`BadRequest` and leaves the state as it was.
        """
        try:
            parsed = _parse(data)
        except (TypeError, KeyError, ValueError) as exc:
            raise BadRequest(f"invalid resolution seed: {exc}") from None
        self.sync_delay, self.connectors, self.directories, self.statuses = parsed
        known = [*self.directories, *(c.directoryId for c in self.connectors.values())]
        self.next_directory_id = int(data.get("nextDirectoryId") or max([FIRST_DIRECTORY_ID - 100, *known]) + 100)
        self.next_status_id = int(data.get("nextSyncStatusId") or max([0, *self.statuses]) + 1)
        for connector in self.connectors.values():
            self.load_tenant(connector)
        self._interrupt_restored_jobs()
        if data.get("initialSync"):
            for connector_id in list(self.connectors):
                self.sync_now(connector_id)

    def _interrupt_restored_jobs(self) -> None:
        """A snapshot taken mid-sync holds SCHEDULED or RUNNING jobs that no task will ever run
        here; they end FAILED, as a job scheduler marks the jobs a restart interrupted, so the
        connector takes its next sync instead of answering 409 forever (specs/README.md, admin)."""
        for status in self.statuses.values():
            if status.busy:
                reason = f"Synchronization {status.jobId} was interrupted: the state was restored from a snapshot"
                self._done(status, engine.Outcome().fail(reason))

    def export(self) -> dict[str, Any]:
        """JSON-able state; :meth:`load` of it round-trips."""
        return {
            "sync_delay": self.sync_delay,
            "connectors": [asdict(c) for c in self.connectors.values()],
            "directories": [d.public() for d in self.directories.values()],
            "syncStatuses": [s.export() for s in self.statuses.values()],
            "nextDirectoryId": self.next_directory_id,
            "nextSyncStatusId": self.next_status_id,
        }

    # -- connectors and directories ----------------------------------------------------------
    def connector(self, connector_id: str) -> Connector:
        try:
            return self.connectors[connector_id]
        except KeyError:
            raise NotFound(f"Connector {connector_id} not found") from None

    def save_connector(self, connector_id: str, changes: dict[str, Any]) -> Connector:
        """Edit → Save (seed 002 "Creation"): apply ``changes``; a missing directory is created anew (new id, R6)."""
        connector = self.connector(connector_id)
        _validate(changes)
        for key in EDITABLE:
            if key in changes:
                setattr(connector, key, changes[key])
        if connector.directoryId not in self.directories:
            connector.directoryId = self._new_directory(connector).id
        self.load_tenant(connector)
        return connector

    def load_tenant(self, connector: Connector) -> None:
        """Make sure the connector's upstream SCIM tenant exists and accepts the API tokens."""
        self.upstream.prepare(connector.upstreamScimTenant, self.context.credentials.bearer)

    def _new_directory(self, connector: Connector) -> UserDirectory:
        directory = UserDirectory(self.next_directory_id, f"User Sync: {connector.name}", connector.id)
        self.next_directory_id += 100
        self.directories[directory.id] = directory
        return directory

    def directory(self, directory_id: int) -> UserDirectory:
        try:
            return self.directories[directory_id]
        except KeyError:
            raise NotFound(f"Directory {directory_id} does not exist") from None

    def delete_directory(self, directory_id: int) -> None:
        """R2: deletes the directory and all its users, without warning."""
        del self.directories[self.directory(directory_id).id]

    # -- syncs ---------------------------------------------------------------------------------
    def status(self, status_id: int) -> SyncStatus:
        try:
            return self.statuses[status_id]
        except KeyError:
            raise NotFound(f"Sync status {status_id} not found") from None

    def last_status(self, connector_id: str) -> SyncStatus:
        """The connector's last full sync (``GET usersync/connector/{id}/syncstatus``)."""
        connector = self.connector(connector_id)
        if connector.lastSyncStatusId is None or connector.lastSyncStatusId not in self.statuses:
            raise NotFound(f"Connector {connector_id} has not been synchronized yet")
        return self.statuses[connector.lastSyncStatusId]

    def schedule_sync(self, connector_id: str) -> SyncStatus:
        """Record a full sync as SCHEDULED with message ``Scheduled with jobid <uuid>`` (R1, R9)."""
        connector = self.connector(connector_id)
        last = self.statuses.get(connector.lastSyncStatusId or 0)
        if last is not None and last.busy:
            raise SyncBusy(f"A synchronization of connector {connector_id} is already running (sync status {last.id})")
        status = self._new_status(connector, "FULL")
        connector.lastSyncStatusId = status.id
        return status

    def job(self, job_id: str) -> SyncStatus | None:
        """The status of job ``job_id``, or None once the world was reset under it."""
        return next((s for s in self.statuses.values() if s.jobId == job_id), None)

    def start(self, job_id: str) -> None:
        status = self.job(job_id)
        if status is not None and status.status == "SCHEDULED":
            status.status, status.started = "RUNNING", self.context.clock.now()
            status.lastModified = status.started

    def finish(self, job_id: str) -> None:
        """Run the reconciliation of a started job and mark it DONE."""
        status = self.job(job_id)
        if status is None or status.status != "RUNNING":
            return
        out = self._reconcile(self.connector(status.connectorUID), None)
        self._done(status, out)

    def abort(self, job_id: str) -> None:
        """Mark a job that crashed as DONE/FAILED so it does not block the connector forever."""
        status = self.job(job_id)
        if status is not None and status.busy:
            self._done(status, engine.Outcome().fail(f"Synchronization {job_id} aborted by an internal error"))

    def sync_now(self, connector_id: str) -> SyncStatus:
        """Schedule, start and finish a full sync at once (for in-process callers and models)."""
        status = self.schedule_sync(connector_id)
        self.start(status.jobId)
        self.finish(status.jobId)
        return status

    def sync_single(self, connector_id: str, username: str) -> SyncStatus:
        """Single User Update (R7, R8): add or update one IdP user, synchronously; no cleanup."""
        connector = self.connector(connector_id)
        started = self.context.clock.now()
        out = self._reconcile(connector, username)  # an unknown IdP user raises before anything is recorded
        status = self._new_status(connector, "SINGLE")
        status.status, status.started = "RUNNING", started
        self._done(status, out)
        return status

    def _new_status(self, connector: Connector, kind: str) -> SyncStatus:
        now = self.context.clock.now()
        job_id = str(uuid.uuid4())
        status = SyncStatus(
            self.next_status_id, connector.id, job_id, now, now, kind=kind, messages=[f"Scheduled with jobid {job_id}"]
        )
        self.statuses[status.id] = status
        self.next_status_id += 1
        self._forget_old_statuses()
        return status

    def _forget_old_statuses(self) -> None:
        """Keep the newest ``MAX_RESOLUTION_STATUSES`` (limits.py); a job still running and each
        connector's last sync are never forgotten, so ``syncstatus`` always answers."""
        if len(self.statuses) > MAX_RESOLUTION_STATUSES:
            keep = {c.lastSyncStatusId for c in self.connectors.values()}
            keep |= {s.id for s in self.statuses.values() if s.busy}
            evict_oldest(self.statuses, MAX_RESOLUTION_STATUSES, frozenset(keep))

    def _done(self, status: SyncStatus, out: engine.Outcome) -> None:
        now = self.context.clock.now()
        status.status, status.result, status.lastModified = "DONE", out.result, now
        status.counts, status.duration = out.counts, round((now - (status.started or now)) * 1000)
        status.messages.extend(out.messages)

    def _reconcile(self, connector: Connector, only: str | None) -> engine.Outcome:
        """One sync of ``connector`` (all users, or only the IdP user named ``only``)."""
        out = engine.Outcome()
        directory = self.directories.get(connector.directoryId)
        if directory is None and self.context.quirk("resolution-deleted-directory-still-syncs"):
            directory = self.directories[connector.directoryId] = UserDirectory(
                connector.directoryId, connector.name, connector.id
            )
        if directory is None:
            return out.fail(f"Directory {connector.directoryId} does not exists")
        idp = self.upstream.read(connector.upstreamScimTenant)
        if idp is None:
            return out.fail(f"Identity provider unreachable: SCIM tenant {connector.upstreamScimTenant} not found")
        wanted = engine.desired_users(*idp)
        live_ids = {w["externalId"] for w in wanted}
        if only is not None:
            picked = [w for w in wanted if w["username"].lower() == only.lower()]
            if not picked:
                raise NotFound(f"User {only} not found in the identity provider of connector {connector.id}")
            wanted = picked
        for one in wanted:
            engine.apply_user(directory, one, live_ids, out, quirk=self.context.quirk)
        if only is None:
            engine.cleanup(
                directory,
                wanted,
                connector.cleanupBehaviour,
                set(self.context.credentials.basic),
                out,
                quirk=self.context.quirk,
            )
            _forget_old_inactive_users(directory)
        return out

    def status_view(self, status: SyncStatus) -> dict[str, Any]:
        """A SyncStatus as the REST API shows it (R1 example): counters flat, ISO-8601 UTC timestamps."""
        return {
            "id": status.id,
            "status": status.status,
            "result": status.result,
            "type": status.kind,
            **status.counts,
            "messages": list(status.messages),
            "clusterNode": status.clusterNode,
            "connectorUID": status.connectorUID,
            "jobId": status.jobId,
            "created": rfc3339(status.created),
            "lastModified": rfc3339(status.lastModified),
            "duration": status.duration,
        }


def _parse(data: dict[str, Any]) -> tuple[float, dict[str, Connector], dict[int, UserDirectory], dict[int, SyncStatus]]:
    """The seed section as records; ``connectors``/``directories`` absent give the default connector."""
    raw = data.get("connectors")
    if raw is None:
        raw = [{"id": DEFAULT_CONNECTOR, "name": "Azure AD", "directoryId": FIRST_DIRECTORY_ID}]
    connectors = {str(c["id"]): Connector(**c) for c in raw}
    dirs = data.get("directories")
    if dirs is None:
        dirs = [{"id": c.directoryId, "name": f"User Sync: {c.name}", "connectorId": c.id} for c in connectors.values()]
    directories = {d.id: d for d in map(UserDirectory.from_dict, dirs)}
    statuses = {int(s["id"]): SyncStatus(**s) for s in data.get("syncStatuses") or []}
    return float(data.get("sync_delay", 0.05)), connectors, directories, statuses


def _validate(changes: dict[str, Any]) -> None:
    """Enumerated connector fields (Inferred values, docs/vendor-facts.md §2.6)."""
    if "type" in changes and changes["type"] not in CONNECTOR_TYPES:
        raise BadRequest(f"type must be one of {', '.join(CONNECTOR_TYPES)}")
    if "cleanupBehaviour" in changes and changes["cleanupBehaviour"] not in CLEANUP_BEHAVIOURS:
        raise BadRequest(f"cleanupBehaviour must be one of {', '.join(CLEANUP_BEHAVIOURS)}")
    if "upstreamScimTenant" in changes and not str(changes["upstreamScimTenant"]).strip():
        raise BadRequest("upstreamScimTenant must not be empty")


def _forget_old_inactive_users(directory: UserDirectory) -> None:
    """Cleanup disables users (R4), so a create-delete loop in the IdP grows the directory: past
    ``MAX_RESOLUTION_DIRECTORY_USERS`` its oldest disabled users are forgotten (limits.py)."""
    excess = len(directory.users) - MAX_RESOLUTION_DIRECTORY_USERS
    if excess > 0:
        for key in [k for k, u in directory.users.items() if not u.active][:excess]:
            del directory.users[key]
