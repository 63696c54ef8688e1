"""Per-tenant options of a SCIM directory: where RFC 7643 / RFC 7644 leave a choice (specs/README.md "scim").

Each option's default answers the way the widest range of real provisioning clients expects;
the other value selects the stricter reading. A tenant's options come from the seed
(``scim.tenants.<name>.options``) or the admin API (``POST /__admin/tenants``), are exported and
imported with the state, and are what ``/ServiceProviderConfig`` advertises where RFC 7643 §5
has a field for them (``bulk``). Wire names follow the ServiceProviderConfig's (``maxOperations``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, cast

from mockserver.domain.errors import BadRequest
from mockserver.domain.scim.compat import COMPAT_MODES, Compat

MemberReading = Literal["lenient", "strict"]
MEMBER_READINGS: tuple[MemberReading, ...] = ("lenient", "strict")


@dataclass(frozen=True)
class BulkOptions:
    """RFC 7644 §3.7 bulk, as RFC 7643 §5 ``bulk`` advertises it.

    RFC 7644 §3.7.4: "The service provider MUST define the maximum number of operations and
    maximum payload size a client may send in a single request"; beyond either, 413.
    """

    supported: bool = True
    max_operations: int = 1000
    max_payload_size: int = 1_048_576

    @classmethod
    def load(cls, data: Any) -> BulkOptions:
        """From ``{supported, maxOperations, maxPayloadSize}`` (each optional)."""
        given = _mapping(data, "options.bulk", ("supported", "maxOperations", "maxPayloadSize"))
        default = cls()
        return cls(
            supported=_boolean(given.get("supported", default.supported), "options.bulk.supported"),
            max_operations=_positive(given.get("maxOperations", default.max_operations), "options.bulk.maxOperations"),
            max_payload_size=_positive(
                given.get("maxPayloadSize", default.max_payload_size), "options.bulk.maxPayloadSize"
            ),
        )

    def export(self) -> dict[str, Any]:
        """The wire form :meth:`load` reads."""
        return {
            "supported": self.supported,
            "maxOperations": self.max_operations,
            "maxPayloadSize": self.max_payload_size,
        }


@dataclass(frozen=True)
class TenantOptions:
    """The options of one tenant.

    ``members``: a group member naming an id the tenant does not hold, or typed as the other
    resource type. RFC 7644 §3.12 would allow 400 ``invalidValue``, but identity providers treat
    a 400 on a group push as a permanent failure of the whole push, so one stale or
    not-yet-provisioned member would lose every other change (specs/README.md "scim", "Tenant
    options", has the evidence). ``lenient`` (default) drops such a member, keeps the rest and
    notes the drop in the request journal; ``strict`` answers 400.

    ``compat``: the client compatibility mode (``mockserver.domain.scim.compat``): ``strict``
    (default) reads requests as RFC 7644 says; ``entra``, ``okta`` and ``authentik`` also accept
    what that identity provider is documented to send, and note each departure in the journal.
    """

    members: MemberReading = "lenient"
    bulk: BulkOptions = field(default_factory=BulkOptions)
    compat: Compat = "strict"

    @property
    def strict_members(self) -> bool:
        """True when unknown or mistyped members are a 400 rather than dropped."""
        return self.members == "strict"

    @classmethod
    def load(cls, data: Any) -> TenantOptions:
        """From the seed's or the admin API's ``options`` object; unknown names are 400 ``invalidValue``."""
        if data is None:
            return cls()
        given = _mapping(data, "options", ("members", "bulk", "compat"))
        return cls(
            members=cast(MemberReading, _one_of(given.get("members", "lenient"), MEMBER_READINGS, "options.members")),
            bulk=BulkOptions.load(given.get("bulk")),
            compat=cast(Compat, _one_of(given.get("compat", "strict"), COMPAT_MODES, "options.compat")),
        )

    def export(self) -> dict[str, Any]:
        """The wire form :meth:`load` reads (every field, so an export shows the defaults too)."""
        return {"members": self.members, "bulk": self.bulk.export(), "compat": self.compat}


def _mapping(data: Any, where: str, known: tuple[str, ...]) -> dict[str, Any]:
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise BadRequest(f"{where} must be an object")
    unknown = sorted(set(data) - set(known))
    if unknown:
        raise BadRequest(f"{where}: unknown option {unknown[0]!r} (known: {', '.join(known)})")
    return data


def _one_of(value: Any, choices: tuple[str, ...], where: str) -> str:
    if value not in choices:
        raise BadRequest(f"{where} must be one of {', '.join(choices)}")
    return str(value)


def _boolean(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise BadRequest(f"{where} must be true or false")
    return value


def _positive(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise BadRequest(f"{where} must be a positive integer")
    return value
