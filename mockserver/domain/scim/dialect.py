"""Dialects: how one SCIM server reads requests where RFC 7643 / RFC 7644 leave it room.

The SCIM core (filters, PATCH requests and paths, attribute validation) reads requests the way
:data:`RFC7644` says: that is the ``/scim`` directory. A vendor that runs SCIM with other
choices passes its own :class:`Dialect` (StackSpot on elimity-com/scim:
``mockserver.domain.stackspot.dialect.STACKSPOT``); each difference is one named field below with
its source, never a second parser. What is *not* a dialect choice holds for every server: the
size and nesting limits (``filter.MAX_*``, ``patchop.MAX_PATH_LENGTH``) and the rule that an
attribute that is never returned (RFC 7643 §2.2 ``returned: never``) cannot be filtered or
sorted on (specs/README.md, "scim" and "stackspot").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from mockserver.domain.errors import BadRequest, InvalidSyntax, NoTarget


@dataclass(frozen=True)
class Wording:
    """A prefix put before the detail of each error, by ``scimType`` (RFC 7644 §3.12, Table 9)."""

    by_scim_type: tuple[tuple[str, str], ...] = ()
    """``(scimType, prefix)`` pairs; an empty tuple keeps the core's own texts."""

    def reword(self, exc: BadRequest) -> None:
        """Prefix ``exc.detail`` (once) with the text for its ``scimType``."""
        prefix = dict(self.by_scim_type).get(exc.scim_type or "", "")
        if prefix and not exc.detail.startswith(prefix):
            exc.detail = prefix + exc.detail


@dataclass(frozen=True)
class PatchEnvelope:
    """How the PatchOp message (RFC 7644 §3.5.2) around the operations is read and reported."""

    member_names: Literal["exact", "any case"] = "exact"
    """``exact``: ``schemas``, ``Operations``, ``op``, ``path`` and ``value`` as RFC 7644 §3.5.2
    spells them. ``any case``: Go's ``encoding/json`` matches struct fields case-insensitively
    ("preferring an exact match but also accepting a case-insensitive match", pkg.go.dev
    encoding/json ``Unmarshal``), so ``operations`` is ``Operations``."""

    null_members: Literal["values", "absent"] = "values"
    """``values``: a JSON ``null`` ``path`` is not a string (``invalidPath``) and a ``null``
    ``value`` is a value (it unassigns, RFC 7643 §2.5). ``absent``: Go leaves the field unset
    ("unmarshaling a JSON null into any other Go type has no effect", ``encoding/json``), so
    ``null`` counts as not given."""

    schemas: Literal["contains PatchOp", "exactly PatchOp"] = "contains PatchOp"
    """Whether ``schemas`` must list the PatchOp URN or be exactly ``[PatchOp URN]``
    (elimity-com/scim ``resource_type.go`` ``validatePatch`` compares the whole array)."""

    schemas_error: type[BadRequest] = InvalidSyntax
    """Error for a ``schemas`` array that fails the rule above (RFC 7644 Table 9 ``invalidSyntax``;
    elimity answers ``invalidValue``)."""

    operations_error: type[BadRequest] = InvalidSyntax
    """Error for missing or empty ``Operations`` (elimity: ``invalidValue``)."""

    operation_error: type[BadRequest] = InvalidSyntax
    """Error for an operation that is not an object or whose ``op`` is not a string (elimity:
    the operation does not decode in ``patch.NewValidator``, reported as ``invalidPath``)."""

    op_case: Literal["lower case", "any case"] = "any case"
    """``op`` in any case (``"Replace"`` is ``"replace"``: the core's reading since before the
    compatibility modes, and elimity's, ``internal/patch/patch.go`` ``NewValidator`` lower-cases it
    with ``strings.ToLower``), or only as RFC 7644 §3.5.2 spells it ("add", "remove", "replace").
    A ``/scim`` tenant in ``options.compat: entra`` notes Entra ID's capitalised ops (``compat``);
    ``lower case`` is the planted fault ``scim-capitalised-op-rejected`` (``idp_faults``)."""

    unknown_op_error: type[BadRequest] = InvalidSyntax
    """Error for an ``op`` other than add, remove or replace (elimity: ``invalidValue``)."""

    op_checked: Literal["with the message", "after the path"] = "with the message"
    """When an unknown ``op`` is found: with the other message checks, before any path is
    parsed (the core), or per operation after its path parsed (elimity ``patch.NewValidator``
    parses the path, then ``Validate`` checks ``op``), which decides the error of an operation
    that has both faults."""

    remove_without_path_error: type[BadRequest] = NoTarget
    """Error for ``remove`` without ``path``: RFC 7644 §3.5.2.2 says ``noTarget``; elimity
    ``invalidValue``."""


