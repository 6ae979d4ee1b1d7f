"""An auditor in a browser reads the tender protocol's steps: who opened each bid (its supplier, the
Pokja quorum and which member, nobody), a bid declared non-compliant with its reason in Indonesian
and then in English, and the appeal to the KPA. Screenshots go to artifacts/e2e/ (11-…)."""

from __future__ import annotations

import httpx
import pytest

from tests.gateway.test_indexer import protocol  # noqa: F401 (the protocol's tenders, on the same chain)
from tests.support.indexed import wait_until_indexed
from tests.support.localchain import rpc


def shot(page, artifacts, name: str) -> None:
    page.screenshot(path=str(artifacts / f"{name}.png"), full_page=True)


@pytest.fixture(scope="module")
def indexed(protocol, gateway, chain_url):  # noqa: F811
    """The protocol's tenders, once the gateway's indexer has read them."""
    head = int(rpc(chain_url, "eth_blockNumber"), 16)
    wait_until_indexed(
        lambda: httpx.get(gateway + "/health").json(), head, what=" with the protocol's tenders"
    )
    return protocol


def test_11_the_bid_table_says_who_opened_each_bid(page, indexed, artifacts):
    run = indexed["withheld"]
    page.goto(f"/explorer/tenders/{run.ocid}?lang=id")
    rows = page.locator("#bids tbody tr")
    assert rows.count() == 3
    opened = rows.evaluate_all("rows => rows.map(r => r.dataset.openedBy)")
    assert opened == ["supplier", "pokja", "nobody"]
    quorum_row = page.locator('#bids tr[data-opened-by="pokja"]').inner_text()
    assert "kuorum Pokja" in quorum_row and run.pokja[0].lower() in quorum_row
    step = page.locator('#timeline li[data-step="quorum_opening"]').inner_text()
    assert "Penawaran dibuka kuorum Pokja" in step
    assert "kuorum 2 dari 3 anggota" in page.inner_text("#tender-pokja")
    shot(page, artifacts, "11-quorum-opening-id")


def test_12_non_compliance_reads_in_both_languages(page, indexed, artifacts):
    page.goto(f"/explorer/tenders/{indexed['gugur'].ocid}?lang=id")
    reason = page.locator('#timeline li[data-step="non_compliance"] .reason')
    assert reason.inner_text() == "dokumen atau keterangan palsu"
    page.click('a[data-lang="en"]')
    page.wait_for_selector("html[lang=en]")
    reason = page.locator('#timeline li[data-step="non_compliance"] .reason')
    assert reason.inner_text() == "false documents or information"
    shot(page, artifacts, "12-non-compliance-en")


def test_13_the_appeal_and_its_answer(page, indexed, artifacts):
    page.goto(f"/explorer/tenders/{indexed['appeal'].ocid}")
    steps = page.locator("#timeline li.step").evaluate_all("items => items.map(i => i.dataset.step)")
    assert steps[-4:] == ["objection_answer", "appeal", "appeal_answer", "award"]
    assert page.locator('#objections tr[data-objection="1"] [data-appeal="rejected"]').count() == 1
    shot(page, artifacts, "13-appeal-en")


def test_14_no_script_errors(page):
    assert page.errors == []
