"""The guide to documents (docs/guides/documents.en.md and .id.md), run the way its reader runs it:
every ```sh block of the English guide, in order, in one bash with `set -euo pipefail`, from the
repository's root, with only the environment the guide documents (TERANG_URL, TERANG_TOKENS), against
the browser tests' gateway (its tokens file holds the officer the guide names). Each block must exit 0
(the refusals it shows are checked inside the blocks); afterwards the file the guide uploaded is
served under the hash it printed. The Indonesian guide carries the very same commands."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess

import httpx
import pytest

from app.auth import devissuer
from tests.support.localchain import ROOT

GUIDES = ROOT / "docs" / "guides"
ENGLISH, INDONESIAN = GUIDES / "documents.en.md", GUIDES / "documents.id.md"
BLOCK = re.compile(r"^```sh\n(.*?)^```$", re.S | re.M)
FENCE = re.compile(r"^```", re.M)
DONE = re.compile(r"^@@guide-block (\d+) ok$", re.M)
UPLOADED = re.compile(r"^@@guide-hash (0x[0-9a-f]{64})$", re.M)


def sh_blocks(path) -> list[str]:
    return BLOCK.findall(path.read_text())


def test_the_indonesian_guide_carries_the_english_guides_commands():
    english, indonesian = sh_blocks(ENGLISH), sh_blocks(INDONESIAN)
    assert len(english) >= 5
    assert indonesian == english


@pytest.mark.parametrize("guide", [ENGLISH, INDONESIAN], ids=["en", "id"])
def test_every_command_of_the_guides_is_in_a_sh_block_the_test_runs(guide):
    text = guide.read_text()
    assert len(FENCE.findall(text)) == 2 * len(BLOCK.findall(text)), (
        f"{guide.name}: a fence that is not ```sh"
    )


def test_every_block_of_the_guide_runs_and_its_file_is_served_under_its_hash(gateway, gateway_home, tmp_path):
    missing = [tool for tool in ("bash", "curl", "jq") if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"the guide's commands need {', '.join(missing)} (Debian packages of the same names)")
    officer = devissuer.issue("ppk-ikn", ["AGENCY_OFFICER"], 1001, folder=gateway_home / "issuer")
    tokens = tmp_path / "dev-tokens.json"
    tokens.write_text(json.dumps({"agency-officer-1001": officer}))
    blocks = sh_blocks(ENGLISH)
    lines = ["set -euo pipefail"]
    for number, block in enumerate(blocks, start=1):
        lines += [block.rstrip("\n"), f"echo '@@guide-block {number} ok' >&2"]
    lines.append('echo "@@guide-hash $HASH" >&2')
    script = tmp_path / "guide.sh"
    script.write_text("\n".join(lines) + "\n")
    environment = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", "/root"),
        "LANG": "C.UTF-8",
        "TMPDIR": str(tmp_path),
        "TERANG_URL": gateway,
        "TERANG_TOKENS": str(tokens),
    }
    ran = subprocess.run(
        ["bash", str(script)], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )
    done = [int(n) for n in DONE.findall(ran.stderr)]
    if ran.returncode != 0 or len(done) != len(blocks):
        pytest.fail(
            f"block {len(done) + 1} of {len(blocks)} of {ENGLISH.name} exited {ran.returncode}\n"
            f"--- stderr (end) ---\n{ran.stderr[-3000:]}\n--- stdout (end) ---\n{ran.stdout[-2000:]}"
        )
    digest = UPLOADED.search(ran.stderr).group(1)
    served = httpx.get(f"{gateway}/documents/{digest}")
    assert served.status_code == 200 and served.content.startswith(b"Dokumen Pemilihan: pembangunan jembatan")
    assert f"not {digest}" in ran.stdout  # the wrong version's refusal names the hash it expected
    assert "unsupported_document_type" in ran.stdout and "no token: refused" in ran.stdout
