"""The guide for the PPK, the Pokja and the KPA (docs/guides/pokja-ppk.en.md and .id.md), run the way
its reader runs it: on the system `make run --no-pilot` starts, every ```sh block of the English
guide, in order, in one bash with `set -euo pipefail`, from the repository's root, with only the
environment the guide documents (TERANG_URL, TERANG_RPC_URL, TERANG_TOKENS). Each block must exit 0,
and afterwards the chain must hold what the guide says it did: the construction tender awarded after
the Pokja's quorum opened the bid its bidder withheld, a bid declared gugur, a sanggah answered by a
member and its banding by the KPA; the value-system Seleksi awarded on three opened score sheets.
The Indonesian guide carries the very same commands."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

import pytest
from web3 import Web3

from app.protocol import vocabulary
from app.protocol.bids import tender_id
from app.protocol.manifest import load_manifest
from tests.support.guides import GUIDES, every_fence_is_sh, run_guide, same_commands
from tests.support.local_system import local_system
from tests.support.localchain import ROOT, anvil, rpc

ENGLISH, INDONESIAN = GUIDES / "pokja-ppk.en.md", GUIDES / "pokja-ppk.id.md"
STATE = re.compile(r"^@@guide-state (\S+) (\S+) (\d+) (\d+) (\d+)$", re.M)
ZERO_ADDRESS = "0x" + "00" * 20


def test_the_indonesian_guide_carries_the_english_guides_commands():
    assert len(same_commands(ENGLISH, INDONESIAN)) >= 20


@pytest.mark.parametrize("guide", [ENGLISH, INDONESIAN], ids=["en", "id"])
def test_every_command_of_the_guides_is_in_a_sh_block_the_test_runs(guide):
    """No other fenced block: a command outside a ```sh block would escape the run below."""
    assert every_fence_is_sh(guide), f"{guide.name}: a fence that is not ```sh"


@pytest.fixture(scope="module")
def system(tmp_path_factory):
    with local_system(tmp_path_factory.mktemp("guide")) as running:
        yield running


@pytest.fixture(scope="module")
def walked(system, tmp_path_factory):
    """The English guide's blocks run in one bash; the state it leaves (its ocids and bidder ids)."""
    missing = [tool for tool in ("bash", "curl", "jq") if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"the guide's commands need {', '.join(missing)} (Debian packages of the same names)")
    ran = run_guide(
        ENGLISH,
        {
            "TERANG_URL": system.gateway_url,
            "TERANG_RPC_URL": system.chain_url,
            "TERANG_TOKENS": str(system.state / "dev-tokens.json"),
        },
        tmp_path_factory.mktemp("script"),
        epilogue='echo "@@guide-state $OCID $SELEKSI $A $B $C" >&2',
        timeout=300,
    )
    ocid, seleksi, a, b, c = STATE.search(ran.stderr).groups()
    return {"ocid": ocid, "seleksi": seleksi, "A": int(a), "B": int(b), "C": int(c)}


@pytest.fixture(scope="module")
def tenders(system):
    web3 = Web3(Web3.HTTPProvider(system.chain_url))
    manifest = load_manifest(system.manifest)
    return web3.eth.contract(address=manifest.address("Tenders"), abi=manifest.contracts["Tenders"].abi)


def _tender(tenders, ocid: str) -> dict:
    return vocabulary.struct("ITenders.Tender").named(tenders.functions.getTender(tender_id(ocid)).call())


def _bid(tenders, ocid: str, supplier: int) -> dict:
    return vocabulary.struct("ITenders.Bid").named(tenders.functions.getBid(tender_id(ocid), supplier).call())


def _code(enum: str, word: str) -> int:
    return vocabulary.enum(enum).code(word)


def test_every_block_of_the_guide_runs_and_the_construction_tender_is_awarded(walked, tenders):
    data = _tender(tenders, walked["ocid"])
    assert data["status"] == _code("ITenders.TenderStatus", "Awarded")
    assert data["winner"] == walked["A"] and data["addendumCount"] == 1


def test_the_bid_its_bidder_withheld_was_opened_by_the_pokja_quorum(walked, tenders):
    ocid, withheld = walked["ocid"], walked["B"]
    members, _keys = tenders.functions.pokjaOf(tender_id(ocid)).call()
    (opened,) = tenders.events.BidNotOpenedBySupplier().get_logs(
        argument_filters={"tenderId": tender_id(ocid), "supplierId": withheld}, from_block=0
    )
    assert opened["args"]["openedBy"] == members[0] != ZERO_ADDRESS  # member 1 sent the two shares
    assert _bid(tenders, ocid, withheld)["status"] == _code("ITenders.BidStatus", "Valid")


