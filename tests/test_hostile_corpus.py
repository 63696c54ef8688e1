"""Issue 12, point 4: the hostile-input corpus against every operation of every API, on a live server.

For each request of ``tests/hostile_corpus.py`` (built from the specs and ``tests/hostile/``):
no 5xx and no redirect; every error in the vendor's own body (``tests/error_shapes.py``, the
error schemas of that API's spec); and a rejected request changes nothing: the admin state
export is compared with the one taken before, after each run of rejected requests (and, when
it differs, the run is replayed one request at a time to name the culprit). An accepted request
(2xx) may change the state; the state is then restored to the snapshot with ``PUT /__admin/state``.

The default suite sends the corpus without its ``full: true`` entries; ``tox -e hostile``
(``IDSYNC_HOSTILE=full``) sends all of it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from typing import Any

import pytest

from mockserver.apis.registry import API_NAMES
from mockserver.app import create_app
from mockserver.server import LiveServer
from tests.error_shapes import bodiless, is_vendor_error
from tests.hostile_corpus import Case, RawClient, cases_for

FULL = os.environ.get("IDSYNC_HOSTILE") == "full"
ADMIN = [(b"authorization", b"Bearer idsync-token")]


class Campaign:
    """Sends cases over raw keep-alive connections and keeps the state in check."""

    def __init__(self, port: int) -> None:
        self.client = RawClient(port)
        self.admin_client = RawClient(port)
        self.snapshot = self.export()
        self.failures: list[str] = []

    def send(self, case: Case) -> tuple[int, bytes, dict[bytes, bytes]]:
        status, headers, body = self.client.request(case.method, case.target, case.headers, case.body)
        return status, body, headers

    def admin(self, method: str, body: bytes = b"") -> bytes:
        headers = [*ADMIN, (b"content-type", b"application/json")]
        # A new connection per call: the kept one may have idled past the server's keep-alive
        # timeout while the corpus ran, and a request on it would meet the close.
        self.admin_client.close()
        status, _, answer = self.admin_client.request(method, b"/__admin/state", headers, body)
        assert status == 200, answer[:500]
        return answer

    def export(self) -> Any:
        return json.loads(self.admin("GET"))

    def restore(self) -> None:
        self.admin("PUT", json.dumps(self.snapshot).encode())

    def check(self, case: Case, status: int, body: bytes, headers: dict[bytes, bytes]) -> None:
        if status == 0 or status >= 500 or 300 <= status < 400:
            self.failures.append(f"{case}: {status} {body[:300]!r}")
        elif (
            status >= 400 and case.method != "HEAD" and not (not body and status in bodiless(case.api, case.operation))
        ):
            try:
                parsed = json.loads(body)
            except ValueError:
                parsed = None
            if not is_vendor_error(case.api, status, parsed):
                self.failures.append(f"{case}: {status} not {case.api}'s error body: {body[:300]!r}")

    def unchanged_after(self, rejected: list[Case]) -> None:
        """The state is still the snapshot; if not, replay ``rejected`` alone to find who changed it."""
        if not rejected or self.export() == self.snapshot:
            return
        self.restore()
        for case in rejected:
            self.send(case)
            if self.export() != self.snapshot:
                self.failures.append(f"{case}: rejected, but the state changed")
                self.restore()

    def run(self, cases: list[Case]) -> None:
        rejected: list[Case] = []
        for case in cases:
            status, body, headers = self.send(case)
            self.check(case, status, body, headers)
            if 200 <= status < 300:
                self.unchanged_after(rejected)
                self.restore()
                rejected = []
            else:
                rejected.append(case)
        self.unchanged_after(rejected)


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    with LiveServer(create_app(validate_responses=True)) as live:
        yield live


@pytest.mark.parametrize("api", API_NAMES)
def test_hostile_inputs_get_the_vendors_errors_and_change_nothing(server: LiveServer, api: str) -> None:
    cases = cases_for(api, FULL)
    campaign = Campaign(server.port)
    campaign.run(cases)
    assert len(cases) > 100
    assert not campaign.failures, f"{len(campaign.failures)} of {len(cases)} failed:\n" + "\n".join(
        campaign.failures[:60]
    )
