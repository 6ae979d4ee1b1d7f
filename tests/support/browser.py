"""Debian's Chromium as every browser test launches it (headless, driven by Playwright, nothing
downloaded), and what those tests check on a page: axe-core's serious and critical findings."""

from __future__ import annotations

import os
from pathlib import Path

from tests.support.localchain import ROOT

CHROMIUM = Path(os.environ.get("TERANG_CHROMIUM", "/usr/bin/chromium"))
# What is known to work for Debian's Chromium on these machines: no GPU, no sandbox (root), and no
# background connections (the network is closed; Chromium would retry Google's hosts at every start).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
MISSING = f"browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium; .ci/run does it)"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
PHONE = {"width": 360, "height": 740}  # a common small Android screen


def grave_violations(page) -> list:
    """What axe-core reports as serious or critical on the page as it stands (the context must
    bypass the pages' CSP: axe is the test's own script)."""
    page.add_script_tag(path=str(AXE))
    report = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in report["violations"]
        if v["impact"] in ("serious", "critical")
    ]
