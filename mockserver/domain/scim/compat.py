"""Client compatibility modes: what Entra ID, Okta and authentik really send, read in RFC form.

A tenant's ``options.compat`` (``TenantOptions``) names one :class:`Mode`. A mode is a set of
:class:`Rule` objects; each rule turns one documented departure from RFC 7643 / RFC 7644 into the
RFC form and says so in a note (``"compat entra: op 'Replace' is not RFC 7644 §3.5.2 ..."``) that
the handler puts on the request's journal entry. The directory then reads the result exactly as a
``strict`` tenant does: the modes share the one RFC core, and ``strict`` (the default) has no rule,
so a departure stays a 400 there (a capitalised ``op`` excepted: every tenant reads it, as before
the modes, and only ``entra`` notes it; specs/README.md "PATCH op"). The rules, their sources and
the modes are listed in specs/README.md ("scim", "Client compatibility modes"); the vendor
documents are:

- [E1] Microsoft Learn, "Tutorial: Develop and plan provisioning for a SCIM endpoint in Microsoft
  Entra ID",
  https://learn.microsoft.com/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups
- [E2] Microsoft Learn, "Known issues and resolutions with SCIM 2.0 protocol compliance of the
  Microsoft Entra user provisioning service", the requests sent without the ``aadOptscim062020`` flag,
  https://learn.microsoft.com/entra/identity/app-provisioning/application-provisioning-config-problem-scim-compatibility
- [O1] Okta, "SCIM 2.0 protocol",
  https://developer.okta.com/docs/api/openapi/okta-scim/guides/scim-20 and [O2] Okta, "Test your
  SCIM API", https://developer.okta.com/docs/guides/scim-provisioning-integration-prepare/main/ :
  every request they show is RFC 7644 as written, so the okta mode needs only :data:`UNKNOWN_IGNORED`.
- [A8] docs/vendor-facts.md A8: authentik's outbound SCIM client.

Request bodies are ``compat_values``' work; this module holds the modes, PATCH messages and filters.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from typing import Any, Literal

from mockserver.domain.errors import BadRequest
from mockserver.domain.scim.compat_valuepath import Elements, created
from mockserver.domain.scim.compat_values import (
    BARE_EXTENSION_NAMES,
    CAPITALISED_OP,
    REMOVE_BY_VALUE,
    RULES,
    UNKNOWN_IGNORED,
    UNQUOTED_FILTER_VALUES,
    Mode,
    Rule,
    fit_resource,
    fit_value,
)
from mockserver.domain.scim.filter import parse
from mockserver.domain.scim.patchop import OPS, Target, parse_path
from mockserver.domain.scim.schema import ResourceType

__all__ = [
    "COMPAT_MODES",
    "MODES",
    "Compat",
    "Mode",
    "Reading",
    "Rule",
    "mode",
    "read_filter",
    "read_patch",
    "read_resource",
]

Compat = Literal["strict", "entra", "okta", "authentik"]
COMPAT_MODES: tuple[Compat, ...] = ("strict", "entra", "okta", "authentik")

MODES: dict[str, Mode] = {
    "strict": Mode("strict", frozenset()),
    "entra": Mode("entra", frozenset(RULES)),  # Entra ID sends every departure of RULES
    "okta": Mode("okta", frozenset({UNKNOWN_IGNORED})),
    "authentik": Mode("authentik", frozenset({REMOVE_BY_VALUE, UNQUOTED_FILTER_VALUES, UNKNOWN_IGNORED})),
}


@dataclass(frozen=True)
class Reading:
    """A request in RFC form and the notes on how it departed from it. ``body`` None: nothing is
    left to apply (every PATCH operation named an attribute the mode ignores)."""

    body: Any
    notes: tuple[str, ...] = ()


#: Notes kept per request: a body of many unknown attributes must not make one journal entry huge.
MAX_NOTES = 50


def _noted(current: Mode, notes: list[str]) -> tuple[str, ...]:
    """The journal notes of one request: the first :data:`MAX_NOTES`, then how many more there were."""
    kept = [current.note(n) for n in notes[:MAX_NOTES]]
    if len(notes) > MAX_NOTES:
        kept.append(current.note(f"{len(notes) - MAX_NOTES} more departures like these are not listed"))
    return tuple(kept)


def mode(name: str) -> Mode:
    """The mode called ``name`` (``TenantOptions`` has checked it)."""
    return MODES[name]


def read_resource(current: Mode, rtype: ResourceType, body: Any) -> Reading:
    """A POST/PUT body in RFC form (``compat_values.fit_resource``)."""
    notes: list[str] = []
    fixed = fit_resource(current, rtype, body, notes)
    return Reading(fixed, _noted(current, notes))


def read_patch(current: Mode, rtype: ResourceType, body: Any, resource: dict[str, Any] | None = None) -> Reading:
    """A PatchOp body (RFC 7644 §3.5.2) with each operation in RFC form; anything this module does
    not recognise is left as sent, for the RFC reading to accept or refuse. ``resource``: the one
    patched, as stored (``compat_valuepath`` reads its multi-valued attributes)."""
    ops = body.get("Operations") if isinstance(body, dict) else None
    if not current.rules or not isinstance(ops, list) or not ops:
        return Reading(body)
    notes: list[str] = []
    elements = Elements(resource)
    fixed = [out for raw in ops for out in _operation(current, rtype, raw, notes, elements)]
    return Reading({**body, "Operations": fixed} if fixed else None, _noted(current, notes))


def _operation(current: Mode, rtype: ResourceType, raw: Any, notes: list[str], elements: Elements) -> list[Any]:
    """One operation as zero (ignored), one or several RFC operations."""
    if not isinstance(raw, dict):
        return [raw]
    raw = _lower_op(current, raw, notes)
    path = raw.get("path")
    if isinstance(path, str):
        return _with_path(current, rtype, raw, path, notes, elements)
    if "path" not in raw and isinstance(raw.get("value"), dict):
        return [{**raw, "value": _pathless_value(current, rtype, raw["value"], notes)}]
    return [raw]


def _lower_op(current: Mode, raw: dict[str, Any], notes: list[str]) -> dict[str, Any]:
    """[E1] "Microsoft Entra ID emits the values of op as Add, Replace, and Remove"; [E2] shows them
    without the flag. RFC 7644 §3.5.2 names the operations "add", "remove" and "replace"."""
    op = raw.get("op")
    if not current.has(CAPITALISED_OP) or not isinstance(op, str) or op == op.lower() or op.lower() not in OPS:
        return raw
    notes.append(f"op {op!r} is not RFC 7644 §3.5.2 (lower-case {op.lower()!r})")
    return {**raw, "op": op.lower()}


def _with_path(
    current: Mode, rtype: ResourceType, raw: dict[str, Any], sent: str, notes: list[str], elements: Elements
) -> list[Any]:
    path = _qualified(current, rtype, sent, notes)
    try:
        target = parse_path(rtype, path, lenient=True)
    except BadRequest:
        return [{**raw, "path": path}]  # the RFC reading names the fault
    if target is None:
        return _ignored(current, path, raw | {"path": path}, notes)
    if raw.get("op") == "remove" and "value" in raw:
        return _remove_by_value(current, target, path, raw, notes)
    if "value" not in raw:
        return [{**raw, "path": path}]
    value = _fit_target(current, target, raw["value"], sent, notes)
    return [
        created(current, target, path, raw.get("op"), value, elements, notes) or {**raw, "path": path, "value": value}
    ]


def _ignored(current: Mode, name: str, raw: Any, notes: list[str]) -> list[Any]:
    if not current.has(UNKNOWN_IGNORED):
        return [raw]
    notes.append(f"attribute {name[:100]!r} is unknown to this server: ignored")
    return []


def _qualified(current: Mode, rtype: ResourceType, path: str, notes: list[str]) -> str:
    """[E1] example 5: ``"path": "manager"``. RFC 7644 §3.10: clients "SHOULD fully qualify extended
    attributes with the associated schema extension URN"; the name is found in an extension."""
    head = re.split(r"[.\[]", path, maxsplit=1)[0]
    if not current.has(BARE_EXTENSION_NAMES) or ":" in head or rtype.attr(head) is not None:
        return path
    for ext in rtype.extensions:
        if ext.attr(head) is not None:
            notes.append(f"path {path[:100]!r} names an attribute of {ext.id} without its URN (RFC 7644 §3.10)")
            return f"{ext.id}:{path}"
    return path


