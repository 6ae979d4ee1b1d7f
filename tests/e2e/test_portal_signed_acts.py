"""A supplier keeps its signing key in its own browser and acts with it, in Debian Chromium on a
phone-sized screen: it signs in, creates its key on the key page (encrypted with its password, kept
in the browser), downloads the backup (which eth-account opens: a standard keystore), and the
registering officer registers it with that address. Its bids are signed with the same key and
relayed by anyone, so it never needs gas.

1. It loses a tender to a cheaper rival and, from the portal's "needs you now" list, files its
   objection: the letter hashed in the browser, the objection signed in the browser, relayed by the
   portal and recorded on chain.
2. It seals a bid in its browser for another tender (the opening kept there, the envelope made
   there for the Pokja), opens it in the opening window from the "needs you now" list, wins,
   countersigns the contract on its contract page, and sees its first milestone's payment settled.
3. The PPK rejects its second milestone; from the "needs you now" list it disputes the rejection with
   its evidence, signed in the browser and relayed; the committee overturns the rejection and the
   portal shows the milestone approved and its payment authorised. It never held ETH.
4. It changes its registered key on the key page: the new key made in the browser, its backup
   downloaded first (eth-account opens it), both keys signing; the ledger now names the new key.

No request the browser sent, and no line of the gateway's log, carries a key or a password."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import httpx
import pytest
from eth_account import Account
from web3 import Web3

from app.protocol.bids import tender_id as tender_id_of
from app.protocol.manifest import load_manifest, manifest_path
from tests.e2e.test_portal_tenders import shot
from tests.support.browser import PHONE, grave_violations
from tests.support.committee import committee_act
from tests.support.guides import GUIDES, every_fence_is_sh, run_guide, sh_blocks
from tests.support.indexed import wait_until_indexed
from tests.support.pilot_scenario import create_escrow, deliver_and_pay, deliver_and_reject
from tests.support.tender_scenario import ANYONE, DAY, POKJA, Scenario

GUIDE, GUIDE_ID = GUIDES / "supplier-keys.en.md", GUIDES / "supplier-keys.id.md"
GUIDE_SHOTS = os.environ.get("TERANG_GUIDE_SCREENSHOTS") == "1"  # the guide's pictures, taken again
OCID = "ocds-terang-portal-sanggah"
WON = "ocds-terang-portal-kontrak"
PASSWORD = "kunci-CV-Sepaku-2026"
NEW_PASSWORD = "kunci-baru-Sepaku-2027"
LOSER_PRICE = 1_800_000_000  # above the rival's 1.6 billion
PRODUCT = "KEMENPERIN-TKDN-KAPAL-0042"  # a certified hull: its code, as its certificate names it
LETTER = b"%PDF-1.4\n% Surat sanggah CV Kunci Sendiri: harga pemenang tidak wajar.\n" + bytes(200_000)
PROOF = b"%PDF-1.4\n% Berita acara uji fungsi ulang: speedboat lulus uji laut.\n" + bytes(50_000)


@pytest.fixture(scope="module")
def scenario(chain_url, manifest_dir) -> Scenario:
    return Scenario(chain_url, load_manifest(manifest_path(manifest_dir, 31337)))


@pytest.fixture(scope="module")
def supplier(browser, gateway, gateway_home, pilot, scenario, artifacts):
    """The signed-in supplier's browser with its own key made there, registered: (page, supplier id,
    the key as its backup opens, what the browser sent, page errors)."""
    supplier_id = scenario.registry.functions.supplierCount().call() + 1  # the id its registration gets
    context = browser.new_context(
        base_url=gateway, locale="id-ID", viewport=PHONE, is_mobile=True, accept_downloads=True
    )
    context.set_default_timeout(60_000)  # scrypt on a phone-class budget takes seconds
    page = context.new_page()
    sent: list[str] = []
    errors: list[str] = []
    page.on("request", lambda request: sent.append(f"{request.url} {request.post_data or ''}"))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if "Content Security Policy" in m.text else None)

    page.goto("/portal/")
    with page.expect_navigation(url="**/dev-issuer/authorize**"):
        page.click("#sign-in")
    page.fill("#supplier", str(supplier_id))
    with page.expect_navigation(url="**/portal/me"):
        page.click("form button[type=submit]")
    page.click("#my-key")
    page.wait_for_selector("#key[data-ready]", timeout=10_000)
    assert "Belum ada kunci" in page.locator("#key-state").inner_text()
    page.fill("#create-password", PASSWORD)
    page.fill("#create-password-again", PASSWORD)
    page.click("#create-key button[type=submit]")
    page.wait_for_selector("#key-address-line:not([hidden])")
    assert page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth") <= 0
    address = page.locator("#key-address").inner_text()
    assert page.locator("#key-bound").get_attribute("data-matches") == "false"
    assert page.locator("#key-bind-help").is_visible()
    shot(page, artifacts, "portal-key-1-created")
    with page.expect_download() as download:
        page.click("#export-key")
    keystore = json.loads(Path(download.value.path()).read_text())
    key = Account.decrypt(keystore, PASSWORD)  # the browser's keystore is a standard one
    assert Account.from_key(key).address == address

    # The registering officer registers the supplier with the address it brought.
    assert scenario.register(address, "cv-kunci-sendiri", umkm=True) == supplier_id
    page.reload()
    assert page.locator("#key-bound").get_attribute("data-matches") == "true"
    secrets = [key.hex().removeprefix("0x"), PASSWORD]  # a test that makes another key adds it
    yield {
        "page": page,
        "id": supplier_id,
        "key": key,
        "address": address,
        "sent": sent,
        "errors": errors,
        "secrets": secrets,
    }
    assert not [line for line in sent if any(secret in line for secret in secrets)]
    logged = (gateway_home / "gateway.log").read_text()  # the gateway's own log of every request
    assert logged and not [secret for secret in secrets if secret in logged]
    assert errors == []
    context.close()


def check_pages(browser, gateway: str, page, paths: list[str], artifacts) -> None:
    """Each page in Indonesian and English on the phone: nothing wider than the screen, and axe-core
    (the test's own script, so in a second context with the same session and key that bypasses the
    pages' policy; the supplier's own context keeps it) finds nothing serious or critical."""
    checker = browser.new_context(
        base_url=gateway, storage_state=page.context.storage_state(), viewport=PHONE, bypass_csp=True
    )
    checking = checker.new_page()
    for lang in ("id", "en"):
        for path in paths:
            checking.goto(f"{path}?lang={lang}")
            assert checking.evaluate("() => document.documentElement.scrollWidth - window.innerWidth") <= 0
            assert grave_violations(checking) == [], (lang, path)
        shot(checking, artifacts, f"portal-key-contract-{lang}")
    checker.close()


def indexed(scenario: Scenario, gateway: str) -> None:
    wait_until_indexed(lambda: httpx.get(gateway + "/health").json(), scenario.w3.eth.block_number)


def test_1_a_losing_bidder_files_a_sanggah_signed_in_its_browser(
    supplier, browser, gateway, scenario, artifacts, tmp_path
):
    page, supplier_id, key = supplier["page"], supplier["id"], supplier["key"]
    scenario.tender_signed_by(OCID, key, supplier_id, LOSER_PRICE, rival=scenario.suppliers()[16])
    indexed(scenario, gateway)

    page.goto("/portal/me")
    pending = page.locator(f'#pending li[data-ocid="{OCID}"]')
    assert pending.get_attribute("data-action") == "may_object"
    with page.expect_navigation(url=f"**/portal/tenders/{OCID}/sanggah"):
        pending.locator("a.sanggah-link").click()
    page.wait_for_selector("#sanggah[data-ready]", timeout=10_000)
    page.set_input_files(
        "#evidence-file", files=[{"name": "sanggah.pdf", "mimeType": "application/pdf", "buffer": LETTER}]
    )
    page.wait_for_selector("#evidence:not([hidden])")
    assert page.locator("#evidence-hash").inner_text() == Web3.to_hex(Web3.keccak(LETTER))
    page.fill("#sanggah-password", PASSWORD)
    page.click("#sanggah-send")
    page.wait_for_selector("#sanggah-result[data-objection]")
    assert page.locator("#sanggah-result").get_attribute("data-objection") == "1"
    shot(page, artifacts, "portal-key-2-sanggah-filed")
    assert page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth") <= 0

    objection = httpx.get(f"{gateway}/tenders/{OCID}/objections/1").json()
    assert (objection["supplierId"], objection["status"]) == (supplier_id, "open")
    assert objection["evidenceHash"] == Web3.to_hex(Web3.keccak(LETTER))
    stored = httpx.get(f"{gateway}/documents/{objection['evidenceHash']}")
    assert stored.status_code == 200 and stored.content == LETTER  # the Pokja reads what was signed

    # The guide's commands, in both languages, against this objection and this letter.
    assert sh_blocks(GUIDE_ID) == sh_blocks(GUIDE)
    assert every_fence_is_sh(GUIDE) and every_fence_is_sh(GUIDE_ID)
    letter = tmp_path / "sanggah.pdf"
    letter.write_bytes(LETTER)
    ran = run_guide(GUIDE, {"TERANG_URL": gateway, "OCID": OCID, "LETTER": str(letter)}, tmp_path)
    assert Web3.to_hex(Web3.keccak(LETTER)) in ran.stdout.splitlines()[0]
    assert f"open {supplier_id} " in ran.stdout and "the ledger holds your letter's fingerprint" in ran.stdout
    for name in ("portal-key-1-created.png", "portal-key-2-sanggah-filed.png"):
        if GUIDE_SHOTS:
            shutil.copy(artifacts / name, GUIDES / "img")
        assert (GUIDES / "img" / name).is_file()


def test_2_it_bids_and_opens_in_its_browser_wins_countersigns_and_sees_its_payment_settled(
    supplier, browser, gateway, scenario, artifacts
):
    page, supplier_id = supplier["page"], supplier["id"]
    tender_id = scenario.announce(WON, "Speedboat ambulans Sepaku", commit_days=2)
    scenario.appoint_pokja(tender_id)
    tkdn = scenario.contract("TkdnRegistry")  # the certifier (dev:15) records the hull's certificate
    until = scenario.now() + 365 * DAY
    certificate = (Web3.keccak(text=PRODUCT), 6000, 1000, until, Web3.keccak(text="sertifikat"))
    scenario.send(tkdn.functions.certifyProduct(*certificate), 15)
    indexed(scenario, gateway)

    page.goto(f"/portal/tenders/{WON}")
    with page.expect_navigation(url=f"**/portal/tenders/{WON}/bid"):
        page.click("#bid-link")
    page.wait_for_selector("#bid[data-ready]", timeout=10_000)
    page.fill("#bid-price", str(LOSER_PRICE))
    page.fill("#product-share-0", "50")
    page.fill("#product-code-0", PRODUCT)
    page.locator("#product-code-0").dispatch_event("change")
    page.wait_for_selector(".product-row[data-row='0'][data-tkdn='6000']", state="attached")
    assert page.locator("#bid-tkdn").inner_text() == "30%"  # 60% TKDN on half the value
    page.fill("#bid-password", PASSWORD)
    page.click("#bid-send")
    page.wait_for_selector("#bid-result[data-commit-seq]")
    assert page.locator("#opening-download").is_visible()  # the opening's copy, offered at once
    bid = scenario.tenders.functions.getBid(tender_id, supplier_id).call()
    assert bid[0] != bytes(32) and bid[1] == 0  # a sealed bid on chain, its price unknown there
    shot(page, artifacts, "portal-key-3-bid-sealed")

    tender = scenario.tender_data(tender_id)
    scenario.sleep_until(tender["commitDeadline"] + 1)
    indexed(scenario, gateway)
    page.goto("/portal/me")
    pending = page.locator(f'#pending li[data-ocid="{WON}"]')
    assert pending.get_attribute("data-action") == "open_bid"
    with page.expect_navigation(url=f"**/portal/tenders/{WON}/bid"):
        pending.locator("a.bid-link").click()
    page.wait_for_selector("#bid[data-ready]", timeout=10_000)
    page.fill("#bid-password", PASSWORD)
    page.click("#bid-send")
    page.wait_for_selector("#bid-result[data-price]")
    assert page.locator("#bid-result").get_attribute("data-price") == str(LOSER_PRICE)
    assert scenario.tenders.functions.getBid(tender_id, supplier_id).call()[3] == 3000  # tkdnBps on chain

    scenario.sleep_until(tender["revealDeadline"] + 1)
    scenario.send(scenario.tenders.functions.evaluate(tender_id, [supplier_id]), POKJA[0])
    scenario.sleep_until(scenario.tender_data(tender_id)["objectionDeadline"] + 1)
    scenario.send(scenario.tenders.functions.finalizeAward(tender_id), ANYONE)
    create_escrow(scenario, tender_id, LOSER_PRICE)
    indexed(scenario, gateway)

    page.goto("/portal/me")
    pending = page.locator(f'#pending li[data-ocid="{WON}"]')
    assert pending.get_attribute("data-action") == "countersign"
    with page.expect_navigation(url=f"**/portal/tenders/{WON}/contract"):
        pending.locator("a.contract-link").click()
    assert page.locator("#contract").get_attribute("data-status") == "awaiting_countersign"
    page.wait_for_selector("#countersign[data-ready]", timeout=10_000)
    page.fill("#countersign-password", PASSWORD)
    page.click("#countersign-send")
    page.wait_for_selector("#act-result[data-status]")
    assert page.locator("#act-result").get_attribute("data-status") == "active"
    escrow = httpx.get(f"{gateway}/escrows/0x{tender_id.hex()}").json()
    assert (escrow["status"], escrow["supplierId"]) == ("active", supplier_id)

    settled = deliver_and_pay(scenario, tender_id, WON)
    indexed(scenario, gateway)
    page.reload()
    first = page.locator('#milestones li[data-index="0"]')
    assert first.get_attribute("data-status") == "approved"
    assert first.locator("[data-payment]").get_attribute("data-payment") == "settled"
    assert settled == escrow["milestones"][0]["amount"] * (10_000 - escrow["retentionBps"]) // 10_000
    assert page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth") <= 0
    shot(page, artifacts, "portal-key-4-contract-paid")
    for name in ("portal-key-3-bid-sealed.png", "portal-key-4-contract-paid.png"):
        if GUIDE_SHOTS:
            shutil.copy(artifacts / name, GUIDES / "img")
        assert (GUIDES / "img" / name).is_file()
    assert int(scenario.rpc("eth_getBalance", [supplier["address"], "latest"]), 16) == 0  # never paid gas
    pages = ["/portal/me", "/portal/key", f"/portal/tenders/{OCID}/sanggah", f"/portal/tenders/{WON}/bid"]
    check_pages(browser, gateway, page, [*pages, f"/portal/tenders/{WON}/contract"], artifacts)


def test_3_it_disputes_a_rejected_milestone_in_its_browser_and_the_committee_overturns_it(
    supplier, browser, gateway, scenario, artifacts
):
    page = supplier["page"]
    tender_id = tender_id_of(WON)
    deliver_and_reject(scenario, tender_id, "uji laut gagal")
    indexed(scenario, gateway)

    page.goto("/portal/me")
    pending = page.locator(f'#pending li[data-ocid="{WON}"]')
    assert pending.get_attribute("data-action") == "may_dispute"
    with page.expect_navigation(url=f"**/portal/tenders/{WON}/contract"):
        pending.locator("a.contract-link").click()
    second = page.locator('#milestones li[data-index="1"]')
    assert second.get_attribute("data-status") == "rejected"
    assert page.locator('#milestones li[data-index="0"] a.dispute-link').count() == 0  # paid on time
    dispute = f"/portal/tenders/{WON}/contract/milestones/1/dispute"
    with page.expect_navigation(url=f"**{dispute}"):
        second.locator("a.dispute-link").click()
    page.wait_for_selector("#dispute[data-ready]", timeout=10_000)
    check_pages(browser, gateway, page, [dispute], artifacts)
    page.set_input_files(
        "#evidence-file", files=[{"name": "uji-ulang.pdf", "mimeType": "application/pdf", "buffer": PROOF}]
    )
    page.wait_for_selector("#evidence:not([hidden])")
    page.fill("#dispute-password", PASSWORD)
    page.click("#dispute-send")
    page.wait_for_selector("#dispute-result[data-kind]")
    assert page.locator("#dispute-result").get_attribute("data-kind") == "rejection"
    shot(page, artifacts, "portal-key-5-dispute-filed")

    milestone = httpx.get(f"{gateway}/escrows/0x{tender_id.hex()}/milestones/1").json()
    assert milestone["status"] == "disputed"
    stored = httpx.get(f"{gateway}/documents/{Web3.to_hex(Web3.keccak(PROOF))}")
    assert stored.status_code == 200 and stored.content == PROOF  # the committee reads what was signed
    opened = scenario.contract("MilestoneEscrow").events.DisputeOpened().get_logs(from_block=0)
    assert [e["args"]["evidenceHash"] for e in opened if e["args"]["escrowId"] == tender_id] == [
        Web3.keccak(PROOF)
    ]

    escrow = scenario.contract("MilestoneEscrow")
    decision = escrow.encode_abi("resolveDispute", [tender_id, 1, True, Web3.keccak(text="putusan komite")])
    committee_act(scenario.w3, scenario.manifest, [(escrow.address, decision)], "keberatan termin 2")
    indexed(scenario, gateway)
    page.goto(f"/portal/tenders/{WON}/contract")
    second = page.locator('#milestones li[data-index="1"]')
    assert second.get_attribute("data-status") == "approved"
    assert second.locator("[data-payment]").get_attribute("data-payment") == "authorized"
    assert second.locator("a.dispute-link").count() == 0
    if GUIDE_SHOTS:
        shutil.copy(artifacts / "portal-key-5-dispute-filed.png", GUIDES / "img")
    assert (GUIDES / "img" / "portal-key-5-dispute-filed.png").is_file()
    assert int(scenario.rpc("eth_getBalance", [supplier["address"], "latest"]), 16) == 0  # never paid gas


def test_4_it_changes_its_registered_key_in_its_browser_both_keys_signing(supplier, scenario, artifacts):
    page, supplier_id, old = supplier["page"], supplier["id"], supplier["address"]
    page.goto("/portal/key")
    page.wait_for_selector("#key[data-ready]", timeout=10_000)
    page.wait_for_selector("#rotate-key:not([hidden])")
    page.fill("#rotate-password", PASSWORD)
    page.fill("#rotate-new-password", NEW_PASSWORD)
    page.fill("#rotate-new-password-again", NEW_PASSWORD)
    with page.expect_download() as download:  # the new key's backup, before anything is sent
        page.click("#rotate-key button[type=submit]")
    new_key = Account.decrypt(json.loads(Path(download.value.path()).read_text()), NEW_PASSWORD)
    supplier["secrets"] += [new_key.hex().removeprefix("0x"), NEW_PASSWORD]
    new = Account.from_key(new_key).address
    page.wait_for_selector("#key-result[data-rotated]")
    assert page.locator("#key-result").get_attribute("data-rotated") == new
    registry = scenario.registry
    assert (registry.functions.supplierIdOf(new).call(), registry.functions.supplierIdOf(old).call()) == (
        supplier_id,
        0,
    )
    assert page.locator("#key-address").inner_text() == page.locator("#account").inner_text() == new
    assert page.locator("#key-bound").get_attribute("data-matches") == "true"
    shot(page, artifacts, "portal-key-6-key-changed")
    page.reload()  # the browser keeps the new key, encrypted, and the page still finds it registered
    page.wait_for_selector("#key[data-ready]", timeout=10_000)
    assert page.locator("#key-bound").get_attribute("data-matches") == "true"
    for account in (old, new):
        assert int(scenario.rpc("eth_getBalance", [account, "latest"]), 16) == 0
    if GUIDE_SHOTS:
        shutil.copy(artifacts / "portal-key-6-key-changed.png", GUIDES / "img")
    assert (GUIDES / "img" / "portal-key-6-key-changed.png").is_file()
