"""SCIM resource schemas as data (RFC 7643 §4, §7, §8.7.1): the single source of attribute facts.

Filters (case sensitivity, types), projection (``returned``), validation (types, required,
mutability) and the ``/Schemas`` discovery endpoint all read these definitions, so what the
directory does and what it advertises cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

CORE_USER = "urn:ietf:params:scim:schemas:core:2.0:User"
CORE_GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
ENTERPRISE_USER = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
LIST_RESPONSE = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
SEARCH_REQUEST = "urn:ietf:params:scim:api:messages:2.0:SearchRequest"
SPC_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"
RESOURCE_TYPE_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:ResourceType"
SCHEMA_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Schema"


@dataclass(frozen=True)
class Attr:
    """One attribute definition with the characteristics of RFC 7643 §2.2 and §7.

    Two extensions serve vendors described in these terms (``mockserver.domain.stackspot``):
    ``type`` may be ``"object"``, a free JSON object that is stored as sent and has no
    sub-attributes (StackSpot's ``claim_mapper``); ``ref`` names the endpoint of the resource
    a value identifies, for the vendor's referential-integrity checks (RFC 7643 §7
    ``referenceTypes`` covers ``reference`` values only, not plain ids).
    """

    name: str
    type: str = "string"
    multi: bool = False
    required: bool = False
    case_exact: bool = False
    mutability: str = "readWrite"
    returned: str = "default"
    uniqueness: str = "none"
    sub: tuple[Attr, ...] = ()
    canonical: tuple[str, ...] = ()
    reference_types: tuple[str, ...] = ()
    description: str = ""
    ref: str | None = None

    @property
    def never_returned(self) -> bool:
        """RFC 7643 §2.2 ``returned: never`` (passwords): never shown, so never searchable either."""
        return self.returned == "never"

    def child(self, name: str) -> Attr | None:
        """Sub-attribute ``name``, matched case-insensitively (RFC 7643 §2.1)."""
        low = name.lower()
        return next((a for a in self.sub if a.name.lower() == low), None)

    def to_scim(self) -> dict[str, Any]:
        """The attribute as the ``/Schemas`` endpoint shows it (RFC 7643 §7)."""
        out: dict[str, Any] = {
            "name": self.name,
            "type": self.type,
            "multiValued": self.multi,
            "description": self.description or self.name,
            "required": self.required,
            "caseExact": self.case_exact,
            "mutability": self.mutability,
            "returned": self.returned,
            "uniqueness": self.uniqueness,
        }
        if self.canonical:
            out["canonicalValues"] = list(self.canonical)
        if self.reference_types:
            out["referenceTypes"] = list(self.reference_types)
        if self.sub:
            out["subAttributes"] = [a.to_scim() for a in self.sub]
        return out


@dataclass(frozen=True)
class Schema:
    """A schema: its URN and its attributes (RFC 7643 §7)."""

    id: str
    name: str
    description: str
    attributes: tuple[Attr, ...]

    def attr(self, name: str) -> Attr | None:
        """Attribute ``name`` matched case-insensitively."""
        low = name.lower()
        return next((a for a in self.attributes if a.name.lower() == low), None)

    def to_scim(self, base_path: str) -> dict[str, Any]:
        """The schema resource served at ``/Schemas/{id}``."""
        return {
            "schemas": [SCHEMA_SCHEMA],
            "id": self.id,
            "name": self.name,
            "description": self.description,
            "attributes": [a.to_scim() for a in self.attributes],
            "meta": {"resourceType": "Schema", "location": f"{base_path}/Schemas/{self.id}"},
        }


@dataclass(frozen=True)
class ResourceType:
    """A resource type (RFC 7643 §6): endpoint, core schema and extensions."""

    id: str
    endpoint: str
    schema: Schema
    extensions: tuple[Schema, ...] = ()
    common: tuple[Attr, ...] = field(default=(), repr=False)

    def attr(self, name: str) -> Attr | None:
        """A core or common attribute by name (case-insensitive)."""
        low = name.lower()
        found = next((a for a in self.common if a.name.lower() == low), None)
        return found or self.schema.attr(name)

    def extension(self, urn: str) -> Schema | None:
        """The extension schema ``urn`` (case-insensitive)."""
        low = urn.lower()
        return next((s for s in self.extensions if s.id.lower() == low), None)

    def schema_ids(self) -> list[str]:
        """Every schema URN this type may carry, core first."""
        return [self.schema.id, *(s.id for s in self.extensions)]

    def to_scim(self, base_path: str) -> dict[str, Any]:
        """The resource served at ``/ResourceTypes/{id}`` (RFC 7643 §6)."""
        return {
            "schemas": [RESOURCE_TYPE_SCHEMA],
            "id": self.id,
            "name": self.id,
            "endpoint": self.endpoint,
            "description": self.schema.description,
            "schema": self.schema.id,
            "schemaExtensions": [{"schema": s.id, "required": False} for s in self.extensions],
            "meta": {"resourceType": "ResourceType", "location": f"{base_path}/ResourceTypes/{self.id}"},
        }


def _multi(
    name: str,
    *,
    value_type: str = "string",
    types: tuple[str, ...] = ("work", "home", "other"),
    extra: tuple[Attr, ...] = (),
    mutability: str = "readWrite",
) -> Attr:
    """A multi-valued complex attribute with RFC 7643 §2.4's value/display/type/primary."""
    sub = (
        Attr("value", value_type, mutability=mutability),
        Attr("display", mutability=mutability),
        Attr("type", canonical=types, mutability=mutability),
        Attr("primary", "boolean", mutability=mutability),
        *extra,
    )
    return Attr(name, "complex", multi=True, sub=sub, mutability=mutability)


