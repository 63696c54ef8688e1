"""Attribute paths (RFC 7644 §3.10, §3.5.2): ``[URN ":"] attr ["." sub]``, resolved against a schema.

Both the filter grammar and PATCH paths name attributes this way. Names are matched
case-insensitively (RFC 7643 §2.1) and resolved to the :class:`Attr` definitions, so the rest
of the code works with canonical names only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mockserver.domain.errors import DomainError, InvalidFilter
from mockserver.domain.scim.schema import Attr, ResourceType


class Unsearchable(InvalidFilter):
    """400 ``invalidFilter``: a filter, value filter or ``sortBy`` names an attribute that is never
    returned (RFC 7643 §2.2 ``returned: never``, e.g. ``password``). Matching on it would answer
    questions about its value one request at a time, so no dialect and no API allows it
    (specs/README.md: "scim", "stackspot")."""


def searchable(*attrs: Attr | None) -> None:
    """Raise :class:`Unsearchable` if any of ``attrs`` (an attribute and its sub-attribute) is never returned."""
    for attr in attrs:
        if attr is not None and attr.never_returned:
            raise Unsearchable(f"{attr.name!r} is never returned, so it cannot be filtered or sorted on")


@dataclass(frozen=True)
class Resolved:
    """A resolved path: the extension holding it (None for core/common), the attribute, its sub."""

    ext: str | None
    attr: Attr | None
    sub: Attr | None = None

    def container(self, resource: dict[str, Any]) -> dict[str, Any]:
        """The dict holding the attribute (the resource, or its extension object)."""
        if self.ext is None:
            return resource
        found = resource.get(self.ext)
        return found if isinstance(found, dict) else {}

    def values(self, resource: dict[str, Any]) -> list[Any]:
        """Every non-null value at this path; multi-valued attributes flatten (RFC 7644 §3.4.2.2)."""
        assert self.attr is not None
        top = self.container(resource).get(self.attr.name)
        if top is None:
            return []
        items = top if isinstance(top, list) else [top]
        if self.sub is None:
            return items
        name = self.sub.name
        return [e[name] for e in items if isinstance(e, dict) and e.get(name) is not None]

    @property
    def leaf(self) -> Attr:
        """The attribute whose values the path yields."""
        assert self.attr is not None
        return self.sub or self.attr

    def dotted(self) -> str:
        """Canonical ``attr.sub`` form (extension attributes keep their URN)."""
        assert self.attr is not None
        head = f"{self.ext}:{self.attr.name}" if self.ext else self.attr.name
        return f"{head}.{self.sub.name}" if self.sub else head


def split_urn(rtype: ResourceType, text: str) -> tuple[str | None, str]:
    """``(extension URN or None, rest)``: strips the core schema URN or an extension URN prefix."""
    low = text.lower()
    core = rtype.schema.id.lower()
    if low.startswith(core + ":"):
        return None, text[len(core) + 1 :]
    for ext in rtype.extensions:
        eid = ext.id.lower()
        if low == eid:
            return ext.id, ""
        if low.startswith(eid + ":"):
            return ext.id, text[len(eid) + 1 :]
    return None, text


def resolve(rtype: ResourceType, text: str, error: type[DomainError], *, lenient: bool = False) -> Resolved | None:
    """Resolve ``text``; unknown names raise ``error`` (or give None when ``lenient``)."""
    ext, rest = split_urn(rtype, text)
    if ext is not None and rest == "":
        return Resolved(ext, None)
    parts = rest.split(".")
    if len(parts) > 2 or not all(parts):
        raise error(f"Invalid attribute path {text!r}")
    schema = rtype.extension(ext) if ext else None
    attr = schema.attr(parts[0]) if schema else rtype.attr(parts[0])
    if attr is None:
        if lenient:
            return None
        raise error(f"Unknown attribute {text!r}")
    sub = None
    if len(parts) == 2:
        sub = attr.child(parts[1])
        if sub is None:
            if lenient:
                return None
            raise error(f"Unknown sub-attribute {text!r}")
    return Resolved(ext, attr, sub)
