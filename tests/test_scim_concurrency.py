"""16 concurrent clients over real HTTP end where a serial replay ends, without any 5xx."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx

from mockserver.domain.clock import Clock
from mockserver.domain.scim import Directory

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
AUTH = {"Authorization": "Bearer idsync-token"}
CLIENTS = 16
USERS_PER_CLIENT = 4


def patch(*ops: dict[str, Any]) -> dict[str, Any]:
    return {"schemas": [PATCH], "Operations": list(ops)}


def script(n: int, group_id: str) -> list[tuple[str, str, Any]]:
    """Client ``n``'s operations; ``{uN}`` in a path names the id of its N-th user."""
    steps: list[tuple[str, str, Any]] = []
    for i in range(USERS_PER_CLIENT):
        steps.append(
            (
                "POST",
                "/Users",
                {"schemas": [USER], "userName": f"c{n}-u{i}", "emails": [{"value": f"c{n}u{i}@x", "type": "work"}]},
            )
        )
    for i in range(USERS_PER_CLIENT):
        steps.append(
            (
                "PATCH",
                f"/Users/{{u{i}}}",
                patch(
                    {"op": "replace", "path": 'emails[type eq "work"].value', "value": f"n{n}-{i}@x"},
                    {"op": "add", "path": "title", "value": f"T{i}"},
                ),
            )
        )
        steps.append(
            ("PATCH", f"/Groups/{group_id}", patch({"op": "add", "path": "members", "value": [{"value": f"{{u{i}}}"}]}))
        )
    steps.append(("DELETE", "/Users/{u0}", None))
    steps.append(("PATCH", f"/Groups/{group_id}", patch({"op": "remove", "path": 'members[value eq "{u1}"]'})))
    steps.append(("PUT", "/Users/{u2}", {"schemas": [USER], "userName": f"c{n}-u2", "displayName": f"Client {n}"}))
    return steps


def fill(value: Any, ids: list[str]) -> Any:
    if isinstance(value, str):
        for i, id in enumerate(ids):
            value = value.replace(f"{{u{i}}}", id)
        return value
    if isinstance(value, dict):
        return {k: fill(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [fill(v, ids) for v in value]
    return value


def run_http(base: str, n: int, group_id: str, statuses: list[int]) -> None:
    ids: list[str] = []
    with httpx.Client(base_url=base, headers=AUTH, timeout=30) as client:
        for method, path, body in script(n, group_id):
            response = client.request(method, fill(path, ids), json=fill(body, ids))
            statuses.append(response.status_code)
            assert response.status_code < 300, response.text
            if method == "POST":
                ids.append(response.json()["id"])


def run_domain(d: Directory, n: int, group_id: str) -> None:
    ids: list[str] = []
    for method, path, body in script(n, group_id):
        path, body = fill(path, ids), fill(body, ids)
        kind, _, id = path.strip("/").partition("/")
        if method == "POST":
            ids.append(d.create_user(body)["id"])
        elif method == "PATCH":
            (d.patch_user if kind == "Users" else d.patch_group)(id, body)
        elif method == "PUT":
            d.replace_user(id, body)
        else:
            d.delete_user(id)


def summary(users: list[dict[str, Any]], group: dict[str, Any]) -> tuple[Any, ...]:
    by_id = {u["id"]: u["userName"] for u in users}
    people = sorted(
        (u["userName"], u.get("title"), u.get("displayName"), tuple(e["value"] for e in u.get("emails", [])))
        for u in users
    )
    return tuple(people), sorted(by_id[m["value"]] for m in group.get("members", []))


def test_concurrent_clients_match_serial_replay(idsync_url: str) -> None:
    base = f"{idsync_url}/scim/default/v2"
    with httpx.Client(base_url=base, headers=AUTH) as client:
        group_id = client.post("/Groups", json={"schemas": [GROUP], "displayName": "everyone"}).json()["id"]
    statuses: list[int] = []
    with ThreadPoolExecutor(CLIENTS) as pool:
        for future in [pool.submit(run_http, base, n, group_id, statuses) for n in range(CLIENTS)]:
            future.result()
    assert len(statuses) == CLIENTS * len(script(0, "g")) and max(statuses) < 500
    with httpx.Client(base_url=base, headers=AUTH) as client:
        users = client.get("/Users", params={"count": 1000}).json()["Resources"]
        group = client.get(f"/Groups/{group_id}").json()
    serial = Directory("serial", Clock())
    serial_group = serial.create_group({"schemas": [GROUP], "displayName": "everyone"})["id"]
    for n in range(CLIENTS):
        run_domain(serial, n, serial_group)
    assert summary(users, group) == summary(list(serial.users()), serial.get_group(serial_group))


def test_racing_writers_conflict_cleanly(idsync_url: str) -> None:
    base = f"{idsync_url}/scim/default/v2"
    with httpx.Client(base_url=base, headers=AUTH) as client:
        target = client.post("/Users", json={"schemas": [USER], "userName": "contended"}).json()
    barrier = threading.Barrier(CLIENTS)

    def race(n: int) -> tuple[int, int]:
        with httpx.Client(base_url=base, headers=AUTH, timeout=30) as client:
            barrier.wait()
            created = client.post("/Users", json={"schemas": [USER], "userName": "SAME-name"}).status_code
            changed = client.patch(
                f"/Users/{target['id']}",
                json=patch({"op": "replace", "path": "title", "value": f"t{n}"}),
                headers={"If-Match": target["meta"]["version"]},
            ).status_code
            return created, changed

    with ThreadPoolExecutor(CLIENTS) as pool:
        results = list(pool.map(race, range(CLIENTS)))
    assert sorted(c for c, _ in results) == [201] + [409] * (CLIENTS - 1)
    assert sorted(p for _, p in results) == [200] + [412] * (CLIENTS - 1)
