"""List/query parameters (RFC 7644 §3.4.2): paging, sorting and attribute projection.

``ListQuery.parse`` accepts both the GET query parameters and a ``SearchRequest`` body
(§3.4.3) and normalises them: ``startIndex`` below 1 means 1, a negative ``count`` means 0,
and ``count`` above the advertised ``maxResults`` is cut to it (§3.4.2.4). ``project`` applies
``attributes``/``excludedAttributes`` with RFC 7643 §2.2 ``returned`` rules.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from mockserver.domain.errors import BadRequest
from mockserver.domain.scim.evaluate import parse_datetime
from mockserver.domain.scim.paths import Resolved, resolve, searchable
from mockserver.domain.scim.schema import ResourceType

MAX_RESULTS = 1000


@dataclass(frozen=True)
class ListQuery:
    """Normalised list parameters."""

    filter: str | None = None
    sort_by: str | None = None
    descending: bool = False
    start_index: int = 1
    count: int = MAX_RESULTS
    attributes: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()

    @classmethod
    def parse(cls, params: dict[str, Any]) -> ListQuery:
        """From GET parameters or a SearchRequest body; wrong types are 400 ``invalidValue``."""
        order = _opt_str(params, "sortOrder") or "ascending"
        if order.lower() not in ("ascending", "descending"):
            raise BadRequest(f"sortOrder must be ascending or descending, not {order!r}")
        start = _opt_int(params, "startIndex")
        count = _opt_int(params, "count")
        return cls(
            filter=_opt_str(params, "filter"),
            sort_by=_opt_str(params, "sortBy"),
            descending=order.lower() == "descending",
            start_index=1 if start is None or start < 1 else start,
            count=MAX_RESULTS if count is None else max(0, min(count, MAX_RESULTS)),
            attributes=_names(params.get("attributes")),
            excluded=_names(params.get("excludedAttributes")),
        )


def _opt_str(params: dict[str, Any], key: str) -> str | None:
    value = params.get(key)
    if value is not None and not isinstance(value, str):
        raise BadRequest(f"{key} must be a string")
    return value


def _opt_int(params: dict[str, Any], key: str) -> int | None:
    value = params.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadRequest(f"{key} must be an integer")
    return value


def _names(value: Any) -> tuple[str, ...]:
    """``attributes`` is comma-separated in a query and an array in a SearchRequest (§3.4.3)."""
    if value is None:
        return ()
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list | tuple) or not all(isinstance(i, str) for i in items):
        raise BadRequest("attributes must be a comma-separated string or an array of strings")
    return tuple(i.strip() for i in items if i.strip())


def sort_key(rtype: ResourceType, sort_by: str) -> Callable[[dict[str, Any]], tuple[int, Any]]:
    """Key for ``sortBy`` (§3.4.2.3): primary (or first) value of multi-valued attributes,
    case-folded unless caseExact; resources without a value sort last when ascending. Sorting
    on a never-returned attribute would order resources by its secret value: 400
    ``invalidFilter`` (``paths.Unsearchable``)."""
    res = resolve(rtype, sort_by, BadRequest)
    if res is None or res.attr is None:
        raise BadRequest(f"Cannot sort by {sort_by!r}")
    searchable(res.attr, res.sub)
    if res.sub is None and res.attr.type == "complex":
        value_sub = res.attr.child("value")
        if value_sub is None:
            raise BadRequest(f"Cannot sort by complex attribute {sort_by!r}")
        res = Resolved(res.ext, res.attr, value_sub)
    leaf = res.leaf

    def key(resource: dict[str, Any]) -> tuple[int, Any]:
        values = _primary_first(res, resource)
        if not values:
            return (1, "")
        v = values[0]
        if leaf.type == "dateTime" and isinstance(v, str):
            try:
                return (0, parse_datetime(v).timestamp())
            except ValueError:
                return (0, 0.0)
        if isinstance(v, str) and not leaf.case_exact:
            return (0, v.lower())
        return (0, v)

    return key


def _primary_first(res: Resolved, resource: dict[str, Any]) -> list[Any]:
    assert res.attr is not None
    top = res.container(resource).get(res.attr.name)
    if res.attr.multi and isinstance(top, list) and res.sub is not None:
        ordered = sorted(top, key=lambda e: not (isinstance(e, dict) and e.get("primary") is True))
        return [e[res.sub.name] for e in ordered if isinstance(e, dict) and e.get(res.sub.name) is not None]
    return res.values(resource)


@dataclass
class _Selection:
    """Which attributes (and sub-attributes) were requested, by canonical name."""

    whole: set[tuple[str | None, str]] = field(default_factory=set)
    subs: dict[tuple[str | None, str], set[str]] = field(default_factory=dict)

    def add(self, res: Resolved) -> None:
        if res.attr is None:
            return
        key = (res.ext, res.attr.name)
        if res.sub is None:
            self.whole.add(key)
        else:
            self.subs.setdefault(key, set()).add(res.sub.name)


def _selection(rtype: ResourceType, names: tuple[str, ...]) -> tuple[_Selection, set[str]]:
    sel = _Selection()
    exts: set[str] = set()
    for name in names:
        res = resolve(rtype, name, BadRequest, lenient=True)
        if res is None:
            continue  # RFC 7644 §3.4.2.5 does not make unknown names an error; ignore them
        if res.attr is None and res.ext:
            exts.add(res.ext)
        sel.add(res)
    return sel, exts


def project(
    resource: dict[str, Any], rtype: ResourceType, attributes: tuple[str, ...] = (), excluded: tuple[str, ...] = ()
) -> dict[str, Any]:
    """``resource`` as returned (RFC 7643 §2.2 ``returned``; RFC 7644 §3.4.2.5).

    ``always`` attributes (``id``) and ``schemas`` are always there; ``never`` ones
    (``password``) never; ``request`` ones only when named in ``attributes``. The result is a new
    object (and new trimmed complex values) sharing the attribute values it keeps with ``resource``:
    it is rendered, never changed (the directory's views are read-only, docs/style.md rule 5).
    """
    if not attributes and not excluded:
        return _by_default(resource, rtype)
    want, want_ext = _selection(rtype, attributes) if attributes else (None, set())
    drop, drop_ext = _selection(rtype, excluded) if excluded else (_Selection(), set())
    out: dict[str, Any] = {}
    for key, value in resource.items():
        if key == "schemas":
            out[key] = value
            continue
        ext = rtype.extension(key)
        if ext is not None:
            if (
                want is not None and key not in want_ext and not any(e == key for e, _ in want.whole | set(want.subs))
            ) or key in drop_ext:
                continue
            sub = _project_level(value, ext.attr, key, want, drop, whole=want is not None and key in want_ext)
            if sub:
                out[key] = sub
            continue
        kept = _project_attr(value, rtype.attr(key), None, key, want, drop)
        if kept is not _SKIP:
            out[key] = kept
    return out


_SKIP = object()
#: ``returned`` verdicts of attribute names with no ``attributes``/``excludedAttributes``, per owner.
_DEFAULT: dict[tuple[int, str], tuple[Any, Any]] = {}
_DEFAULT_KEPT = 4096


def _by_default(resource: dict[str, Any], rtype: ResourceType) -> dict[str, Any]:
    """``project`` without ``attributes``/``excludedAttributes``: what it keeps, decided once per name.

    Then an attribute is returned unless unknown, ``never`` or ``request`` (RFC 7643 §7); an
    extension object keeps its returned sub-attributes and is left out when none is left."""
    out: dict[str, Any] = {}
    for key, value in resource.items():
        verdict = _default_verdict(rtype, key)
        if verdict is True:
            out[key] = value
        elif verdict is not False:
            sub = {k: v for k, v in value.items() if _default_verdict(verdict, k) is True}
            if sub:
                out[key] = sub
    return out


def _default_verdict(owner: Any, key: str) -> Any:
    """True (kept), False (dropped) or, for a resource type's extension URN, the extension's schema."""
    found = _DEFAULT.get((id(owner), key))
    if found is not None and found[0] is owner:
        return found[1]
    if key == "schemas" and isinstance(owner, ResourceType):
        verdict: Any = True
    else:
        ext = owner.extension(key) if isinstance(owner, ResourceType) else None
        attr = None if ext is not None else owner.attr(key)
        verdict = ext if ext is not None else attr is not None and attr.returned not in ("never", "request")
    if len(_DEFAULT) < _DEFAULT_KEPT:
        _DEFAULT[(id(owner), key)] = (owner, verdict)
    return verdict


def _project_level(
    container: dict[str, Any],
    lookup: Callable[[str], Any],
    ext: str,
    want: _Selection | None,
    drop: _Selection,
    *,
    whole: bool,
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in container.items():
        kept = _project_attr(value, lookup(key), ext, key, None if whole else want, drop)
        if kept is not _SKIP:
            out[key] = kept
    return out


def _project_attr(value: Any, attr: Any, ext: str | None, key: str, want: _Selection | None, drop: _Selection) -> Any:
    if attr is None or attr.returned == "never":
        return _SKIP
    ident = (ext, attr.name)
    if attr.returned != "always":
        if ident in drop.whole:
            return _SKIP
        if want is not None and ident not in want.whole and ident not in want.subs:
            return _SKIP
        if want is None and attr.returned == "request":
            return _SKIP
    only = want.subs.get(ident) if want is not None and ident not in want.whole else None
    dropped = drop.subs.get(ident, set())
    if attr.type != "complex" or (not only and not dropped):
        return value

    def trim(element: Any) -> Any:
        if not isinstance(element, dict):
            return element
        return {
            k: v for k, v in element.items() if k not in dropped and (only is None or k in only or _always(attr, k))
        }

    return [trim(e) for e in value] if isinstance(value, list) else trim(value)


def _always(attr: Any, name: str) -> bool:
    sub = attr.child(name)
    return sub is not None and sub.returned == "always"


def _clone(value: Any) -> Any:
    """Fast deep copy of JSON-shaped data."""
    if isinstance(value, dict):
        return {k: _clone(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clone(v) for v in value]
    return value
