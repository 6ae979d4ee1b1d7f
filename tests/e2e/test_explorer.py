"""An auditor in a browser after the pilot: opens the explorer, follows a tender from announcement to
payment (through its block and transaction), checks documents against the ledger (a matching file,
a tampered one, and one dropped on the page), reads the red-flag dashboard and switches language and
time zone. Each step saves a screenshot to artifacts/e2e/."""

from __future__ import annotations

import re

from web3 import Web3

from tests.support.pilot_scenario import bast_document, tender_document


def shot(page, artifacts, name: str) -> None:
    page.screenshot(path=str(artifacts / f"{name}.png"), full_page=True)


def test_1_the_explorer_opens_on_the_pilots_tenders(page, pilot, artifacts):
    page.goto("/")
    assert page.url.endswith("/explorer/")
    assert page.locator("html").get_attribute("lang") == "id"  # the browser asked for Indonesian
    for run in (pilot.contracted, *pilot.singles):
        assert page.locator(f'a.tender-link[href="/explorer/tenders/{run.ocid}"]').count() == 1
    shot(page, artifacts, "01-home")


def test_2_a_tender_is_followed_from_announcement_to_payment(page, pilot, artifacts):
    page.click(f'a.tender-link[href="/explorer/tenders/{pilot.contracted.ocid}"]')
    page.wait_for_selector("#timeline")
    steps = page.locator("#timeline li.step").evaluate_all("items => items.map(i => i.dataset.step)")
    # Stages in chain order (within one transaction the contracts' own order rules, so
    # PaymentAuthorized may precede MilestoneApproved: both are checked present, not ordered).
    stages = [
        "announcement",
        "addendum",
        "commit",
        "reveal",
        "evaluation",
        "objection",
        "objection_answer",
        "award",
        "contract",
        "countersign",
        "attestation",
        "payment_settled",
    ]
    assert [s for s in dict.fromkeys(steps) if s in stages] == stages
    assert {"milestone", "payment_authorized"} <= set(steps)
    assert page.inner_text("#tender-status") == "ada pembayaran"  # payments made
    assert page.locator("svg.chart").count() == 1  # bids against the HPS
    shot(page, artifacts, "02-tender-timeline")


def test_3_the_announcement_links_to_its_block_and_transaction(page, pilot, artifacts):
    announcement = page.locator('#timeline li[data-step="announcement"]')
    announcement.locator('a[href^="/explorer/tx/"]').click()
    page.wait_for_url(re.compile(r"/explorer/tx/0x[0-9a-f]{64}$"))
    assert "TenderAnnounced" in page.inner_text("table.events")
    shot(page, artifacts, "03-transaction")
    page.locator('dl.facts a[href^="/explorer/blocks/"]').first.click()
    assert "TenderAnnounced" in page.inner_text("table.events")
    page.go_back()
    page.go_back()
    page.wait_for_selector("#timeline")


def test_4_the_tender_document_matches_the_ledger(page, pilot, artifacts):
    document = tender_document(pilot.contracted.ocid)
    page.set_input_files(
        "#verify-file",
        files=[{"name": "dokumen-pemilihan.txt", "mimeType": "text/plain", "buffer": document}],
    )
    result = page.locator("#verify-result")
    result.locator("#verify-hash").wait_for()
    assert result.get_attribute("data-outcome") == "match"
    assert page.inner_text("#verify-hash") == "0x" + Web3.keccak(document).hex().removeprefix("0x")
    assert page.locator("#documents tr.matched").count() == 1
    result.scroll_into_view_if_needed()
    shot(page, artifacts, "04-verify-match")


def test_5_a_tampered_document_does_not_match(page, pilot, artifacts):
    tampered = tender_document(pilot.contracted.ocid) + b" "
    page.set_input_files(
        "#verify-file", files=[{"name": "dokumen-diubah.txt", "mimeType": "text/plain", "buffer": tampered}]
    )
    page.wait_for_selector("#verify-result[data-outcome='nomatch']")
    assert "TIDAK COCOK" in page.inner_text("#verify-result")
    assert page.locator("#documents tr.matched").count() == 0
    page.locator("#verify-result").scroll_into_view_if_needed()
    shot(page, artifacts, "05-verify-nomatch")


