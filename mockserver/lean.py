"""What the ``idsync serve`` process does not import: libraries the server never calls (issue 13, point 5).

Start-up is mostly imports (issue 13's profile of ``idsync serve``, 2026-11-30: about 0.43 s of CPU
of imports against 0.09 s for ``create_app``). Two of them are for code the server never runs, and
their importers catch the ``ImportError`` when they are missing:

- ``httpx._main``: httpx's ``__init__`` imports its command-line client, and with it rich and
  pygments when they are installed (Schemathesis installs them), about 50 ms; without it httpx
  defines a ``main`` that says the CLI is not installed.
- ``flask``: ``connexion/__init__.py`` imports ``FlaskApp``, about 35 ms with werkzeug's routing;
  the server is Connexion's ``AsyncApp`` (docs/tooling.md §8.1).

(``requests``, imported by ``connexion/json_schema.py`` for ``$ref`` URLs on other hosts, cannot
be deferred the same way: an ``import`` statement reads the module's ``__spec__``, which makes
``importlib.util.LazyLoader`` load it at once on Python 3.11.)

:func:`skip_unused_imports` is called by ``idsync serve`` only, before anything imports them: a
module already imported stays as it is, and no other process (tests, the pytest plugin, ``idsync
verify``) is touched. ``tests/test_serve_imports.py`` checks that the server still builds and
answers with them skipped, and that they are then not loaded.
"""

from __future__ import annotations

import sys

#: Modules the serve process never imports (their importers catch the ``ImportError``).
SKIPPED = ("httpx._main", "flask")


def skip_unused_imports() -> None:
    """Make the modules of :data:`SKIPPED` unimportable (``None`` in ``sys.modules``: "import
    halted", the import system's own convention), unless they are already imported."""
    for name in SKIPPED:
        sys.modules.setdefault(name, None)  # type: ignore[arg-type]
