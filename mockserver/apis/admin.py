"""Admin API handlers (specs/admin.yaml): reset, seed, state, journal, faults, clock, tenants."""

from __future__ import annotations

from typing import Any

from mockserver.apis.base import BaseHandlers, ErrorResponse, empty, json_error
from mockserver.domain import statefile
from mockserver.domain.clock import rfc3339
from mockserver.domain.errors import BadRequest, DomainError
from mockserver.domain.planted import PlantedFault
from mockserver.domain.scim import Directory

Reply = tuple[Any, int]

CREATED_TENANT_UNREADABLE = "admin-created-tenant-unreadable"
PLANTED_FAULTS = (
    PlantedFault(
        name=CREATED_TENANT_UNREADABLE,
        api="admin",
        level="stateful",
        catches="ensure_resource_availability",
        description="POST /tenants answers a name that GET /tenants/{name} does not know (the create's link is broken)",
    ),
)


def render_error(err: DomainError) -> ErrorResponse:
    """Admin errors: ``{status, detail}`` JSON; a 401 carries the bearer challenge that RFC 9110
    §11.6.1 requires of every 401 (RFC 6750 §3), so a browser or client knows to send a token."""
    rendered = json_error(err, {"status": err.status, "detail": err.detail})
    if err.status == 401:
        rendered.headers.setdefault("WWW-Authenticate", 'Bearer realm="idsync-admin"')
    return rendered


class Handlers(BaseHandlers):
    """operationIds of specs/admin.yaml."""

    def check_bearer(self, token: str, path_params: dict[str, Any], headers: dict[str, str]) -> dict[str, Any] | None:
        """The admin token when set, else the API bearer tokens on loopback (``Runtime.admin_token_ok``)."""
        return {"sub": "admin"} if self.runtime.admin_token_ok(token) else None

    async def reset(self, journal: bool = False, faults: bool = False) -> Reply:
        self.world.reset()
        if journal:
            self.runtime.journal.clear()
        if faults:
            self.runtime.faults.clear()
        return {"status": "reset"}, 200

    async def load_seed(self, body: dict[str, Any]) -> Reply:
        self.world.load_seed(body)
        return {"status": "seeded"}, 200

    async def export_state(self) -> Reply:
        return self.world.export(), 200

    async def import_state(self, body: dict[str, Any]) -> Reply:
        self.world.restore(body)
        return {"status": "imported"}, 200

    async def state_schema(self) -> tuple[Any, int, dict[str, str]]:
        return statefile.schema(), 200, {"Content-Type": "application/schema+json"}

    async def read_journal(
        self,
        method: str | None = None,
        path: str | None = None,
        api: str | None = None,
        status: int | None = None,
        limit: int | None = None,
        after: int | None = None,
    ) -> Reply:
        journal = self.runtime.journal
        entries = journal.query(method=method, path=path, api=api, status=status, limit=limit, after=after)
        return {"entries": entries}, 200

    async def state_counts(self) -> Reply:
        return {"counts": self.world.counts()}, 200

    async def clear_journal(self) -> Reply:
        self.runtime.journal.clear()
        return empty(204)

    async def list_faults(self) -> Reply:
        return {"faults": self.runtime.faults.list()}, 200

    async def add_fault(self, body: dict[str, Any]) -> Reply:
        return self.runtime.faults.add(body).public(), 201

    async def clear_faults(self) -> Reply:
        self.runtime.faults.clear()
        return empty(204)

    async def delete_fault(self, faultId: int) -> Reply:
        self.runtime.faults.remove(faultId)
        return empty(204)

    async def get_clock(self) -> Reply:
        return self._clock(), 200

    async def set_clock(self, body: dict[str, Any]) -> Reply:
        clock = self.world.clock
        given = [k for k in ("advance", "set", "reset") if k in body]
        if len(given) != 1:
            raise BadRequest("give exactly one of advance, set, reset")
        if "advance" in body:
            clock.advance(float(body["advance"]))
        elif "set" in body:
            clock.set(float(body["set"]), frozen=bool(body.get("frozen")))
        elif body["reset"]:
            clock.reset()
        return self._clock(), 200

    def _clock(self) -> dict[str, Any]:
        clock = self.world.clock
        now = clock.now()
        return {"now": now, "iso": rfc3339(now), "offset": clock.offset, "frozen": clock.frozen_at is not None}

    async def list_tenants(self) -> Reply:
        directories = self.world.directories
        return {"tenants": [_tenant(directories.get(n)) for n in directories.names()]}, 200

    async def create_tenant(self, body: dict[str, Any]) -> Reply:
        directory = self.world.directories.provision(body["name"], body.get("tokens") or [], body.get("options"))
        if self.world.quirk(CREATED_TENANT_UNREADABLE):  # Planted bug: not the name that was stored
            return {**_tenant(directory), "name": directory.name + "-x"}, 201
        return _tenant(directory), 201

    async def get_tenant(self, name: str) -> Reply:
        return _tenant(self.world.directories.get(name)), 200

    async def delete_tenant(self, name: str) -> Any:
        self.world.directories.get(name)
        self.world.directories.drop(name)
        return empty(204)


def _tenant(directory: Directory) -> dict[str, Any]:
    """A SCIM tenant as the admin API shows it: name, base path and options (specs/admin.yaml ``Tenant``)."""
    return {"name": directory.name, "base_path": directory.base_path, "options": directory.options.export()}
