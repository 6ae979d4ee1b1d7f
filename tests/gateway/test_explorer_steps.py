"""The explorer's tender pages show every step of the tender protocol, read from the chain by the
gateway's own indexer: the Pokja and its quorum, sealed bids with their envelopes, bids opened by
their suppliers and by the Pokja quorum (who), bids nobody opened, non-compliance with its reason in
Indonesian and English, a withdrawn preference, score sheets sealed and opened, objections and the
appeal to the KPA with their answers; suppliers' pages count the bids they did not open themselves,
and the dashboard flags the withheld lower bid."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from app.explorer.i18n import NON_COMPLIANCE, OUTCOMES, REJECT_REASONS
from app.protocol import vocabulary
from tests.gateway import test_indexer as base
from tests.support.indexed import wait_until_indexed
from tests.support.localchain import rpc
from tests.support.tender_scenario import POKJA, QUORUM

protocol = base.protocol


@pytest.fixture(scope="module")
def web(app, protocol, chain_url):
    """A client whose indexer has caught up with the protocol's tenders."""
    head = int(rpc(chain_url, "eth_blockNumber"), 16)
    with TestClient(app) as client:
        wait_until_indexed(lambda: client.get("/health").json(), head)
        yield client


def page(web, run, lang="en", **params) -> str:
    response = web.get(f"/explorer/tenders/{run.ocid}", params={"lang": lang, **params})
    assert response.status_code == 200
    return response.text


def steps(text: str) -> list[str]:
    return re.findall(r'data-step="(\w+)"', text)


def step_html(text: str, key: str) -> list[str]:
    """The list items of the timeline steps `key`."""
    return re.findall(rf'<li class="step [^"]*" data-step="{key}">(.*?)</li>', text, re.S)


def ids(protocol, name) -> dict[int, int]:
    """dev index -> supplier id in a protocol tender."""
    return dict(zip((16, 17, 18), protocol[name].supplier_ids, strict=False))


def test_the_timeline_tells_who_opened_each_bid(web, protocol):
    run, supplier = protocol["withheld"], ids(protocol, "withheld")
    text = page(web, run)
    found = steps(text)
    assert found[:3] == ["announcement", "pokja", "addendum"]
    order = [
        "commit",
        "reveal",  # supplier 16 opens its own bid
        "quorum_opening",  # the Pokja quorum opens 17's (BidRevealed) ...
        "withheld",  # ... which its supplier did not open (BidNotOpenedBySupplier)
        "preference_withdrawn",
        "unopened",  # 18's, opened by nobody, recorded at evaluation
        "rejection",
        "evaluation",
        "objection",
        "objection_answer",
        "award",
    ]
    positions = [found.index(step) for step in order]
    assert positions == sorted(positions), found
    member = run.pokja[0].lower()
    (opening,) = step_html(text, "quorum_opening")
    assert "Bid opened by the Pokja quorum" in opening and member in opening
    assert f"/explorer/suppliers/{supplier[17]}" in opening and "1,700,000,000" in opening
    (withheld,) = step_html(text, "withheld")
    assert "Not opened by its supplier" in withheld and member in withheld
    (nobody,) = step_html(text, "unopened")
    assert "Bid opened by nobody" in nobody and f"/explorer/suppliers/{supplier[18]}" in nobody
    (rejected,) = step_html(text, "rejection")
    assert 'data-reason="unrevealed"' in rejected and "opened by nobody" in rejected


def test_the_pokja_its_quorum_and_each_envelope_are_shown(web, protocol):
    run = protocol["withheld"]
    text = page(web, run, lang="id")
    pokja = re.search(r'<dd id="tender-pokja">(.*?)</dd>', text, re.S).group(1)
    assert f"kuorum {QUORUM} dari {len(POKJA)} anggota" in pokja
    assert all(member.lower() in pokja for member in run.pokja)
    (appointed,) = step_html(text, "pokja")
    assert "Pokja pemilihan ditetapkan" in appointed
    commits = step_html(text, "commit")
    sizes = {int(size) for step in commits for size in re.findall(r'class="envelope-size">(\d+)<', step)}
    assert len(commits) == 3 and sizes == {len(e) for e in run.envelopes.values()}
    assert "amplop terenkripsi untuk Pokja" in commits[0]


