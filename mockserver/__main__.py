"""``python -m mockserver``: the same as ``idsync serve``."""

from __future__ import annotations

import argparse
import sys

from mockserver.cli import add_serve_arguments, serve


def main() -> int:
    """Parse ``serve`` options and run."""
    parser = argparse.ArgumentParser(prog="python -m mockserver", description="Start the idsync mock server.")
    add_serve_arguments(parser)
    return serve(parser.parse_args())


if __name__ == "__main__":
    sys.exit(main())
