"""The guide to documents (docs/guides/documents.en.md and .id.md), run the way its reader runs it:
every ```sh block of the English guide, in order, in one bash with `set -euo pipefail`, from the
repository's root, with only the environment the guide documents (TERANG_URL, TERANG_TOKENS), against
the browser tests' gateway (its tokens file holds the officer the guide names). Each block must exit 0
(the refusals it shows are checked inside the blocks); afterwards the file the guide uploaded is
served under the hash it printed. The Indonesian guide carries the very same commands."""

from __future__ import annotations

import json
import re
import shutil

import httpx
import pytest

from app.auth import devissuer
from tests.support.guides import GUIDES, every_fence_is_sh, run_guide, same_commands

ENGLISH, INDONESIAN = GUIDES / "documents.en.md", GUIDES / "documents.id.md"
UPLOADED = re.compile(r"^@@guide-hash (0x[0-9a-f]{64})$", re.M)


def test_the_indonesian_guide_carries_the_english_guides_commands():
    assert len(same_commands(ENGLISH, INDONESIAN)) >= 5


@pytest.mark.parametrize("guide", [ENGLISH, INDONESIAN], ids=["en", "id"])
def test_every_command_of_the_guides_is_in_a_sh_block_the_test_runs(guide):
    assert every_fence_is_sh(guide), f"{guide.name}: a fence that is not ```sh"


def test_every_block_of_the_guide_runs_and_its_file_is_served_under_its_hash(gateway, gateway_home, tmp_path):
    missing = [tool for tool in ("bash", "curl", "jq") if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"the guide's commands need {', '.join(missing)} (Debian packages of the same names)")
    officer = devissuer.issue("ppk-ikn", ["AGENCY_OFFICER"], 1001, folder=gateway_home / "issuer")
    tokens = tmp_path / "dev-tokens.json"
    tokens.write_text(json.dumps({"agency-officer-1001": officer}))
    environment = {"TERANG_URL": gateway, "TERANG_TOKENS": str(tokens)}
    ran = run_guide(ENGLISH, environment, tmp_path, epilogue='echo "@@guide-hash $HASH" >&2')
    digest = UPLOADED.search(ran.stderr).group(1)
    served = httpx.get(f"{gateway}/documents/{digest}")
    assert served.status_code == 200 and served.content.startswith(b"Dokumen Pemilihan: pembangunan jembatan")
    assert f"not {digest}" in ran.stdout  # the wrong version's refusal names the hash it expected
    assert "unsupported_document_type" in ran.stdout and "no token: refused" in ran.stdout
