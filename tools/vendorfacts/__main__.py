"""Derive a vendor's facts file, or the same facts of one of our specs.

Run from the repository root::

    python -m tools.vendorfacts authentik <schema.yml> --version 2025.8.6 \\
        -o tests/vendor/authentik-2025.8.6-operations.json
    python -m tools.vendorfacts vcf <swagger.json> --version 5.2.1 -o tests/vendor/vcf-5.2.1-operations.json
    python -m tools.vendorfacts sift <protos directory> --version 56a1a2b \\
        -o tests/vendor/sift-protos-56a1a2b-rpcs.json
    python -m tools.vendorfacts spec specs/authentik.yaml --scope /providers/scim --scope /core/users/

``<schema.yml>`` is authentik's ``schema.yml`` (goauthentik/client-go, tag ``v3.<version>``);
``<swagger.json>`` VMware's ``specs/swagger.json`` (vmware/vcf-sdk-go); the protos directory holds
Sift's ``protos/sift`` tree (sift-stack/sift). Without ``-o`` the facts go to standard output.
``tests/test_vendor_contracts.py`` compares the committed files with our specs.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import yaml

from tools.vendorfacts import facts, openapi, protos

#: What each vendor's contract is compared on: issue 11's scope (path prefixes; Sift: every RPC).
SCOPES = {
    "authentik": ["/providers/scim", "/core/users/", "/core/groups/"],
    "vcf": ["/v1/tokens", "/v1/identity-providers"],
    "sift": ["every RPC of the external_sync v1, user_groups v2, users v2 and roles v2 services"],
}
SOURCES = {
    "authentik": "authentik {version} schema.yml (goauthentik/client-go, the tag of that release)",
    "vcf": "VMware Cloud Foundation SDDC Manager API {version} specs/swagger.json (vmware/vcf-sdk-go)",
    "sift": "sift-stack/sift protos at {version} (protos/sift/...), served by grpc-gateway v2",
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.vendorfacts", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "kind", choices=[*SCOPES, "spec"], help="vendor contract to read, or `spec` for an OpenAPI file"
    )
    parser.add_argument("source", type=Path, help="the vendor file (or protos directory), or our spec")
    parser.add_argument("--version", default="", help="vendor version the file describes")
    parser.add_argument("--scope", action="append", default=[], help="path prefix (spec only; repeatable)")
    parser.add_argument("-o", "--out", type=Path, help="write here instead of standard output")
    args = parser.parse_args(argv)
    data = derive(args.kind, args.source, args.version, args.scope)
    text = facts.write(data, args.out)
    if args.out is None:
        sys.stdout.write(text)
    return 0


def derive(kind: str, source: Path, version: str, scope: list[str]) -> dict[str, object]:
    """The facts document of ``source``."""
    if kind == "sift":
        operations = protos.operations(protos.Protos.load(source))
    else:
        doc = _load(source)
        operations = openapi.operations(doc, scope if kind == "spec" else SCOPES[kind])
    if kind == "spec":
        return facts.document("spec", version, source.name, scope, operations)
    label = SOURCES[kind].format(version=version)
    return facts.document(kind, version, label, SCOPES[kind], operations)


def _load(source: Path) -> dict[str, object]:
    text = source.read_text(encoding="utf-8")
    if source.suffix == ".json":
        loaded: dict[str, object] = json.loads(text)
        return loaded
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data: dict[str, object] = yaml.load(text, Loader=loader)
    return data


if __name__ == "__main__":
    raise SystemExit(main())
