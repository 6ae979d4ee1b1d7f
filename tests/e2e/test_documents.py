"""Stored documents in a browser: the agency uploads the pilot's tender document, a reader downloads
it from the tender page and checks it against the ledger in the browser; a file changed in the store
afterwards is shown as not matching; a large file is hashed off the main thread with a progress
bar. Screenshots go to artifacts/e2e/."""

from __future__ import annotations

from pathlib import Path

import httpx
from web3 import Web3

from app.auth import devissuer
from tests.support.pilot_scenario import bast_document, tender_document

LARGE = 48 * 1024 * 1024  # a large scanned PDF


def shot(page, artifacts, name: str) -> None:
    page.screenshot(path=str(artifacts / f"{name}.png"), full_page=True)


def upload(gateway: str, home, data: bytes, filename: str) -> str:
    token = devissuer.issue("ppk-ikn", ["AGENCY_OFFICER"], 1001, folder=home / "issuer")
    answer = httpx.post(
        gateway + "/documents",
        content=data,
        params={"filename": filename},
        headers={"Authorization": f"Bearer {token}", "Content-Type": "text/plain"},
    )
    assert answer.status_code == 201, answer.text
    return answer.json()["hash"]


def row(page, digest: str):
    return page.locator(f'#documents tr[data-hash="{digest}"]')


def test_1_an_uploaded_tender_document_downloads_and_matches_the_ledger(
    page, pilot, gateway, gateway_home, artifacts
):
    document = tender_document(pilot.contracted.ocid)
    digest = upload(gateway, gateway_home, document, "dokumen-pemilihan.txt")
    assert digest == "0x" + Web3.keccak(document).hex().removeprefix("0x")
    page.goto(f"/explorer/tenders/{pilot.contracted.ocid}")
    stored = row(page, digest)
    stored.locator("button.check-stored").click()
    page.wait_for_selector(f'#documents tr[data-hash="{digest}"][data-stored="match"]')
    assert "COCOK" in stored.locator(".stored-result").inner_text()
    assert stored.locator("a.download").get_attribute("href") == f"/documents/{digest}"
    with page.expect_download() as download:
        stored.locator("a.download").click()
    assert Path(download.value.path()).read_bytes() == document
    # A link whose answer is a download ends its navigation there: the browser reports it aborted.
    page.errors.remove(f"request failed: {gateway}/documents/{digest} (net::ERR_ABORTED)")
    # the BAST was never uploaded: said so, with nothing to download
    bast = "0x" + Web3.keccak(bast_document(pilot.contracted.ocid)).hex().removeprefix("0x")
    page.wait_for_selector(f'#documents tr[data-hash="{bast}"] td.stored[data-state="absent"]')
    assert row(page, bast).locator("a.download").count() == 0
    stored.scroll_into_view_if_needed()
    shot(page, artifacts, "documents-1-stored-match")


def test_2_a_document_changed_in_the_store_is_shown_as_not_matching(
    browser, gateway, pilot, gateway_home, artifacts
):
    document = tender_document(pilot.contracted.ocid)
    digest = "0x" + Web3.keccak(document).hex().removeprefix("0x")
    kept = gateway_home / "documents" / digest[2:4] / digest[2:]
    kept.write_bytes(document.replace(b"dokumen", b"dokumen palsu"))  # an insider with the store's folder
    # A reader who has not downloaded it before (a browser keeps a file it has under its hash).
    context = browser.new_context(base_url=gateway, locale="id-ID", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"/explorer/tenders/{pilot.contracted.ocid}")
    row(page, digest).locator("button.check-stored").click()
    page.wait_for_selector(f'#documents tr[data-hash="{digest}"][data-stored="nomatch"]')
    assert "TIDAK COCOK" in row(page, digest).locator(".stored-result").inner_text()
    row(page, digest).scroll_into_view_if_needed()
    shot(page, artifacts, "documents-2-stored-nomatch")
    context.close()
    kept.write_bytes(document)


def test_3_a_large_file_is_hashed_off_the_main_thread_with_progress(page, pilot, artifacts):
    page.goto(f"/explorer/tenders/{pilot.contracted.ocid}")
    # The page's main thread is watched while a 48 MiB file is hashed: the longest pause between
    # two 10 ms timer ticks, and every progress value shown.
    page.evaluate(
        """size => {
            window.watch = {longest: 0, progress: [], began: performance.now()};
            let last = performance.now();
            window.watch.timer = setInterval(() => {
                const now = performance.now();
                window.watch.longest = Math.max(window.watch.longest, now - last);
                last = now;
            }, 10);
            new MutationObserver(() => {
                const bar = document.getElementById('verify-progress');
                if (bar) window.watch.progress.push(Number(bar.value));
            }).observe(document.getElementById('verify-result'), {childList: true, subtree: true});
            const file = new File([new Uint8Array(size).fill(7)], 'pindaian-kontrak.pdf');
            const data = new DataTransfer();
            data.items.add(file);
            document.getElementById('dropzone').dispatchEvent(
                new DragEvent('drop', {dataTransfer: data, bubbles: true, cancelable: true}));
        }""",
        LARGE,
    )
    page.wait_for_selector("#verify-result[data-outcome='nomatch']", timeout=120_000)
    watch = page.evaluate(
        "() => { clearInterval(window.watch.timer);"
        " return {...window.watch, took: performance.now() - window.watch.began}; }"
    )
    assert page.inner_text("#verify-hash") == "0x" + Web3.keccak(bytes([7]) * LARGE).hex().removeprefix("0x")
    assert any(0 < p < 100 for p in watch["progress"]), watch["progress"]
    assert watch["progress"] == sorted(watch["progress"])
    # Hashed in the page's own thread, the whole hash would be one pause; in the worker, the page
    # keeps ticking.
    assert watch["longest"] < watch["took"] / 4, watch
    took, longest = watch["took"] / 1000, watch["longest"]
    print(f"\n48 MiB hashed in the worker in {took:.1f} s; longest main-thread pause {longest:.0f} ms")
    page.locator("#verify-result").scroll_into_view_if_needed()
    shot(page, artifacts, "documents-3-large-file-hashed")


def test_4_no_script_errors_and_nothing_loaded_from_elsewhere(page):
    assert page.errors == []