def _remove_by_value(
    current: Mode, target: Target, path: str, raw: dict[str, Any], notes: list[str]
) -> list[dict[str, Any]]:
    """[E2] (without the flag), [E1] "Update Group [Remove Members]" and [A8] (``_member_op``) remove
    members with ``"path": "members", "value": [{"value": id}]``. RFC 7644 §3.5.2.2 selects values
    with a value filter; without one "the attribute and all values are removed". One RFC remove
    ``members[value eq "id"]`` per listed value (the client's intent) is sent on."""
    attr, ids = target.res.attr, _ids(raw.get("value"))
    whole = target.where is None and target.sub is None and target.res.sub is None
    if not current.has(REMOVE_BY_VALUE) or attr is None or not attr.multi or not whole or not ids:
        return [raw]
    notes.append(
        f"remove on {path!r} with a value list is not RFC 7644 §3.5.2.2 (a value filter selects what to remove):"
        f" read as {len(ids)} remove(s) of {path}[value eq ...]"
    )
    return [{"op": "remove", "path": f"{path}[value eq {json.dumps(i)}]"} for i in ids]


def _ids(value: Any) -> list[str]:
    """The ``value`` of each element of a value list, or [] when any element has none."""
    items = value if isinstance(value, list) else [value]
    ids = [i["value"] for i in items if isinstance(i, dict) and isinstance(i.get("value"), str)]
    return ids if ids and len(ids) == len(items) else []


