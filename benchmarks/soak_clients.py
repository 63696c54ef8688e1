"""The clients of the soak run (``benchmarks/soak.py``) and the model of what their acknowledged writes did.

Each client owns its records (a name prefix, or its own StackSpot tenant), so its writes are
sequential and the model knows exactly what the server must hold at the end: a write counts
only once the server acknowledged it (2xx); one whose answer never came is *unknown* and that
record is left out of the comparison. Each client keeps at most ``WORKING_SET`` records alive
(deleting its oldest first), and where a vendor keeps what is deleted upstream (Sift and
resolution keep deactivated users, a pushed user stays in the SCIM target) the population is
fixed and only changes state, so the world stops growing after warm-up and memory can be judged.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
AUTH = {"Authorization": "Bearer idsync-token"}
BASIC = ("admin", "admin")
CONNECTOR = "7df9fd3f-793f-4595-b415-b839b76b0018"
SYNC = f"/resolution/rest/samlsso-admin/1.0/usersync/connector/{CONNECTOR}"
WORKING_SET = 8
#: The only path fault rules may hit: every 5xx elsewhere is the server's own.
FAULT_TENANT = "soakfaults"


@dataclass
class Tally:
    """What the clients saw, over the whole run."""

    requests: Counter[str] = field(default_factory=Counter)
    server_errors: list[str] = field(default_factory=list)
    injected: int = 0
    transport_errors: int = 0
    transport_examples: list[str] = field(default_factory=list)
    acknowledged: int = 0
    unknown: int = 0
    stale_reads: list[str] = field(default_factory=list)


@dataclass
class Model:
    """Acknowledged state, per kind of record: key → value (None: deleted)."""

    scim: dict[str, str] = field(default_factory=dict)  # SCIM user id → displayName
    stackspot: dict[str, dict[str, str]] = field(default_factory=dict)  # tenant → id → userType
    authentik: dict[int, str] = field(default_factory=dict)  # pk → name
    pushed: set[str] = field(default_factory=set)  # authentik usernames pushed to the SCIM tenant
    sift: dict[str, tuple[str, bool]] = field(default_factory=dict)  # SCIM id in Sift's tenant → (userName, active)
    upstream: dict[str, tuple[str, bool]] = field(default_factory=dict)  # SCIM id in resolution's IdP → same
    unknown: set[str] = field(default_factory=set)  # keys whose last write was never answered


class Client:
    """One of the concurrent clients; ``step`` does one random operation."""

    def __init__(self, n: int, http: httpx.AsyncClient, env: dict[str, Any], model: Model, tally: Tally) -> None:
        self.n, self.http, self.env, self.model, self.tally = n, http, env, model, tally
        self.rng = random.Random(n)
        self.serial = 0
        self.mine: dict[str, list[Any]] = {k: [] for k in ("scim", "stackspot", "authentik", "sift", "upstream")}
        self.tenant = f"soak-{n}"
        model.stackspot[self.tenant] = {}

    async def call(self, method: str, url: str, *, expect_5xx: bool = False, **kw: Any) -> httpx.Response | None:
        """One request; counts it, records a 5xx the faults did not cause; None if no answer came."""
        api = url.split("/")[1]
        self.tally.requests[api] += 1
        try:
            response = await self.http.request(method, url, **kw)
        except httpx.TransportError as exc:
            if not expect_5xx:
                self.tally.transport_errors += 1
                self.tally.transport_examples.append(f"{method} {url}: {type(exc).__name__} {exc}")
            return None
        if response.status_code >= 500:
            if expect_5xx:
                self.tally.injected += 1
            else:
                self.tally.server_errors.append(f"{method} {url} → {response.status_code} {response.text[:200]}")
        return response

    def name(self, kind: str) -> str:
        self.serial += 1
        return f"c{self.n:02d}-{kind}-{self.serial}"

    def acked(self, response: httpx.Response | None, key: str, *statuses: int) -> bool:
        """True when the write was acknowledged; an unanswered write makes ``key`` unknown."""
        if response is None or response.status_code >= 500:
            self.model.unknown.add(key)
            self.tally.unknown += 1
            return False
        ok = response.status_code in statuses
        self.tally.acknowledged += ok
        return ok

    async def step(self) -> None:
        roll = self.rng.random()
        actions = (
            (0.30, self.scim_write),
            (0.45, self.scim_read),
            (0.55, self.stackspot_write),
            (0.65, self.authentik_write),
            (0.72, self.push),
            (0.80, self.sift_write),
            (0.84, self.sift_sync),
            (0.90, self.upstream_write),
            (0.94, self.resolution_sync),
            (0.97, self.vcf_read),
            (1.00, self.faults),
        )
        await next(action for limit, action in actions if roll < limit)()

    # -- SCIM hub ----------------------------------------------------------------------------
    async def scim_write(self) -> None:
        mine = self.mine["scim"]
        if len(mine) >= WORKING_SET or (mine and self.rng.random() < 0.3):
            victim = mine.pop(0)
            if self.acked(await self.call("DELETE", f"/scim/default/v2/Users/{victim}"), victim, 204):
                self.model.scim.pop(victim, None)
            return
        if mine and self.rng.random() < 0.5:
            target, value = self.rng.choice(mine), self.name("dn")
            patch = {"schemas": [PATCH_OP], "Operations": [{"op": "replace", "path": "displayName", "value": value}]}
            if self.acked(await self.call("PATCH", f"/scim/default/v2/Users/{target}", json=patch), target, 200):
                self.model.scim[target] = value
            return
        name = self.name("scim")
        body = {"schemas": [USER], "userName": f"{name}@example.com", "displayName": name}
        created = await self.call("POST", "/scim/default/v2/Users", json=body)
        if self.acked(created, name, 201) and created is not None:
            mine.append(created.json()["id"])
            self.model.scim[created.json()["id"]] = name

    async def scim_read(self) -> None:
        mine = self.mine["scim"]
        if mine:
            target = self.rng.choice(mine)
            got = await self.call("GET", f"/scim/default/v2/Users/{target}")
            wanted = self.model.scim.get(target)
            seen = got.json().get("displayName") if got is not None and got.status_code == 200 else wanted
            if target not in self.model.unknown and seen != wanted:
                self.tally.stale_reads.append(f"SCIM {target}: {seen} != {wanted}")
        prefix = f'userName sw "c{self.n:02d}-"'
        await self.call("GET", "/scim/default/v2/Users", params={"filter": prefix, "count": 5})

    # -- StackSpot ----------------------------------------------------------------------------
    async def stackspot_write(self) -> None:
        base, mine, records = f"/stackspot/{self.tenant}/scim/Users", self.mine["stackspot"], self.model.stackspot
        if len(mine) >= WORKING_SET or (mine and self.rng.random() < 0.3):
            victim = mine.pop(0)
            if self.acked(await self.call("DELETE", f"{base}/{victim[0]}"), victim[0], 204):
                records[self.tenant].pop(victim[0], None)
        elif mine and self.rng.random() < 0.5:
            (target, user_name), kind = self.rng.choice(mine), self.name("type")
            put = await self.call("PUT", f"{base}/{target}", json={"userName": user_name, "userType": kind})
            if self.acked(put, target, 200):
                records[self.tenant][target] = kind
        else:
            user_name = self.name("ss")
            created = await self.call("POST", base, json={"userName": user_name, "userType": "new"})
            if self.acked(created, user_name, 201) and created is not None:
                mine.append((created.json()["id"], user_name))
                records[self.tenant][created.json()["id"]] = "new"
        await self.call("GET", base, params={"count": 5})

    # -- authentik and its push to the SCIM hub -------------------------------------------------
    async def authentik_write(self) -> None:
        base, mine = "/authentik/api/v3/core/users/", self.mine["authentik"]
        if len(mine) >= WORKING_SET and self.rng.random() < 0.1:  # pushed copies stay: delete rarely
            pk, _ = mine.pop(0)
            if self.acked(await self.call("DELETE", f"{base}{pk}/"), f"ak{pk}", 204):
                self.model.authentik.pop(pk, None)
        elif len(mine) >= WORKING_SET or (mine and self.rng.random() < 0.5):
            (pk, _), value = self.rng.choice(mine), self.name("name")
            if self.acked(await self.call("PATCH", f"{base}{pk}/", json={"name": value}), f"ak{pk}", 200):
                self.model.authentik[pk] = value
        else:
            username = self.name("ak")
            created = await self.call("POST", base, json={"username": username, "name": username})
            if self.acked(created, username, 201) and created is not None:
                pk = created.json()["pk"]
                mine.append((pk, username))
                self.model.authentik[pk] = username
        await self.call("GET", base, params={"search": f"c{self.n:02d}-", "page_size": 5})

    async def push(self) -> None:
        if not self.mine["authentik"]:
            return
        pk, username = self.rng.choice(self.mine["authentik"])
        body = {"sync_object_model": "authentik.core.models.User", "sync_object_id": str(pk)}
        pushed = await self.call(
            "POST", f"/authentik/api/v3/providers/scim/{self.env['provider']}/sync/object/", json=body
        )
        if self.acked(pushed, f"push-{username}", 200):
            self.model.pushed.add(username)

    # -- Sift: users pushed by an IdP, then synced ---------------------------------------------
    async def sift_write(self) -> None:
        await self._idp_write("sift", self.env["sift_tenant"], self.env["sift_token"], self.model.sift)

    async def sift_sync(self) -> None:
        await self.call("POST", "/sift/api/v1/external-sync", json={})
        await self.call("GET", "/sift/api/v1/external-sync:list-runs", params={"pageSize": 5})

    async def upstream_write(self) -> None:
        await self._idp_write("upstream", "/scim/resolution-upstream/v2", "idsync-token", self.model.upstream)

    async def _idp_write(self, kind: str, base: str, token: str, model: dict[str, tuple[str, bool]]) -> None:
        """A fixed population per client (the vendors keep deactivated users): create up to the
        working set, then turn users inactive and active again."""
        mine, headers = self.mine[kind], {"Authorization": f"Bearer {token}"}
        if len(mine) >= WORKING_SET:
            target = self.rng.choice(mine)
            name, active = model[target]
            patch = {"schemas": [PATCH_OP], "Operations": [{"op": "replace", "path": "active", "value": not active}]}
            if self.acked(await self.call("PATCH", f"{base}/Users/{target}", json=patch, headers=headers), target, 200):
                model[target] = (name, not active)
            return
        name = self.name(kind)
        body = {"schemas": [USER], "userName": name, "active": True, "emails": [{"value": f"{name}@example.com"}]}
        created = await self.call("POST", f"{base}/Users", json=body, headers=headers)
        if self.acked(created, name, 201) and created is not None:
            mine.append(created.json()["id"])
            model[created.json()["id"]] = (name, True)

    # -- resolution -------------------------------------------------------------------------------
    async def resolution_sync(self) -> None:
        if self.rng.random() < 0.5 or not self.mine["upstream"]:
            await self.call("POST", f"{SYNC}/sync", auth=BASIC)  # 409 while another sync runs
        else:
            user, _ = self.model.upstream[self.rng.choice(self.mine["upstream"])]
            await self.call("POST", f"{SYNC}/syncsingle/{user}", auth=BASIC)
        await self.call("GET", f"{SYNC}/syncstatus", auth=BASIC)

    # -- VCF, faults and the admin API -------------------------------------------------------------
    async def vcf_read(self) -> None:
        login = await self.call("POST", "/vcf/v1/tokens", json={"username": "admin", "password": "admin"})
        if login is not None and login.status_code == 200:
            token = login.json()["accessToken"]
            await self.call("GET", "/vcf/v1/identity-providers", headers={"Authorization": f"Bearer {token}"})

    async def faults(self) -> None:
        """A fault rule on the fault tenant only, hit once, then removed."""
        action = self.rng.choice(["status", "rate_limit", "latency"])
        rule = {"action": action, "path": f"^/scim/{FAULT_TENANT}/v2/Users$", "status": 503, "latency_ms": 20}
        added = await self.call("POST", "/__admin/faults", json=rule)
        await self.call("GET", f"/scim/{FAULT_TENANT}/v2/Users", expect_5xx=True)
        if added is not None and added.status_code == 201:
            await self.call("DELETE", f"/__admin/faults/{added.json()['id']}")
        await self.call("GET", "/__admin/journal", params={"path": f"^/scim/{FAULT_TENANT}/", "limit": 5})
