"""``idsync verify`` and ``idsync fuzz`` (``mockserver.cli`` adds them to its parser).

Exit codes: 0 no MUST violation (warnings allowed, unless ``--strict``), 1 violations, 2 usage
errors and preflight failures (the target does not answer or refuses the credentials).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

from contracts.idp.lifecycle import IDPS
from contracts.scenario import LEVELS
from contracts.target import DEFAULT_RANDOM_SEED, ENV, Credentials

EXIT_OK, EXIT_VIOLATIONS, EXIT_USAGE = 0, 1, 2
EXIT_CODES = "exit status: 0 no MUST violation, 1 violations, 2 usage error or failed preflight"


def positive(text: str) -> int:
    """An ``argparse`` type: an integer of at least 1."""
    return _bounded(text, 1, "a positive integer")


def non_negative(text: str) -> int:
    """An ``argparse`` type: an integer of at least 0."""
    return _bounded(text, 0, "an integer >= 0")


def _bounded(text: str, low: int, what: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not {what}") from None
    if value < low:
        raise argparse.ArgumentTypeError(f"{text!r} is not {what}")
    return value


def add_commands(subparsers: Any) -> None:
    """Add ``verify`` and ``fuzz`` to the ``idsync`` sub-command parser."""
    from contracts.verify import DEFAULT_MAX_EXAMPLES

    verify = subparsers.add_parser(
        "verify",
        help="check an implementation against the contracts (default: the embedded mock)",
        description="Run spec, conformance, stateful, semantic and scenario contracts; exit 1 on any MUST violation.",
        epilog=EXIT_CODES,
    )
    _target_arguments(verify)
    verify.add_argument("--profile", default="default", help="fault profile of the embedded mock (no --base-url)")
    verify.add_argument("--level", action="append", choices=LEVELS, help="only these levels (repeatable)")
    verify.add_argument("--contract", action="append", help="only semantic/scenario contracts with this name")
    verify.add_argument(
        "--idp",
        choices=IDPS,
        help="replay this identity provider's SCIM provisioning life cycle (--api scim; default level: scenario)",
    )
    verify.add_argument(
        "--max-examples", type=positive, default=DEFAULT_MAX_EXAMPLES, help="Schemathesis examples per operation"
    )
    verify.add_argument("--workers", type=positive, default=1, help="concurrent Schemathesis workers")
    verify.add_argument("--strict", action="store_true", help="fail on SHOULD deviations too (default: warnings)")
    verify.add_argument("--report", help="write JUnit XML here")
    verify.add_argument(
        "--report-html", metavar="FILE", help="write one self-contained HTML report here (no external assets)"
    )
    verify.add_argument("--st-report-dir", help="also write Schemathesis' own JUnit and HAR reports here")
    verify.add_argument("-v", "--verbose", action="store_true", help="list passing checks too")
    verify.set_defaults(run=run_verify)

    fuzz = subparsers.add_parser(
        "fuzz",
        help="Schemathesis fuzzing for a bounded time; exit 1 on any failure",
        description="Continuous generative fuzzing of every operation; reports each distinct failure once.",
        epilog=EXIT_CODES,
    )
    _target_arguments(fuzz)
    fuzz.add_argument("--duration", type=positive, default=60, help="seconds of fuzzing per API (default 60)")
    fuzz.add_argument("--profile", default="default", help="fault profile of the embedded mock (no --base-url)")
    fuzz.add_argument("--workers", type=positive, default=1, help="concurrent fuzzing workers")
    fuzz.add_argument("--strict", action="store_true", help="fail on SHOULD deviations too (default: warnings)")
    fuzz.add_argument("--report", help="write JUnit XML here")
    fuzz.set_defaults(run=run_fuzz)


def _target_arguments(parser: argparse.ArgumentParser) -> None:
    from mockserver.apis.registry import API_NAMES

    parser.add_argument("--api", required=True, choices=[*API_NAMES, "all"], help="which API, or all")
    parser.add_argument("--base-url", help="server to check instead of the embedded mock")
    parser.add_argument(
        "--random-seed",
        type=non_negative,
        default=DEFAULT_RANDOM_SEED,
        help=f"seed of the generated cases (default {DEFAULT_RANDOM_SEED}: the same cases on every run)",
    )
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
            made.public = made.public and key == "scim_tenant"
    return made


def apis(args: argparse.Namespace) -> list[str]:
    from mockserver.apis.registry import API_NAMES

    return list(API_NAMES) if args.api == "all" else [args.api]


def _usage_ok(args: argparse.Namespace) -> bool:
    from mockserver.profiles import PROFILES

    if args.profile not in PROFILES:
        return _usage_error(f"unknown profile {args.profile!r}; choose from {', '.join(PROFILES)}")
    if args.base_url and args.profile != "default":
        return _usage_error("--profile applies to the embedded mock only (drop --base-url)")
    if getattr(args, "idp", None) and args.api != "scim":
        return _usage_error("--idp replays a SCIM provisioning life cycle: use it with --api scim")
    return True


def _contracts_ok(args: argparse.Namespace) -> bool:
    from contracts.verify import contract_names

    if not args.contract:
        return True
    valid = contract_names(apis(args))
    unknown = [name for name in args.contract if name not in valid]
    if unknown:
        return _usage_error(f"unknown --contract {', '.join(unknown)}; valid for --api {args.api}: {', '.join(valid)}")
    return True


def _usage_error(message: str) -> bool:
    print(f"idsync: {message}", file=sys.stderr)
    return False


def run_verify(args: argparse.Namespace) -> int:
    """``idsync verify``: exit 0 when every MUST holds, 1 on a violation, 2 on bad usage or preflight."""
    from contracts.verify import VerifyOptions, verify

    if not (_usage_ok(args) and _contracts_ok(args)):
        return EXIT_USAGE
    options = VerifyOptions(
        apis=apis(args),
        base_url=args.base_url,
        credentials=credentials(args),
        profile=args.profile,
        levels=tuple(args.level or (("scenario",) if args.idp else LEVELS)),
        contracts=args.contract,
        max_examples=args.max_examples,
        random_seed=args.random_seed,
        workers=args.workers,
        strict=args.strict,
        report=args.report,
        report_html=args.report_html,
        st_report_dir=args.st_report_dir,
        verbose=args.verbose,
        idp=args.idp,
    )
    return _preflighted(lambda: verify(options, out=_print).ok)


def run_fuzz(args: argparse.Namespace) -> int:
    """``idsync fuzz``: exit 0 when no distinct failure was found, else 1; 2 on bad usage or preflight."""
    from contracts.fuzz import FuzzOptions, fuzz

    if not _usage_ok(args):
        return EXIT_USAGE
    options = FuzzOptions(
        apis=apis(args),
        base_url=args.base_url,
        credentials=credentials(args),
        profile=args.profile,
        duration=args.duration,
        random_seed=args.random_seed,
        workers=args.workers,
        strict=args.strict,
        report=args.report,
    )
    return _preflighted(lambda: fuzz(options, out=_print).ok)


def _preflighted(run: Callable[[], bool]) -> int:
    """``run()`` as an exit status; a failed preflight is one line on stderr and exit 2."""
    from contracts.preflight import PreflightError

    try:
        return EXIT_OK if run() else EXIT_VIOLATIONS
    except PreflightError as exc:
        print(f"idsync: {exc}", file=sys.stderr)
        return EXIT_USAGE


def _print(line: str) -> None:
    print(line, flush=True)
