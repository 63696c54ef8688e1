"""The request log of ``idsync serve --log-requests``: one line per request on the terminal.

Like Prism's and WireMock's verbose modes, each line names what a developer looks for first:
``POST /scim/default/v2/Users 201 3.1 ms scim`` (method, path with its query, status, time
taken, the API that answered). Query parameters that carry secrets are masked as in the journal
(``domain/secrets.mask_query``). Off by default: the logger has no handler until
:func:`log_requests_to` gives it one, and the middleware asks :func:`enabled` before it formats.
"""

from __future__ import annotations

import logging
from typing import TextIO

from mockserver.domain.secrets import mask_query

LOGGER = logging.getLogger("idsync.requests")
#: The longest query string a line shows (the journal keeps more).
MAX_QUERY = 200


def log_requests_to(stream: TextIO) -> None:
    """Print one line per request on ``stream`` from now on."""
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", datefmt="%H:%M:%S"))
    LOGGER.addHandler(handler)
    LOGGER.setLevel(logging.INFO)
    LOGGER.propagate = False


def enabled() -> bool:
    """Whether a line would be printed (cheap: checked on every request)."""
    return LOGGER.isEnabledFor(logging.INFO)


def log(method: str, path: str, query: str, status: int, seconds: float, api: str) -> None:
    """One request's line; ``status`` 499 is a client that left before its answer."""
    shown = f"{path}?{mask_query(query)[:MAX_QUERY]}" if query else path
    LOGGER.info("%s %s %d %.1f ms %s", method, shown, status, seconds * 1000, api or "-")
