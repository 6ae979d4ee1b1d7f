"""The portal's key library in a real browser (Debian's Chromium), under the gateway's strict
Content-Security-Policy plus the import map's hash (app/portal/importmap.py), served from a small
static server that answers as the gateway will (JavaScript media type, nosniff):

- the import map admitted by its hash lets noble-curves load from the vendored files, and nothing
  is requested from anywhere else; without the hash the browser refuses the map, and the library;
- in the browser (WebCrypto's AES-CTR, noble's scrypt at the default cost) a keystore opens in
  eth-account with the same key, and an objection signed there equals bids.py's signature.

No chain and no gateway are needed: the library is static files."""

from __future__ import annotations

import http.server
import json
import random
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from eth_account import Account

from app.api.security_headers import STRICT_CSP
from app.portal import importmap
from app.protocol import bids
from tests.support.localchain import ROOT
from tests.support.portal_js import random_hex32, random_key

STATIC = ROOT / "app" / "portal" / "static"
TEST_STATIC = Path(__file__).resolve().parent / "static"
WITH_MAP = STRICT_CSP.replace("script-src 'self'", f"script-src 'self' {importmap.CSP_SOURCE}")
PAGE = (
    "<!doctype html><html><head><meta charset='utf-8'><title>keys</title>"
    f"{importmap.IMPORT_MAP_TAG}"
    "<script type='module' src='/test/portal_keys_page.js'></script></head><body></body></html>"
)


class _Handler(http.server.BaseHTTPRequestHandler):
    policy = WITH_MAP

    def do_GET(self):  # noqa: N802 (the standard library's name)
        path = self.path.split("?", 1)[0]
        if path == "/page":
            self._answer(PAGE.encode(), "text/html; charset=utf-8")
            return
        for prefix, folder in (("/portal/static/", STATIC), ("/test/", TEST_STATIC)):
            if path.startswith(prefix):
                file = (folder / path[len(prefix) :]).resolve()
                if file.is_relative_to(folder) and file.is_file() and file.suffix == ".js":
                    self._answer(file.read_bytes(), "text/javascript; charset=utf-8")
                    return
        self.send_error(404)

    def _answer(self, body: bytes, media_type: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", media_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Content-Security-Policy", self.policy)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):  # keep the test output quiet
        pass


@contextmanager
def _serving(policy: str) -> Iterator[str]:
    handler = type("Handler", (_Handler,), {"policy": policy})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _open(browser, base: str):
    context = browser.new_context(base_url=base)
    context.set_default_timeout(20_000)
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("console", lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("request", lambda r: None if r.url.startswith(base) else problems.append(r.url))
    page.goto("/page")
    return context, page, problems


@pytest.fixture(scope="module")
def library(browser):
    with _serving(WITH_MAP) as base:
        context, page, problems = _open(browser, base)
        page.wait_for_selector("body[data-ready='yes']", state="attached")
        yield page, problems
        context.close()


def test_the_import_map_admitted_by_its_hash_loads_the_vendored_library(library):
    page, problems = library
    exported = page.evaluate("Object.keys(window.portalKeys).sort()")
    assert {"createKeystore", "unlock", "signObjection", "commitment"} <= set(exported)
    assert problems == []


def test_without_the_hash_the_browser_refuses_the_import_map(browser):
    with _serving(STRICT_CSP) as base:
        context, page, problems = _open(browser, base)
        deadline = time.monotonic() + 10
        while not any("Content Security Policy" in p for p in problems) and time.monotonic() < deadline:
            page.wait_for_timeout(100)
        assert any("Content Security Policy" in p for p in problems), problems
        page.wait_for_timeout(500)
        assert page.evaluate("window.portalKeys === undefined")  # noble-curves could not load
        context.close()


def test_a_browser_keystore_opens_in_eth_account_and_signs_as_bids_py(library):
    page, problems = library
    rng = random.Random(13)
    key = random_key(rng)
    values = {
        "chainId": 31337,
        "verifyingContract": "0x" + rng.randbytes(20).hex(),
        "tenderId": random_hex32(rng),
        "evidenceHash": random_hex32(rng),
        "nonce": 1,
        "deadline": 2_000_000_000,
    }
    result = page.evaluate(
        """async ([key, password, values]) => {
            const k = window.portalKeys;
            const started = performance.now();
            const made = await k.encryptKey(key, password);
            const encrypted = performance.now();
            const opened = await k.unlock(made.json, password);
            const unlocked = performance.now();
            let wrong = null;
            try { await k.unlock(made.json, password + '!'); } catch (e) { wrong = e.code; }
            const signed = k.signObjection(opened, values);
            return { made, signed, wrong, encryptMs: encrypted - started, unlockMs: unlocked - encrypted };
        }""",
        [key, "kata sandi panjang", values],
    )
    assert "0x" + bytes(Account.decrypt(result["made"]["json"], "kata sandi panjang")).hex() == key
    assert result["wrong"] == "wrong_password"
    python = bids.sign_objection(
        key,
        chain_id=values["chainId"],
        verifying_contract=values["verifyingContract"],
        tender=values["tenderId"],
        evidence_hash=values["evidenceHash"],
        nonce=values["nonce"],
        deadline=values["deadline"],
    )
    assert result["signed"]["signature"] == "0x" + python.signature.hex()
    assert result["signed"]["supplier"] == python.supplier
    print(
        f"chromium, default scrypt: encrypt {result['encryptMs']:.0f} ms, unlock {result['unlockMs']:.0f} ms"
    )
    assert problems == []
    assert json.loads(result["made"]["json"])["crypto"]["kdfparams"]["n"] == 2**16
