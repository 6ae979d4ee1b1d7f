"""The supplier portal's tender search in a browser: after the pilot (whose tenders are all past
their bid deadline), three tenders are announced on the chain; the portal lists exactly those,
soonest deadline first, narrows them by agency, category, method and title words, and shows a
tender's schedule in the reader's zone and its documents checked against the ledger. On a phone-sized
screen, in Indonesian and English, nothing overflows sideways and axe-core (npm) finds no serious or
critical accessibility violation. Screenshots go to artifacts/e2e/."""

from __future__ import annotations

import os
import re
import shutil
from datetime import datetime, timedelta, timezone

import httpx
import pytest
from web3 import Web3

from app.auth import devissuer
from app.protocol import bids as bidlib
from app.protocol.manifest import load_manifest, manifest_path
from tests.support.browser import PHONE, grave_violations
from tests.support.guides import GUIDES, every_fence_is_sh, run_guide, sh_blocks
from tests.support.indexed import wait_until_indexed
from tests.support.tender_scenario import Scenario

GUIDE, GUIDE_ID = GUIDES / "supplier-portal.en.md", GUIDES / "supplier-portal.id.md"
# The guide's pictures are these tests' screenshots, written into the guide again on request.
GUIDE_SHOTS = os.environ.get("TERANG_GUIDE_SCREENSHOTS") == "1"
PREFIX = "ocds-terang-portal"
# ocid -> (title, agency, category, method, days until the bid deadline)
ANNOUNCED = {
    f"{PREFIX}-laptop": ("Pengadaan laptop sekolah IKN", 1001, "Goods", "Tender", 5),
    f"{PREFIX}-jembatan": ("Pembangunan jembatan Sepaku", 1001, "Construction", "Tender", 10),
    f"{PREFIX}-pompa": ("Pengadaan pompa air PUPR", 1002, "Goods", "TenderCepat", 3),
}
SOONEST_FIRST = [f"{PREFIX}-pompa", f"{PREFIX}-laptop", f"{PREFIX}-jembatan"]


def shot(page, artifacts, name: str) -> None:
    page.screenshot(path=str(artifacts / f"{name}.png"), full_page=True)


@pytest.fixture(scope="module")
def announced(pilot, chain_url, manifest_dir, gateway) -> dict[str, int]:
    """The three open tenders on the chain, indexed by the gateway; ocid -> bid deadline (UTC s)."""
    scenario = Scenario(chain_url, load_manifest(manifest_path(manifest_dir, 31337)))
    deadlines = {}
    for ocid, (title, agency, category, method, days) in ANNOUNCED.items():
        tender_id = scenario.announce(
            ocid, title, agency=agency, category=category, method=method, commit_days=days
        )
        deadlines[ocid] = scenario.tender_data(tender_id)["commitDeadline"]
    head = scenario.w3.eth.block_number
    wait_until_indexed(lambda: httpx.get(gateway + "/health").json(), head)
    return deadlines


def submit(page) -> None:
    """Sends the filter form and waits for the page it leads to."""
    with page.expect_navigation():
        page.click("form.filters button[type=submit]")


def listed(page) -> list[str]:
    return page.locator("#open-tenders li.card").evaluate_all("cards => cards.map(c => c.dataset.ocid)")


def test_1_the_open_tenders_are_listed_soonest_deadline_first(page, announced, pilot, artifacts):
    page.goto("/portal/")
    assert listed(page) == SOONEST_FIRST  # the pilot's tenders are past their deadline
    assert page.locator("#found [data-total]").inner_text() == "3"
    card = page.locator(f'li.card[data-ocid="{PREFIX}-laptop"]')
    deadline = datetime.fromtimestamp(announced[f"{PREFIX}-laptop"], timezone(timedelta(hours=7)))
    assert deadline.strftime("%Y-%m-%d %H:%M:%S WIB") in card.inner_text()
    assert re.search(r"sisa [45] hari", card.locator(".left").inner_text())
    assert "Otorita Ibu Kota Nusantara" in card.inner_text()
    shot(page, artifacts, "portal-1-open-tenders")
    with page.expect_navigation():
        page.click("a[data-tz=WITA]")  # the same instant, an hour later on the clock
    later = (deadline + timedelta(hours=1)).strftime("%Y-%m-%d %H:%M:%S WITA")
    assert later in page.locator(f'li.card[data-ocid="{PREFIX}-laptop"]').inner_text()
    with page.expect_navigation():
        page.click("a[data-tz=WIB]")


