"""The OCDS 1.1.5 release schema with the bids extension and Terang's own extension applied (JSON
Merge Patch, as the extension mechanism specifies), and an ocdsmerge Merger that uses its merge rules.

Terang's extension (`schema/terang-extension/`, served by the gateway at TERANG_EXTENSION_PATH) adds
what a sealed-bid tender records beyond OCDS: the Pokja, who opened each bid, non-compliance, bid
bonds, products and TKDN, the scoring period, and objections and appeals against a proposed award."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import json_merge_patch
from ocdsmerge import Merger

SCHEMA_DIR = Path(__file__).resolve().parent / "schema"
RELEASE_SCHEMA_URL = "https://standard.open-contracting.org/schema/1__1__5/release-schema.json"
# The bids extension's canonical address (documentation; the packages list the copy this gateway
# serves at BID_EXTENSION_PATH, which air-gapped readers can reach: the vendored release schema and
# an extension.json written for it, schema/bid-extension/).
BID_EXTENSION_URL = (
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_bid_extension/v1.1.5/extension.json"
)
BID_EXTENSION_PATH = "/ocds/extension/bids/"
BID_EXTENSION_DIR = SCHEMA_DIR / "bid-extension"
TERANG_EXTENSION_DIR = SCHEMA_DIR / "terang-extension"
# Where the gateway serves Terang's extension (app/ocds/routes.py); packages name it by absolute URL.
TERANG_EXTENSION_PATH = "/ocds/extension/"


def load(name: str) -> dict[str, Any]:
    return json.loads((SCHEMA_DIR / name).read_text())


def terang_extension(name: str) -> dict[str, Any]:
    """A file of Terang's extension: `extension.json` or `release-schema.json`."""
    return json.loads((TERANG_EXTENSION_DIR / name).read_text())


def bid_extension(name: str) -> dict[str, Any]:
    """A file of the bids extension as served here: `extension.json` or `release-schema.json`."""
    if name == "release-schema.json":
        return load("bid-extension-release-schema.json")
    return json.loads((BID_EXTENSION_DIR / name).read_text())


@cache
def release_schema() -> dict[str, Any]:
    """The release schema as this publication uses it: core 1.1.5, the bids extension, Terang's."""
    with_bids = json_merge_patch.merge(load("release-schema.json"), load("bid-extension-release-schema.json"))
    return json_merge_patch.merge(with_bids, terang_extension("release-schema.json"))


@cache
def merger() -> Merger:
    return Merger(schema=release_schema())
