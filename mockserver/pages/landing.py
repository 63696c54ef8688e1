"""The landing page: every API with its base URL, Swagger UI, spec and the credentials to use.

The credentials follow the banner's rule (README, "Serving on a network"): the default seed's
well-known values (``admin:admin``, ``idsync-token``) are printed, any other is shown as ``***``,
and an admin token of its own is never shown. Everything the page prints goes through
:func:`html.escape`, the ``Host`` header and seeded names included.
"""

from __future__ import annotations

from html import escape
from typing import Any

from mockserver.domain.context import shown
from mockserver.runtime import Runtime

#: No script at all; the one inline stylesheet; links only (issue 14, point 3).
LANDING_POLICY = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}
#: How each API authenticates (README, "Credentials of the default seed"; specs/README.md per vendor).
AUTH: dict[str, tuple[str, str]] = {
    "sift": ("bearer", "Sift API key"),
    "authentik": ("bearer", "authentik API token"),
    "stackspot": ("bearer", "StackSpot token"),
    "resolution": ("basic", "HTTP basic (REST admin)"),
    "vcf": ("basic", "POST /v1/tokens with it, then Bearer its accessToken (the bearer tokens work too)"),
    "scim": ("tenant", "each tenant's bearer token (below)"),
    "admin": ("admin", "the admin API"),
}


def landing(index: dict[str, Any], runtime: Runtime, origin: str) -> str:
    """The whole page for a client that reached the server at ``origin``."""
    rows = "".join(_api_row(api, runtime, origin) for api in index["apis"])
    tenants = "".join(_tenant_row(runtime, name, origin) for name in runtime.world.directories.names())
    return PAGE.format(
        origin=escape(origin),
        profile=escape(runtime.profile),
        rows=rows,
        tenants=tenants or '<tr><td colspan="3">no SCIM tenant</td></tr>',
        style=STYLE,
    )


def credential(api: str, runtime: Runtime) -> str:
    """What a client of ``api`` sends, as text (well-known values only, else ``***``)."""
    creds = runtime.world.credentials
    kind, _ = AUTH.get(api, ("bearer", ""))
    bearer = ", ".join(f"Bearer {shown(t)}" for t in creds.bearer) or "none"
    if kind == "basic":
        pairs = ", ".join(f"{user}:{shown(password)}" for user, password in creds.basic.items()) or "none"
        return f"basic {pairs}"
    if kind == "tenant":
        return "Bearer <the tenant's token>"
    if kind == "admin" and (runtime.admin_token or creds.admin_token):
        return "Bearer <its own admin token> (not shown)"
    return bearer


def _api_row(api: dict[str, Any], runtime: Runtime, origin: str) -> str:
    name, base = str(api["name"]), str(api["base_path"]).rstrip("/")
    ui, spec = f"{base}/ui/", f"{base}/openapi.json"
    note = AUTH.get(name, ("", ""))[1]
    return (
        f"<tr><th>{escape(name)}<div class=note>{escape(str(api['title']))}</div></th>"
        f"<td><code>{escape(origin + base)}</code></td>"
        f'<td><a href="{escape(ui)}">Swagger UI</a> · <a href="{escape(spec)}">openapi.json</a></td>'
        f"<td><code>{escape(credential(name, runtime))}</code><div class=note>{escape(note)}</div></td></tr>"
    )


def _tenant_row(runtime: Runtime, name: str, origin: str) -> str:
    directory = runtime.world.directories.get(name)
    tokens = ", ".join(sorted({f"Bearer {shown(t)}" for t in directory.tokens})) or "none yet"
    return (
        f"<tr><th>{escape(name)}</th><td><code>{escape(origin + directory.base_path)}</code></td>"
        f"<td><code>{escape(tokens)}</code></td></tr>"
    )


STYLE = """
body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#1d232a}
h1{font-size:1.5rem;margin:0 0 .2rem}h2{font-size:1.1rem;margin:2rem 0 .5rem}
table{border-collapse:collapse;width:100%}th,td{text-align:left;vertical-align:top;padding:.45rem .6rem;
border-bottom:1px solid #dde2e7}thead th{font-size:.8rem;text-transform:uppercase;color:#5b6670}
code{font:13px ui-monospace,monospace;background:#f2f4f6;padding:.1rem .3rem;border-radius:3px;word-break:break-all}
.note{font-size:.8rem;color:#5b6670;font-weight:normal}a{color:#0b5cad}.lead{color:#5b6670}
.button{display:inline-block;margin-top:.8rem;padding:.4rem .8rem;border:1px solid #0b5cad;border-radius:4px;
text-decoration:none}
"""

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>idsync mock server</title><link rel="icon" href="data:,"><style>{style}</style></head><body>
<h1>idsync mock server</h1>
<p class="lead">on <code>{origin}</code>, fault profile <code>{profile}</code>.
JSON clients get this list as JSON: <code>curl -s {origin}/</code></p>
<a class="button" href="/__admin/dashboard">Open the dashboard</a>
<h2>APIs</h2>
<table><thead><tr><th>API</th><th>base URL</th><th>docs</th><th>credentials</th></tr></thead>
<tbody>{rows}</tbody></table>
<h2>SCIM tenants</h2>
<table><thead><tr><th>tenant</th><th>base URL</th><th>bearer token</th></tr></thead>
<tbody>{tenants}</tbody></table>
<p class="note">Credentials other than the default seed's well-known ones are shown as <code>***</code>.</p>
</body></html>
"""
