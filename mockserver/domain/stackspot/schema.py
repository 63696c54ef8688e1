"""The seven StackSpot resource types, described to the SCIM core in its own terms.

Each :class:`Kind` is a core :class:`~mockserver.domain.scim.schema.ResourceType` (schemas of
core :class:`~mockserver.domain.scim.schema.Attr`), so filters, PATCH paths and attribute
validation are the core's (``mockserver.domain.scim``), read in elimity-com/scim's dialect
(``dialect.STACKSPOT``). Attribute names and shapes are those of StackSpot's API reference
(docs.stackspot.com, "SCIM API spec": ``domain.Create<X>``/``domain.<X>Attributes``);
characteristics are the subset of RFC 7643 §2.2 that elimity-com/scim validates. StackSpot needs
two things RFC 7643 has no word for: ``ref`` (the endpoint an id points at, for ``integrity``)
and ``object`` attributes (a free JSON object such as ``claim_mapper``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from mockserver.domain.scim.schema import Attr, ResourceType, Schema

USER_URN = "urn:ietf:params:scim:schemas:core:2.0:User"
USER_EXT_URN = "urn:ietf:params:scim:schemas:extension:custom:2.0:User"
GROUP_URN = "urn:ietf:params:scim:schemas:core:2.0:Group"
#: Inferred: StackSpot does not document the schema URNs of its own resource types.
CUSTOM_URN = "urn:stackspot:params:scim:schemas:core:2.0:"

#: What every StackSpot resource has besides its schema (elimity ``schema.CommonAttributes``):
#: ``id`` and ``meta`` are server-set; ``externalId`` is stored with the attributes.
COMMON = (
    Attr("id", mutability="readOnly", returned="always"),
    Attr("externalId"),
    Attr(
        "meta",
        "complex",
        mutability="readOnly",
        sub=(Attr("resourceType"), Attr("created", "dateTime"), Attr("lastModified", "dateTime")),
    ),
)


@dataclass(frozen=True)
class Kind:
    """One StackSpot resource type: the core's description plus what StackSpot's store adds."""

    rtype: ResourceType
    #: the attribute that is unique in a tenant (Inferred, 409 ``uniqueness``)
    unique: str
    #: ``domain.CreateRole.id`` is documented input: the client may choose the id.
    client_id_allowed: bool = False

    @property
    def name(self) -> str:
        """The resource type name (``meta.resourceType``)."""
        return self.rtype.id

    @property
    def endpoint(self) -> str:
        """The endpoint without its slash: the store's key (``Resource-Types``)."""
        return self.rtype.endpoint.lstrip("/")

    @property
    def schema(self) -> str:
        """The core schema URN."""
        return self.rtype.schema.id

    @property
    def extensions(self) -> tuple[str, ...]:
        """The extension schema URNs."""
        return tuple(s.id for s in self.rtype.extensions)

    def lookup(self, name: str) -> Attr | None:
        """A core-schema or common attribute called ``name``, case-insensitively."""
        return self.rtype.attr(name)

    @cached_property
    def attrs(self) -> tuple[Attr, ...]:
        """Every stored attribute as a record holds it: schema, ``externalId``, one complex per extension."""
        exts = tuple(Attr(s.id, "complex", sub=s.attributes) for s in self.rtype.extensions)
        return (*self.rtype.schema.attributes, *exts, COMMON[1])

    @cached_property
    def root(self) -> Attr:
        """The record's attributes as one complex attribute (for walking references)."""
        return Attr(self.name, "complex", sub=self.attrs)

    @cached_property
    def hidden(self) -> frozenset[str]:
        """Stored attributes that are never returned (``password``, role ``statements``)."""
        return frozenset(a.name for a in self.attrs if a.never_returned)


def _a(
    name: str,
    type: str = "string",
    *,
    multi: bool = False,
    required: bool = False,
    ref: str | None = None,
    read_only: bool = False,
    never: bool = False,
    sub: tuple[Attr, ...] = (),
) -> Attr:
    """An attribute; ``never``: written, stored, never returned (``password``, role ``statements``)."""
    mutability = "readOnly" if read_only else "writeOnly" if never else "readWrite"
    return Attr(
        name, type, multi, required, mutability=mutability, returned="never" if never else "default", sub=sub, ref=ref
    )


def _s(name: str, **kw: Any) -> Attr:
    return _a(name, "string", **kw)