def test_the_gugur_the_sanggah_and_the_kpas_banding_are_on_chain(walked, tenders):
    ocid, objector = walked["ocid"], walked["C"]
    members, _keys = tenders.functions.pokjaOf(tender_id(ocid)).call()
    assert _bid(tenders, ocid, objector)["status"] == _code("ITenders.BidStatus", "Disqualified")
    (gugur,) = tenders.events.BidDeclaredNonCompliant().get_logs(
        argument_filters={"tenderId": tender_id(ocid)}, from_block=0
    )
    assert gugur["args"]["reason"] == _code("ITenders.NonCompliance", "Technical")
    assert gugur["args"]["officer"] == members[1]
    objection = vocabulary.struct("ITenders.Objection").named(
        tenders.functions.getObjection(tender_id(ocid), 1).call()
    )
    rejected = _code("ITenders.ObjectionStatus", "Rejected")
    assert (objection["supplierId"], objection["status"]) == (objector, rejected)
    assert objection["appealed"] and objection["appealOutcome"] == rejected
    (banding,) = tenders.events.AppealResolved().get_logs(
        argument_filters={"tenderId": tender_id(ocid)}, from_block=0
    )
    assert banding["args"]["officer"] not in members  # the KPA, outside the Pokja
    assert banding["args"]["bondClaimed"] == _tender(tenders, ocid)["hps"] // 100


def test_the_seleksi_is_awarded_on_every_sealed_score_sheet_opened(walked, tenders):
    data = _tender(tenders, walked["seleksi"])
    assert data["status"] == _code("ITenders.TenderStatus", "Awarded")
    assert data["sealedSheets"] == data["scoreSheets"] == 3
    assert data["winner"] == walked["A"]  # the better technical offer, though dearer


# The guide's local-only tools: `--help` never acts, a mistake is one line, a real network is never touched.


def _tool(module: str, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("TERANG_")}
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=ROOT,
        env={**environment, **(env or {})},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize("module", ["toolchain.localchain", "toolchain.pilot.bidder"])
def test_the_local_tools_help_never_acts(module, tmp_path):
    shown = _tool(module, "--help", env={"TERANG_RPC_URL": "http://127.0.0.1:9", "HOME": str(tmp_path)})
    assert shown.returncode == 0 and "usage:" in shown.stdout and not shown.stderr
    assert list(tmp_path.iterdir()) == []


def test_the_local_tools_say_a_mistake_in_one_line():
    for module, args, said in (
        ("toolchain.localchain", ["advance", "7"], "not a duration: '7'"),
        ("toolchain.localchain", ["now"], "no chain URL: give --rpc-url or set TERANG_RPC_URL"),
        ("toolchain.localchain", ["--rpc-url", "http://127.0.0.1:9", "now"], "cannot reach the chain"),
        ("toolchain.localchain", ["fund", "0xdead"], "not an account address"),
        (
            "toolchain.pilot.bidder",
            ["open", "--wallet", "/nonexistent", "--ocid", "x"],
            "must be an http:// URL",
        ),
        (
            "toolchain.pilot.bidder",
            ["bid", "--wallet", "w", "--ocid", "x"],
            "the following arguments are required",
        ),
    ):
        ran = _tool(module, *args)
        assert ran.returncode == 2, (module, args, ran.stderr)
        assert len(ran.stderr.strip().splitlines()) == 1 and said in ran.stderr, ran.stderr


def test_the_clock_of_a_chain_that_is_not_the_local_one_is_never_moved():
    """A chain with another id (a testnet, a real network) is refused before anything is sent."""
    with anvil(chain_id=1) as url:
        before = int(rpc(url, "eth_getBlockByNumber", ["latest", False])["timestamp"], 16)
        for args in (["advance", "30d"], ["past", str(before + 30 * 86_400)], ["fund", "0x" + "11" * 20]):
            ran = _tool("toolchain.localchain", "--rpc-url", url, *args)
            assert ran.returncode == 2 and "has chain id 1, not the local 31337" in ran.stderr, ran.stderr
        after = int(rpc(url, "eth_getBlockByNumber", ["latest", False])["timestamp"], 16)
        assert after < before + 86_400
        assert int(rpc(url, "eth_getBalance", ["0x" + "11" * 20, "latest"]), 16) == 0


def test_the_local_clock_only_moves_forward():
    with anvil() as url:
        now = int(_tool("toolchain.localchain", "--rpc-url", url, "now", "--seconds").stdout)
        moved = _tool("toolchain.localchain", "--rpc-url", url, "advance", "7d")
        assert moved.returncode == 0 and moved.stdout.startswith(f"chain time {now + 7 * 86_400} (")
        again = _tool("toolchain.localchain", "--rpc-url", url, "past", str(now))  # already passed
        assert again.returncode == 0 and again.stdout.startswith(f"chain time {now + 7 * 86_400} (")
