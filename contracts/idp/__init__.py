"""Identity-provider replays: ``idsync verify --api scim --idp entra|okta|authentik`` (issue 15).

``lifecycle`` reads each IdP's provisioning life cycle from ``contracts/data/idp`` (requests,
what the IdP needs of each answer, what it does otherwise, the vendor document behind it);
``replay`` sends it to a SCIM target; ``steps`` makes every step a scenario contract of
the ``scim`` API named ``idp_<idp>_<what>``. Those contracts run only when ``--idp`` names their
IdP or ``--contract`` names them (:func:`wanted`), so ``idsync verify --api scim`` is unchanged;
``--idp`` makes ``scenario`` the default level (``contracts.cli``).
"""

from __future__ import annotations

from collections.abc import Sequence

from contracts.idp.lifecycle import IDPS


def idp_of(name: str) -> str | None:
    """The IdP whose replay step ``name`` is (``idp_entra_...`` → ``entra``), else None."""
    parts = name.split("_")
    return parts[1] if len(parts) > 2 and parts[0] == "idp" and parts[1] in IDPS else None


def wanted(name: str, idp: str | None, contracts: Sequence[str] | None) -> bool:
    """Whether a run with ``--idp idp`` and ``--contract contracts`` runs the contract ``name``:
    a named contract always; else every contract that is no IdP step, and the steps of ``idp``."""
    if contracts is not None:
        return name in contracts
    return idp_of(name) in (None, idp)
