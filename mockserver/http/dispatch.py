"""Where a request goes: Connexion's Swagger UI and routing middlewares, asked only what can match.

Both are Starlette routers with one mount per API, each a regular expression tried in turn
(issue 13's profile: about a tenth of a request by id). A mount at ``/scim`` matches only paths
starting with ``/scim/``, so :class:`SwaggerUIGate` passes by the Swagger UI router any path that
names no UI or spec under a mount, and :class:`SegmentRouter` tries only the mounts of the path's
first segment (and a mount at the root), in the router's order, with its default route.
"""

from __future__ import annotations

import re
from typing import Any

from connexion.middleware.routing import RoutingMiddleware
from connexion.middleware.swagger_ui import SwaggerUIMiddleware
from connexion.options import SwaggerUIConfig
from connexion.spec import Specification
from starlette.routing import Mount, Router
from starlette.types import ASGIApp, Receive, Scope, Send


class SwaggerUIGate(SwaggerUIMiddleware):
    """Connexion's Swagger UI middleware, consulted only for paths it could answer.

    Its router (a mount per API, Swagger UI and spec routes in each, trailing-slash redirects) is
    asked about every request; under an API's mount only paths naming its UI or spec can match,
    so other paths there go straight on, with the scope as its own default route passes it."""

    def __init__(self, app: ASGIApp) -> None:
        super().__init__(app)
        self._mounts: tuple[str, ...] = ()
        self._markers: tuple[str, ...] = ()
        self._pattern = re.compile("(?!)")  # matches nothing until an API is added

    def add_api(self, specification: Specification, base_path: str | None = None, **kwargs: Any) -> None:
        super().add_api(specification, base_path=base_path, **kwargs)
        options = SwaggerUIConfig(kwargs.get("swagger_ui_options"), oas_version=specification.version)
        spec_path = options.openapi_spec_path
        markers = {options.swagger_ui_path.rstrip("/") or "/", spec_path.rsplit(".", 1)[0] + "."}
        self._markers = tuple(sorted({*self._markers, *markers}))
        self._pattern = re.compile("|".join(map(re.escape, self._markers)))
        self._mounts = tuple(route.path + "/" for route in self.router.routes if hasattr(route, "path"))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "")
        if scope["type"] != "http" or scope.get("root_path") or not path.startswith(self._mounts) or self._named(path):
            await super().__call__(scope, receive, send)
            return
        passed = dict(scope)
        scope.setdefault("router", self.router)  # what the router records on the scope it was given
        await self.app(passed, receive, send)

    def _named(self, path: str) -> bool:
        """Whether ``path`` names a Swagger UI or spec path (``/ui``, ``/openapi.``) anywhere."""
        return self._pattern.search(path) is not None


def first_segment(path: str) -> str:
    """``scim`` for ``/scim/default/v2/Users``; ``""`` for ``/`` or a path not starting with ``/``."""
    return path.split("/", 2)[1] if path.startswith("/") else ""


class SegmentRouter(Router):
    """A Starlette router that hands a path to a router of the mounts that can match it.

    Used only while every route is a mount at a literal path (``Mount.matches`` needs the path to
    start with the mount's path and ``/``; the trailing-slash retry keeps the first segment), and
    without a ``root_path``; otherwise, and for other scope types, Starlette's own ``app``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._groups: dict[str, Router] = {}
        self._grouped = -1  # how many routes the groups were made of (routes are only ever added)
        self._groupable = False

    async def app(self, scope: Scope, receive: Receive, send: Send) -> None:
        if len(self.routes) != self._grouped:
            self._regroup()
        if scope["type"] != "http" or scope.get("root_path") or not self._groupable:
            await super().app(scope, receive, send)
            return
        if "router" not in scope:
            scope["router"] = self
        await self._group(first_segment(scope["path"])).app(scope, receive, send)

    def _regroup(self) -> None:
        self._groups, self._grouped = {}, len(self.routes)
        self._groupable = all(isinstance(r, Mount) and "{" not in r.path for r in self.routes)

    def _group(self, segment: str) -> Router:
        found = self._groups.get(segment)
        if found is None:
            routes = [r for r in self.routes if isinstance(r, Mount) and first_segment(r.path) in ("", segment)]
            found = Router(routes=routes, redirect_slashes=self.redirect_slashes, default=self.default)
            if len(self._groups) < 256:  # segments come from clients: bounded
                self._groups[segment] = found
        return found


class SegmentRouting(RoutingMiddleware):
    """Connexion's routing middleware with a :class:`SegmentRouter` (same routes, same default)."""

    router: Router

    def __init__(self, app: ASGIApp) -> None:
        super().__init__(app)
        default: ASGIApp = self.router.default
        self.router = SegmentRouter(default=default)
