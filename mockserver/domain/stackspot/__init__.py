"""StackSpot IAM "Scim Provider API (1.0)": a tenant-scoped SCIM store of seven resource types.

The service runs on elimity-com/scim (docs/vendor-facts.md §3.5), so wire format, errors, PATCH and paging
follow that library's 2024-03 release; the resource types, their attributes and the tenant
addressing follow StackSpot's reference (docs.stackspot.com, "SCIM API spec").
"""

from __future__ import annotations

from mockserver.domain.planted import PlantedFault
from mockserver.domain.stackspot.state import StackSpotState

PLANTED_FAULTS = (
    PlantedFault(
        name="stackspot-member-count-stale",
        api="stackspot",
        level="semantic",
        catches="role_member_count_is_live",
        description="a role's member_count is the count at the role's last write, not live",
    ),
    PlantedFault(
        name="stackspot-dangling-permission-accepted",
        api="stackspot",
        level="semantic",
        catches="dangling_references_are_rejected",
        description="a permission statement naming a missing action or resource is stored",
    ),
    PlantedFault(
        name="stackspot-tenant-leak",
        api="stackspot",
        level="semantic",
        catches="tenants_are_isolated",
        description="reads by id and lists see every tenant's resources",
    ),
    PlantedFault(
        name="stackspot-user-delete-keeps-membership",
        api="stackspot",
        level="semantic",
        catches="deleting_a_user_removes_it_from_groups",
        description="deleting a user leaves it in its groups' members",
    ),
    PlantedFault(
        name="stackspot-operations-lowercase-ignored",
        api="stackspot",
        level="semantic",
        catches="patch_accepts_both_operations_spellings",
        description="PATCH reads only `Operations`, so the `operations` spelling is a 400",
    ),
)

__all__ = ["PLANTED_FAULTS", "StackSpotState"]
