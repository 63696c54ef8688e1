"""StackSpot IAM "Scim Provider API (1.0)": a tenant-scoped SCIM store of seven resource types.

The service runs on elimity-com/scim (docs/vendor-facts.md §3.5), so wire format, errors, PATCH and paging
follow that library's 2024-03 release; the resource types, their attributes and the tenant
addressing follow StackSpot's reference (docs.stackspot.com, "SCIM API spec").
"""

from __future__ import annotations

from mockserver.domain.planted import planted
from mockserver.domain.stackspot.state import StackSpotState

PLANTED_FAULTS = (
    planted(
        "stackspot-member-count-stale",
        "a role's member_count is the count at the role's last write, not live",
        catches="role_member_count_is_live",
    ),
    planted(
        "stackspot-dangling-permission-accepted",
        "a permission statement naming a missing action or resource is stored",
        catches="dangling_references_are_rejected",
    ),
    planted(
        "stackspot-tenant-leak", "reads by id and lists see every tenant's resources", catches="tenants_are_isolated"
    ),
    planted(
        "stackspot-user-delete-keeps-membership",
        "deleting a user leaves it in its groups' members",
        catches="deleting_a_user_removes_it_from_groups",
    ),
    planted(
        "stackspot-operations-lowercase-ignored",
        "PATCH reads only `Operations`, so the `operations` spelling is a 400",
        catches="patch_accepts_both_operations_spellings",
    ),
)

__all__ = ["PLANTED_FAULTS", "StackSpotState"]