def test_2_filters_narrow_the_list(page, announced):
    page.goto("/portal/")
    page.select_option("select[name=agency]", "1002")
    submit(page)
    assert listed(page) == [f"{PREFIX}-pompa"]
    assert page.locator("select[name=agency]").input_value() == "1002"  # the form keeps the choice
    page.goto("/portal/?category=construction")
    assert listed(page) == [f"{PREFIX}-jembatan"]
    page.goto("/portal/?method=tender_cepat")
    assert listed(page) == [f"{PREFIX}-pompa"]
    page.goto("/portal/")
    page.fill("input[name=q]", "LAPTOP ikn")
    submit(page)
    assert listed(page) == [f"{PREFIX}-laptop"]
    page.goto("/portal/?q=%25")  # a wildcard typed in is a plain character
    assert listed(page) == []
    assert page.locator("p.empty").is_visible()
    page.goto("/portal/?category=weapons&agency=x")  # what does not exist narrows nothing
    assert listed(page) == SOONEST_FIRST


def test_3_a_tender_page_shows_its_schedule_and_checks_its_document(
    page, announced, gateway, gateway_home, artifacts
):
    ocid = f"{PREFIX}-laptop"
    document = f"dokumen pemilihan {ocid}".encode()  # what Scenario.announce records as its hash
    token = devissuer.issue("ppk-ikn", ["AGENCY_OFFICER"], 1001, folder=gateway_home / "issuer")
    answer = httpx.post(
        gateway + "/documents",
        content=document,
        params={
            "filename": "dokumen-pemilihan.txt",
            "expected": "0x" + Web3.keccak(document).hex().removeprefix("0x"),
        },
        headers={"Authorization": f"Bearer {token}", "Content-Type": "text/plain"},
    )
    assert answer.status_code in (200, 201), answer.text
    digest = answer.json()["hash"]
    page.goto("/portal/")
    with page.expect_navigation():
        page.click(f'li.card[data-ocid="{ocid}"] h2 a')
    assert page.url.endswith(f"/portal/tenders/{ocid}")
    schedule = page.locator("#schedule").inner_text()
    assert "Batas pemasukan penawaran" in schedule and "Batas masa sanggah" not in schedule
    assert re.search(r"sisa [45] hari", schedule)
    facts = page.locator("#facts").inner_text()
    assert "Barang" in facts and "Tender" in facts and "Harga terendah" in facts
    assert "Rp 2.000.000.000" in facts
    item = page.locator(f'#documents [data-hash="{digest}"]')
    item.locator("button.check-stored").click()
    page.wait_for_selector(f'#documents [data-hash="{digest}"][data-stored="match"]')
    assert "COCOK" in item.locator(".stored-result").inner_text()
    shot(page, artifacts, "portal-2-tender")


def test_4_no_script_errors_and_nothing_loaded_from_elsewhere(page):
    assert page.errors == []


@pytest.mark.parametrize("lang", ["id", "en"])
def test_5_on_a_phone_nothing_overflows_and_axe_finds_no_serious_violation(
    browser, gateway, announced, artifacts, lang
):
    # axe is injected as a script of the test's own: the pages' CSP (which admits only the gateway's
    # scripts) is bypassed in this context alone; the other tests run under it.
    context = browser.new_context(
        base_url=gateway, locale="id-ID", viewport=PHONE, is_mobile=True, has_touch=True, bypass_csp=True
    )
    page = context.new_page()
    for name, path in (("tenders", "/portal/"), ("tender", f"/portal/tenders/{PREFIX}-laptop")):
        page.goto(f"{path}?lang={lang}")
        assert page.locator("html").get_attribute("lang") == lang
        overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} is {overflow}px wider than the screen"
        assert grave_violations(page) == []
        shot(page, artifacts, f"portal-phone-{name}-{lang}")
        if GUIDE_SHOTS:
            shutil.copy(artifacts / f"portal-phone-{name}-{lang}.png", GUIDES / "img")
    context.close()


