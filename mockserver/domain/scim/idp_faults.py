"""Planted bugs that break an identity provider's provisioning life cycle (issue 15, point 4).

Each name is a :class:`~mockserver.domain.planted.PlantedFault` of ``mockserver.domain.scim``
(``PLANTED_FAULTS``), caught at the ``scenario`` level by the replay of the IdP it names
(``idsync verify --api scim --idp entra|okta|authentik``). The directory asks ``quirk(name)`` where
the bug lives; the PATCH ones are applied here, to the checked operations, by :func:`planted_ops`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from mockserver.domain.scim.dialect import RFC7644, Dialect
from mockserver.domain.scim.patchop import Operation
from mockserver.domain.scim.schema import GROUP_TYPE, USER_TYPE, ResourceType

# Entra ID [compat E1, E2]
LOOKUP_MISSES = "scim-lookup-misses-existing-user"
CAPITALISED_OP_REJECTED = "scim-capitalised-op-rejected"
MEMBER_BATCH_PARTIAL = "scim-member-batch-partial"
# Okta [compat O1, O2]
START_INDEX_OFF_BY_ONE = "scim-start-index-off-by-one"
PUT_DROPS_NAME = "scim-put-drops-name"
ACTIVE_FALSE_IGNORED = "scim-active-false-ignored"
# authentik [docs/vendor-facts.md A8]
CONFLICT_AS_BAD_REQUEST = "scim-conflict-as-bad-request"
GROUP_RENAME_LOST = "scim-group-rename-lost"
DELETE_KEEPS_USER = "scim-delete-keeps-user"


#: The RFC reading with ``op`` only in lower case: the planted fault ``scim-capitalised-op-rejected``.
LOWER_CASE_OPS = replace(
    RFC7644, name="RFC 7644, lower-case op only", patch=replace(RFC7644.patch, op_case="lower case")
)


def patch_dialect(quirk: Callable[[str], bool]) -> Dialect:
    """The dialect a ``/scim`` tenant reads PATCH in: :data:`RFC7644`, or with the planted bug
    ``scim-capitalised-op-rejected`` switched on, one that refuses Entra ID's ``"Replace"`` (400)."""
    return LOWER_CASE_OPS if quirk(CAPITALISED_OP_REJECTED) else RFC7644


def planted_ops(quirk: Callable[[str], bool], rtype: ResourceType, ops: list[Operation]) -> list[Operation]:
    """``ops`` as the PATCH planted bugs switched on would apply them."""
    if rtype is GROUP_TYPE and quirk(MEMBER_BATCH_PARTIAL):
        ops = _first_member_only(ops)
    if rtype is USER_TYPE and quirk(ACTIVE_FALSE_IGNORED):
        ops = _pathless_without(ops, "active")
    if rtype is GROUP_TYPE and quirk(GROUP_RENAME_LOST):
        ops = _pathless_without(ops, "displayName")
    return ops


def _first_member_only(ops: list[Operation]) -> list[Operation]:
    """Planted bug: of a PATCH that adds or removes several members, only the first member is applied
    (the first ``members`` operation, and of its value list the first element)."""
    out: list[Operation] = []
    seen = False
    for op in ops:
        attr = op.target.res.attr if op.target is not None else None
        if attr is None or attr.name != "members":
            out.append(op)
        elif not seen:
            seen = True
            first = op.value[:1] if isinstance(op.value, list) else op.value
            out.append(replace(op, value=first))
    return out


def _pathless_without(ops: list[Operation], name: str) -> list[Operation]:
    """Planted bug: an ``add``/``replace`` without ``path`` (RFC 7644 §3.5.2.1, §3.5.2.3) ignores the
    attribute ``name`` (its URN-qualified spelling included); pathed operations still work."""
    low = name.lower()
    return [
        replace(op, value={k: v for k, v in op.value.items() if str(k).lower().rsplit(":", 1)[-1] != low})
        if op.target is None and isinstance(op.value, dict)
        else op
        for op in ops
    ]
