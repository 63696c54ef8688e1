"""Client compatibility modes (specs/README.md "scim", "Client compatibility modes"): the IdPs' own requests.

``contracts/data/idp/idp-*.json`` hold the literal requests of each vendor document (named after it;
the IdP replays of ``idsync verify --idp`` send the same files, ``contracts.idp.lifecycle``).
Each case runs on three tenants of one server, all with the same setup: the literal request on a
tenant in the sample's compat mode, its RFC 7644 form on a strict tenant (both must end in the
same state and answer the same resource; the compat tenant's journal entry names each departure,
the strict one's none), and the literal request on another strict tenant, which refuses it as
before (400, nothing changed), or reads it the RFC way where that is legal.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mockserver.app import create_app
from mockserver.domain.world import World
from mockserver.seed import load_seed_file

TOKEN = "compat-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
ADMIN = {"Authorization": "Bearer idsync-token"}
SAMPLES = sorted((Path(__file__).parents[1] / "contracts" / "data" / "idp").glob("idp-*.json"))
CASES = [
    (json.loads(path.read_text(encoding="utf-8")), case)
    for path in SAMPLES
    for case in json.loads(path.read_text(encoding="utf-8"))["cases"]
]
IDS = [f"{sample['compat']}-{case['name']}" for sample, case in CASES]
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
NAMES = itertools.count(1)


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    with create_app(validate_responses=True).test_client() as made:
        yield made


class Tenant:
    """One SCIM tenant made through the admin API, with the sample's setup and aliases for its ids."""

    def __init__(self, client: Any, compat: str) -> None:
        self.client, self.name = client, f"t{next(NAMES)}-{compat}"
        made = client.post(
            "/__admin/tenants",
            json={"name": self.name, "tokens": [TOKEN], "options": {"compat": compat}},
            headers=ADMIN,
        )
        assert made.status_code == 201 and made.json()["options"]["compat"] == compat, made.text
        self.ids: dict[str, str] = {}

    def setup(self, steps: list[dict[str, Any]]) -> Tenant:
        for step in steps:
            made = self.client.post(f"/scim/{self.name}/v2{step['path']}", json=self.fill(step["body"]), headers=AUTH)
            assert made.status_code == 201, made.text
            self.ids[step["as"]] = made.json()["id"]
        return self

    def fill(self, value: Any) -> Any:
        """``{alias}`` in any string replaced by that resource's id in this tenant."""
        if isinstance(value, dict):
            return {k: self.fill(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.fill(v) for v in value]
        if isinstance(value, str):
            for alias, id in self.ids.items():
                value = value.replace("{" + alias + "}", id)
        return value

    def send(self, request: dict[str, Any]) -> Any:
        return self.client.request(
            request["method"],
            f"/scim/{self.name}/v2{self.fill(request['path'])}",
            params=request.get("query"),
            json=self.fill(request["body"]) if "body" in request else None,
            headers=AUTH,
        )

    def last_notes(self) -> list[str]:
        entries = self.client.get(
            "/__admin/journal", params={"path": f"^/scim/{self.name}/", "limit": 1}, headers=ADMIN
        ).json()["entries"]
        return list(entries[-1]["notes"])

    def canonical(self, value: Any) -> Any:
        """``value`` without what differs between tenants: ids as aliases, no ``meta``/``$ref``/``location``."""
        aliases = {id: alias for alias, id in self.ids.items()}
        if isinstance(value, dict):
            return {k: self.canonical(v) for k, v in value.items() if k not in ("meta", "$ref", "location")}
        if isinstance(value, list):
            return [self.canonical(v) for v in value]
        if isinstance(value, str) and value in aliases:
            return "{" + aliases[value] + "}"
        return "<new id>" if isinstance(value, str) and UUID.match(value) else value

    def state(self) -> Any:
        users = self.client.get(f"/scim/{self.name}/v2/Users", headers=AUTH).json()
        groups = self.client.get(f"/scim/{self.name}/v2/Groups", headers=AUTH).json()
        return self.canonical([users["Resources"], groups["Resources"]])


def _body(response: Any) -> Any:
    return response.json() if response.content else None


@pytest.mark.parametrize(("sample", "case"), CASES, ids=IDS)
def test_idp_request_works_in_its_mode_like_its_rfc_form(client: Any, sample: dict[str, Any], case: Any) -> None:
    compat = Tenant(client, sample["compat"]).setup(sample["setup"])
    rfc = Tenant(client, "strict").setup(sample["setup"])
    got = compat.send(case["request"])
    notes = compat.last_notes()
    want = rfc.send(case.get("rfc", case["request"]))
    assert rfc.last_notes() == []
    assert 200 <= got.status_code < 300, got.text
    assert (got.status_code, compat.canonical(_body(got))) == (want.status_code, rfc.canonical(_body(want)))
    assert compat.state() == rfc.state()
    assert all(n.startswith(f"compat {sample['compat']}: ") for n in notes), notes
    _assert_notes(notes, case["notes"])


def _assert_notes(notes: list[str], expected: list[str]) -> None:
    """One note per expected text, each containing it."""
    left = list(notes)
    for text in expected:
        found = next((n for n in left if text in n), None)
        assert found is not None, f"no note says {text!r}: {notes}"
        left.remove(found)
    assert left == [], f"notes nobody expected: {left}"


@pytest.mark.parametrize(("sample", "case"), CASES, ids=IDS)
def test_strict_tenant_reads_idp_request_as_rfc_7644_does(client: Any, sample: dict[str, Any], case: Any) -> None:
    """``strict`` in a sample: ``same`` (RFC as sent), ``as its RFC form`` (a capitalised ``op``, read on
    every tenant, specs/README.md "PATCH op"), 400, or ``every member removed`` (remove by value)."""
    strict = Tenant(client, "strict").setup(sample["setup"])
    before = strict.state()
    answer = strict.send(case["request"])
    assert strict.last_notes() == []
    if case["strict"] == "same":
        assert "rfc" not in case and not case["notes"], "a request the strict tenant takes as is has no RFC form"
        assert 200 <= answer.status_code < 300, answer.text
    elif case["strict"] == "as its RFC form":
        assert all(re.match(r"op '\w+' is not RFC 7644", n) for n in case["notes"]), case["notes"]
        rfc = Tenant(client, "strict").setup(sample["setup"])
        want = rfc.send(case["rfc"])
        assert (answer.status_code, strict.canonical(_body(answer))) == (want.status_code, rfc.canonical(_body(want)))
        assert strict.state() == rfc.state() != before
    elif case["strict"] == 400:
        assert answer.status_code == 400 and answer.json()["scimType"], answer.text
        assert strict.state() == before
    else:
        # RFC 7644 §3.5.2.2: remove on a multi-valued attribute without a filter removes every value.
        assert case["strict"] == "every member removed" and answer.status_code == 200, answer.text
        assert "members" not in answer.json() and "members" in before[1][0]
    assert strict.last_notes() == []


def test_samples_cover_every_mode_and_name_their_source() -> None:
    modes = {sample["compat"] for sample, _ in CASES}
    assert modes == {"entra", "okta", "authentik"}
    assert all(s["source"].count("http") or "vendor-facts.md" in s["source"] for s, _ in CASES)
    assert any(c["notes"] for s, c in CASES if s["compat"] == "authentik")
    assert all(not c["notes"] for s, c in CASES if s["compat"] == "okta")  # Okta's documented requests are RFC


def test_okta_and_authentik_modes_still_refuse_entra_forms(client: Any) -> None:
    """Each mode reads its own IdP's departures only: "False" is 400 outside entra. "Replace" is read
    on every tenant as before issue 15 (specs/README.md "PATCH op"), with a note only in entra."""
    for mode in ("okta", "authentik", "strict"):
        tenant = Tenant(client, mode).setup([_user("ann")])
        answer = tenant.send(_patch("/Users/{ann}", {"op": "Replace", "path": "active", "value": "False"}))
        assert answer.status_code == 400 and answer.json()["scimType"] == "invalidValue", answer.text
        answer = tenant.send(_patch("/Users/{ann}", {"op": "Replace", "path": "active", "value": False}))
        assert answer.status_code == 200 and answer.json()["active"] is False, answer.text
        assert tenant.last_notes() == []


def test_entra_mode_reads_string_booleans_in_patch_values_and_sub_attributes(client: Any) -> None:
    """[E2] shows "False" in a PATCH value; a sub-attribute's is read the same way. In POST/PUT bodies
    specs/scim.yaml types ``active`` and ``emails[].primary`` as booleans, so request validation
    refuses the string there in every mode ([E1]'s create bodies send JSON booleans)."""
    tenant = Tenant(client, "entra").setup([_user("ann")])
    answer = tenant.send(_patch("/Users/{ann}", {"op": "replace", "path": "active", "value": "True"}))
    assert answer.status_code == 200 and answer.json()["active"] is True, answer.text
    assert tenant.last_notes() == ["compat entra: active 'True' is a string, not a JSON boolean (RFC 7643 §2.3.2)"]
    email = {"value": "ann@example.com", "type": "work", "primary": "True"}
    patched = tenant.send(_patch("/Users/{ann}", {"op": "add", "path": "emails", "value": [email]}))
    assert patched.status_code == 200 and patched.json()["emails"][0]["primary"] is True, patched.text
    assert tenant.last_notes() == [
        "compat entra: emails.primary 'True' is a string, not a JSON boolean (RFC 7643 §2.3.2)"
    ]
    body = {"schemas": [USER], "userName": "bob", "active": "True"}
    refused = tenant.send({"method": "POST", "path": "/Users", "body": body})
    assert refused.status_code == 400 and "'True' is not of type 'boolean'" in refused.json()["detail"], refused.text


def test_a_patch_of_only_ignored_attributes_changes_nothing(client: Any) -> None:
    tenant = Tenant(client, "entra").setup([_user("ann")])
    before = tenant.client.get(f"/scim/{tenant.name}/v2/Users/{tenant.ids['ann']}", headers=AUTH).json()
    custom = "urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User:tag"
    answer = tenant.send(_patch("/Users/{ann}", {"op": "Add", "path": custom, "value": "701984"}))
    assert answer.status_code == 200 and answer.json() == before, answer.text
    assert [n.split(": ", 1)[1][:14] for n in tenant.last_notes()] == ["op 'Add' is no", "attribute 'urn"]


def test_notes_stay_when_the_request_then_fails(client: Any) -> None:
    tenant = Tenant(client, "entra").setup([_user("ann")])
    answer = tenant.send(_patch("/Users/{ann}", {"op": "Replace", "path": "userName", "value": ""}))
    assert answer.status_code == 400, answer.text
    assert tenant.last_notes() == ["compat entra: op 'Replace' is not RFC 7644 §3.5.2 (lower-case 'replace')"]


def test_several_members_removed_by_value_are_several_rfc_removes(client: Any) -> None:
    tenant = Tenant(client, "authentik").setup([_user("a"), _user("b"), _user("c"), _group("g", ["a", "b", "c"])])
    op = {"op": "remove", "path": "members", "value": [{"value": "{a}"}, {"value": "{c}"}]}
    answer = tenant.send(_patch("/Groups/{g}", op))
    assert answer.status_code == 200, answer.text
    assert [m["value"] for m in answer.json()["members"]] == [tenant.ids["b"]]
    assert len(tenant.last_notes()) == 1 and "read as 2 remove(s)" in tenant.last_notes()[0]


def test_filters_that_parse_are_never_rewritten(client: Any) -> None:
    tenant = Tenant(client, "entra").setup([_user("ann")])
    for text in ('userName eq "ann"', "active eq true", 'userName eq "ann" and active pr'):
        assert tenant.send({"method": "GET", "path": "/Users", "query": {"filter": text}}).status_code == 200
        assert tenant.last_notes() == []
    hopeless = tenant.send({"method": "GET", "path": "/Users", "query": {"filter": "userName eq"}})
    assert hopeless.status_code == 400 and hopeless.json()["scimType"] == "invalidFilter"


def test_compat_option_is_checked_and_shown(client: Any) -> None:
    refused = client.post("/__admin/tenants", json={"name": "nope", "options": {"compat": "azure"}}, headers=ADMIN)
    assert refused.status_code == 400 and "options.compat" in refused.text
    assert client.get("/__admin/tenants/nope", headers=ADMIN).status_code == 404
    assert client.get("/__admin/tenants/default", headers=ADMIN).json()["options"]["compat"] == "strict"


USER = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


def _user(alias: str) -> dict[str, Any]:
    return {"as": alias, "path": "/Users", "body": {"schemas": [USER], "userName": alias}}


def _group(alias: str, members: list[str]) -> dict[str, Any]:
    body = {"schemas": [GROUP], "displayName": alias, "members": [{"value": "{" + m + "}"} for m in members]}
    return {"as": alias, "path": "/Groups", "body": body}


def _patch(path: str, *ops: dict[str, Any]) -> dict[str, Any]:
    return {"method": "PATCH", "path": path, "body": {"schemas": [PATCH_OP], "Operations": list(ops)}}


def test_entra_value_path_on_a_missing_element_adds_it(client: Any) -> None:
    """compat_valuepath: Entra's first work phone / address is an Add or Replace on a value path that
    matches nothing; RFC 7644 §3.5.2.3 makes that noTarget, which the strict tenant still answers."""
    ops = [
        {"op": "Add", "path": 'phoneNumbers[type eq "work"].value', "value": "+1 555 0100"},
        {"op": "Replace", "path": 'addresses[type eq "work"].formatted', "value": "1 Road"},
        {"op": "Add", "path": 'addresses[type eq "work"].locality', "value": "Town"},
    ]
    tenant = Tenant(client, "entra").setup([_user("ann")])
    answer = tenant.send(_patch("/Users/{ann}", *ops))
    assert answer.status_code == 200, answer.text
    assert answer.json()["phoneNumbers"] == [{"type": "work", "value": "+1 555 0100"}]
    assert answer.json()["addresses"] == [{"type": "work", "formatted": "1 Road", "locality": "Town"}]
    created = [n for n in tenant.last_notes() if "matches no value" in n]
    assert created == [
        "compat entra: add on 'phoneNumbers[type eq \"work\"].value' matches no value (RFC 7644 §3.5.2.3:"
        ' noTarget): read as an add of {"type": "work", "value": "+1 555 0100"} to phoneNumbers',
        "compat entra: replace on 'addresses[type eq \"work\"].formatted' matches no value (RFC 7644 §3.5.2.3:"
        ' noTarget): read as an add of {"type": "work", "formatted": "1 Road"} to addresses',
    ]
    again = tenant.send(_patch("/Users/{ann}", {"op": "Replace", "path": ops[0]["path"], "value": "+1 555 0199"}))
    assert again.json()["phoneNumbers"] == [{"type": "work", "value": "+1 555 0199"}]
    assert not any("matches no value" in n for n in tenant.last_notes())
    strict = Tenant(client, "strict").setup([_user("ann")])
    refused = strict.send(_patch("/Users/{ann}", *ops))
    assert refused.status_code == 400 and refused.json()["scimType"] == "noTarget", refused.text


def test_value_path_filters_that_pin_nothing_stay_no_target(client: Any) -> None:
    tenant = Tenant(client, "entra").setup([_user("ann")])
    before = tenant.state()
    for path in ('emails[value co "x"].display', 'emails[type eq "work" or type eq "home"].value'):
        answer = tenant.send(_patch("/Users/{ann}", {"op": "replace", "path": path, "value": "v"}))
        assert answer.status_code == 400 and answer.json()["scimType"] == "noTarget", answer.text
        assert tenant.state() == before


def test_compat_round_trips_through_the_admin_state_and_a_bad_one_changes_nothing(client: Any) -> None:
    Tenant(client, "okta")
    state = client.get("/__admin/state", headers=ADMIN).json()
    modes = {name: t["options"]["compat"] for name, t in state["scim"]["tenants"].items()}
    assert "okta" in modes.values() and modes["default"] == "strict"
    assert client.put("/__admin/state", json=state, headers=ADMIN).status_code == 200
    assert client.get("/__admin/state", headers=ADMIN).json() == state
    state["scim"]["tenants"]["default"]["options"]["compat"] = "azure"
    refused = client.put("/__admin/state", json=state, headers=ADMIN)
    assert refused.status_code == 400 and "compat" in refused.text, refused.text
    state["scim"]["tenants"]["default"]["options"]["compat"] = "strict"
    assert client.get("/__admin/state", headers=ADMIN).json() == state


def test_a_request_with_many_departures_keeps_a_bounded_list_of_notes(client: Any) -> None:
    tenant = Tenant(client, "okta")
    body = {"schemas": [USER], "userName": "ann", **{f"custom{i}": i for i in range(300)}}
    made = tenant.send({"method": "POST", "path": "/Users", "body": body})
    assert made.status_code == 201 and "custom0" not in made.json(), made.text
    notes = tenant.last_notes()
    assert len(notes) == 51 and notes[0] == "compat okta: attribute 'custom0' is unknown to this server: ignored"
    assert notes[-1] == "compat okta: 250 more departures like these are not listed"


def test_a_put_naming_an_unknown_schema_is_400_before_404_and_412_on_a_strict_tenant(client: Any) -> None:
    """The mock reads ``schemas`` in the directory (``apis/scim.py`` ``mounted_spec``), as early as the
    request validation of specs/scim.yaml would: a stale ``If-Match`` or an unknown id does not come first."""
    strict = Tenant(client, "strict").setup([_user("ann")])
    body = {"schemas": [USER, "urn:x:custom"], "userName": "ann"}
    for path in (f"/scim/{strict.name}/v2/Users/{strict.ids['ann']}", f"/scim/{strict.name}/v2/Users/nobody"):
        answer = client.put(path, json=body, headers={**AUTH, "If-Match": 'W/"999"'})
        assert answer.status_code == 400 and answer.json()["scimType"] == "invalidValue", answer.text
    entra = Tenant(client, "entra").setup([_user("ann")])
    stale = client.put(
        f"/scim/{entra.name}/v2/Users/{entra.ids['ann']}", json=body, headers={**AUTH, "If-Match": 'W/"999"'}
    )
    assert stale.status_code == 412, stale.text


def test_a_seed_file_and_the_admin_seed_set_the_compat_mode(client: Any, tmp_path: Path) -> None:
    seed = tmp_path / "seed.yaml"
    seed.write_text(
        "scim:\n  tenants:\n    default:\n      tokens: [idsync-token]\n    acme:\n"
        "      tokens: [acme-token]\n      options: {compat: entra}\n",
        encoding="utf-8",
    )
    data = load_seed_file(seed)
    assert World(data).directories.get("acme").options.compat == "entra"
    assert client.post("/__admin/seed", json=data, headers=ADMIN).status_code == 200
    assert client.get("/__admin/tenants/acme", headers=ADMIN).json()["options"]["compat"] == "entra"
    data["scim"]["tenants"]["acme"]["options"]["compat"] = "azure"
    refused = client.post("/__admin/seed", json=data, headers=ADMIN)
    assert refused.status_code == 400 and "compat" in refused.text, refused.text
    assert client.get("/__admin/tenants/acme", headers=ADMIN).json()["options"]["compat"] == "entra"
    assert client.post("/__admin/reset", headers=ADMIN).status_code == 200  # the default seed again