def _b(name: str, **kw: Any) -> Attr:
    return _a(name, "boolean", **kw)


def _kind(name: str, endpoint: str, attrs: tuple[Attr, ...], unique: str = "name", **kw: Any) -> Kind:
    """A custom resource type with its ``urn:stackspot`` schema and no extension."""
    schema = Schema(CUSTOM_URN + name, name, name, attrs)
    return Kind(ResourceType(name, "/" + endpoint, schema, (), COMMON), unique, **kw)


_MULTI_SUB = (_s("value"), _s("type"), _b("primary"))
_STATEMENT_SUB = (
    _s("actions", multi=True, required=True, ref="Actions"),
    _s("resource", required=True, ref="Resources"),
)

USER_EXT = Schema(
    USER_EXT_URN,
    "User",
    "StackSpot user extension",
    (
        _b("blocked"),
        _s("company"),
        _s("ddd"),
        _s("ddi"),
        _s("gender"),
        _b("generatePassword"),
        _s("hireDate"),
        _b("human"),
        _b("is_email_verified"),
        _s("machineName"),
        _s("preferredLoginName"),
        _a("properties", "object"),
        _s("resourceOwner"),
    ),
)
USER_SCHEMA = Schema(
    USER_URN,
    "User",
    "User Account",
    (
        _s("userName", required=True),
        _b("active"),
        _s("displayName"),
        _a("emails", "complex", multi=True, sub=_MULTI_SUB),
        _s("locale"),
        _a("name", "complex", sub=(_s("familyName"), _s("givenName"))),
        _s("nickName"),
        _s("password", never=True),
        _a("phoneNumbers", "complex", multi=True, sub=_MULTI_SUB),
        _s("preferredLanguage"),
        _s("profileUrl"),
        _s("timezone"),
        _s("title"),
        _s("userType"),
    ),
)
GROUP_SCHEMA = Schema(
    GROUP_URN,
    "Group",
    "Group",
    (
        _s("displayName", required=True),
        _a(
            "members",
            "complex",
            multi=True,
            sub=(
                _s("value", required=True, ref="Users"),
                _s("display", read_only=True),
                _s("type"),
                _s("$ref", read_only=True),
            ),
        ),
        _a(
            "roles",
            "complex",
            multi=True,
            sub=(_s("value", required=True, ref="Roles"), _s("display", read_only=True)),
        ),
    ),
)

USER = Kind(ResourceType("User", "/Users", USER_SCHEMA, (USER_EXT,), COMMON), unique="userName")
GROUP = Kind(ResourceType("Group", "/Groups", GROUP_SCHEMA, (), COMMON), unique="displayName")
ROLE = _kind(
    "Role",
    "Roles",
    (
        _s("name", required=True),
        _a("claim_mapper", "object"),
        _s("client_id"),
        _s("description"),
        _s("permissions", multi=True, ref="Permissions"),
        _a("statements", "complex", multi=True, sub=_STATEMENT_SUB, never=True),
        _a("member_count", "integer", read_only=True),
        _s("created_at", read_only=True),
    ),
    client_id_allowed=True,
)
PERMISSION = _kind(
    "Permission",
    "Permissions",
    (
        _s("name", required=True),
        _a("statements", "complex", multi=True, required=True, sub=_STATEMENT_SUB),
        _s("client_id"),
        _s("description"),
        _s("created_at", read_only=True),
    ),
)
ACTION = _kind(
    "Action",
    "Actions",
    (
        _s("name", required=True),
        _s("client_id"),
        _s("description"),
        _b("active", read_only=True),
        _s("created_at", read_only=True),
    ),
)
RESOURCE_TYPE = _kind(
    "ResourceType",
    "Resource-Types",
    (
        _s("name", required=True),
        _s("actions", multi=True, ref="Actions"),
        _s("client_id"),
        _s("description"),
        _s("slug"),
        _a("resources", "complex", multi=True, read_only=True),
        _s("created_at", read_only=True),
    ),
)
RESOURCE = _kind(
    "Resource",
    "Resources",
    (
        _s("name", required=True),
        _s("type", required=True, ref="Resource-Types"),
        _s("client_id"),
        _s("description"),
        _s("slug"),
        _s("created_at", read_only=True),
    ),
)

KINDS: dict[str, Kind] = {k.endpoint: k for k in (USER, GROUP, ROLE, PERMISSION, ACTION, RESOURCE_TYPE, RESOURCE)}
