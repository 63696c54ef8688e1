"""What counts as a secret in what the mock receives and sends, and how it is masked.

The journal keeps requests and answers for people to read (docs/design.md, "The admin API"),
and error bodies quote what a client sent; neither may carry a credential (issue 12, point 2;
OWASP Logging Cheat Sheet: "never log ... access tokens ... passwords"). Three rules:

- a JSON member or query parameter whose name is a credential (:data:`SECRET_NAMES`: SCIM
  ``password``, VCF ``clientSecret``/``accessToken``/``refreshToken``/LDAP ``password``, Sift
  and authentik ``token``, the seed's ``credentials``...) has its whole value masked, and a SCIM
  PATCH operation whose ``path`` names one has its ``value`` masked (RFC 7644 §3.5.2);
- credential headers (RFC 9110 §11.6.2 ``Authorization``, §11.7.2 ``Proxy-Authorization``,
  cookies, API-key headers) keep only their scheme;
- a body that is a bare JSON string is a credential (VCF's refresh token id, sent alone to
  ``PATCH /v1/tokens/access-token/refresh``);
- a value found by those rules is also scrubbed wherever else it appears in the same text (an
  error message quoting it, a truncated body the JSON rules cannot see whole).

Only text and plain JSON values are handled here; no web framework is imported.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qsl, quote, quote_plus, unquote_plus

MASK = "***"
#: Member and parameter names (lower case, ``_`` and ``-`` removed) whose values are credentials.
SECRET_NAMES = frozenset(
    {
        "password",
        "passwd",
        "secret",
        "clientsecret",
        "token",
        "tokens",
        "accesstoken",
        "refreshtoken",
        "idtoken",
        "apikey",
        "admintoken",
        "bindpassword",
        "credentials",
        "bearer",
        "basic",
        "authorization",
        "privatekey",
    }
)
#: Headers that carry credentials; only the auth scheme (RFC 9110 §11.4) is kept.
SECRET_HEADERS = frozenset(
    {"authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key", "x-auth-token", "apikey"}
)
#: Values shorter than this are scrubbed from free text only in quoted form (``"ab"``, ``'ab'``):
#: a bare short value would also match ordinary words of the text.
MIN_BARE = 8

_NAMES = "|".join(sorted(SECRET_NAMES, key=len, reverse=True))
#: ``"name": value`` in JSON text, the value a string (maybe cut off), a flat array or object, or a scalar.
_JSON_MEMBER = re.compile(
    r'("(?:' + _NAMES + r')"\s*:\s*)("(?:[^"\\]|\\.)*(?:"|$)|\[[^\]]*(?:\]|$)|\{[^{}]*(?:\}|$)|[^,}\]\s]+)',
    re.IGNORECASE,
)
#: ``name=value`` in a query string or form body.
_PAIR = re.compile(r"((?:^|[&;])(?:[^=&;]*[_-])?(?:" + _NAMES + r")=)([^&;]*)", re.IGNORECASE)


def is_secret_name(name: str) -> bool:
    """True when a member, parameter or PATCH path names a credential (``userName`` does not)."""
    last = re.split(r"[:.\[]", name)[-1] if ("." in name or ":" in name) else name
    return last.lower().replace("_", "").replace("-", "") in SECRET_NAMES


def mask_json(value: Any) -> Any:
    """A copy of a parsed JSON value with every secret value replaced by :data:`MASK`."""
    if isinstance(value, list):
        return [mask_json(v) for v in value]
    if not isinstance(value, dict):
        return value
    patch_secret = isinstance(value.get("path"), str) and is_secret_name(value["path"])
    return {
        k: MASK if is_secret_name(k) or (patch_secret and k.lower() == "value") else mask_json(v)
        for k, v in value.items()
    }


def secret_values(value: Any) -> set[str]:
    """Every secret found in a parsed JSON body by the naming rules (and a bare string body), as text."""
    found: set[str] = set()
    stack: list[tuple[Any, bool]] = [(value, isinstance(value, str))]
    while stack:
        item, secret = stack.pop()
        if isinstance(item, dict):
            patch_secret = isinstance(item.get("path"), str) and is_secret_name(item["path"])
            for k, v in item.items():
                stack.append((v, secret or is_secret_name(k) or (patch_secret and k.lower() == "value")))
        elif isinstance(item, list):
            stack.extend((v, secret) for v in item)
        elif secret and item is not None and not isinstance(item, bool) and str(item):
            found.add(str(item))
    if isinstance(value, dict) and isinstance(value.get("filter"), str):
        found |= filter_secrets(value["filter"])
    return found


def header_secrets(headers: Iterable[tuple[bytes, bytes]]) -> set[str]:
    """The credentials of ``Authorization``-like headers: the token, and for Basic the password too."""
    found: set[str] = set()
    for name, raw in headers:
        if name.lower().decode("latin-1") in SECRET_HEADERS:
            value = raw.decode("latin-1").strip()
            scheme, _, credential = value.partition(" ")
            found.add(credential.strip() or value)
            if scheme.lower() == "basic":
                found.update(_basic_parts(credential.strip()))
    return {s for s in found if s}


def _basic_parts(credential: str) -> set[str]:
    """RFC 7617 §2: ``user:password`` in base64; the password (and the pair) are secrets."""
    try:
        pair = base64.b64decode(credential, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return set()
    return {pair, pair.partition(":")[2]} - {""}


def mask_headers(headers: Iterable[tuple[bytes, bytes]]) -> dict[str, str]:
    """Request headers as text, credentials masked to their scheme (``Bearer ***``)."""
    shown: dict[str, str] = {}
    for raw_name, raw_value in headers:
        name, value = raw_name.decode("latin-1").lower(), raw_value.decode("latin-1")
        if name in SECRET_HEADERS:
            scheme, sep, _ = value.strip().partition(" ")
            value = f"{scheme} {MASK}" if sep and name.endswith("authorization") else MASK
        shown[name] = f"{shown[name]}, {value}" if name in shown else value
    return shown


def query_secrets(query: str) -> set[str]:
    """The values of secret parameters of a query string (``?access_token=...``), and the values a
    ``filter`` compares secret attributes with; each as sent and percent-decoded."""
    if "=" not in query:
        return set()
    found = {m.group(2) for m in _PAIR.finditer(query) if m.group(2)}
    for name, value in parse_qsl(query, keep_blank_values=False):
        if name.lower() == "filter":
            found |= {quote(v) for v in filter_secrets(value)} | {quote_plus(v) for v in filter_secrets(value)}
            found |= filter_secrets(value)
    return found | {unquote_plus(v) for v in found}


#: A quoted value in a SCIM filter (RFC 7644 §3.4.2.2); each match consumes its text, so one pass.
_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')
_OPERATORS = frozenset({"eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le"})
_ATTRIBUTE_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_:.$-")


def filter_secrets(text: str) -> set[str]:
    """Values a SCIM filter compares a secret attribute with (``password sw "hunt"``), in linear time."""
    return {m.group(1) for m in _STRING.finditer(text) if m.group(1) and _compares_secret(text, m.start())}


def _compares_secret(text: str, quote_at: int) -> bool:
    """Whether ``attribute op`` right before the quote at ``quote_at`` names a secret attribute."""
    before = text[max(0, quote_at - 256) : quote_at].rstrip()
    if len(before) < 4 or before[-2:].lower() not in _OPERATORS or not before[-3].isspace():
        return False
    before = before[:-2].rstrip()
    start = len(before)
    while start > 0 and before[start - 1] in _ATTRIBUTE_CHARS:
        start -= 1
    return start < len(before) and is_secret_name(before[start:])


def mask_query(query: str) -> str:
    """A query string (or form body) with the values of secret parameters, and of filter
    comparisons on secret attributes, masked."""
    if "=" not in query:
        return query
    return scrub(_PAIR.sub(lambda m: m.group(1) + MASK, query), query_secrets(query))


def mask_text(text: str, values: Iterable[str] = ()) -> str:
    """JSON (or form) text, possibly cut off, with secret members and the given values masked."""
    if text.lstrip().startswith('"'):
        return f'"{MASK}"'
    text = _JSON_MEMBER.sub(lambda m: f'{m.group(1)}"{MASK}"', text)
    text = mask_query(text) if "=" in text and not text.lstrip().startswith(("{", "[")) else text
    return scrub(text, values)


def scrub(text: str, values: Iterable[str]) -> str:
    """``text`` with each value replaced by :data:`MASK` where it is quoted, and anywhere when long enough."""
    for value in sorted(set(values), key=len, reverse=True):
        escaped = json.dumps(value)[1:-1]
        if escaped not in text and value not in text:
            continue
        for mark in ('"', "'"):
            text = text.replace(f"{mark}{escaped}{mark}", f"{mark}{MASK}{mark}")
            text = text.replace(f"{mark}{value}{mark}", f"{mark}{MASK}{mark}")
        if len(value) >= MIN_BARE:
            text = text.replace(escaped, MASK).replace(value, MASK)
    return text
