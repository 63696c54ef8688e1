"""``idsync verify`` and ``idsync fuzz`` (``mockserver.cli`` adds them to its parser)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from contracts.scenario import LEVELS
from contracts.target import ENV, Credentials

EXIT_OK, EXIT_VIOLATIONS, EXIT_USAGE = 0, 1, 2


def add_commands(subparsers: Any) -> None:
    """Add ``verify`` and ``fuzz`` to the ``idsync`` sub-command parser."""
    from contracts.verify import DEFAULT_MAX_EXAMPLES

    verify = subparsers.add_parser(
        "verify",
        help="check an implementation against the contracts (default: the embedded mock)",
        description="Run spec, conformance, stateful, semantic and scenario contracts; exit 1 on any violation.",
    )
    _target_arguments(verify)
    verify.add_argument("--profile", default="default", help="fault profile of the embedded mock (no --base-url)")
    verify.add_argument("--level", action="append", choices=LEVELS, help="only these levels (repeatable)")
    verify.add_argument("--contract", action="append", help="only semantic/scenario contracts with this name")
    verify.add_argument(
        "--max-examples", type=int, default=DEFAULT_MAX_EXAMPLES, help="Schemathesis examples per operation"
    )
    verify.add_argument("--seed", type=int, help="Schemathesis/Hypothesis seed (reproducible runs)")
    verify.add_argument("--workers", type=int, default=1, help="concurrent Schemathesis workers")
    verify.add_argument("--report", help="write JUnit XML here")
    verify.add_argument("--st-report-dir", help="also write Schemathesis' own JUnit and HAR reports here")
    verify.add_argument("-v", "--verbose", action="store_true", help="list passing checks too")
    verify.set_defaults(run=run_verify)

    fuzz = subparsers.add_parser(
        "fuzz",
        help="Schemathesis fuzzing for a bounded time; exit 1 on any failure",
        description="Continuous generative fuzzing of every operation; reports each distinct failure once.",
    )
    _target_arguments(fuzz)
    fuzz.add_argument("--duration", type=int, default=60, help="seconds of fuzzing per API (default 60)")
    fuzz.add_argument("--profile", default="default", help="fault profile of the embedded mock (no --base-url)")
    fuzz.add_argument("--seed", type=int, help="Hypothesis seed")
    fuzz.add_argument("--workers", type=int, default=1, help="concurrent fuzzing workers")
    fuzz.add_argument("--report", help="write JUnit XML here")
    fuzz.set_defaults(run=run_fuzz)


def _target_arguments(parser: argparse.ArgumentParser) -> None:
    from mockserver.apis.registry import API_NAMES

    parser.add_argument("--api", required=True, choices=[*API_NAMES, "all"], help="which API, or all")
    parser.add_argument("--base-url", help="server to check instead of the embedded mock")
    auth = parser.add_argument_group(
        "credentials (else from the environment: " + ", ".join(ENV.values()) + "; never printed)"
    )
    auth.add_argument("--bearer-token", help=f"API bearer token (env {ENV['bearer']})")
    auth.add_argument("--basic-user", help=f"HTTP basic user, resolution (env {ENV['basic_user']})")
    auth.add_argument("--basic-password", help=f"HTTP basic password (env {ENV['basic_password']})")
    auth.add_argument("--authentik-token", help=f"authentik API token (env {ENV['authentik_token']})")
    auth.add_argument("--vcf-username", help=f"VCF user for POST /v1/tokens (env {ENV['vcf_username']})")
    auth.add_argument("--vcf-password", help=f"VCF password (env {ENV['vcf_password']})")
    auth.add_argument("--scim-tenant", help=f"SCIM tenant name (env {ENV['scim_tenant']})")


def credentials(args: argparse.Namespace) -> Credentials | None:
    """Options over environment variables for a URL; the seed's credentials for the embedded mock."""
    given = {
        "bearer": args.bearer_token,
        "basic_user": args.basic_user,
        "basic_password": args.basic_password,
        "authentik_token": args.authentik_token,
        "vcf_username": args.vcf_username,
        "vcf_password": args.vcf_password,
        "scim_tenant": args.scim_tenant,
    }
    if args.base_url:
        return Credentials.from_env(**given)
    made = Credentials.embedded()
    for key, value in given.items():
        if value is not None:
            setattr(made, key, value)
    return made


def apis(args: argparse.Namespace) -> list[str]:
    from mockserver.apis.registry import API_NAMES

    return list(API_NAMES) if args.api == "all" else [args.api]


def _profile_ok(args: argparse.Namespace) -> bool:
    from mockserver.profiles import PROFILES

    if args.profile not in PROFILES:
        print(f"idsync: unknown profile {args.profile!r}; choose from {', '.join(PROFILES)}", file=sys.stderr)
        return False
    if args.base_url and args.profile != "default":
        print("idsync: --profile applies to the embedded mock only (drop --base-url)", file=sys.stderr)
        return False
    return True


def run_verify(args: argparse.Namespace) -> int:
    """``idsync verify``: exit 0 when every MUST holds, 1 on a violation, 2 on bad usage."""
    from contracts.verify import VerifyOptions, verify

    if not _profile_ok(args):
        return EXIT_USAGE
    options = VerifyOptions(
        apis=apis(args),
        base_url=args.base_url,
        credentials=credentials(args),
        profile=args.profile,
        levels=tuple(args.level or LEVELS),
        contracts=args.contract,
        max_examples=args.max_examples,
        seed=args.seed,
        workers=args.workers,
        report=args.report,
        st_report_dir=args.st_report_dir,
        verbose=args.verbose,
    )
    run = verify(options, out=lambda line: print(line, flush=True))
    return EXIT_OK if run.ok else EXIT_VIOLATIONS


def run_fuzz(args: argparse.Namespace) -> int:
    """``idsync fuzz``: exit 0 when no distinct failure was found, else 1."""
    from contracts.fuzz import FuzzOptions, fuzz

    if not _profile_ok(args):
        return EXIT_USAGE
    options = FuzzOptions(
        apis=apis(args),
        base_url=args.base_url,
        credentials=credentials(args),
        profile=args.profile,
        duration=args.duration,
        seed=args.seed,
        workers=args.workers,
        report=args.report,
    )
    run = fuzz(options, out=lambda line: print(line, flush=True))
    return EXIT_OK if run.ok else EXIT_VIOLATIONS
