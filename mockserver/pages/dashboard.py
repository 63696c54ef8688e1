"""The dashboard's files: ``static/`` served as they are (plain HTML, JavaScript and CSS; no build step).

The page is served without a token: it holds no data. Its script asks for the admin token and
sends it as ``Authorization: Bearer`` with every admin API call (specs/admin.yaml), so the admin
API's own rules (README, "Serving on a network") protect the data exactly as for any client.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from mockserver.apis.base import ErrorResponse

DASHBOARD_PATH = "/__admin/dashboard"
#: URL under :data:`DASHBOARD_PATH` → (file in ``static/``, media type).
ASSETS: dict[str, tuple[str, str]] = {
    "": ("dashboard.html", "text/html; charset=utf-8"),
    "/": ("dashboard.html", "text/html; charset=utf-8"),
    "/app.js": ("app.js", "text/javascript; charset=utf-8"),
    "/app.css": ("app.css", "text/css; charset=utf-8"),
}
#: Scripts and styles from this origin only, calls to this origin only: a journaled body can never
#: run as script in the page (the script also renders every value as text, never as HTML).
DASHBOARD_POLICY = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}


def asset(path: str) -> ErrorResponse | None:
    """The file for ``path`` (under :data:`DASHBOARD_PATH`), or None when there is none."""
    found = ASSETS.get(path[len(DASHBOARD_PATH) :])
    if found is None:
        return None
    name, media_type = found
    return ErrorResponse(200, _read(name), media_type, dict(DASHBOARD_POLICY))


@cache
def _read(name: str) -> bytes:
    return files("mockserver.pages").joinpath("static", name).read_bytes()
