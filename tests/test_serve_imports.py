"""``idsync serve`` skips the imports it never uses (``mockserver.lean``, issue 13 point 5): the server
still builds and answers over HTTP with them skipped, and they are then not loaded."""

from __future__ import annotations

import json
import subprocess
import sys

PROBE = """
import json, sys
from mockserver.lean import skip_unused_imports
skip_unused_imports()
import httpx
from mockserver.app import create_app
from mockserver.server import LiveServer
with LiveServer(create_app()) as server:
    url = server.url + "/scim/default/v2/ServiceProviderConfig"
    answer = httpx.get(url, headers={"Authorization": "Bearer idsync-token"})
names = ("flask", "rich", "pygments")
print(json.dumps({"status": answer.status_code, "loaded": [n for n in names if sys.modules.get(n)]}))
print(json.dumps({"cli": type(httpx.main).__name__}))
"""


def _run(probe: str) -> list[dict[str, object]]:
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True)
    return [json.loads(line) for line in done.stdout.strip().splitlines()]


def test_the_server_answers_without_the_skipped_modules() -> None:
    answered, cli = _run(PROBE)
    assert answered == {"status": 200, "loaded": []}  # connexion and httpx caught the ImportError
    assert cli == {"cli": "function"}  # httpx's own stand-in ``main``, not the click command


def test_an_imported_module_is_left_alone() -> None:
    probe = "import httpx, json\nfrom mockserver.lean import skip_unused_imports\nskip_unused_imports()\n"
    probe += "print(json.dumps({'cli': type(httpx.main).__name__}))"
    assert _run(probe) == [{"cli": "Command"}]  # httpx._main.main, a click command
