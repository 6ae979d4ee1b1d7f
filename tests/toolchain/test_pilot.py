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

from app.protocol import vocabulary
from app.protocol.manifest import load_manifest
from tests.support.localchain import ROOT
from toolchain.pilot.scenario import run_pilot
from toolchain.run_local import free_port

SETTLED = vocabulary.enum("IPayments.PaymentStatus").code("Settled")
REJECTED = vocabulary.enum("ITenders.ObjectionStatus").code("Rejected")
AWARDED = vocabulary.enum("ITenders.TenderStatus").code("Awarded")


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
    assert data["winner"] == tender.winner.supplier_id and data["status"] == AWARDED
    assert any(b.umkm for b in tender.bidders)


def test_the_importers_sanggah_is_on_chain_with_the_pokjas_answer(pilot):
    report, _web3, contracts, _ = pilot
    sanggah = report.tender.sanggah
    assert sanggah.objector is min(report.tender.bidders, key=lambda b: b.price)
    objection = (
        contracts["Tenders"].functions.getObjection(report.tender.tender_id, sanggah.objection_id).call()
    )
    stored = vocabulary.struct("ITenders.Objection").named(objection)
    assert (stored["supplierId"], stored["status"]) == (sanggah.objector.supplier_id, REJECTED)
    evidence, response = stored["evidenceHash"], stored["responseHash"]
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


def test_the_gateway_log_of_the_pilot_is_json_with_the_bridges_lines_and_no_secret(running, pilot):
    """The gateway's log of the whole pilot (state/gateway.log, as `make run` writes it): JSON lines
    only; the bridge's decisions and the provider's callbacks are there, joined to the requests
    that sent the transactions; and nothing a log must never hold: no NIK of the synthetic
    families, no payout account the pilot registered, no bearer token, no keystore password, no
    private key, no development secret (HMAC key, provider secret, payout account key)."""
    import json

    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from app import config
    from app.db.session import make_engine
    from app.keyring.keyring import keyring_for
    from app.payments.accounts import load_account
    from app.payments.models import PayoutAccount
    from toolchain.dev_signers import development_keys
    from toolchain.pilot.welfare import FAMILIES, synthetic_families

    _base, chain_url, folder = running
    report, *_ = pilot
    state = folder / "state"
    log = state / "gateway.log"
    wanted = {  # (logger, words in the message): lines the pilot must have made
        ("terang.payments.callbacks", "xendit callback: payout"),
        ("terang.payments", "authorised on chain"),
        ("terang.payments", "created at the provider"),
        ("terang.payments", "succeeded at the provider"),
        ("terang.payments", "lines to pay"),
        ("terang.payments", "sent in 0x"),
        ("terang.payments", "settled on chain"),
        ("terang.txmanager", "transaction sent"),
        ("uvicorn.access", "POST /welfare/programmes"),
    }
    deadline = time.monotonic() + 30  # the bridge's last lines may follow the pilot's last read
    while True:
        text = log.read_text()
        entries = [json.loads(line) for line in text.splitlines()]  # every line is JSON
        found = {(e["logger"], words) for e in entries for _, words in wanted if words in e["message"]}
        if wanted <= found or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert wanted <= found, f"lines missing from {log}: {sorted(wanted - found)}"

    # Each transaction of the report was logged as sent with its request's id, and the id leads to
    # the request's access line; the bridge's authorisations name transactions sent that way, and
    # the callbacks the same instructions.
    sent = {e["tx_hash"]: e for e in entries if e["message"] == "transaction sent"}
    accessed = {e.get("request_id") for e in entries if e["logger"] == "uvicorn.access"}
    hashes = [*report.tender.transactions.values(), *report.contract.transactions.values()]
    for tx_hash in [*hashes, *report.welfare.transactions.values()]:
        assert sent[tx_hash]["request_id"] in accessed, tx_hash
    authorised = [e for e in entries if "authorised on chain" in e["message"]]
    assert len(authorised) >= 3  # two milestones and the welfare batch
    for line in authorised:
        assert sent[line["tx_hash"]]["request_id"] in accessed
    called_back = {e.get("instruction_id") for e in entries if e["logger"] == "terang.payments.callbacks"}
    assert {line["instruction_id"] for line in authorised} <= called_back

    # What must never be in it. The payout accounts as the gateway holds them (sealed): every one
    # the pilot registered.
    engine = make_engine(f"sqlite:///{state / 'gateway.db'}")
    with Session(engine) as session:
        payees = list(session.execute(select(PayoutAccount.payee_key)).scalars())
        keyring = keyring_for(config.Settings(keyring_file=state / "keyring.json"))
        accounts = [load_account(session, keyring, key) for key in payees]
    engine.dispose()
    assert len(accounts) == report.welfare.enrolled + 1  # the families and the winning supplier
    tokens = json.loads((state / "dev-tokens.json").read_text())
    secrets = {
        **{f"NIK {f['nik']}": f["nik"] for f in synthetic_families(FAMILIES)},
        **{f"account {a.accountNumber}": a.accountNumber for a in accounts},
        **{f"holder {a.accountHolderName}": a.accountHolderName for a in accounts},
        **{f"token {name}": value for name, value in tokens.items()},
        "keystore password": (state / "keystores" / "password").read_text().strip(),
        "HMAC key": config.LOCAL_ONLY_HMAC_KEY,
        "provider secret": config.LOCAL_ONLY_PROVIDER_SECRET,
        "payout account key": config.LOCAL_ONLY_PAYOUT_ACCOUNT_KEY,
        **{
            f"keyring key {purpose} {kid}": entry["key"]
            for purpose, held in json.loads((state / "keyring.json").read_text())["purposes"].items()
            for kid, entry in held["keys"].items()
        },
        **{f"development key {n}": key.hex() for n, key in enumerate(development_keys(chain_url))},
        **{f"key of {b.name}": bytes(b.account.key).hex() for b in report.tender.bidders},
    }
    leaked = sorted(what for what, value in secrets.items() if value and value in text)
    assert not leaked, f"{log} holds: {leaked}"
    assert not re.search(r"eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+", text), "a bearer token (JWT) is in the log"