def test_the_bid_table_says_who_opened_and_what_became_of_each_bid(web, protocol):
    supplier = ids(protocol, "withheld")
    text = page(web, protocol["withheld"])
    rows = dict(re.findall(r'<tr data-supplier="(\d+)" (data-opened-by="\w*" data-status="\w+")>', text))
    assert rows == {
        str(supplier[16]): 'data-opened-by="supplier" data-status="valid"',
        str(supplier[17]): 'data-opened-by="pokja" data-status="valid"',
        str(supplier[18]): 'data-opened-by="nobody" data-status="unrevealed"',
    }
    assert "preference withdrawn" in text


@pytest.mark.parametrize("lang", ["id", "en"])
def test_non_compliance_shows_its_reason_in_both_languages(web, protocol, lang):
    text = page(web, protocol["gugur"], lang=lang)
    (declared,) = step_html(text, "non_compliance")
    reason = NON_COMPLIANCE["false_documents"][lang]
    assert 'data-reason="false_documents"' in declared and reason in declared
    assert protocol["gugur"].pokja[1].lower() in declared  # the Pokja member who declared it
    row = re.search(rf'<tr data-supplier="{ids(protocol, "gugur")[17]}"[^>]*>(.*?)</tr>', text, re.S).group(1)
    assert reason in row and ("gugur" if lang == "id" else "disqualified") in row


def test_every_reason_and_outcome_has_words_in_both_languages():
    for labels, enum, left_out in (
        (NON_COMPLIANCE, "ITenders.NonCompliance", {"none"}),
        (REJECT_REASONS, "ITenders.RejectReason", {"none"}),
        (OUTCOMES, "ITenders.ObjectionStatus", {"none"}),
    ):
        assert set(labels) == set(vocabulary.enum(enum).words) - left_out, enum
        assert all(set(words) == {"id", "en"} for words in labels.values())


def test_score_sheets_are_sealed_before_and_opened_after_the_prices(web, protocol):
    text = page(web, protocol["value"])
    found = steps(text)
    assert found.count("scores_sealed") == len(POKJA) == found.count("scores_opened")
    assert max(i for i, s in enumerate(found) if s == "scores_sealed") < found.index("reveal")
    assert min(i for i, s in enumerate(found) if s == "scores_opened") > found.index("reveal")
    assert "Score sheets (sealed / opened)" in text and f"{len(POKJA)} / {len(POKJA)}" in text


def test_the_appeal_and_the_kpas_answer_are_shown(web, protocol):
    text = page(web, protocol["appeal"], lang="id")
    found = steps(text)
    assert found[-4:] == ["objection_answer", "appeal", "appeal_answer", "award"]
    (answer,) = step_html(text, "appeal_answer")
    assert "Jawaban sanggah banding (KPA)" in answer and "ditolak, pemenang tetap" in answer
    assert "jaminan sanggah banding dicairkan Rp 20.000.000" in answer  # 1% of the HPS
    row = re.search(r'<tr data-objection="1" data-outcome="rejected">(.*?)</tr>', text, re.S).group(1)
    assert 'data-appeal="rejected"' in row


@pytest.mark.parametrize("zone", ["WIB", "WITA", "WIT"])
def test_deadlines_are_shown_in_the_chosen_zone(web, protocol, zone):
    text = page(web, protocol["value"], tz=zone)
    deadlines = re.search(r'<dl class="facts" id="tender-deadlines">(.*?)</dl>', text, re.S).group(1)
    kinds = re.findall(r'data-deadline="(\w+)">[^<]* ' + zone + "<", deadlines)
    assert kinds == ["commit", "scoring", "reveal", "objection"]


def test_a_suppliers_page_counts_the_bids_it_did_not_open_itself(web, protocol):
    withheld = ids(protocol, "withheld")[17]
    text = web.get(f"/explorer/suppliers/{withheld}", params={"lang": "en"}).text
    count = int(re.search(r'<dd id="supplier-withheld">(\d+)</dd>', text).group(1))
    assert count >= 1 and "BidNotOpenedBySupplier" in text and "the Pokja quorum" in text


def test_the_dashboard_flags_the_withheld_lower_bid_and_the_disqualified_lowest(web, protocol):
    flags = web.get("/explorer/redflags.json").json()
    assert flags["OCID"][protocol["withheld"].ocid]["T005"] == 1.0
    assert f"ID-SUPPLIER-{ids(protocol, 'withheld')[17]}" in {
        tenderer for tenderer, codes in flags["Tenderer"].items() if "T005" in codes
    }
    assert "T005" not in flags["OCID"].get(protocol["gugur"].ocid, {})
    # The Pokja's gugur is a real disqualification: the lowest bid was disqualified (Cardinal's R036).
    assert flags["OCID"][protocol["gugur"].ocid]["R036"] == 1.0
