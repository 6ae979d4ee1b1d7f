"""The guide for treasury officials (docs/guides/treasury.en.md and .id.md), run the way its reader
runs it: on the system `make run --no-pilot` starts, every ```sh block of the English guide, in
order, in one bash with `set -euo pipefail`, from the repository's root, with only the environment
the guide documents (TERANG_URL, TERANG_TOKENS). Each block must exit 0 (the refusals it shows are
checked by code inside the blocks), and afterwards the gateway's history must hold what the guide
says: version 1 in force, proposed and approved by two officials; version 2 approved, then stopped
in its cooling-off; version 3 withdrawn by its proposer. The Indonesian guide carries the very same
commands."""

from __future__ import annotations

import json
import re
import shutil

import httpx
import pytest

from tests.support.guides import GUIDES, every_fence_is_sh, run_guide, same_commands
from tests.support.local_system import local_system
from toolchain.pilot.api import TREASURY_OFFICIALS

ENGLISH, INDONESIAN = GUIDES / "treasury.en.md", GUIDES / "treasury.id.md"
STATE = re.compile(r"^@@guide-state (0x[0-9a-f]{64})$", re.M)


def test_the_indonesian_guide_carries_the_english_guides_commands():
    assert len(same_commands(ENGLISH, INDONESIAN)) >= 8


@pytest.mark.parametrize("guide", [ENGLISH, INDONESIAN], ids=["en", "id"])
def test_every_command_of_the_guides_is_in_a_sh_block_the_test_runs(guide):
    assert every_fence_is_sh(guide), f"{guide.name}: a fence that is not ```sh"


@pytest.fixture(scope="module")
def walked(tmp_path_factory):
    missing = [tool for tool in ("bash", "curl", "jq") if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"the guide's commands need {', '.join(missing)} (Debian packages of the same names)")
    with local_system(tmp_path_factory.mktemp("guide")) as system:
        ran = run_guide(
            ENGLISH,
            {"TERANG_URL": system.gateway_url, "TERANG_TOKENS": str(system.state / "dev-tokens.json")},
            tmp_path_factory.mktemp("script"),
            epilogue='echo "@@guide-state $PAYEE" >&2',
            timeout=300,
        )
        payee = STATE.search(ran.stderr).group(1)
        tokens = json.loads((system.state / "dev-tokens.json").read_text())
        auditor = {"Authorization": f"Bearer {tokens['auditor']}"}
        history = httpx.get(f"{system.gateway_url}/payments/accounts/{payee}/history", headers=auditor).json()
        page = httpx.get(f"{system.gateway_url}/explorer/payees/{payee}/accounts?lang=id")
        yield {"payee": payee, "history": history, "page": page, "stdout": ran.stdout}


def test_every_block_of_the_guide_runs_and_the_history_holds_what_it_says(walked):
    first, second = TREASURY_OFFICIALS
    history = walked["history"]
    assert history["versionInForce"] == 1
    assert [(v["version"], v["status"], v["proposedBy"], v["decidedBy"]) for v in history["versions"]] == [
        (3, "withdrawn", first, first),
        (2, "revoked", second, first),
        (1, "in_force", first, second),
    ]
    assert history["versions"][1]["revokedBy"] == second
    assert [(n["version"], n["event"]) for n in history["notices"]] == [
        (1, "proposed"),
        (1, "approved"),
        (2, "proposed"),
        (2, "approved"),
        (3, "proposed"),
        (3, "withdrawn"),
        (2, "revoked"),
    ]


def test_the_guide_never_shows_a_full_account_number(walked):
    for number in ("002101000123456", "5500112233", "7788990011"):
        assert number not in walked["stdout"]
    assert walked["page"].status_code == 200 and "dihentikan" in walked["page"].text
