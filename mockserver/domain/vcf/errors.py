"""VCF error codes on top of the shared error hierarchy (docs/vendor-facts.md §1.6).

The VCF ``Error`` / ``ErrorResponse`` bodies carry an ``errorCode`` and localisation
``arguments``; concrete codes are not documented, so the codes here are Inferred (upper snake
case, VCF style).
"""

from __future__ import annotations

from mockserver.domain.errors import DomainError


def vcf_error(cls: type[DomainError], message: str, code: str, *arguments: str) -> DomainError:
    """``cls(message)`` tagged with the VCF ``errorCode`` and ``arguments`` it renders with."""
    err = cls(message)
    err.error_code = code  # type: ignore[attr-defined]
    err.arguments = [str(a) for a in arguments]  # type: ignore[attr-defined]
    return err
