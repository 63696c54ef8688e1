"""``POST /providers/scim/{id}/sync/object/``: push one user or group to a SCIM target.

Follows ``SyncTasks.sync_objects`` (``authentik/lib/sync/outgoing/tasks.py``, dramatiq era,
2025.8) and the SCIM clients (``authentik/providers/scim/clients/users.py``/``groups.py``):
build the client (``GET /ServiceProviderConfig``), log "Syncing page 1 or Users", find the
object in the provider's scope, then create (``POST``) or update (``PUT``/``PATCH``) it and
record the link. Failures of the target become ``warning`` log events (docs/vendor-facts.md A6, A8).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mockserver.domain.authentik.scim_client import (
    DryRunRejected,
    NotFoundSyncException,
    ObjectExistsSyncException,
    SCIMClient,
    StopSync,
    SyncError,
    TransientSyncException,
    open_client,
)
from mockserver.domain.authentik.scim_groups import write_group
from mockserver.domain.authentik.scim_users import write_user
from mockserver.domain.authentik.state import AuthentikState

USER_MODEL = "authentik.core.models.User"
GROUP_MODEL = "authentik.core.models.Group"
ACTOR = "authentik.providers.scim.tasks.scim_sync_objects"
LEVEL_RANK = {"done": 0, "info": 1, "warning": 2, "error": 3}


@dataclass
class SyncTask:
    """The running task: its logger name and the LogEvents it collected (``messages``)."""

    state: AuthentikState
    provider_pk: int
    logger: str
    messages: list[dict[str, Any]] = field(default_factory=list)

    def log(self, level: str, event: str, **attributes: Any) -> None:
        """A ``LogEvent`` (``authentik/events/logs.py``) stamped with the mock clock."""
        self.messages.append(
            {
                "timestamp": self.state.now(),
                "log_level": level,
                "logger": self.logger,
                "event": event,
                "attributes": attributes,
            }
        )

    def status(self) -> str:
        """``TaskAggregatedStatusEnum``: the highest level logged, ``done`` when nothing was."""
        return max((m["log_level"] for m in self.messages), key=lambda lvl: LEVEL_RANK.get(lvl, 1), default="done")


async def sync_object(
    state: AuthentikState, provider_pk: int, model: str, object_id: str, override_dry_run: bool, origin: str = ""
) -> list[dict[str, Any]]:
    """Run the single-object sync and return its ``messages``.

    The object is looked up in the provider's scope (``get_object_qs``): users exclude
    service accounts when ``exclude_users_service_account`` is set and must be members of
    ``filter_group`` when one is set; groups are never filtered (≤ 2025.10). A missing or
    out-of-scope object is no error: the page is simply empty. Mock convenience: a provider
    ``url`` starting with ``/`` is resolved against ``origin`` (this server), so a seed can
    point a provider at this server's own SCIM tenant without knowing its port.
    """
    provider = state.provider(provider_pk)
    state.check_sync_id(model, object_id)
    task = SyncTask(state, provider_pk, f"{ACTOR}:{slugify(provider['name'])}")
    dry_run = bool(provider["dry_run"]) and not override_dry_run
    if state.context.quirk("authentik-dry-run-writes"):
        dry_run = False
    url = origin + provider["url"] if provider["url"].startswith("/") else provider["url"]
    verify, mode = bool(provider["verify_certificates"]), provider["compatibility_mode"]
    policy = state.context.outbound
    async with open_client(
        url, provider["token"], verify=verify, dry_run=dry_run, compatibility_mode=mode, policy=policy
    ) as client:
        try:
            await client.connect()
        except TransientSyncException:
            state.record_sync(provider_pk, task.status())
            return task.messages
        plural = "Users" if model == USER_MODEL else "Groups"
        task.log("info", f"Syncing page 1 or {plural}")
        obj = state.in_scope(provider, model, object_id)
        if obj is not None:
            await _write(task, client, model, obj)
    state.record_sync(provider_pk, task.status())
    return task.messages


async def _write(task: SyncTask, client: SCIMClient, model: str, obj: dict[str, Any]) -> None:
    """``client.write(obj)`` with the exception handling of ``sync_objects``."""
    state = task.state
    name = obj["username"] if model == USER_MODEL else f"Group {obj['name']}"
    sanitized = {
        "pk": obj["pk"] if model == USER_MODEL else obj["pk"].replace("-", ""),
        "app": "authentik_core",
        "name": name,
        "model_name": "user" if model == USER_MODEL else "group",
    }
    try:
        if model == USER_MODEL:
            await write_user(state, task.provider_pk, client, obj)
        else:
            await write_group(state, task.provider_pk, client, obj)
    except DryRunRejected as exc:
        task.log(
            "info",
            "Dropping mutating request due to dry run",
            obj=sanitized,
            method=exc.method,
            url=exc.url,
            body=exc.body,
        )
    except StopSync as exc:
        task.log("warning", f"Stopping sync due to error: {exc}", obj=sanitized)
    except (TransientSyncException, NotFoundSyncException, ObjectExistsSyncException, SyncError) as exc:
        # authentik ≤ 2025.8 fails the task (HTTP 500) on a 409 without filter support or a 404
        # on create; the mock reports every target failure as a warning instead (provenance).
        task.log(
            "warning",
            f"Failed to sync {name} due to transient error: {exc}",
            obj=sanitized,
            exception={"exc_type": type(exc).__name__, "exc_value": str(exc)},
        )


def slugify(text: str) -> str:
    """Django ``slugify``: lowercase, drop what is not a word character, spaces to ``-``."""
    kept = "".join(c for c in text.lower() if c.isalnum() or c in " -_")
    return "-".join(kept.split()).strip("-_")
