"""The pages a person opens in a browser: the landing page at ``/`` and the admin dashboard.

``GET /`` answers HTML only to a client that prefers it (a browser's ``Accept``; content
negotiation per RFC 9110 §12.5.1), so JSON clients keep the JSON index. The dashboard at
``/__admin/dashboard`` is static HTML, JavaScript and CSS shipped in ``static/`` (no build step);
it holds no data itself and reads everything through the admin API with the token the user gives
(README, "Dashboard"). Every page is sent with a Content-Security-Policy that allows no inline
script and no other origin, so nothing a client put in a journaled body can run in the page.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from mockserver.apis.base import ErrorResponse
from mockserver.pages.dashboard import DASHBOARD_PATH, asset
from mockserver.pages.landing import LANDING_POLICY, landing
from mockserver.runtime import Runtime

__all__ = ["DASHBOARD_PATH", "Pages", "wants_html"]


def wants_html(headers: list[tuple[bytes, bytes]]) -> bool:
    """True when the ``Accept`` header ranks ``text/html`` above ``application/json`` (RFC 9110
    §12.5.1); a missing header, ``*/*`` and ties keep JSON, the index's answer before pages."""
    accept = next((v.decode("latin-1") for k, v in headers if k.lower() == b"accept"), "")
    offered = parse_accept_header(accept, MIMEAccept)
    return offered.best_match(["application/json", "text/html"], default="application/json") == "text/html"


class Pages:
    """Answers the page requests of one app; anything else is None (the API routes answer it)."""

    def __init__(self, runtime: Runtime, index: dict[str, Any]) -> None:
        self.runtime = runtime
        self.index = index

    def answer(self, scope: MutableMapping[str, Any]) -> ErrorResponse | None:
        """The page for this GET or HEAD request, or None when it asks for none."""
        if scope["method"] not in ("GET", "HEAD"):
            return None
        path = scope["path"]
        if path in ("", "/"):
            return self._landing(scope) if wants_html(scope.get("headers", [])) else None
        if path == DASHBOARD_PATH or path.startswith(DASHBOARD_PATH + "/"):
            return asset(path)
        return None

    def _landing(self, scope: MutableMapping[str, Any]) -> ErrorResponse:
        body = landing(self.index, self.runtime, _origin(scope))
        headers = {**LANDING_POLICY, "Vary": "Accept"}
        return ErrorResponse(200, body.encode(), "text/html; charset=utf-8", headers)


def _origin(scope: MutableMapping[str, Any]) -> str:
    """The origin the client reached, from its ``Host`` header (RFC 9110 §7.2), else the socket."""
    host = next((v.decode("latin-1") for k, v in scope.get("headers", []) if k.lower() == b"host"), "")
    if not host and scope.get("server"):
        name, port = scope["server"]
        host = f"{name}:{port}"
    return f"{scope.get('scheme', 'http')}://{host or 'localhost'}"
