"""Input validation as elimity-com/scim (2024-03 release) does it: ``resource_type.validate``/``schema.Validate``.

The checks are the SCIM core's (``mockserver.domain.scim.validate.normalize``) in StackSpot's
dialect (``dialect.STACKSPOT``): the body must be a JSON object (else ``invalidSyntax``);
attribute names match case-insensitively (a duplicate that differs only in case is
``invalidSyntax``); unknown and read-only attributes are silently dropped; a missing required
attribute or a wrong type is ``invalidValue``. Before that, the documented alternative
spellings are rewritten (:func:`_aliases`).
"""

from __future__ import annotations

import re
from typing import Any

from mockserver.domain.scim.validate import normalize as core_normalize
from mockserver.domain.stackspot.dialect import STACKSPOT
from mockserver.domain.stackspot.schema import Kind


def normalize(kind: Kind, body: Any) -> dict[str, Any]:
    """Validated, canonically-named writable attributes of ``body`` (elimity ``Schema.Validate``)."""
    if isinstance(body, dict):
        body = _aliases(kind, body)
    return core_normalize(body, kind.rtype, STACKSPOT)


def _aliases(kind: Kind, body: dict[str, Any]) -> dict[str, Any]:
    """Documented alternative spellings: ``statements[].action`` (string) in ``domain.UpdatePermission``."""
    statements = next((v for k, v in body.items() if k.lower() == "statements"), None)
    if kind.lookup("statements") is None or not isinstance(statements, list):
        return body
    fixed = []
    for item in statements:
        if isinstance(item, dict) and "action" in item and not any(k.lower() == "actions" for k in item):
            item = {**{k: v for k, v in item.items() if k != "action"}, "actions": [item["action"]]}
        fixed.append(item)
    return {**{k: v for k, v in body.items() if k.lower() != "statements"}, "statements": fixed}


def slugify(name: str) -> str:
    """Inferred: a missing ``slug`` is derived from ``name`` (lower-case, hyphens)."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "resource"