def _fit_target(current: Mode, target: Target, value: Any, where: str, notes: list[str]) -> Any:
    res = target.res
    if res.attr is None:  # a whole extension object
        return fit_value(current, None, value, where, notes, extension=res.ext)
    if target.where is not None and target.sub is None:  # one element of a multi-valued attribute
        return fit_value(current, replace(res.attr, multi=False), value, where, notes)
    return fit_value(current, target.sub or res.leaf, value, where, notes)


def _pathless_value(current: Mode, rtype: ResourceType, value: dict[str, Any], notes: list[str]) -> dict[str, Any]:
    """RFC 7644 §3.5.2.1 / §3.5.2.3 without ``path``: each key is an attribute path (the form [E2]
    shows with the flag, and Okta's deactivation [O1]); each value is read like a pathed one."""
    out: dict[str, Any] = {}
    for key, item in value.items():
        if not isinstance(key, str) or key.lower() == "schemas":
            out[key] = item
            continue
        name = _qualified(current, rtype, key, notes)
        try:
            target = parse_path(rtype, name, lenient=True)
        except BadRequest:
            out[key] = item
            continue
        if target is not None:
            out[name] = _fit_target(current, target, item, key, notes)
        elif _ignored(current, key, item, notes):
            out[key] = item  # not ignored: the RFC reading refuses it
    return out


#: A comparison operator followed by a bare word where RFC 7644 §3.4.2.2 wants a JSON value.
_BARE_VALUE = re.compile(r"(?i)\b(eq|ne|co|sw|ew|gt|ge|lt|le)(\s+)([^\s\"()\[\]]+)")
_JSON_WORDS = re.compile(r"(?i)^(true|false|null|-?[0-9][0-9.eE+-]*)$")


def read_filter(current: Mode, text: str | None) -> Reading:
    """[E1] example 1 (``filter=externalId eq jyoung``) and [A8] (authentik 2024.x, ``userName eq
    <name>``) leave string values unquoted; RFC 7644 §3.4.2.2 compares with JSON values. A filter
    that does not parse as sent is read with those words quoted, if that parses."""
    if text is None or not current.has(UNQUOTED_FILTER_VALUES) or _parses(text):
        return Reading(text)
    quoted = _BARE_VALUE.sub(_quote, text)
    if quoted == text or not _parses(quoted):
        return Reading(text)
    note = f"filter {text[:200]!r} has unquoted values (RFC 7644 §3.4.2.2: a JSON string): read as {quoted[:200]!r}"
    return Reading(quoted, (current.note(note),))


def _quote(match: re.Match[str]) -> str:
    word = match.group(3)
    return match.group(0) if _JSON_WORDS.match(word) else f"{match.group(1)}{match.group(2)}{json.dumps(word)}"


def _parses(text: str) -> bool:
    try:
        parse(text)
    except BadRequest:
        return False
    return True
