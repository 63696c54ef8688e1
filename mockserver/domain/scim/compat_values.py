"""The rules of the client compatibility modes, and how they read values and resource bodies.

Each :class:`Rule` is one documented way an identity provider departs from RFC 7643 / RFC 7644,
with its source (the document keys are ``compat``'s: [E1], [E2] Microsoft Learn, [O1], [O2] Okta,
[A8] docs/vendor-facts.md); ``compat.MODES`` says which rules each mode applies. The functions
here bring one value, or a whole POST/PUT body, to RFC form and collect a note per departure.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from mockserver.domain.scim.schema import SCHEMAS, Attr, ResourceType


@dataclass(frozen=True)
class Rule:
    """One departure a mode reads in RFC form: its name and where the IdP is documented to send it."""

    name: str
    source: str


CAPITALISED_OP = Rule("capitalised op", "[E1] 'emits the values of op as Add, Replace, and Remove'; [E2]")
STRING_BOOLEANS = Rule("string booleans", "[E2] 'Requests made to disable users' without the flag: \"False\"")
REMOVE_BY_VALUE = Rule("remove by value", "[E2] 'remove a group member' without the flag; [E1]; [A8] _member_op")
MANAGER_AS_ID = Rule("manager as an id", "[E1] schema example: enterprise manager '123456'; example 5: an array")
BARE_EXTENSION_NAMES = Rule("extension attribute without its URN", "[E1] example 5: PATCH path 'manager'")
UNQUOTED_FILTER_VALUES = Rule("unquoted filter values", "[E1] example 1: externalId eq jyoung; [A8] 2024.x lookups")
VALUE_PATH_CREATES = Rule(
    "value path matching nothing creates the element",
    "[E1] 'Update User [Multi-valued properties]' path form; first values: compat_valuepath",
)
UNKNOWN_IGNORED = Rule(
    "unknown attributes ignored",
    "[E1] create bodies name unknown schemas (ADSCIM Group, a custom extension); Inferred for [O1] and [A8]: "
    "both send what an administrator mapped",
)
RULES = (
    CAPITALISED_OP,
    STRING_BOOLEANS,
    REMOVE_BY_VALUE,
    MANAGER_AS_ID,
    BARE_EXTENSION_NAMES,
    UNQUOTED_FILTER_VALUES,
    VALUE_PATH_CREATES,
    UNKNOWN_IGNORED,
)


@dataclass(frozen=True)
class Mode:
    """A client compatibility mode: its name and the rules it applies (none: ``strict``)."""

    name: str
    rules: frozenset[Rule]

    def has(self, rule: Rule) -> bool:
        """True when this mode reads ``rule``'s departure in RFC form."""
        return rule in self.rules

    def without(self, rule: Rule) -> Mode:
        """This mode minus ``rule`` (the planted fault ``scim-capitalised-op-rejected``)."""
        return replace(self, rules=self.rules - {rule})

    def note(self, text: str) -> str:
        """A journal note: ``compat <mode>: <text>``."""
        return f"compat {self.name}: {text}"


def fit_resource(current: Mode, rtype: ResourceType, body: Any, notes: list[str]) -> Any:
    """A POST/PUT body (RFC 7644 §3.3, §3.5.1) with each attribute read by :func:`fit_value`; unknown
    attributes and schema URNs dropped when the mode ignores them. Anything else stays as sent."""
    if not current.rules or not isinstance(body, dict):
        return body
    out: dict[str, Any] = {}
    for key, value in body.items():
        ext = rtype.extension(key) if isinstance(key, str) else None
        attr = rtype.attr(key) if isinstance(key, str) and ext is None else None
        if key == "schemas":
            out[key] = _schemas(current, rtype, value, notes)
        elif ext is not None:
            out[key] = _attributes(current, ext.attr, value, f"{key}:", notes)
        elif attr is not None:
            out[key] = fit_value(current, attr, value, key, notes)
        elif not _ignore(current, key, notes):
            out[key] = value
    return out


