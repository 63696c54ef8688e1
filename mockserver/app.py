"""The app factory: the only way an idsync mock app is built (docs/style.md rule 6).

``create_app`` builds a fresh world from a seed, mounts every spec with Connexion 3's
``AsyncApp`` (docs/tooling.md §8.1: several times faster than ``FlaskApp``), binds each API's
operationIds to that API's handler object, and renders every error in the vendor's body.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any
from unittest import mock
from urllib.parse import urlparse

from connexion import AsyncApp
from connexion.middleware import MiddlewarePosition
from connexion.resolver import Resolver
from connexion.spec import OpenAPISpecification

from mockserver.apis.base import BaseHandlers
from mockserver.apis.registry import ALWAYS_MOUNTED, APIS, ApiMount, by_name
from mockserver.domain.clock import Clock
from mockserver.domain.world import World
from mockserver.http.auth import wire_security
from mockserver.http.errors import HANDLED, make_error_handler
from mockserver.http.fastpath import middlewares
from mockserver.http.faults_planted import PlantedHttpFaults
from mockserver.http.lenient import LenientRequests
from mockserver.http.middleware import IdsyncMiddleware
from mockserver.http.prepared import security_map
from mockserver.http.routing import MountedApi, Router
from mockserver.http.validation import validator_map
from mockserver.profiles import get_profile
from mockserver.runtime import MAX_IMPORT_BYTES, Runtime
from mockserver.seed import load_seed_file
from mockserver.specs import load_spec

# Connexion warns on every request whose body declares two JSON media types (docs/tooling.md §8.9).
logging.getLogger("connexion.validators.abstract").setLevel(logging.ERROR)
logging.getLogger("connexion.operations.openapi3").setLevel(logging.ERROR)


def spec_base_path(spec: dict[str, Any]) -> str:
    """Path part of the spec's first ``servers`` URL (``/api/v3``), or ``""``."""
    servers = spec.get("servers") or [{"url": "/"}]
    return urlparse(str(servers[0].get("url", "/"))).path.rstrip("/")


def mount_paths(api: ApiMount, spec: dict[str, Any], root_api: str | None) -> tuple[str, str]:
    """``(base_path, match_prefix)`` for ``api``: its prefix plus the spec's server path,
    or only the server path when it is the API served at the root."""
    own = spec_base_path(spec)
    if api.name == root_api:
        return own, ""
    return api.prefix + own, api.prefix or own


def create_app(
    seed: str | Path | dict[str, Any] | None = None,
    *,
    root_api: str | None = None,
    apis: Sequence[str] | None = None,
    profile: str = "default",
    validate_responses: bool = False,
    max_body_bytes: int = 1_048_576,
    max_import_bytes: int = MAX_IMPORT_BYTES,
    clock: Clock | None = None,
) -> AsyncApp:
    """Build a mock app.

    ``seed``: a mapping, a YAML/JSON file, or None for the default seed. ``root_api`` serves
    that API at ``/`` (scim and admin stay at their own paths). ``apis`` limits what is
    mounted. ``validate_responses`` checks every response against the spec (on in tests).
    ``max_import_bytes`` limits the body of ``PUT /__admin/state`` and ``POST /__admin/seed``.
    The returned app has ``.runtime`` (world, journal, faults).
    """
    seed_data = seed if isinstance(seed, dict) else load_seed_file(seed)
    quirks = get_profile(profile).quirks
    world = World(seed_data, clock=clock, quirks=quirks)
    runtime = Runtime(world, profile=profile, max_body_bytes=max_body_bytes, max_import_bytes=max_import_bytes)
    wanted = _wanted_apis(apis, root_api)
    app = AsyncApp(
        __name__,
        strict_validation=True,
        validate_responses=validate_responses,
        validator_map=validator_map(),
        middlewares=middlewares(),
        security_map=security_map(),
    )
    handlers: dict[str, BaseHandlers] = {}
    mounted: list[MountedApi] = []
    with _trusting_shipped_specs():
        for api in APIS:
            if api.name in wanted:
                mounted.append(_mount(app, api, runtime, handlers, root_api))
    router = Router(mounted)
    index = _index(mounted)
    for exc_class in HANDLED:
        app.add_error_handler(exc_class, make_error_handler(router))
    # Outermost: HTTP-level planted faults (inert unless the profile plants one), then ours.
    app.add_middleware(PlantedHttpFaults, position=MiddlewarePosition.BEFORE_EXCEPTION, world=runtime.world)
    app.add_middleware(
        IdsyncMiddleware,
        position=MiddlewarePosition.BEFORE_EXCEPTION,
        runtime=runtime,
        router=router,
        handlers=handlers,
        index=index,
    )
    app.add_middleware(LenientRequests, position=MiddlewarePosition.BEFORE_EXCEPTION, router=router)
    app.runtime = runtime  # type: ignore[attr-defined]
    app.index = index  # type: ignore[attr-defined]
    return app


