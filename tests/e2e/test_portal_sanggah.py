"""A supplier keeps its signing key in its own browser and files a sanggah with it, in Debian Chromium
on a phone-sized screen: it signs in, creates its key on the key page (encrypted with its password,
kept in the browser), downloads the backup (which eth-account opens: a standard keystore), and the
registering officer registers it with that address. It bids against a cheaper rival (its commit and
reveal signed with the same key and relayed by anyone, so it never needs gas), loses, and from the
portal's "needs you now" list files its objection: the letter hashed in the browser, the objection
signed in the browser, relayed by the portal and recorded on chain. No request the browser sent
carries the key or the password."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import httpx
from eth_account import Account
from web3 import Web3

from app.protocol.manifest import load_manifest, manifest_path
from tests.e2e.test_portal_tenders import PHONE, grave_violations, shot
from tests.support.guides import GUIDES, every_fence_is_sh, run_guide, sh_blocks
from tests.support.indexed import wait_until_indexed
from tests.support.tender_scenario import POKJA, Scenario

GUIDE, GUIDE_ID = GUIDES / "supplier-keys.en.md", GUIDES / "supplier-keys.id.md"
GUIDE_SHOTS = os.environ.get("TERANG_GUIDE_SCREENSHOTS") == "1"  # the guide's pictures, taken again
OCID = "ocds-terang-portal-sanggah"
PASSWORD = "kunci-CV-Sepaku-2026"
WINNER_PRICE, LOSER_PRICE = 1_600_000_000, 1_800_000_000
LETTER = b"%PDF-1.4\n% Surat sanggah CV Kunci Sendiri: harga pemenang tidak wajar.\n" + bytes(200_000)


def test_a_supplier_keeps_its_key_in_the_browser_and_files_a_sanggah_with_it(
    browser, gateway, pilot, chain_url, manifest_dir, artifacts, tmp_path
):
    scenario = Scenario(chain_url, load_manifest(manifest_path(manifest_dir, 31337)))
    winner = scenario.suppliers()[16]
    supplier = scenario.registry.functions.supplierCount().call() + 1  # the id its registration gets
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
    page.fill("#supplier", str(supplier))
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
    assert scenario.register(address, "cv-kunci-sendiri", umkm=True) == supplier
    page.reload()
    assert page.locator("#key-bound").get_attribute("data-matches") == "true"

    tender_id = scenario.announce(OCID, "Perahu motor puskesmas keliling Sepaku", commit_days=2)
    scenario.appoint_pokja(tender_id)
    winner_opening, _ = scenario.commit(tender_id, 16, winner, WINNER_PRICE)
    commitment, opening, _ = scenario.commit_by_signature(tender_id, key, supplier, LOSER_PRICE)
    tender = scenario.tender_data(tender_id)
    scenario.sleep_until(tender["commitDeadline"] + 1)
    scenario.send(scenario.tenders.functions.revealBid(tender_id, winner_opening), 16)
    scenario.reveal_by_signature(tender_id, key, commitment, opening)
    scenario.sleep_until(tender["revealDeadline"] + 1)
    scenario.send(scenario.tenders.functions.evaluate(tender_id, sorted((winner, supplier))), POKJA[0])
    wait_until_indexed(lambda: httpx.get(gateway + "/health").json(), scenario.w3.eth.block_number)

    page.goto("/portal/me")
    pending = page.locator(f'#pending li[data-ocid="{OCID}"]')
    assert pending.get_attribute("data-action") == "may_object"
    with page.expect_navigation(url=f"**/portal/tenders/{OCID}/sanggah"):
        pending.locator("a", has_text="sanggah").first.click()
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
    assert (objection["supplierId"], objection["status"]) == (supplier, "open")
    assert objection["evidenceHash"] == Web3.to_hex(Web3.keccak(LETTER))
    assert int(scenario.rpc("eth_getBalance", [address, "latest"]), 16) == 0  # it never paid gas
    secrets = (key.hex().removeprefix("0x"), PASSWORD)
    assert not [line for line in sent if any(secret in line for secret in secrets)]
    assert errors == []

    # axe-core is the test's own script: a second context with the same session and key checks
    # both pages (this one keeps the pages' policy, under which everything above ran).
    checker = browser.new_context(
        base_url=gateway, storage_state=context.storage_state(), viewport=PHONE, bypass_csp=True
    )
    context.close()
    checking = checker.new_page()
    for path in ("/portal/key", f"/portal/tenders/{OCID}/sanggah"):
        checking.goto(path)
        assert grave_violations(checking) == [], path
    checker.close()

    # The guide's commands, in both languages, against this objection and this letter.
    assert sh_blocks(GUIDE_ID) == sh_blocks(GUIDE)
    assert every_fence_is_sh(GUIDE) and every_fence_is_sh(GUIDE_ID)
    letter = tmp_path / "sanggah.pdf"
    letter.write_bytes(LETTER)
    ran = run_guide(GUIDE, {"TERANG_URL": gateway, "OCID": OCID, "LETTER": str(letter)}, tmp_path)
    assert Web3.to_hex(Web3.keccak(LETTER)) in ran.stdout.splitlines()[0]
    assert f"open {supplier} " in ran.stdout and "the ledger holds your letter's fingerprint" in ran.stdout
    for name in ("portal-key-1-created.png", "portal-key-2-sanggah-filed.png"):
        if GUIDE_SHOTS:
            shutil.copy(artifacts / name, GUIDES / "img")
        assert (GUIDES / "img" / name).is_file()
