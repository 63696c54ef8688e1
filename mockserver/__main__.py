"""``python -m mockserver``: the same as ``idsync serve``."""

from __future__ import annotations

import sys

from mockserver.cli import Parser, add_serve_arguments, serve


def main() -> int:
    """Parse ``serve`` options and run."""
    parser = Parser(prog="python -m mockserver", description="Start the idsync mock server.")
    add_serve_arguments(parser)
    return serve(parser.parse_args())


if __name__ == "__main__":
    sys.exit(main())
