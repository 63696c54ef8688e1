"""browniebroke's ``django-scim2-server`` (PyPI, pinned in the ``test`` extra) as a running SCIM server.

Run as a script: ``python django_scim2_server_app.py DIRECTORY`` configures a minimal Django
project as its README says (the app in ``INSTALLED_APPS``, its URLs under ``/scim/v2/``,
``migrate``), with a SQLite database in DIRECTORY, and serves it on a free loopback port with
a threading WSGI server; it prints the port on its first line. Access control is the package's
own setting, ``SCIM2_SERVER_AUTH_CHECK``, pointed at :func:`bearer_token_check` (its default
asks for a logged-in Django superuser, which a SCIM client has no way to be).

The package draws its resource ids from ``uuid.uuid4`` and lists resources in id order, so two
runs would see resources in different orders and take different stateful paths; the harness
replaces ``uuid.uuid4`` with a seeded generator of version-4 UUIDs before Django loads the
models, which makes the server, and so the verdicts, the same on every run.
"""

from __future__ import annotations

import random
import sys
import uuid
from pathlib import Path
from typing import Any
from wsgiref.simple_server import make_server

from scim2_reference import QuietHandler, ThreadingServer

TOKEN = "reference-token-0123"  # scim2_reference.TOKEN: the tests send it to both servers


def bearer_token_check(request: Any) -> bool:
    """The SCIM client's static bearer token (RFC 6750 §2.1)."""
    return bool(request.headers.get("Authorization") == f"Bearer {TOKEN}")


def seeded_uuid4(seed: int = 20261123) -> None:
    """Make ``uuid.uuid4`` a seeded generator (RFC 9562 §5.4 layout: version 4, variant 10)."""
    draw = random.Random(seed)
    uuid.uuid4 = lambda: uuid.UUID(int=draw.getrandbits(128), version=4)


def configure(directory: Path) -> None:
    import django
    from django.conf import settings

    settings.configure(
        DEBUG=False,
        SECRET_KEY="idsync-reference-only",
        ALLOWED_HOSTS=["127.0.0.1", "localhost"],
        INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth", "django_scim2_server"],
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(directory / "scim.sqlite3")}},
        ROOT_URLCONF=__name__,
        MIDDLEWARE=[],
        USE_TZ=True,
        SCIM2_SERVER_AUTH_CHECK=f"{__name__}.bearer_token_check",
    )
    django.setup()


def urls() -> list[Any]:
    from django.urls import include, path

    return [path("scim/v2/", include("django_scim2_server.urls"))]


#: The project's URL configuration (``ROOT_URLCONF`` is this module), filled once Django is set up.
urlpatterns: list[Any] = []


def main(directory: str) -> None:
    seeded_uuid4()
    configure(Path(directory))
    urlpatterns.extend(urls())
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application

    call_command("migrate", verbosity=0)
    server = make_server(
        "127.0.0.1", 0, get_wsgi_application(), server_class=ThreadingServer, handler_class=QuietHandler
    )
    print(server.server_port, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main(sys.argv[1])
