"""SCIM bulk requests (RFC 7644 §3.7): many operations, each applied as its own request.

``read_request`` checks the BulkRequest message and the tenant's limits (§3.7.4: beyond
``maxOperations`` or ``maxPayloadSize``, 413 naming the limit); ``run`` applies the operations
with the directory's own write methods, so each one is atomic exactly as the single request
would be (a failed PATCH changes nothing), while the job as a whole is not: "The service provider
MUST continue performing as many changes as possible and disregard partial failures" (§3.7)
until ``failOnErrors`` errors have occurred. A ``bulkId:<id>`` value names the resource another
operation of the job creates (§3.7.2); the reference ordering and cycles are ``bulkrefs``.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from typing import Any

from mockserver.domain.errors import (
    BadRequest,
    DomainError,
    InvalidSyntax,
    NotFound,
    NotImplementedByMock,
    PayloadTooLarge,
)
from mockserver.domain.scim.bulkrefs import Operation, Unresolved, plan
from mockserver.domain.scim.directory import Directory
from mockserver.domain.scim.options import BulkOptions
from mockserver.domain.scim.schema import GROUP_TYPE, USER_TYPE, ResourceType

BULK_REQUEST = "urn:ietf:params:scim:api:messages:2.0:BulkRequest"
BULK_RESPONSE = "urn:ietf:params:scim:api:messages:2.0:BulkResponse"
METHODS = ("POST", "PUT", "PATCH", "DELETE")
ENDPOINTS = {"/users": USER_TYPE, "/groups": GROUP_TYPE}


@dataclass
class Outcome:
    """One operation's answer in the BulkResponse (RFC 7644 §3.7.3): the status the single
    request would have had, the resource location and version, and the resource or the error."""

    method: str
    bulk_id: str | None
    status: int
    location: str | None = None
    version: str | None = None
    resource: dict[str, Any] | None = None
    error: DomainError | None = None
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class BulkRequest:
    """A checked BulkRequest: its operations (request order) and ``failOnErrors`` (None: no limit)."""

    operations: tuple[Any, ...]
    fail_on_errors: int | None


def read_request(body: Any, limits: BulkOptions, payload_size: int) -> BulkRequest:
    """The message checks of RFC 7644 §3.7 and §3.7.4; a failure rejects the whole job."""
    if not limits.supported:
        raise NotImplementedByMock("Bulk operations are not supported by this service provider (RFC 7644 §3.7)")
    if payload_size > limits.max_payload_size:
        size, limit = payload_size, limits.max_payload_size
        raise PayloadTooLarge(f"The size of the bulk operation ({size} bytes) exceeds the maxPayloadSize ({limit})")
    if not isinstance(body, dict):
        raise InvalidSyntax("The bulk request body must be a BulkRequest object")
    schemas = body.get("schemas")
    if not isinstance(schemas, list) or BULK_REQUEST not in schemas:
        raise InvalidSyntax(f"schemas must contain {BULK_REQUEST!r}")
    operations = body.get("Operations")
    if not isinstance(operations, list):
        raise InvalidSyntax("Operations must be an array")
    if len(operations) > limits.max_operations:
        raise PayloadTooLarge(
            f"The number of operations ({len(operations)}) exceeds the maxOperations ({limits.max_operations})"
        )
    fail_on_errors = body.get("failOnErrors")
    if fail_on_errors is not None and (
        isinstance(fail_on_errors, bool) or not isinstance(fail_on_errors, int) or fail_on_errors < 1
    ):
        raise BadRequest("failOnErrors must be a positive integer")
    return BulkRequest(tuple(operations), fail_on_errors)


def run(directory: Directory, body: Any, payload_size: int) -> list[Outcome]:
    """The bulk job ``body`` (``payload_size`` bytes on the wire) on ``directory``: checked against its
    limits (``read_request``), then applied in request order, references first (``bulkrefs.plan``);
    the answers come in request order and stop after the ``failOnErrors``-th error (RFC 7644 §3.7.3)."""
    request = read_request(body, directory.options.bulk, payload_size)
    job = _Job(directory, request.fail_on_errors)
    for step in plan(request.operations, job.created):
        if job.stopped:
            break
        job.apply(step)
    return [job.outcomes[i] for i in sorted(job.outcomes)]


class _Job:
    """The state of one bulk job: created resources by bulkId, answers by operation index."""

    def __init__(self, directory: Directory, fail_on_errors: int | None) -> None:
        self.directory = directory
        self.fail_on_errors = fail_on_errors
        self.created: dict[str, str] = {}
        self.outcomes: dict[int, Outcome] = {}
        self.errors = 0

    @property
    def stopped(self) -> bool:
        """RFC 7644 §3.7: ``failOnErrors`` errors end the job."""
        return self.fail_on_errors is not None and self.errors >= self.fail_on_errors

    def apply(self, op: Operation) -> None:
        """One operation (or the second half of a cycle-broken POST), its answer recorded."""
        outcome = Outcome(op.method, op.bulk_id, 0)
        try:
            self._dispatch(op, outcome)
        except DomainError as err:
            self._fail(op, outcome, err)
        finally:
            outcome.notes = [f"Operations[{op.index}]: {text}" for text in self.directory.take_notes()]
        if op.completes is not None:
            outcome.notes = [*self.outcomes[op.index].notes, *outcome.notes]
        self.outcomes[op.index] = outcome
        if outcome.error is not None:
            self.errors += 1

    def _fail(self, op: Operation, outcome: Outcome, err: DomainError) -> None:
        outcome.status, outcome.error, outcome.resource = err.status, err, None
        if op.completes is not None:  # the first step created the group: the operation fails as a whole
            self.created.pop(op.bulk_id or "", None)
            with contextlib.suppress(NotFound):  # unless an operation in between deleted it already
                self.directory.delete_group(op.completes)
            outcome.location = outcome.version = None

    def _dispatch(self, op: Operation, outcome: Outcome) -> None:
        method, path, data = op.resolved(self.created)
        if method not in METHODS:
            raise BadRequest(f"method must be one of {', '.join(METHODS)}")
        if method == "POST":
            self._create(op, path, data, outcome)
            return
        rtype, id = _target(path)
        outcome.location = f"{self.directory.base_path}{rtype.endpoint}/{id}"
        if method == "DELETE":
            delete = self.directory.delete_user if rtype is USER_TYPE else self.directory.delete_group
            delete(id, if_match=op.version)
            outcome.status = 204
            return
        _need_data(data)
        if rtype is USER_TYPE:
            write = self.directory.replace_user if method == "PUT" else self.directory.patch_user
        else:
            write = self.directory.replace_group if method == "PUT" else self.directory.patch_group
        self._done(outcome, write(id, data, if_match=op.version), 200)

    def _create(self, op: Operation, path: str, data: Any, outcome: Outcome) -> None:
        if not op.bulk_id:
            raise InvalidSyntax("bulkId is required when method is POST (RFC 7644 §3.7)")
        rtype = ENDPOINTS.get(path.rstrip("/").lower())
        if rtype is None:
            raise BadRequest(f"A POST path must be /Users or /Groups, not {path[:100]!r}")
        _need_data(data)
        if op.completes is not None:
            patch = {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": data}
            self._done(outcome, self.directory.patch_group(op.completes, patch), 201)
            return
        create = self.directory.create_user if rtype is USER_TYPE else self.directory.create_group
        created = create(data)
        self.created[op.bulk_id] = created["id"]
        self._done(outcome, created, 201)

    @staticmethod
    def _done(outcome: Outcome, resource: dict[str, Any], status: int) -> None:
        outcome.status, outcome.resource = status, resource
        outcome.location, outcome.version = resource["meta"]["location"], resource["meta"]["version"]


def _target(path: str) -> tuple[ResourceType, str]:
    """``/Users/{id}`` or ``/Groups/{id}`` (RFC 7644 §3.7: "all other method values must specify
    the path to a specific resource")."""
    head, _, id = path.strip("/").partition("/")
    rtype = ENDPOINTS.get(f"/{head.lower()}")
    if rtype is None or not id or "/" in id:
        raise BadRequest(f"path must be /Users/{{id}} or /Groups/{{id}}, not {path[:100]!r}")
    return rtype, id


def _need_data(data: Any) -> None:
    if data is None:
        raise InvalidSyntax("data is required for POST, PUT and PATCH (RFC 7644 §3.7)")


__all__ = ["BULK_REQUEST", "BULK_RESPONSE", "BulkRequest", "Outcome", "Unresolved", "read_request", "run"]
