"""``idsync`` command line: ``serve`` (this package), ``verify`` and ``fuzz`` (``contracts``)."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from mockserver.apis.registry import API_NAMES

DEFAULT_PORT = 8080


def add_serve_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``idsync serve`` / ``python -m mockserver``."""
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT}; 0 picks a free one)"
    )
    parser.add_argument("--api", choices=API_NAMES, help="serve this API at / (scim and admin stay mounted)")
    parser.add_argument("--seed", help="YAML or JSON seed file (default: the built-in seed)")
    parser.add_argument("--profile", default="default", help="named fault profile (see --list-profiles)")
    parser.add_argument("--list-profiles", action="store_true", help="list fault profiles and exit")
    parser.add_argument("--validate-responses", action="store_true", help="check every response against the spec")
    parser.add_argument("--log-level", default="warning", help="uvicorn log level (default warning)")
    parser.add_argument(
        "--max-import-mb", type=int, default=512, help="largest state import or seed body, in MiB (default 512)"
    )
    parser.add_argument(
        "--admin-token",
        default=os.environ.get("IDSYNC_ADMIN_TOKEN") or None,
        help="the admin API's own bearer token (env IDSYNC_ADMIN_TOKEN; required with a non-loopback --host)",
    )
    parser.add_argument(
        "--allow-outbound",
        metavar="HOST[,HOST]",
        action="append",
        default=[],
        help="hosts outbound pushes may reach besides loopback ('*': any; also the seed's outbound.allow)",
    )


def serve(args: argparse.Namespace) -> int:
    """Run the mock until Ctrl-C."""
    from mockserver.server import list_profiles, run

    if args.list_profiles:
        print(list_profiles())
        return 0
    return run(
        host=args.host,
        port=args.port,
        root_api=args.api,
        seed=args.seed,
        profile=args.profile,
        validate_responses=args.validate_responses,
        log_level=args.log_level,
        max_import_bytes=args.max_import_mb * 1_048_576,
        admin_token=args.admin_token,
        allow_outbound=[h for value in args.allow_outbound for h in value.split(",") if h.strip()],
    )


def _version() -> str:
    """The installed distribution's version (pyproject.toml ``[project] version``)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("idsync")
    except PackageNotFoundError:
        return "unknown (not installed)"


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``idsync`` console script."""
    parser = argparse.ArgumentParser(
        prog="idsync", description="Mock server and contract tests for identity-sync APIs."
    )
    parser.add_argument("--version", action="version", version=f"idsync {_version()}")
    sub = parser.add_subparsers(dest="command", required=True)
    add_serve_arguments(sub.add_parser("serve", help="start the mock server"))
    given = list(sys.argv[1:] if argv is None else argv)
    if given[:1] != ["serve"]:  # serve never needs Schemathesis and Hypothesis: not imported (start-up)
        try:
            from contracts.cli import add_commands
        except ImportError:  # contracts not installed alongside: serve still works
            pass
        else:
            add_commands(sub)
    args = parser.parse_args(given)
    if args.command == "serve":
        return serve(args)
    result: int = args.run(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