def test_6_a_dropped_bast_matches_the_attested_evidence(page, pilot):
    content = list(bast_document(pilot.contracted.ocid))
    page.evaluate(
        """bytes => {
            const data = new DataTransfer();
            data.items.add(new File([new Uint8Array(bytes)], 'bast-termin-1.pdf'));
            document.getElementById('dropzone').dispatchEvent(
                new DragEvent('drop', {dataTransfer: data, bubbles: true, cancelable: true}));
        }""",
        content,
    )
    # a selector, not wait_for_function: the page's CSP (no 'unsafe-eval') refuses evaluated strings
    page.wait_for_selector("#verify-result[data-outcome='match']")
    assert "BAST" in page.inner_text("#verify-result")


def test_7_the_red_flags_dashboard_shows_the_pilots_flags(page, pilot, artifacts):
    page.click('header nav a[href="/explorer/redflags"]')
    page.wait_for_selector("table.flag-table")
    assert page.locator("svg.chart").count() == 2
    ocids = page.locator('table.flag-table[data-group="OCID"]').inner_text()
    for run in pilot.singles:
        assert run.ocid in ocids
    text = page.inner_text("main")
    for code in ("R018", "T001", "T002"):
        assert code in text
    shot(page, artifacts, "06-redflags-id")


def test_8_language_and_time_zone_switch(page, artifacts):
    page.click('a[data-lang="en"]')
    page.wait_for_selector("html[lang=en]")
    assert page.inner_text("h1") == "Red-flag dashboard"
    shot(page, artifacts, "07-redflags-en")
    page.goto("/explorer/tenders")  # the choice is remembered
    assert page.inner_text("h1") == "Tenders"
    first_time = page.locator("td.time").first
    assert first_time.inner_text().endswith(" WIB")
    page.click('a[data-tz="WIT"]')
    assert page.locator("td.time").first.inner_text().endswith(" WIT")
    shot(page, artifacts, "08-tenders-en-wit")


def test_9_supplier_and_welfare_pages(page, pilot, artifacts):
    page.goto(f"/explorer/suppliers/{pilot.contracted.winner}")
    assert "TenderAwarded" in page.inner_text("main") and "T002" in page.inner_text(".flags-box")
    shot(page, artifacts, "09-supplier")
    page.goto("/explorer/welfare")
    assert page.locator("#welfare-not-deployed, #welfare-periods").count() == 1
    shot(page, artifacts, "10-welfare")


def test_10_the_committee_page_is_in_the_navigation(page, artifacts):
    page.goto("/explorer/")
    page.click('header nav a[href="/explorer/committee"]')
    assert page.locator("#committee-proposals, #committee-not-deployed").count() == 1
    shot(page, artifacts, "11-committee")


def test_no_script_errors_and_nothing_loaded_from_elsewhere(page):
    assert page.errors == []


def test_the_pages_run_under_a_strict_content_security_policy(page, pilot):
    """The document check above ran under this policy; nothing was blocked (the console listener
    of the page fixture records every violation in page.errors)."""
    answer = page.goto(f"/explorer/tenders/{pilot.contracted.ocid}")
    policy = answer.headers["content-security-policy"]
    assert "script-src 'self';" in policy and "'unsafe-inline'" not in policy
    assert "frame-ancestors 'none'" in policy and answer.headers["x-frame-options"] == "DENY"
    page.wait_for_selector("#documents td.stored[data-state]")  # the static script ran and asked the gateway
    inline = page.evaluate(
        "Array.from(document.scripts).filter(s => !s.src && s.type !== 'application/json').length"
    )
    assert inline == 0
    assert [e for e in page.errors if "Content Security Policy" in e] == []
