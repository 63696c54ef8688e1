"""``idsync`` command line: ``serve`` (this package), ``verify`` and ``fuzz`` (``contracts``).

A mistake in the options or the seed is one line on stderr saying what is wrong and what to do,
and exit status 2, never a traceback (``--debug`` shows it); the way pytest and Prism report a
usage error. argparse's own errors get the same one-line form (:class:`Parser`).
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Sequence
from typing import NoReturn

from mockserver.apis.registry import API_NAMES

DEFAULT_PORT = 8080
#: uvicorn's log levels (``uvicorn.config.LOG_LEVELS``; tests/test_cli_errors.py keeps them equal).
LOG_LEVELS = ("critical", "error", "warning", "info", "debug", "trace")
EXIT_USAGE = 2


class Parser(argparse.ArgumentParser):
    """argparse whose usage errors are one line (the usage summary is in ``--help``)."""

    def error(self, message: str) -> NoReturn:
        """Print ``prog: message (see prog --help)`` and exit 2, as argparse does after its usage lines."""
        self.exit(EXIT_USAGE, f"{self.prog}: {message} (see {self.prog} --help)\n")


def port_number(text: str) -> int:
    """An ``argparse`` type: a TCP port, 0-65535 (0: the system picks a free one)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number (0-65535)") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"{value} is out of range: a port is 0-65535 (0 picks a free one)")
    return value


def megabytes(text: str) -> int:
    """An ``argparse`` type: a positive whole number of MiB."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive whole number of MiB")
    return value


def add_serve_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``idsync serve`` / ``python -m mockserver``."""
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    parser.add_argument(
        "--port", type=port_number, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT}; 0 picks a free one)"
    )
    parser.add_argument("--api", choices=API_NAMES, help="serve this API at / (scim and admin stay mounted)")
    parser.add_argument("--seed", help="YAML or JSON seed file (default: the built-in seed)")
    parser.add_argument("--profile", default="default", help="named fault profile (see --list-profiles)")
    parser.add_argument("--list-profiles", action="store_true", help="list fault profiles and exit")
    parser.add_argument("--validate-responses", action="store_true", help="check every response against the spec")
    parser.add_argument(
        "--log-level", type=str.lower, choices=LOG_LEVELS, default="warning", help="uvicorn log level (default warning)"
    )
    parser.add_argument("--log-requests", action="store_true", help="print one line per request (method, path, ...)")
    parser.add_argument("--debug", action="store_true", help="show the traceback behind an error")
    parser.add_argument(
        "--max-import-mb", type=megabytes, default=512, help="largest state import or seed body, in MiB (default 512)"
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
    """Run the mock until Ctrl-C; a mistake in the options or the seed is one line and exit 2."""
    from mockserver.server import ServeError

    try:
        return _serve(args)
    except ServeError as exc:
        if args.debug:
            traceback.print_exception(exc)
        print(f"idsync serve: {exc}", file=sys.stderr, flush=True)
        return EXIT_USAGE


def _serve(args: argparse.Namespace) -> int:
    from mockserver.profiles import PROFILES
    from mockserver.server import ServeError, list_profiles, run

    if args.list_profiles:
        print(list_profiles())
        return 0
    if args.profile not in PROFILES:
        raise ServeError(f"unknown --profile {args.profile!r}: idsync serve --list-profiles lists the profiles")
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
        log_requests=args.log_requests,
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
    parser = Parser(prog="idsync", description="Mock server and contract tests for identity-sync APIs.")
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
