"""The national replay at a tiny scale (6 tenders, 40 bids, 400 families), checked against the chain
and the database it leaves with --keep rather than against its own summary: every event the chain
holds was indexed, every awarded tender has an escrow paid to the end, every eligible family was
enrolled and paid, and the doc section went into the copy named by --doc, not the repository's."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys

import pytest
from web3 import Web3

from app.protocol import vocabulary
from app.protocol.manifest import load_manifest
from bench.replay.keep import restore
from scripts.welfare_families import synthetic_population
from tests.support.localchain import ROOT

SCALE, SEED = "0.00004", "11"
COMPLETED = vocabulary.enum("IMilestoneEscrow.EscrowStatus").code("Completed")


@pytest.fixture(scope="module")
def replayed(tmp_path_factory):
    folder = tmp_path_factory.mktemp("replay")
    doc, record, kept = folder / "performance.md", folder / "national_replay.json", folder / "kept"
    shutil.copy(ROOT / "docs" / "performance.md", doc)
    repo_doc = (ROOT / "docs" / "performance.md").read_text()
    done = subprocess.run(
        [sys.executable, "bench/national_replay.py", "--scale", SCALE, "--seed", SEED, "--quiet"]
        + ["--gateway-sample", "0", "--doc", str(doc), "--json", str(record), "--keep", str(kept)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    assert (ROOT / "docs" / "performance.md").read_text() == repo_doc
    with restore(kept) as (url, manifest_dir, database):
        w3 = Web3(Web3.HTTPProvider(url))
        manifest = load_manifest(manifest_dir / "31337.json")
        yield json.loads(record.read_text()), w3, manifest, database, doc, repo_doc


def _logs(w3: Web3, manifest, name: str, event: str) -> list:
    contract = w3.eth.contract(address=manifest.address(name), abi=manifest.contracts[name].abi)
    return contract.events[event]().get_logs(from_block=manifest.first_block)


def _db(database: str):
    return sqlite3.connect(database.removeprefix("sqlite:///"))


def test_every_event_on_chain_is_indexed(replayed):
    figures, w3, manifest, database, *_ = replayed
    addresses = [c.address for c in manifest.followed()]
    on_chain = len(
        w3.eth.get_logs({"fromBlock": manifest.first_block, "toBlock": "latest", "address": addresses})
    )
    with _db(database) as db:
        stored = db.execute("select count(*) from chain_events").fetchone()[0]
    assert on_chain == stored == figures["indexer"]["events"]
    assert on_chain > figures["events_total"] > 0  # the replay's own, plus the deployment's


def test_every_awarded_tender_has_an_escrow_paid_to_the_end(replayed):
    figures, w3, manifest, *_ = replayed
    escrow = w3.eth.contract(
        address=manifest.address("MilestoneEscrow"), abi=manifest.contracts["MilestoneEscrow"].abi
    )
    awarded = [log["args"]["tenderId"] for log in _logs(w3, manifest, "Tenders", "TenderAwarded")]
    assert awarded and len(awarded) == figures["outcomes"]["awarded"] == figures["escrows"]
    for tender_id in awarded:  # the escrow's id is its tender's
        state = vocabulary.struct("IMilestoneEscrow.Escrow").named(
            escrow.functions.getEscrow(tender_id).call()
        )
        assert state["status"] == COMPLETED, tender_id.hex()
    settled = _logs(w3, manifest, "Payments", "PaymentSettled")
    assert len(settled) == figures["milestones_paid"] + figures["welfare"]["batches"]


def test_families_paid_are_the_families_enrolled_and_eligible(replayed):
    figures, w3, manifest, *_ = replayed
    eligible = [
        f
        for f in synthetic_population(figures["volume"]["families"], int(SEED))
        if 1 <= f.decile <= 4 and any(f.components)
    ]
    enrolled = _logs(w3, manifest, "WelfarePrograms", "BeneficiaryEnrolled")
    paid = sum(log["args"]["lineCount"] for log in _logs(w3, manifest, "WelfarePrograms", "BatchDisbursed"))
    assert len(enrolled) == len(eligible) == paid == figures["welfare"]["paid"]


def test_the_section_is_written_into_the_copy_and_nothing_else_changes(replayed):
    figures, *_, doc, repo_doc = replayed
    written = doc.read_text()
    section = written[written.index("## National replay") :]
    section = section[: section.find("\n## ", 1) + 1] if "\n## " in section[1:] else section
    assert f"--scale {SCALE} --seed {SEED}" in section
    assert f"{figures['indexer']['events']:,} events in" in section
    assert written.replace(section, "").rstrip("\n") == repo_doc.replace(_section(repo_doc), "").rstrip("\n")


def _section(text: str) -> str:
    if "## National replay" not in text:
        return ""
    rest = text[text.index("## National replay") :]
    end = rest.find("\n## ", 1)
    return rest if end < 0 else rest[: end + 1]
