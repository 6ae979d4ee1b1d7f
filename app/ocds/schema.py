"""The OCDS 1.1.5 release schema with the bids extension applied (JSON Merge Patch, as the
extension mechanism specifies), and an ocdsmerge Merger that uses its merge rules."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import json_merge_patch
from ocdsmerge import Merger

SCHEMA_DIR = Path(__file__).resolve().parent / "schema"
RELEASE_SCHEMA_URL = "https://standard.open-contracting.org/schema/1__1__5/release-schema.json"
BID_EXTENSION_URL = (
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_bid_extension/v1.1.5/extension.json"
)


def load(name: str) -> dict[str, Any]:
    return json.loads((SCHEMA_DIR / name).read_text())


@cache
def release_schema() -> dict[str, Any]:
    """The release schema as this publication uses it: core 1.1.5 plus the bids extension."""
    return json_merge_patch.merge(load("release-schema.json"), load("bid-extension-release-schema.json"))


@cache
def merger() -> Merger:
    return Merger(schema=release_schema())