def _schemas(current: Mode, rtype: ResourceType, value: Any, notes: list[str]) -> Any:
    """[E1] "Create Group" lists ``http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group``
    and a custom extension; RFC 7643 §3: ``schemas`` names the schemas the resource uses."""
    if not current.has(UNKNOWN_IGNORED) or not isinstance(value, list):
        return value
    known = {s.lower() for s in rtype.schema_ids()}
    kept = [s for s in value if not isinstance(s, str) or s.lower() in known]
    for urn in value:
        if urn not in kept:
            notes.append(f"schema {str(urn)[:200]!r} is unknown to this server: ignored")
    return kept


def _ignore(current: Mode, name: Any, notes: list[str]) -> bool:
    """True (with a note) when the mode ignores an attribute this server does not define."""
    if not current.has(UNKNOWN_IGNORED):
        return False
    notes.append(f"attribute {str(name)[:100]!r} is unknown to this server: ignored")
    return True


def _attributes(current: Mode, lookup: Callable[[str], Attr | None], value: Any, prefix: str, notes: list[str]) -> Any:
    """The attributes of one object (an extension object, RFC 7643 §3.3, or a complex value such as
    ``name`` or one of ``emails``), each read by :func:`fit_value`; ``prefix`` names them in notes."""
    if not isinstance(value, dict):
        return value
    out: dict[str, Any] = {}
    for key, item in value.items():
        attr = lookup(key) if isinstance(key, str) else None
        if attr is not None:
            out[key] = fit_value(current, attr, item, f"{prefix}{key}", notes)
        elif str(key).lower() == "schemas" or not _ignore(current, f"{prefix}{key}", notes):
            out[key] = item
    return out


def fit_value(
    current: Mode, attr: Attr | None, value: Any, where: str, notes: list[str], *, extension: str | None = None
) -> Any:
    """``value`` of ``attr`` (or of the whole extension ``extension``) in RFC form."""
    if extension is not None:
        return _attributes(current, SCHEMAS[extension].attr, value, f"{extension}:", notes)
    assert attr is not None
    if value is None:
        return None
    if attr.type == "boolean":
        return _boolean(current, value, where, notes)
    if attr.name == "manager" and attr.type == "complex":
        value = _manager(current, value, where, notes)
    if attr.type != "complex":
        return value
    if attr.multi and isinstance(value, list):
        return [_attributes(current, attr.child, item, f"{where}.", notes) for item in value]
    return _attributes(current, attr.child, value, f"{where}.", notes)


def _boolean(current: Mode, value: Any, where: str, notes: list[str]) -> Any:
    """[E2]: ``{"op": "Replace", "path": "active", "value": "False"}``. RFC 7643 §2.3.2: a boolean
    is the JSON literal ``true`` or ``false``."""
    if not current.has(STRING_BOOLEANS) or not isinstance(value, str) or value.lower() not in ("true", "false"):
        return value
    notes.append(f"{where} {value!r} is a string, not a JSON boolean (RFC 7643 §2.3.2)")
    return value.lower() == "true"


def _manager(current: Mode, value: Any, where: str, notes: list[str]) -> Any:
    """[E1]: the enterprise ``manager`` as a bare id (``"manager": "123456"``) or as a one-element
    array (example 5). RFC 7643 §4.3: ``manager`` is single-valued and complex (``value``, ``$ref``)."""
    if not current.has(MANAGER_AS_ID):
        return value
    if isinstance(value, list) and len(value) == 1 and isinstance(value[0], dict):
        notes.append(f"{where} is an array; RFC 7643 §4.3 makes manager single-valued: its one element is used")
        return value[0]
    if isinstance(value, str):
        notes.append(f'{where} {value!r} is a bare id, not the complex {{"value": ...}} of RFC 7643 §4.3')
        return {"value": value}
    return value
