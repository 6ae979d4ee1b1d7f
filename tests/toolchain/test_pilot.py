"""The pilot of `make run`, checked against the chain rather than against its own summary: on a
system started by `make run --no-pilot`, the pilot drives the REST API only, and afterwards the
ledger holds what it reported — the TKDN bidder won by the preference, the suppliers paid no gas,
both milestone payments and the welfare batch were paid by the bridge and settled on chain."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time

import pytest
from web3 import Web3

from app.protocol.manifest import load_manifest
from tests.support.localchain import ROOT
from toolchain.pilot.scenario import run_pilot
from toolchain.run_local import free_port

SETTLED = 2  # IPayments.PaymentStatus.Settled


@pytest.fixture(scope="module")
def running(tmp_path_factory):
    """`make run --no-pilot` as a subprocess: its gateway URL, chain URL and state folder."""
    folder = tmp_path_factory.mktemp("run")
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "toolchain.run_local",
            "--no-pilot",
            "--gateway-port",
            str(port),
            "--manifest-dir",
            str(folder / "deployments"),
            "--state-dir",
            str(folder / "state"),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        chain_url, deadline = None, time.monotonic() + 180
        for line in process.stdout:
            found = re.search(r"chain\s+(http://127\.0\.0\.1:\d+)", line)
            chain_url = chain_url or (found and found.group(1))
            if "Press Ctrl-C" in line or time.monotonic() > deadline:
                break
        assert chain_url, "make run printed no chain URL"
        yield f"http://127.0.0.1:{port}", chain_url, folder
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="module")
def pilot(running):
    base, chain_url, folder = running
    lines: list[str] = []
    report = run_pilot(base, chain_url, folder / "state" / "dev-issuer", log=lambda m, **_: lines.append(m))
    web3 = Web3(Web3.HTTPProvider(chain_url))
    manifest = load_manifest(folder / "deployments" / "31337.json")
    contracts = {
        name: web3.eth.contract(address=manifest.address(name), abi=manifest.contracts[name].abi)
        for name in ("Tenders", "Payments", "MilestoneEscrow")
    }
    return report, web3, contracts, lines


def test_the_tkdn_bidder_wins_by_the_preference_although_the_importer_is_cheaper(pilot):
    report, _web3, contracts, _ = pilot
    tender = report.tender
    cheapest = min(tender.bidders, key=lambda b: b.price)
    assert tender.winner is not cheapest and tender.winner.products  # certified product offered
    on_chain = contracts["Tenders"].functions.getTender(tender.tender_id).call()
    names = [
        c["name"]
        for c in contracts["Tenders"].get_function_by_name("getTender").abi["outputs"][0]["components"]
    ]
    data = dict(zip(names, on_chain, strict=True))
    assert data["winner"] == tender.winner.supplier_id and data["status"] == 3  # Awarded
    assert any(b.umkm for b in tender.bidders)


def test_the_importers_sanggah_is_on_chain_with_the_pokjas_answer(pilot):
    report, _web3, contracts, _ = pilot
    sanggah = report.tender.sanggah
    assert sanggah.objector is min(report.tender.bidders, key=lambda b: b.price)
    objection = (
        contracts["Tenders"].functions.getObjection(report.tender.tender_id, sanggah.objection_id).call()
    )
    supplier_id, status, _round, evidence, response = objection
    assert (supplier_id, status) == (sanggah.objector.supplier_id, 2)  # ObjectionStatus.Rejected
    assert (Web3.to_hex(evidence), Web3.to_hex(response)) == (sanggah.evidence_hash, sanggah.response_hash)


def test_the_suppliers_never_held_or_spent_eth(pilot):
    report, web3, _, _ = pilot
    for bidder in report.tender.bidders:
        assert web3.eth.get_balance(bidder.account.address) == 0
        assert web3.eth.get_transaction_count(bidder.account.address) == 0


def test_both_milestones_were_paid_and_settled_on_chain(pilot):
    report, _web3, contracts, _ = pilot
    assert len(report.contract.milestones) == 2
    for milestone in report.contract.milestones:
        assert contracts["Payments"].functions.statusOf(milestone.payment_id).call() == SETTLED
    total = sum(m.net + m.retention for m in report.contract.milestones)
    assert total == report.contract.value == report.tender.winner.price


def test_the_welfare_period_was_paid_line_by_line_and_settled(pilot):
    report, _web3, contracts, _ = pilot
    welfare = report.welfare
    assert welfare.enrolled > 0 and sum(welfare.refused.values()) > 0  # some families refused, with reasons
    assert contracts["Payments"].functions.statusOf(welfare.batch_id).call() == SETTLED
    assert welfare.status == "settled"


def test_every_reported_transaction_is_mined_and_succeeded(pilot):
    report, web3, _, _ = pilot
    hashes = [
        *report.tender.transactions.values(),
        *report.contract.transactions.values(),
        *report.welfare.transactions.values(),
    ]
    assert len(hashes) == len(set(hashes)) >= 20
    for tx_hash in hashes:
        assert web3.eth.get_transaction_receipt(tx_hash)["status"] == 1


def test_the_summary_names_the_winner_and_why(pilot):
    report, *_ = pilot
    summary = report.summary()
    assert report.tender.winner.name in summary and "HEA" in summary and "<- winner" in summary
    assert report.welfare.batch_id in summary
