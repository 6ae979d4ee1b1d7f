"""The explorer's pages over the pilot (tests/support/pilot_scenario.py) indexed by the gateway's own
indexer: a tender followed from announcement to payment, its recorded documents, blocks,
transactions, contracts, suppliers, welfare and the red-flag dashboard, in both languages and in the
three Indonesian time zones."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time

import pytest
from fastapi.testclient import TestClient
from web3 import Web3

from app.protocol.manifest import load_manifest, manifest_path
from tests.support.indexed import cursor_block
from tests.support.localchain import ROOT, rpc
from tests.support.ocds_pages import all_releases
from tests.support.pilot_scenario import bast_document, run_pilot, tender_document

PREFIX = "ocds-terang-1001-web"


@pytest.fixture(scope="module")
def pilot(chain_url, manifest_dir):
    return run_pilot(chain_url, load_manifest(manifest_path(manifest_dir, 31337)), prefix=PREFIX)


@pytest.fixture(scope="module")
def web(app, pilot, chain_url):
    """A client whose indexer has caught up with the pilot."""
    head = int(rpc(chain_url, "eth_blockNumber"), 16)
    with TestClient(app) as client:
        deadline = time.monotonic() + 60
        while indexed_to(client) < head:
            assert time.monotonic() < deadline, "the indexer did not catch up with the pilot"
            time.sleep(0.2)
        yield client


@pytest.fixture(autouse=True)
def fresh_cookies(request):
    """Each test starts with no language or zone chosen."""
    if "web" in request.fixturenames:
        request.getfixturevalue("web").cookies.clear()


def indexed_to(client: TestClient) -> int:
    return cursor_block(client.get("/health").json())


def test_root_redirects_to_the_explorer(web):
    response = web.get("/", follow_redirects=False)
    assert response.status_code == 307 and response.headers["location"] == "/explorer/"


def test_home_lists_the_pilot_tenders(web, pilot):
    page = web.get("/explorer/", headers={"Accept-Language": "id"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert pilot.contracted.ocid in page.text and "Pengadaan panel surya IKN" in page.text


def test_a_tender_page_follows_the_tender_from_announcement_to_payment(web, pilot):
    page = web.get(f"/explorer/tenders/{pilot.contracted.ocid}", params={"lang": "en"}).text
    steps = [s.split('"')[0] for s in page.split('data-step="')[1:]]
    assert steps[:3] == ["announcement", "pokja", "addendum"]
    for later in (
        "commit",
        "reveal",
        "evaluation",
        "objection",
        "objection_answer",
        "award",
        "contract",
        "countersign",
        "attestation",
        "milestone",
        "payment_authorized",
        "payment_settled",
    ):
        assert later in steps, later
    order = [steps.index(s) for s in ("announcement", "reveal", "award", "contract", "payment_settled")]
    assert order == sorted(order)
    assert "Payment settled" in page and f"{pilot.paid:,}" in page


def test_the_tender_page_lists_the_keccak_of_its_recorded_documents(web, pilot):
    ocid = pilot.contracted.ocid
    page = web.get(f"/explorer/tenders/{ocid}").text
    for document in (tender_document(ocid), bast_document(ocid)):
        assert Web3.keccak(document).hex().removeprefix("0x") in page
    assert "/explorer/static/verify.js" in page
    for document in (tender_document(ocid), bast_document(ocid)):  # each with its download
        assert f'href="/documents/0x{Web3.keccak(document).hex().removeprefix("0x")}"' in page


def test_the_browser_library_is_served_from_the_gateway(web):
    worker = web.get("/explorer/static/hash-worker.js")
    assert worker.status_code == 200 and "./vendor/noble-hashes/sha3.js" in worker.text
    for name in ("sha3.js", "_u64.js", "utils.js"):
        served = web.get(f"/explorer/static/vendor/noble-hashes/{name}")
        assert served.status_code == 200 and served.headers["content-type"].startswith("text/javascript")
    assert web.get("/explorer/static/vendor/noble-hashes/package.json").status_code == 404
    assert web.get("/explorer/static/vendor/other/sha3.js").status_code == 404


def test_language_follows_the_switch_then_the_cookie_then_accept_language(web, pilot):
    ocid = pilot.contracted.ocid
    assert "Lini masa" in web.get(f"/explorer/tenders/{ocid}", headers={"Accept-Language": "id-ID"}).text
    assert "Timeline" in web.get(f"/explorer/tenders/{ocid}", headers={"Accept-Language": "en-GB"}).text
    switched = web.get(f"/explorer/tenders/{ocid}?lang=en", headers={"Accept-Language": "id"})
    assert "Timeline" in switched.text and switched.cookies.get("terang_lang") == "en"
    assert "Timeline" in web.get("/explorer/tenders/" + ocid, headers={"Accept-Language": "id"}).text


def test_times_are_shown_in_the_chosen_indonesian_zone(web, pilot):
    url = f"/explorer/tenders/{pilot.contracted.ocid}"
    assert " WIB</span>" in web.get(url).text
    for zone in ("WITA", "WIT"):
        assert f" {zone}</span>" in web.get(url, params={"tz": zone}).text


def test_block_and_transaction_pages_show_decoded_events(web, pilot):
    tender = web.get(f"/explorer/tenders/{pilot.contracted.ocid}").text
    tx_hash = tender.split('href="/explorer/tx/')[1].split('"')[0]
    tx = web.get(f"/explorer/tx/{tx_hash}").text
    assert "TenderAnnounced" in tx and "Tenders" in tx
    block = tx.split('href="/explorer/blocks/')[1].split('"')[0]
    assert "TenderAnnounced" in web.get(f"/explorer/blocks/{block}").text
    assert f'href="/explorer/blocks/{block}"' in web.get("/explorer/blocks").text


def test_each_contract_has_its_decoded_events(web):
    page = web.get("/explorer/contracts/Payments").text
    assert "PaymentAuthorized" in page and "PaymentSettled" in page and "<svg" in page
    assert "MilestoneEscrow" in web.get("/explorer/contracts").text


def test_a_suppliers_history_shows_its_bids_and_wins(web, pilot):
    winner = pilot.contracted.winner
    page = web.get(f"/explorer/suppliers/{winner}", params={"lang": "en"}).text
    assert "SupplierRegistered" in page and "TenderAwarded" in page and pilot.contracted.ocid in page


def test_a_suppliers_history_is_paged_newest_first_each_page_in_chain_order(web, app, pilot, monkeypatch):
    """However long a supplier's history grows, its page holds one page of events; `before` walks
    back through the rest, and the pages together are the whole history, once each."""
    from app.explorer import routes

    monkeypatch.setattr(app.state.page_cache, "enabled", False)  # pages of another size than cached
    url = f"/explorer/suppliers/{pilot.contracted.winner}"
    step = re.compile(r'<li class="step">.*?href="/explorer/tx/(0x[0-9a-f]+)"', re.S)
    whole = step.findall(web.get(url).text)
    assert len(whole) > 3
    monkeypatch.setattr(routes, "SUPPLIER_EVENTS_PER_PAGE", 2)
    pages, params = [], {}
    while True:
        page = web.get(url, params=params).text
        pages.append(step.findall(page))
        older = re.search(r'href="\?before=([0-9]+)"', page)
        if older is None:
            break
        params = {"before": older.group(1)}
    assert all(1 <= len(p) <= 2 for p in pages) and len(pages) == (len(whole) + 1) // 2
    assert [tx for p in reversed(pages) for tx in p] == whole


def test_the_supplier_list_pages_its_registered_suppliers(web, pilot):
    page = web.get("/explorer/suppliers", params={"lang": "en"})
    assert page.status_code == 200 and f'href="/explorer/suppliers/{pilot.contracted.winner}"' in page.text
    beyond = web.get("/explorer/suppliers", params={"page": 1000}).text
    assert 'href="/explorer/suppliers/' not in beyond and 'href="?page=999"' in beyond
    assert web.get("/explorer/suppliers", params={"page": 0}).status_code == 422


def test_welfare_says_when_its_contract_is_not_deployed(web, app):
    page = web.get("/explorer/welfare", params={"lang": "en"}).text
    deployed = "WelfarePrograms" in app.state.chain.manifest.contracts
    assert ("not deployed" in page) is not deployed


def test_the_dashboard_shows_the_pilots_red_flags_with_charts(web, pilot):
    page = web.get("/explorer/redflags").text
    assert page.count("<svg") >= 2
    for code in ("R018", "T001", "T002"):
        assert code in page
    assert pilot.singles[0].ocid in page


def test_the_dashboards_data_is_what_the_red_flags_command_prints(web, tmp_path):
    ocids = [r["ocid"] for r in all_releases(web)[1]]
    lines = [
        json.dumps(web.get(f"/ocds/records/{ocid}").json()["records"][0]["compiledRelease"])
        for ocid in dict.fromkeys(ocids)
    ]
    (tmp_path / "compiled.jsonl").write_text("\n".join(lines) + "\n")
    printed = subprocess.run(
        [sys.executable, "-m", "app.redflags", str(tmp_path / "compiled.jsonl")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert web.get("/explorer/redflags.json").json() == json.loads(printed)


def test_unknown_pages_are_html_404s(web):
    response = web.get("/explorer/tenders/ocds-terang-none", headers={"Accept-Language": "en"})
    assert response.status_code == 404 and "Not found" in response.text
    assert web.get("/explorer/tx/0x1234").status_code == 404


def test_static_files_are_served_locally_and_nothing_else(web):
    assert web.get("/explorer/static/style.css").headers["content-type"].startswith("text/css")
    assert web.get("/explorer/static/..%2fqueries.py").status_code == 404
    page = web.get("/explorer/").text
    assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in page


def test_the_pilots_ocds_records_and_packages_validate_against_the_schema(web, pilot):
    """The whole pilot — tenders through escrow milestones and payment — as the gateway publishes it."""
    from app.ocds.schema import load, release_schema
    from tests.gateway.test_ocds import assert_valid

    package, releases = all_releases(web)
    ocids = sorted({release["ocid"] for release in releases if release["ocid"].startswith(PREFIX)})
    assert ocids, "the pilot published no releases"
    assert_valid(load("release-package-schema.json"), package)
    for ocid in ocids:
        for release in web.get(f"/ocds/releases/{ocid}").json()["releases"]:
            assert_valid(release_schema(), release)
        record_package = web.get(f"/ocds/records/{ocid}").json()
        assert_valid(load("record-package-schema.json"), record_package)
        assert_valid(release_schema(), record_package["records"][0]["compiledRelease"])
    compiled = [web.get(f"/ocds/records/{o}").json()["records"][0]["compiledRelease"] for o in ocids]
    assert any(c.get("contracts") and c["contracts"][0].get("implementation") for c in compiled), (
        "the escrow milestones and payment reach the OCDS contract's implementation"
    )


def test_a_contracts_events_come_a_page_at_a_time(web, monkeypatch):
    from app.explorer import routes

    monkeypatch.setattr(routes, "CONTRACT_EVENTS_PER_PAGE", 3)
    first = web.get("/explorer/contracts/Tenders", params={"lang": "en"}).text
    older = re.search(r'href="\?before=(\d+)">Older', first)
    assert older, "the pilot's Tenders events fill more than one page"
    second = web.get("/explorer/contracts/Tenders", params={"lang": "en", "before": older.group(1)})
    assert second.status_code == 200 and "/explorer/tx/0x" in second.text
    blocks = [int(b) for b in re.findall(r'href="/explorer/blocks/(\d+)"', second.text)]
    block = int(older.group(1)) // 1_000_000
    assert blocks and all(b <= block for b in blocks if b != blocks[0])  # the deployment block first
