"""What a vendor state may read of the world: the vendor context (ARCHITECTURE.md, "Domain packages").

``World`` builds one :class:`VendorContext` and hands it to every vendor state. It carries what
the vendors really read, and nothing else: the mock clock, the seeded credentials, the SCIM
directories (the hub every vendor syncs through: Sift's and resolution's IdP tenants, VCF's
sync directories) and the planted-fault test. A vendor never sees the ``World`` nor another
vendor's state, so the domain imports in one direction: world → vendors → context → SCIM core.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from mockserver.domain.clock import Clock
from mockserver.domain.outbound import Outbound
from mockserver.domain.scim import Directories


@dataclass
class Credentials:
    """The credentials the default seed documents (README, "Credentials").

    ``basic`` holds user → password pairs for HTTP basic auth (resolution admins, VCF
    ``POST /v1/tokens``); ``bearer`` the API tokens accepted by Sift, authentik, StackSpot and
    the admin API; ``admin_token`` protects ``/__admin`` when set (else ``bearer`` applies).
    """

    basic: dict[str, str] = field(default_factory=lambda: {"admin": "admin"})
    bearer: list[str] = field(default_factory=lambda: ["idsync-token"])
    admin_token: str | None = None

    @classmethod
    def from_seed(cls, data: dict[str, Any]) -> Credentials:
        """Read the seed's ``credentials`` section; missing keys keep the defaults."""
        made = cls()
        if "basic" in data:
            made.basic = {str(k): str(v) for k, v in dict(data["basic"]).items()}
        if "bearer" in data:
            bearer = data["bearer"]
            made.bearer = [bearer] if isinstance(bearer, str) else [str(t) for t in bearer]
        if "admin_token" in data:
            made.admin_token = None if data["admin_token"] is None else str(data["admin_token"])
        return made

    def export(self) -> dict[str, Any]:
        """Seed-shaped copy."""
        return {"basic": dict(self.basic), "bearer": list(self.bearer), "admin_token": self.admin_token}

    def basic_ok(self, username: str, password: str) -> bool:
        """True when the pair is a known basic-auth user."""
        return username in self.basic and self.basic[username] == password

    def bearer_ok(self, token: str) -> bool:
        """True for a known API bearer token."""
        return token in self.bearer


def shown(secret: str) -> str:
    """A credential as the banner and the landing page print it: in clear only when the default
    seed documents it (README, "Credentials"), else ``***`` (issue 12: no secret in output)."""
    well_known = Credentials()
    return secret if secret in {*well_known.bearer, *well_known.basic.values()} else "***"


@dataclass(frozen=True)
class VendorContext:
    """The narrow view of the world a vendor state is built with.

    ``quirk(name)`` is True when the running fault profile plants the bug ``name``
    (``mockserver.domain.planted``); it asks the world each time, so a profile set later holds.
    ``outbound`` says which hosts an outbound client may call (``mockserver.domain.outbound``).
    """

    clock: Clock
    credentials: Credentials
    directories: Directories
    quirk: Callable[[str], bool]
    outbound: Outbound = field(default_factory=Outbound)