def _mount(
    app: AsyncApp, api: ApiMount, runtime: Runtime, handlers: dict[str, BaseHandlers], root_api: str | None
) -> MountedApi:
    """Load ``api``'s spec, bind its operationIds to a new ``Handlers`` object, mount it."""
    module = importlib.import_module(api.module)
    spec = load_spec(api.spec)
    wire_security(spec)
    if hasattr(module, "mounted_spec"):  # an API that reads part of its spec in the domain (apis/scim.py)
        spec = module.mounted_spec(spec)
    base_path, match_prefix = mount_paths(api, spec, root_api)
    handler = handlers[api.name] = module.Handlers(runtime)
    app.add_api(
        spec,
        base_path=base_path or "/",
        name=api.name,
        resolver=Resolver(function_resolver=lambda op_id, h=handler: getattr(h, op_id)),
        resolver_error=501,
    )
    return MountedApi.build(api, spec, base_path, match_prefix)


@contextlib.contextmanager
def _trusting_shipped_specs() -> Iterator[None]:
    """Skip Connexion's own JSON-Schema validation of the specs while we mount them.

    The shipped specs are validated with openapi-spec-validator by the test suite
    (``tests/test_specs.py``); Connexion validating them again took 1.3 s of a 1.6 s
    ``create_app`` (measured with cProfile, 2026-11-23), which broke "ready within a second".
    Only our own packaged specs are ever mounted, and only inside this block.

    Upstream: Connexion 3 validates every spec in ``Specification.__init__`` and offers no
    switch. spec-first/connexion#1801 reports the cold-start slowdown of 3.0; #1260 (open) asks
    for ``add_api`` to take a prepared ``Specification``, which would make this patch needless.
    It replaces the private classmethod ``OpenAPISpecification._validate_spec`` (inherited from
    ``Specification``) for the block only; ``tests/test_upstream_patches.py`` fails if Connexion
    moves it, stops calling it from ``add_api``, or the patch leaks past the block. Pinned to the
    tested Connexion in pyproject.toml.
    """
    with mock.patch.object(OpenAPISpecification, "_validate_spec", classmethod(_skip_validation)):
        yield


def _skip_validation(cls: type, spec: dict[str, Any]) -> None:
    """Stands in for ``Specification._validate_spec(cls, spec)`` while our specs are mounted."""


def _wanted_apis(apis: Sequence[str] | None, root_api: str | None) -> set[str]:
    if root_api:
        by_name(root_api)
        names = {root_api, *ALWAYS_MOUNTED, *(apis or ())}
    else:
        names = set(apis) if apis else {a.name for a in APIS}
    for name in names:
        by_name(name)
    return names


def _index(mounted: list[MountedApi]) -> dict[str, Any]:
    """Body of ``GET /``: every mounted API, its base path and Swagger UI."""
    return {
        "name": "idsync mock server",
        "apis": [
            {"name": m.api.name, "title": m.api.title, "base_path": m.base_path or "/", "ui": f"{m.base_path}/ui/"}
            for m in sorted(mounted, key=lambda m: m.api.name)
        ],
    }
