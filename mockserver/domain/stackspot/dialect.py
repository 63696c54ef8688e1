"""StackSpot's reading of SCIM (elimity-com/scim, 2024-03 release), as a dialect of the SCIM core.

StackSpot's filters, PATCH messages and paths, and attribute validation are the SCIM core's
(``mockserver.domain.scim``); where StackSpot reads a request differently from the core's RFC
reading, :data:`STACKSPOT` says so, one named field per difference (each field's source is in
``mockserver.domain.scim.dialect``). All but one come from elimity; ``multi_values="distinct"``
is StackSpot's store (Inferred). Sources: elimity-com/scim ``resource_type.go``
(``validate``, ``validatePatch``), ``internal/patch/patch.go``, ``filter/operators.go``,
``errors/error.go``; specs/README.md "stackspot" lists them as the vendor facts.
"""

from __future__ import annotations

from dataclasses import replace

from mockserver.domain.errors import BadRequest, InvalidPath, InvalidSyntax
from mockserver.domain.scim.dialect import Dialect, PatchEnvelope, Wording

#: elimity ``errors/error.go``: the RFC 7644 Table 9 texts, followed here by the specific reason.
ELIMITY_WORDING = Wording(
    (
        ("invalidFilter", "The specified filter syntax was invalid: "),
        ("invalidPath", "The path attribute was invalid or malformed: "),
        ("invalidSyntax", "The request body message structure was invalid: "),
        ("noTarget", "The specified path did not yield an attribute or attribute value that could be operated on: "),
        (
            "invalidValue",
            "A required value was missing, or the value specified was not compatible with the operation "
            "or attribute type, or resource schema: ",
        ),
    )
)

#: ``validatePatch``: the message is decoded by Go's ``encoding/json`` into ``{Schemas, Operations}``
#: (member names in any case, so ``operations`` is ``Operations``), ``schemas`` must be exactly the
#: PatchOp URN; each operation is decoded and its path parsed by ``patch.NewValidator`` (a failure
#: there is ``invalidPath``), then ``Validate`` rejects the rest as ``invalidValue``.
ELIMITY_PATCH = PatchEnvelope(
    member_names="any case",
    null_members="absent",
    schemas="exactly PatchOp",
    schemas_error=BadRequest,
    operations_error=BadRequest,
    operation_error=InvalidPath,
    unknown_op_error=BadRequest,
    op_checked="after the path",
    remove_without_path_error=BadRequest,
)

STACKSPOT = Dialect(
    "StackSpot (elimity-com/scim 2024-03)",
    unknown_attributes="ignore",
    case_variant_duplicates="reject",
    schemas_member="ignored",
    empty_values="kept",
    multi_values="distinct",
    primary="unchecked",
    empty_required_strings="accepted",
    non_object_body=InvalidSyntax,
    mismatched_comparison="no match",
    patch=ELIMITY_PATCH,
    wording=ELIMITY_WORDING,
)

#: The planted fault ``stackspot-operations-lowercase-ignored``: PatchOp members read case-sensitively,
#: so only the RFC spelling ``Operations`` is seen.
STACKSPOT_CASE_SENSITIVE_PATCH = replace(STACKSPOT, patch=replace(ELIMITY_PATCH, member_names="exact"))
