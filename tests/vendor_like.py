"""Test helpers that make the mock look like a real vendor (no idsync index, so no admin API)."""

from __future__ import annotations

from typing import Any


class NoIndex:
    """An ASGI wrapper hiding the idsync index at ``GET /``, so ``Target.discover`` sees a vendor."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["path"] == "/":
            await send({"type": "http.response.start", "status": 404, "headers": [(b"content-type", b"text/plain")]})
            await send({"type": "http.response.body", "body": b"not here"})
            return
        await self.app(scope, receive, send)
