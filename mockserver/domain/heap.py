"""Pausing Python's cyclic garbage collector around work that builds a lot and frees nothing.

Reference counting frees the mock's JSON-shaped data as soon as it is dropped; the cyclic
collector only finds reference cycles, which the domain does not make. Its full collections walk
the whole heap, and they are triggered by the number of containers that survive: a bulk load, or
a Sift sync holding a view of every one of 100,000 SCIM users, would have it walk a heap of
millions of stored containers again and again for nothing (``benchmarks/scim_scale.py``).
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def no_cyclic_gc() -> Iterator[None]:
    """The cyclic collector paused for the block (and left as it was found)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
