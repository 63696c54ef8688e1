"""Client of the idsync admin API (specs/admin.yaml), shared by the pytest plugin and ``Target``."""

from __future__ import annotations

from typing import Any

import httpx


class Admin:
    """Thin client of the admin API (specs/admin.yaml) for arranging and inspecting tests."""

    def __init__(self, base_url: str, token: str = "idsync-token") -> None:
        self.http = httpx.Client(
            base_url=f"{base_url}/__admin", headers={"Authorization": f"Bearer {token}"}, timeout=30
        )

    def reset(self, *, journal: bool = False, faults: bool = False) -> None:
        """Reset to the seed; ``journal``/``faults`` clear those too, in the same call."""
        params = {k: "true" for k, wanted in (("journal", journal), ("faults", faults)) if wanted}
        self.http.post("/reset", params=params).raise_for_status()

    def seed(self, seed: dict[str, Any]) -> None:
        self.http.post("/seed", json=seed).raise_for_status()

    def journal(self, **query: Any) -> list[dict[str, Any]]:
        response = self.http.get("/journal", params={k: v for k, v in query.items() if v is not None})
        response.raise_for_status()
        entries: list[dict[str, Any]] = response.json()["entries"]
        return entries

    def clear_journal(self) -> None:
        self.http.delete("/journal").raise_for_status()

    def advance_clock(self, seconds: float) -> None:
        self.http.post("/clock", json={"advance": seconds}).raise_for_status()

    def add_fault(self, **rule: Any) -> dict[str, Any]:
        response = self.http.post("/faults", json=rule)
        response.raise_for_status()
        created: dict[str, Any] = response.json()
        return created

    def clear_faults(self) -> None:
        self.http.delete("/faults").raise_for_status()

    def close(self) -> None:
        self.http.close()
