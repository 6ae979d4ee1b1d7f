"""Browser tests: the pilot scenario driven on a real local chain, the gateway started as a real
process with its indexer, and Debian's Chromium (headless) driven by Playwright. No browser is
downloaded: Playwright launches /usr/bin/chromium (`.ci/run` installs the `chromium` package).
Screenshots go to artifacts/e2e/."""

from __future__ import annotations

import shutil
from pathlib import Path

import httpx
import pytest

from app.auth import devissuer
from app.protocol.manifest import load_manifest, manifest_path
from tests.gateway.conftest import chain_url, manifest_dir  # noqa: F401 (the same real chain and deployment)
from tests.support.browser import CHROMIUM, CHROMIUM_ARGS, MISSING
from tests.support.gateway_process import gateway_process
from tests.support.indexed import wait_until_indexed
from tests.support.localchain import ROOT, rpc
from tests.support.pilot_scenario import Pilot, run_pilot
from toolchain.dev_signers import write_signers

ARTIFACTS = ROOT / "artifacts" / "e2e"

if not CHROMIUM.exists():
    pytest.skip(MISSING, allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed in .venv-app")


@pytest.fixture(scope="session")
def pilot(chain_url, manifest_dir) -> Pilot:
    return run_pilot(chain_url, load_manifest(manifest_path(manifest_dir, 31337)))


@pytest.fixture(scope="session")
def gateway_home(tmp_path_factory) -> Path:
    """The gateway's folder: its token issuer (issuer/), document store (documents/), database, log."""
    return tmp_path_factory.mktemp("gateway")


@pytest.fixture(scope="session")
def gateway(pilot, chain_url, manifest_dir, gateway_home) -> str:
    """The base URL of a gateway process whose indexer has caught up with the pilot."""
    folder = gateway_home
    devissuer.ensure_keys(folder / "issuer")
    env = {
        "TERANG_RPC_URL": chain_url,
        "TERANG_MANIFEST_DIR": str(manifest_dir),
        "TERANG_CHAIN_ID": "31337",
        "TERANG_ENVIRONMENT": "test",
        "TERANG_DATABASE_URL": f"sqlite:///{folder / 'gateway.db'}",
        "TERANG_JWT_PUBLIC_KEY_FILE": str(folder / "issuer" / "public.pem"),
        "TERANG_SIGNERS_FILE": str(write_signers(chain_url, folder / "signers")),
        "TERANG_DOCUMENTS_DIR": str(folder / "documents"),
        "TERANG_INDEXER_POLL_SECONDS": "0.3",
        "TERANG_REDFLAG_CROSS_SECONDS": "0",
    }
    head = int(rpc(chain_url, "eth_blockNumber"), 16)
    with gateway_process(env, folder / "gateway.log") as (base, _process):
        wait_until_indexed(
            lambda: httpx.get(base + "/health").json(), head, what=f"; see {folder / 'gateway.log'}"
        )
        yield base


@pytest.fixture(scope="session")
def artifacts() -> Path:
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def browser():
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def page(browser, gateway):
    """One page per module (a fresh profile: Playwright gives each context its own), Indonesian first."""
    context = browser.new_context(base_url=gateway, locale="id-ID", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "requestfailed", lambda request: errors.append(f"request failed: {request.url} ({request.failure})")
    )
    # The pages run under a strict Content-Security-Policy (app/api/security_headers.py): Chromium
    # reports what it blocks on the console.
    page.on(
        "console",
        lambda message: (
            errors.append(f"console: {message.text}") if "Content Security Policy" in message.text else None
        ),
    )
    page.on(
        "request",
        lambda request: (
            None
            if request.url.startswith((gateway, "data:", "blob:"))
            else errors.append(f"request outside the gateway: {request.url}")
        ),
    )
    page.errors = errors
    yield page
    context.close()
