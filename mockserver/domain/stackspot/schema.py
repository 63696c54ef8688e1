"""The seven StackSpot resource types and their attributes (validation: ``validate.py``).

Attribute names and shapes are those of StackSpot's API reference (docs.stackspot.com, "SCIM API
spec": ``domain.Create<X>``/``domain.<X>Attributes``); characteristics are the subset of RFC 7643
§2.2 that elimity-com/scim validates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

USER_URN = "urn:ietf:params:scim:schemas:core:2.0:User"
USER_EXT_URN = "urn:ietf:params:scim:schemas:extension:custom:2.0:User"
GROUP_URN = "urn:ietf:params:scim:schemas:core:2.0:Group"
#: Inferred: StackSpot does not document the schema URNs of its own resource types.
CUSTOM_URN = "urn:stackspot:params:scim:schemas:core:2.0:"


@dataclass(frozen=True)
class Attr:
    """One attribute (RFC 7643 §2.2 characteristics, the subset elimity validates).

    ``type`` is ``string``, ``boolean``, ``integer``, ``complex`` or ``object`` (a free JSON
    object such as ``claim_mapper``); ``ref`` names the endpoint a string (or a complex
    attribute's ``value``) must point at; ``never`` means write-only (``password``).
    """

    name: str
    type: str = "string"
    multi: bool = False
    required: bool = False
    read_only: bool = False
    never: bool = False
    ref: str | None = None
    sub: tuple[Attr, ...] = ()

    def lookup(self, name: str) -> Attr | None:
        """Sub-attribute called ``name`` (case-insensitive)."""
        return next((a for a in self.sub if a.name.lower() == name.lower()), None)


@dataclass(frozen=True)
class Kind:
    """One resource type: its endpoint, schema URNs, attributes and unique attribute."""

    name: str
    endpoint: str
    schema: str
    attrs: tuple[Attr, ...]
    unique: str
    extensions: tuple[str, ...] = ()
    #: documented output attributes rendered as ``null`` when unset (Go pointers, T5/T7 examples)
    null_when_unset: tuple[str, ...] = ()
    #: ``domain.CreateRole.id`` is documented input: the client may choose the id.
    client_id_allowed: bool = False
    root: Attr = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "root", Attr(self.name, "complex", sub=self.attrs))

    def lookup(self, name: str) -> Attr | None:
        """Top-level attribute (or extension) called ``name``, case-insensitively."""
        return self.root.lookup(name)


def _s(name: str, **kw: Any) -> Attr:
    return Attr(name, "string", **kw)


def _b(name: str, **kw: Any) -> Attr:
    return Attr(name, "boolean", **kw)


_MULTI_SUB = (_s("value"), _s("type"), _b("primary"))
_COMMON = (_s("externalId"),)
STATEMENT = Attr(
    "statements",
    "complex",
    multi=True,
    sub=(_s("actions", multi=True, required=True, ref="Actions"), _s("resource", required=True, ref="Resources")),
)

USER = Kind(
    "User",
    "Users",
    USER_URN,
    unique="userName",
    extensions=(USER_EXT_URN,),
    attrs=(
        _s("userName", required=True),
        _b("active"),
        _s("displayName"),
        Attr("emails", "complex", multi=True, sub=_MULTI_SUB),
        _s("locale"),
        Attr("name", "complex", sub=(_s("familyName"), _s("givenName"))),
        _s("nickName"),
        _s("password", never=True),
        Attr("phoneNumbers", "complex", multi=True, sub=_MULTI_SUB),
        _s("preferredLanguage"),
        _s("profileUrl"),
        _s("timezone"),
        _s("title"),
        _s("userType"),
        Attr(
            USER_EXT_URN,
            "complex",
            sub=(
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
                Attr("properties", "object"),
                _s("resourceOwner"),
            ),
        ),
        *_COMMON,
    ),
)
GROUP = Kind(
    "Group",
    "Groups",
    GROUP_URN,
    unique="displayName",
    attrs=(
        _s("displayName", required=True),
        Attr(
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
        Attr(
            "roles", "complex", multi=True, sub=(_s("value", required=True, ref="Roles"), _s("display", read_only=True))
        ),
        *_COMMON,
    ),
)
ROLE = Kind(
    "Role",
    "Roles",
    CUSTOM_URN + "Role",
    unique="name",
    client_id_allowed=True,
    null_when_unset=("claim_mapper", "client_id", "description"),
    attrs=(
        _s("name", required=True),
        Attr("claim_mapper", "object"),
        _s("client_id"),
        _s("description"),
        _s("permissions", multi=True, ref="Permissions"),
        Attr(STATEMENT.name, "complex", multi=True, never=True, sub=STATEMENT.sub),
        Attr("member_count", "integer", read_only=True),
        _s("created_at", read_only=True),
        *_COMMON,
    ),
)
PERMISSION = Kind(
    "Permission",
    "Permissions",
    CUSTOM_URN + "Permission",
    unique="name",
    null_when_unset=("client_id", "description"),
    attrs=(
        _s("name", required=True),
        Attr(STATEMENT.name, "complex", multi=True, required=True, sub=STATEMENT.sub),
        _s("client_id"),
        _s("description"),
        _s("created_at", read_only=True),
        *_COMMON,
    ),
)
ACTION = Kind(
    "Action",
    "Actions",
    CUSTOM_URN + "Action",
    unique="name",
    null_when_unset=("client_id", "description"),
    attrs=(
        _s("name", required=True),
        _s("client_id"),
        _s("description"),
        _b("active", read_only=True),
        _s("created_at", read_only=True),
        *_COMMON,
    ),
)
RESOURCE_TYPE = Kind(
    "ResourceType",
    "Resource-Types",
    CUSTOM_URN + "ResourceType",
    unique="name",
    null_when_unset=("client_id", "description"),
    attrs=(
        _s("name", required=True),
        _s("actions", multi=True, ref="Actions"),
        _s("client_id"),
        _s("description"),
        _s("slug"),
        Attr("resources", "complex", multi=True, read_only=True),
        _s("created_at", read_only=True),
        *_COMMON,
    ),
)
RESOURCE = Kind(
    "Resource",
    "Resources",
    CUSTOM_URN + "Resource",
    unique="name",
    null_when_unset=("client_id", "description"),
    attrs=(
        _s("name", required=True),
        _s("type", required=True, ref="Resource-Types"),
        _s("client_id"),
        _s("description"),
        _s("slug"),
        _s("created_at", read_only=True),
        *_COMMON,
    ),
)

KINDS: dict[str, Kind] = {k.endpoint: k for k in (USER, GROUP, ROLE, PERMISSION, ACTION, RESOURCE_TYPE, RESOURCE)}
