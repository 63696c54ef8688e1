"""The IdP replays (``idsync verify --api scim --idp ...``, issue 15) against python-scim's ``scim2-server``.

Each IdP's life cycle is replayed on a fresh ``scim2-server`` 0.8.3 served over real HTTP on a
loopback port (``scim2_reference``), as a user would run it. Its verdicts must be exactly those of
``scim2-server-0.8.3-idp.yaml`` (the rest pass), each failure naming what the IdP would do; and
the replay leaves the server as it found it (it deletes what it created: a real server is shared).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from scim2_reference import TOKEN, reference_app, serving

from contracts.idp.lifecycle import IDPS, lifecycle
from contracts.target import Credentials
from contracts.verify import VerifyOptions, verify

KNOWN = yaml.safe_load((Path(__file__).parent / "scim2-server-0.8.3-idp.yaml").read_text(encoding="utf-8"))
WOULD = {"entra": "Entra would", "okta": "Okta would", "authentik": "authentik would"}


def expected(idp: str) -> dict[str, str]:
    listed: list[dict[str, Any]] = KNOWN["findings"][idp]
    assert all(entry["why"].strip() and (entry["status"] == "skipped" or entry["source"].strip()) for entry in listed)
    return {step.name: "passed" for step in lifecycle(idp).steps} | {e["step"]: e["status"] for e in listed}


@pytest.mark.parametrize("idp", IDPS)
def test_replay_on_scim2_server_finds_exactly_the_known_findings(idp: str) -> None:
    lines: list[str] = []
    with serving(reference_app()) as url:
        credentials = Credentials(bearer=TOKEN)
        options = VerifyOptions(["scim"], base_url=url, credentials=credentials, idp=idp, levels=("scenario",))
        run = verify(options, out=lines.append)
        headers = {"Authorization": f"Bearer {TOKEN}"}
        left = [httpx.get(f"{url}/{kind}", headers=headers).json()["totalResults"] for kind in ("Users", "Groups")]
    text = "\n".join(lines)
    assert {r.name: r.status for r in run.results} == expected(idp), text
    assert all(r.rule.startswith(WOULD[idp]) and r.evidence for r in run.results if r.failed), text
    assert left == [0, 0], f"the replay left {left} users and groups behind"
    assert TOKEN not in text
