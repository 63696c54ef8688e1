"""Referential integrity between the seven StackSpot resource types (all rules Inferred).

StackSpot documents the references (permission statements name actions and a resource, a
resource names its resource type, a resource type lists actions, a role lists permissions, a
group lists member users) but not what the service does with dangling ones. The mock:

- rejects a write naming an id that does not exist in the tenant: 400 ``invalidValue``;
- on DELETE of a user, role or permission, removes it from every group / role that lists it
  (membership-like references cascade, as deleting a SCIM User removes it from Groups);
- refuses to DELETE an action, resource or resource type that is still referenced: 409, no
  ``scimType`` (elimity allows 409 on DELETE), naming the first referrer.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from mockserver.domain.errors import BadRequest, Conflict
from mockserver.domain.stackspot.schema import KINDS, Attr, Kind

#: Endpoints whose deletion removes the references to them instead of being refused.
CASCADE = frozenset({"Users", "Roles", "Permissions"})


class InUse(Conflict):
    """409: the resource is still referenced (no RFC 7644 ``scimType`` fits)."""

    scim_type = None  # type: ignore[assignment]


def references(kind: Kind, attrs: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """Every ``(endpoint, id)`` the attributes point at."""
    yield from _walk(kind.root, attrs)


def _walk(attr: Attr, value: Any) -> Iterator[tuple[str, str]]:
    for item in value if isinstance(value, list) else [value]:
        if attr.ref and isinstance(item, str):
            yield attr.ref, item
        elif attr.type == "complex" and isinstance(item, dict):
            for sub in attr.sub:
                if sub.name in item:
                    yield from _walk(sub, item[sub.name])


def check_references(
    store: dict[str, dict[str, Any]], kind: Kind, attrs: dict[str, Any], *, skip: frozenset[str] = frozenset()
) -> None:
    """400 ``invalidValue`` when ``attrs`` names a resource missing from the tenant ``store``."""
    for endpoint, ref_id in references(kind, attrs):
        if endpoint not in skip and ref_id not in store.get(endpoint, {}):
            raise BadRequest(
                "A required value was missing, or the value specified was not compatible: "
                f"{KINDS[endpoint].name} {ref_id} not found."
            )


def referrers(store: dict[str, dict[str, Any]], endpoint: str, ref_id: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every ``(endpoint, record)`` in the tenant whose attributes point at ``endpoint/ref_id``."""
    for other, records in store.items():
        for record in records.values():
            if (endpoint, ref_id) in set(references(KINDS[other], record["attrs"])):
                yield other, record


def guard_delete(store: dict[str, dict[str, Any]], endpoint: str, ref_id: str) -> list[tuple[str, dict[str, Any]]]:
    """Records to strip of the reference (cascade); 409 when the reference must be kept (restrict)."""
    found = list(referrers(store, endpoint, ref_id))
    if found and endpoint not in CASCADE:
        other, record = found[0]
        raise InUse(f"{KINDS[endpoint].name} {ref_id} is referenced by {KINDS[other].name} {record['id']}.")
    return found


def strip_reference(kind: Kind, attrs: dict[str, Any], endpoint: str, ref_id: str) -> dict[str, Any]:
    """``attrs`` without any reference to ``endpoint/ref_id`` (only membership-like lists hold them)."""
    out = dict(attrs)
    for attr in kind.attrs:
        value = out.get(attr.name)
        if not attr.multi or not isinstance(value, list):
            continue
        if attr.ref == endpoint:
            out[attr.name] = [v for v in value if v != ref_id]
        elif attr.type == "complex" and any(s.name == "value" and s.ref == endpoint for s in attr.sub):
            out[attr.name] = [v for v in value if not (isinstance(v, dict) and v.get("value") == ref_id)]
    return out
