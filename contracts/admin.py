"""Client of the idsync admin API (specs/admin.yaml), shared by the pytest plugin and ``Target``."""

from __future__ import annotations

import functools
import http.client
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

    def reset_all(self) -> None:
        """``reset(journal=True, faults=True)`` over a kept-alive stdlib connection: the pytest plugin's
        per-test reset, for which httpx's own cost per request is as long as the reset itself
        (``benchmarks/reset_cost.py``). A refused reset raises ``httpx.HTTPStatusError`` as ``reset`` does."""
        url = self.http.base_url.join("reset?journal=true&faults=true")
        headers = {"Authorization": self.http.headers["Authorization"], "Content-Length": "0"}
        for attempt in range(2):  # a kept-alive connection the server closed meanwhile is opened again
            try:
                self._quick.request("POST", url.raw_path.decode("ascii"), headers=headers)
                answer = self._quick.getresponse()
                body = answer.read()
                break
            except (ConnectionError, http.client.HTTPException):
                self._quick.close()
                if attempt:
                    raise
        request = httpx.Request("POST", url)
        httpx.Response(answer.status, content=body, request=request).raise_for_status()

    @functools.cached_property
    def _quick(self) -> http.client.HTTPConnection:
        url = self.http.base_url
        kind = http.client.HTTPSConnection if url.scheme == "https" else http.client.HTTPConnection
        return kind(url.host, url.port, timeout=30)

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
        self._quick.close()