@dataclass(frozen=True)
class Dialect:
    """One server's reading of SCIM; the defaults are :data:`RFC7644`'s."""

    name: str

    unknown_attributes: Literal["reject", "ignore"] = "reject"
    """An attribute a body names that the schema does not define. RFC 7644 leaves it to the
    provider; the core rejects it (``invalidValue``, specs/README.md "scim"), elimity-com/scim's
    ``schema.Validate`` skips it."""

    case_variant_duplicates: Literal["last wins", "reject"] = "last wins"
    """Two names of one object that differ only in case (RFC 7643 §2.1 makes names
    case-insensitive): the last one wins, or the body is ``invalidSyntax`` (elimity's
    ``resource_type.validate``)."""

    schemas_member: Literal["checked", "ignored"] = "checked"
    """The ``schemas`` member of a resource body: checked against the resource type's URNs
    (RFC 7643 §3) and kept, or ignored (elimity writes ``schemas`` itself on the way out)."""

    empty_values: Literal["unassigned", "kept"] = "unassigned"
    """Empty arrays, objects and optional strings in a body: unassigned and dropped (RFC 7643
    §2.5 for arrays; an empty string matches no ``pr`` filter either, RFC 7644 §3.4.2.2), or
    stored as sent (elimity stores the attributes its ``Validate`` returns, empty ones included)."""

    multi_values: Literal["as sent", "distinct"] = "as sent"
    """A multi-valued attribute keeps its values as sent, or holds each value once (complex
    values by ``value``): StackSpot's store, specs/README.md "stackspot"."""

    primary: Literal["at most one", "unchecked"] = "at most one"
    """RFC 7643 §2.4: at most one value may be ``primary``; elimity does not check it."""

    empty_required_strings: Literal["rejected", "accepted"] = "rejected"
    """A required string sent as ``""``: rejected by the core (Inferred), accepted by elimity
    (its required check only looks for a missing value)."""

    non_object_body: type[BadRequest] = BadRequest
    """Error for a resource body that is not a JSON object (elimity: ``invalidSyntax``)."""

    mismatched_comparison: Literal["invalidFilter", "no match"] = "invalidFilter"
    """A filter comparison whose value does not fit the attribute (``active eq "yes"``, ``gt`` on
    a boolean): 400 ``invalidFilter`` (RFC 7644 §3.4.2.2 for booleans, the core for the rest),
    or the comparison matches nothing (elimity ``filter/operators.go``: the compare function
    fails and the resource "does not pass the filter")."""

    patch: PatchEnvelope = field(default_factory=PatchEnvelope)
    """How the PatchOp message around the operations is read."""

    wording: Wording = field(default_factory=Wording)
    """The error detail texts (elimity-com/scim ``errors/error.go`` reuses RFC 7644 Table 9)."""

    def reword(self, exc: BadRequest) -> None:
        """Apply :attr:`wording` to ``exc`` before it leaves the core."""
        if self.wording.by_scim_type:
            self.wording.reword(exc)


#: The RFC reading: the ``/scim`` directory's dialect.
RFC7644 = Dialect("RFC 7644")
