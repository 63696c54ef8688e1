"""How leniently a vendor's own server reads requests that its spec, read strictly, would reject.

A vendor module declares ``LENIENCY = Leniency(...)`` next to its handlers; the request step in
``mockserver/http/lenient.py`` applies it before Connexion validates, and writes each liberty it
took into the request's journal ``notes`` ("unknown query parameter foo: authentik ignores it"),
so a test can still catch a sloppy client. An API without ``LENIENCY`` stays strict (SCIM,
StackSpot, resolution, VCF, admin).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


def same_name(name: str) -> str:
    """No other spelling: a name means only itself."""
    return name


@dataclass(frozen=True)
class Leniency:
    """What the vendor's server accepts beyond its spec.

    ``server`` names it in journal notes. ``alias`` maps another accepted spelling of a query
    parameter or body field to the spec's (grpc-gateway: the proto name to the JSON name).
    ``ignores_unknown_fields``: body fields the request schema does not name are dropped, as the
    server would drop them. ``empty_body_is_object``: an absent body reads as ``{}``.
    ``any_body_is_json``: a body without a JSON ``Content-Type`` (or none) is read as JSON.
    Unknown query parameters are always ignored by a lenient API.
    """

    server: str
    alias: Callable[[str], str] = same_name
    ignores_unknown_fields: bool = True
    empty_body_is_object: bool = True
    any_body_is_json: bool = False
