"""Generated inputs that depend on the random seed and the spec only (issue 10: "every failure
reproducible").

Hypothesis (6.170, pinned through Schemathesis in pyproject.toml) draws about one value in twenty
from a pool of constants, and part of that pool is mined from the source of every "local" module
in ``sys.modules`` (``hypothesis.internal.conjecture.providers._get_local_constants``: modules
outside site-packages and the standard library, e.g. an editable install of idsync and whatever
test modules a pytest run has imported). The requests ``idsync verify --random-seed N`` sends
then depend on which modules happened to be imported before: the same seed against the same
server gave other requests and other findings inside a pytest session that had imported other
tests first, and a user's own test modules would change the run of the pytest plugin.

:func:`seed_and_spec_only` empties that local pool for the length of a run, so the pool is
Hypothesis' own fixed constants. Hypothesis offers no public setting for it: the private
function is replaced for the block only (``tests/test_upstream_patches.py`` fails when it moves
or the replacement stops taking effect); upstream: not reported as of 2026-11-30.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


@contextmanager
def seed_and_spec_only() -> Iterator[None]:
    """Run the block with no constants mined from the modules the process has imported."""
    from hypothesis.internal.conjecture import providers

    original = getattr(providers, "_get_local_constants", None)
    if original is None:  # a later Hypothesis without the local pool: nothing to patch
        yield
        return
    empty = providers.Constants()

    def no_local_constants() -> Any:
        return empty

    providers.CONSTANTS_CACHE.cache.clear()  # entries computed with the local pool
    providers._get_local_constants = no_local_constants
    try:
        yield
    finally:
        providers._get_local_constants = original
        providers.CONSTANTS_CACHE.cache.clear()
