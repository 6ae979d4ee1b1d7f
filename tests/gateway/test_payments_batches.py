"""Welfare batches through the payment bridge. WelfarePrograms.disburse authorises ONE Payments
instruction for a whole batch (its payee key the Merkle root of the lines); the bridge reads the
lines back from the disbursement's events, pays each line to the account registered for the
beneficiary key, proves the lines that failed at the provider to Payments.failLines and settles
the rest. A line is paid at most once, also when the bridge is killed mid-batch."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter

import pytest
from eth_utils import keccak
from sqlalchemy import func, select

from app.db.migrate import upgrade
from app.db.session import make_engine, make_session_factory
from app.indexer.node import Node
from app.ledger.client import connect
from app.payments.bridge import build_bridge
from app.payments.ledger import SETTLED, PaymentsLedger
from app.payments.models import FINAL, LINES, PaymentLine, PaymentOutbox, PaymentStep
from app.payments.providers import provider_from_settings
from app.payments.reconcile import reconcile
from app.protocol.manifest import load_manifest
from tests.support.localchain import ROOT
from tests.support.payments import (
    bridge_env,
    disburse_welfare_batch,
    fake_payouts,
    fake_provider,
    follow_from_head,
    own_chain,
    register_accounts,
    settings_from_env,
    web3_for,
)

LINE_FAILED_TOPIC = "0x" + keccak(text="PaymentLineFailed(bytes32,uint256,bytes32,uint256,bytes32)").hex()


@pytest.fixture(scope="module")
def chain(tmp_path_factory):
    with own_chain(tmp_path_factory.mktemp("batches")) as found:
        yield found


@pytest.fixture()
def database(tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'bridge.db'}"
    upgrade(url)
    return url


def payments_contract(w3, manifest_dir):
    manifest = load_manifest(manifest_dir / "31337.json")
    return w3.eth.contract(
        address=manifest.address("Payments"), abi=manifest.contracts["Payments"].abi
    ), manifest


def failed_line_codes(w3, payments, batch_id: str) -> dict[int, str]:
    logs = w3.eth.get_logs(
        {"address": payments.address, "fromBlock": 0, "topics": [LINE_FAILED_TOPIC, batch_id]}
    )
    return {int(log["topics"][2].hex(), 16): bytes(log["data"][32:64]).rstrip(b"\0").decode() for log in logs}


def settled_amount(payments, batch_id: str) -> int:
    (event,) = payments.events.PaymentSettled().get_logs(from_block=0, argument_filters={"id": batch_id})
    return event["args"]["amount"]


def line_payouts(provider_url: str, batch_id: str) -> list[dict]:
    return [p for p in fake_payouts(provider_url)["payouts"] if p["reference"].startswith(batch_id + "-L")]


def test_a_batch_pays_its_lines_once_and_proves_the_failed_ones_before_settling_the_rest(
    chain, database, issuer_dir, tmp_path
):
    url, manifest_dir, _ = chain
    w3 = web3_for(url)
    payments, manifest = payments_contract(w3, manifest_dir)
    sessions = make_session_factory(make_engine(database))
    first_block = follow_from_head(sessions, w3)
    batch = disburse_welfare_batch(w3, manifest, list(range(1, 13)))
    lines = batch["lines"]
    assert len(lines) == 12
    # Line 2 and 6: accepted, then FAILED (unfunded); line 4: refused at creation; line 8: no account.
    unfunded, refused, unregistered = {2, 6}, {4}, {8}
    numbers = {}
    for index, key, _amount in lines:
        if index in unregistered:
            numbers[key] = None
        elif index in unfunded:
            numbers[key] = f"9999{index:06d}"
        elif index in refused:
            numbers[key] = f"0000{index:06d}"
        else:
            numbers[key] = f"55{index:08d}"
    with fake_provider(None, {"complete_max_seconds": 0.2}, tmp_path / "provider.log") as provider_url:
        env = bridge_env(chain, database, issuer_dir, payments_provider_url=provider_url)
        settings = settings_from_env(env)
        register_accounts(sessions, settings, numbers)
        bridge = build_bridge(settings, connect(settings), sessions)
        try:
            deadline = time.monotonic() + 120
            while payments.functions.statusOf(batch["id"]).call() != SETTLED:
                assert time.monotonic() < deadline, "the batch was not settled within 2 minutes"
                if not bridge.step():
                    time.sleep(0.2)
            bridge.step()  # marks the attempt settled
            report = reconcile(sessions, bridge.ledger, bridge.provider, first_block)
        finally:
            bridge.close()
        payouts = line_payouts(provider_url, batch["id"])

    failing = unfunded | refused | unregistered
    failed_amount = sum(amount for index, _, amount in lines if index in failing)
    total = sum(amount for _, _, amount in lines)
    for index, _key, _amount in lines:
        assert payments.functions.isLineFailed(batch["id"], index).call() == (index in failing), index
    assert tuple(payments.functions.batchLinesOf(batch["id"]).call()) == (12, 4, failed_amount)
    assert settled_amount(payments, batch["id"]) == total - failed_amount
    assert failed_line_codes(w3, payments, batch["id"]) == {
        2: "INSUFFICIENT_BALANCE",
        6: "INSUFFICIENT_BALANCE",
        4: "INVALID_DESTINATION",
        8: "NO_PAYOUT_ACCOUNT",
    }
    # At the provider: one payout per line key, the paid lines succeeded with their amounts.
    assert Counter(p["reference"] for p in payouts).most_common(1)[0][1] == 1
    by_line = {int(p["reference"].rsplit("-L", 1)[1]): p for p in payouts}
    assert {i for i, p in by_line.items() if p["status"] == "SUCCEEDED"} == set(range(12)) - failing
    assert all(by_line[i]["amount"] == lines[i][2] for i in by_line)
    assert {i for i, p in by_line.items() if p["status"] == "FAILED"} == unfunded
    assert report.mismatches == [] and report.settled == 1 and report.held == 0


def test_a_sigkilled_bridge_never_pays_a_line_twice(chain, database, issuer_dir, tmp_path):
    url, manifest_dir, _ = chain
    w3 = web3_for(url)
    payments, manifest = payments_contract(w3, manifest_dir)
    sessions = make_session_factory(make_engine(database))
    first_block = follow_from_head(sessions, w3)
    batch = disburse_welfare_batch(w3, manifest, list(range(100, 400)), name="PKH kills")
    lines = batch["lines"]
    numbers = {key: (f"9999{i:06d}" if i % 25 == 7 else f"55{i:08d}") for i, key, _ in lines}
    faults = {
        "timeout_rate": 0.05,
        "timeout_seconds": 2,
        "error_rate": 0.05,
        "error_after_rate": 0.1,
        "fail_rate": 0.03,
        "complete_max_seconds": 0.5,
        "seed": 5,
    }
    rng = random.Random(7)
    kills = 0
    with (
        fake_provider(None, faults, tmp_path / "provider.log") as provider_url,
        (tmp_path / "bridge.log").open("ab") as log,
    ):
        env = bridge_env(chain, database, issuer_dir, payments_provider_url=provider_url)
        # Two workers keep the batch open across several restarts on a fast machine, so the
        # kills below land mid-batch however quickly the provider answers.
        env["TERANG_PAYMENTS_WORKERS"] = "2"
        settings = settings_from_env(env)
        register_accounts(sessions, settings, numbers)
        bridge = _start(env, log)
        try:
            for _ in range(8):  # each kill after the bridge has made progress since its start
                _wait_for_progress(sessions, bridge)
                time.sleep(rng.uniform(0.0, 0.3))
                if _batch_state(sessions) in FINAL:
                    break
                os.killpg(bridge.pid, signal.SIGKILL)
                bridge.wait()
                kills += 1
                bridge = _start(env, log)
            deadline = time.monotonic() + 180
            while _batch_state(sessions) not in FINAL:
                assert time.monotonic() < deadline, f"batch not done: {_batch_state(sessions)}"
                time.sleep(0.5)
        finally:
            os.killpg(bridge.pid, signal.SIGTERM)
            bridge.wait(timeout=30)
        ledger = PaymentsLedger(payments, Node(url), None, None)
        provider = provider_from_settings(settings)
        report = reconcile(sessions, ledger, provider, first_block)
        provider.close()
        everything = fake_payouts(provider_url)
        payouts = line_payouts(provider_url, batch["id"])

    assert kills >= 4, f"only {kills} kills landed before the batch was done"
    per_key = Counter(p["reference"] for p in payouts)
    assert max(per_key.values()) == 1  # one payout per line, however often it was asked for
    assert sum(p["createRequests"] for p in payouts) > len(payouts)  # ...and it was asked again
    paid = {int(p["reference"].rsplit("-L", 1)[1]) for p in payouts if p["status"] == "SUCCEEDED"}
    failed_on_chain = {i for i, _, _ in lines if payments.functions.isLineFailed(batch["id"], i).call()}
    assert paid.isdisjoint(failed_on_chain) and paid | failed_on_chain == set(range(len(lines)))
    assert {i for i, _, _ in lines if i % 25 == 7} <= failed_on_chain
    assert settled_amount(payments, batch["id"]) == sum(lines[i][2] for i in paid)
    assert report.mismatches == [], report.mismatches[:5]
    print(f"\nbatch of {len(lines)} lines, {kills} kills: provider {everything['counters']}")


def _start(env: dict, log) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "app.payments.bridge"],
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=log,
        stderr=log,
        start_new_session=True,
    )


def _batch_state(sessions) -> str | None:
    with sessions() as session:
        return session.execute(
            select(PaymentOutbox.state).order_by(PaymentOutbox.id.desc()).limit(1)
        ).scalar()


def _wait_for_progress(sessions, bridge: subprocess.Popen) -> None:
    with sessions() as session:
        before = session.execute(select(func.count()).select_from(PaymentStep)).scalar_one()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with sessions() as session:
            now = session.execute(select(func.count()).select_from(PaymentStep)).scalar_one()
            open_lines = session.execute(
                select(func.count()).where(PaymentLine.state.not_in(("paid", "failed")))
            ).scalar_one()
        if now > before or (open_lines == 0 and _batch_state(sessions) not in (None, LINES)):
            return
        assert bridge.poll() is None, "the bridge exited"
        time.sleep(0.05)
    raise AssertionError("the bridge made no progress in 60 s")
