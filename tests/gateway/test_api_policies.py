"""The money rules by version through the gateway and the explorer: `GET /policies` and
`GET /policies/{version}` give every figure with the regulation's name for it; a tender's read gives
the version it was announced under; the explorer lists the versions (Bahasa Indonesia first, and
English) and links a tender to its version.

The committee publishes version 2 on the gateway's chain through the hub's delay (a lower UMKM
reservation ceiling, which no other gateway test relies on) between two announcements: the tender
announced before keeps version 1, the one announced after follows version 2."""

from __future__ import annotations

import uuid

import pytest
from fastapi.testclient import TestClient
from web3 import Web3

from app.protocol import policy as policy_rules
from app.protocol.manifest import load_manifest, manifest_path
from tests.support.committee import committee_act
from tests.support.indexed import wait_until_indexed
from tests.support.localchain import rpc
from tests.support.tender_scenario import CATEGORY, DAY, EVALUATION, HPS, OFFICER, Scenario

PROBLEM = "application/problem+json"
CEILING = 12_000_000_000
DECISION = Web3.keccak(text="Keputusan Komite Pengadaan No. 2/2026: batas pencadangan usaha kecil")
PREFIX = f"ocds-terang-1001-pol-{uuid.uuid4().hex[:6]}"


def announce(scenario: Scenario, ocid: str) -> None:
    start = scenario.now()
    params = (
        ocid,
        "Pengadaan genset kantor otorita",
        Web3.keccak(text=f"dokumen pemilihan {ocid}"),
        1001,
        HPS,
        CATEGORY.code("Goods"),
        0,  # Method.Tender
        EVALUATION.code("LowestPrice"),
        0,
        False,
        False,
        start + 7 * DAY,
        start + 9 * DAY,
        3 * DAY,
        1,
        0,
        0,
        0,
    )
    scenario.send(scenario.tenders.functions.announceTender(params), OFFICER)


@pytest.fixture(scope="module")
def published(chain_url, manifest_dir):
    """A tender announced under version 1, version 2 published by the committee, a tender after."""
    scenario = Scenario(chain_url, load_manifest(manifest_path(manifest_dir, 31337)))
    before, after = f"{PREFIX}-before", f"{PREFIX}-after"
    announce(scenario, before)
    policies = scenario.contract("PolicyRegistry")
    figures = policy_rules.policy_tuple({**policy_rules.DEFAULTS, "umkmReservationCeiling": CEILING})
    data = policies.encode_abi("publishPolicy", [figures, DECISION])
    council = scenario.manifest.address("Committee")
    _, delay = scenario.hub.functions.canCall(council, policies.address, bytes.fromhex(data[2:10])).call()
    assert delay > 0, "the committee acts through the hub's delay"
    committee_act(scenario.w3, scenario.manifest, [(policies.address, data)], "versi kebijakan 2")
    announce(scenario, after)
    return {"before": before, "after": after}


def test_every_version_is_listed_with_every_figure(client, published):
    response = client.get("/policies")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["currentVersion"] >= 2
    first, second = body["versions"][0], body["versions"][1]
    assert [first["version"], second["version"]] == [1, 2]
    assert first["policy"] == policy_rules.DEFAULTS
    assert second["policy"] == {**policy_rules.DEFAULTS, "umkmReservationCeiling": CEILING}
    assert second["sourceHash"] == DECISION.to_0x_hex()
    assert not first["inForce"] and second["inForce"] == (body["currentVersion"] == 2)


def test_one_version_names_each_figure_as_the_regulation_does(client, published):
    body = client.get("/policies/1").json()
    assert [r["field"] for r in body["rules"]] == list(policy_rules.POLICY.names)
    preference = next(r for r in body["rules"] if r["field"] == "maxPreferenceBps")
    assert preference == {
        "field": "maxPreferenceBps",
        "value": 2_500,
        "unit": "bps",
        "labelId": "Preferensi harga tertinggi",
        "labelEn": "Highest price preference",
        "basis": "Perpres 16/2018 Ps 67",
    }
    assert body["publishedAt"] > 0 and len(body["sourceHash"]) == 66


@pytest.mark.parametrize(
    "path, status",
    [("/policies/999", 404), ("/policies/0", 422), ("/policies/abc", 422), ("/policies/4294967296", 422)],
)
def test_an_unknown_or_malformed_version_is_a_problem_not_a_crash(client, published, path, status):
    response = client.get(path)
    assert response.status_code == status and response.headers["content-type"] == PROBLEM, response.text
    assert response.json()["code"]


def test_a_tender_shows_the_version_it_was_announced_under(client, published):
    assert client.get(f"/tenders/{published['before']}").json()["policyVersion"] == 1
    assert client.get(f"/tenders/{published['after']}").json()["policyVersion"] == 2


@pytest.fixture(scope="module")
def web(app, published, chain_url):
    """A client whose indexer has caught up with the publication and the announcements."""
    head = int(rpc(chain_url, "eth_blockNumber"), 16)
    with TestClient(app) as client:
        wait_until_indexed(lambda: client.get("/health").json(), head)
        yield client


def test_the_explorer_lists_the_versions_in_both_languages(web):
    indonesian = web.get("/explorer/policies", params={"lang": "id"}).text
    assert "Versi aturan pengadaan" in indonesian and 'data-version="2"' in indonesian
    assert 'data-version="1"' in indonesian and "diganti" in indonesian
    english = web.get("/explorer/policies", params={"lang": "en"}).text
    assert "Procurement rule versions" in english and "superseded" in english


def test_the_explorer_shows_each_figure_of_a_version(web):
    page = web.get("/explorer/policies/2", params={"lang": "id"}).text
    assert "Batas nilai paket yang dicadangkan untuk usaha kecil" in page
    assert "Rp 12.000.000.000" in page and f'data-value="{CEILING}"' in page
    assert "25%" in web.get("/explorer/policies/1", params={"lang": "en"}).text
    assert web.get("/explorer/policies/999").status_code == 404


def test_the_explorer_links_a_tender_to_its_version(web, published):
    before = web.get(f"/explorer/tenders/{published['before']}", params={"lang": "en"}).text
    after = web.get(f"/explorer/tenders/{published['after']}", params={"lang": "en"}).text
    assert 'id="tender-policy" href="/explorer/policies/1"' in before
    assert 'id="tender-policy" href="/explorer/policies/2"' in after