#: RFC 7643 §3.1 common attributes: not part of any schema, present on every resource.
COMMON = (
    Attr("schemas", "reference", multi=True, mutability="readOnly", returned="always", reference_types=("uri",)),
    Attr("id", case_exact=True, mutability="readOnly", returned="always", uniqueness="server"),
    Attr("externalId", case_exact=True),
    Attr(
        "meta",
        "complex",
        mutability="readOnly",
        sub=(
            Attr("resourceType", case_exact=True, mutability="readOnly"),
            Attr("created", "dateTime", mutability="readOnly"),
            Attr("lastModified", "dateTime", mutability="readOnly"),
            Attr("location", "reference", case_exact=True, mutability="readOnly", reference_types=("uri",)),
            Attr("version", case_exact=True, mutability="readOnly"),
        ),
    ),
)

_ADDRESS_SUB = tuple(Attr(n) for n in ("formatted", "streetAddress", "locality", "region", "postalCode", "country"))

USER = Schema(
    CORE_USER,
    "User",
    "User Account",
    (
        Attr("userName", required=True, uniqueness="server", description="Unique identifier for the User"),
        Attr(
            "name",
            "complex",
            sub=tuple(
                Attr(n)
                for n in ("formatted", "familyName", "givenName", "middleName", "honorificPrefix", "honorificSuffix")
            ),
        ),
        Attr("displayName"),
        Attr("nickName"),
        Attr("profileUrl", "reference", reference_types=("external",)),
        Attr("title"),
        Attr("userType"),
        Attr("preferredLanguage"),
        Attr("locale"),
        Attr("timezone"),
        Attr("active", "boolean"),
        Attr("password", mutability="writeOnly", returned="never"),
        _multi("emails"),
        _multi("phoneNumbers", types=("work", "home", "mobile", "fax", "pager", "other")),
        _multi("ims", types=("aim", "gtalk", "icq", "xmpp", "msn", "skype", "qq", "yahoo")),
        _multi("photos", value_type="reference", types=("photo", "thumbnail")),
        Attr(
            "addresses",
            "complex",
            multi=True,
            sub=(*_ADDRESS_SUB, Attr("type", canonical=("work", "home", "other")), Attr("primary", "boolean")),
        ),
        _multi(
            "groups",
            types=("direct", "indirect"),
            extra=(Attr("$ref", "reference", mutability="readOnly", reference_types=("User", "Group")),),
            mutability="readOnly",
        ),
        _multi("entitlements"),
        _multi("roles"),
        _multi("x509Certificates", value_type="binary"),
    ),
)

GROUP = Schema(
    CORE_GROUP,
    "Group",
    "Group",
    (
        Attr("displayName", required=True),
        Attr(
            "members",
            "complex",
            multi=True,
            sub=(
                Attr("value", required=True, case_exact=True, mutability="immutable"),
                Attr("$ref", "reference", mutability="readOnly", reference_types=("User", "Group")),
                Attr("type", canonical=("User", "Group"), mutability="immutable"),
                Attr("display", mutability="readOnly"),
            ),
        ),
    ),
)

ENTERPRISE = Schema(
    ENTERPRISE_USER,
    "EnterpriseUser",
    "Enterprise User",
    (
        *(Attr(n) for n in ("employeeNumber", "costCenter", "organization", "division", "department")),
        Attr(
            "manager",
            "complex",
            sub=(
                Attr("value", case_exact=True),
                Attr("$ref", "reference", reference_types=("User",)),
                Attr("displayName", mutability="readOnly"),
            ),
        ),
    ),
)

USER_TYPE = ResourceType("User", "/Users", USER, (ENTERPRISE,), COMMON)
GROUP_TYPE = ResourceType("Group", "/Groups", GROUP, (), COMMON)
RESOURCE_TYPES: dict[str, ResourceType] = {"User": USER_TYPE, "Group": GROUP_TYPE}
SCHEMAS: dict[str, Schema] = {s.id: s for s in (USER, GROUP, ENTERPRISE)}
