"""resolution User Sync REST handlers (specs/resolution.yaml, ``/rest/samlsso-admin/1.0``).

Facts: https://wiki.resolution.de/doc/usersync/latest/knowledge-base/how-to-use-rest-api-with-user-sync
(docs/vendor-facts.md §2). A full sync answers at once and runs as a task on the server's event loop:
SCHEDULED → (``sync_delay``) RUNNING → (``sync_delay``) DONE, so clients can watch it run.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from mockserver.apis.base import BaseHandlers, ErrorResponse, empty, json_error
from mockserver.domain.errors import DomainError, Unauthenticated
from mockserver.domain.resolution import ResolutionState

Reply = tuple[Any, int]
log = logging.getLogger("idsync.resolution")

#: Atlassian REST's answer to a request without valid credentials (Inferred wording).
UNAUTHENTICATED = "Client must be authenticated to access this resource."


def render_error(err: DomainError) -> ErrorResponse:
    """Atlassian REST ``Status`` entity ``{"message", "status-code"}`` (Inferred, docs/vendor-facts.md §2.8 point 7)."""
    message = UNAUTHENTICATED if isinstance(err, Unauthenticated) else err.detail
    return json_error(err, {"message": message, "status-code": err.status})


class Handlers(BaseHandlers):
    """operationIds of specs/resolution.yaml; HTTP basic auth with an admin account (R1)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._jobs: set[asyncio.Task[None]] = set()

    @property
    def state(self) -> ResolutionState:
        return self.world.resolution

    async def list_connectors(self) -> Reply:
        return [c.public() for c in self.state.connectors.values()], 200

    async def get_connector(self, connectorId: str) -> Reply:
        return self.state.connector(connectorId).public(), 200

    async def save_connector(self, connectorId: str, body: dict[str, Any]) -> Reply:
        return self.state.save_connector(connectorId, body).public(), 200

    async def start_sync(self, connectorId: str) -> Reply:
        status = self.state.schedule_sync(connectorId)
        task = asyncio.get_running_loop().create_task(self._run(status.jobId))
        self._jobs.add(task)
        task.add_done_callback(self._jobs.discard)
        return self.state.status_view(status), 200

    async def get_connector_sync_status(self, connectorId: str) -> Reply:
        return self.state.status_view(self.state.last_status(connectorId)), 200

    async def sync_single_user(self, connectorId: str, username: str) -> Reply:
        return self.state.status_view(self.state.sync_single(connectorId, username)), 200

    async def get_sync_status(self, id: int) -> Reply:  # ``id``: the vendor's path parameter name
        return self.state.status_view(self.state.status(id)), 200

    async def get_directory(self, directoryId: int) -> Reply:
        return self.state.directory(directoryId).public(), 200

    async def delete_directory(self, directoryId: int) -> Reply:
        self.state.delete_directory(directoryId)
        return empty(204)

    async def _run(self, job_id: str) -> None:
        """The background half of ``start_sync``; a world reset in between makes it a no-op."""
        try:
            await asyncio.sleep(self.state.sync_delay)
            self.state.start(job_id)
            await asyncio.sleep(self.state.sync_delay)
            self.state.finish(job_id)
        except Exception:  # a job must never die silently: record it as failed
            log.exception("resolution sync job %s crashed", job_id)
            self.state.abort(job_id)