def test_6_the_supplier_guides_commands_run_and_its_pictures_are_these_tests(gateway, announced, tmp_path):
    assert sh_blocks(GUIDE_ID) == sh_blocks(GUIDE) and len(sh_blocks(GUIDE)) >= 4
    assert every_fence_is_sh(GUIDE) and every_fence_is_sh(GUIDE_ID)
    for guide in (GUIDE, GUIDE_ID):
        for picture in re.findall(r"\]\((img/[^)]+)\)", guide.read_text()):
            assert (GUIDES / picture).is_file(), picture
    missing = [tool for tool in ("bash", "curl") if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"the guide's commands need {', '.join(missing)} (Debian packages of the same names)")
    ran = run_guide(GUIDE, {"TERANG_URL": gateway}, tmp_path)
    assert ran.stdout.splitlines()[0] == f"{PREFIX}-laptop"
    assert "WITA" in ran.stdout
    assert "the downloaded file is the one on the ledger: 0x" in ran.stdout


def test_7_a_supplier_signs_in_and_sees_what_needs_it(
    browser, gateway, announced, chain_url, manifest_dir, artifacts
):
    """Through the development sign-in (the authorization-code flow the identity provider runs in
    production): the supplier's bid in the laptop tender is listed; once the bid deadline has passed
    with the bid still sealed, opening it is what needs the supplier now, with its deadline."""
    scenario = Scenario(chain_url, load_manifest(manifest_path(manifest_dir, 31337)))
    supplier = scenario.suppliers()[16]
    tender_id = bidlib.tender_id(f"{PREFIX}-laptop")
    scenario.appoint_pokja(tender_id)
    scenario.commit(tender_id, 16, supplier, 1_700_000_000)
    wait_until_indexed(lambda: httpx.get(gateway + "/health").json(), scenario.w3.eth.block_number)
    context = browser.new_context(
        base_url=gateway, locale="id-ID", viewport=PHONE, is_mobile=True, bypass_csp=True
    )
    page = context.new_page()
    page.goto("/portal/")
    with page.expect_navigation(url="**/dev-issuer/authorize**"):
        page.click("#sign-in")
    page.fill("#supplier", str(supplier))
    with page.expect_navigation(url="**/portal/me"):
        page.click("form button[type=submit]")
    assert f"Penyedia {supplier}" in page.locator("#my-account").inner_text()
    mine = page.locator(f'#my-tenders li[data-ocid="{PREFIX}-laptop"]')
    assert mine.get_attribute("data-action") == "replace_until"
    assert page.locator("#nothing-pending").is_visible()
    scenario.sleep_until(announced[f"{PREFIX}-laptop"] + 1)  # the bid deadline passes, the bid sealed
    wait_until_indexed(lambda: httpx.get(gateway + "/health").json(), scenario.w3.eth.block_number)
    page.reload()
    pending = page.locator(f'#pending li[data-ocid="{PREFIX}-laptop"]')
    assert pending.get_attribute("data-action") == "open_bid"
    assert "Buka penawaran Anda" in pending.inner_text() and "sisa 1 hari" in pending.inner_text()
    shot(page, artifacts, "portal-3-needs-you")
    if GUIDE_SHOTS:
        shutil.copy(artifacts / "portal-3-needs-you.png", GUIDES / "img")
    assert grave_violations(page) == []
    with page.expect_navigation(url="**/portal/"):
        page.click("form.sign-out button")
    assert page.locator("#sign-in").is_visible()
    context.close()
