"""Reconciliation puts the chain, the bridge's outbox and the provider's payouts side by side and
reports each disagreement by kind; asked to repair, it repairs only what is safe. On a chain of its
own, five instructions are brought into five situations:

- paid_not_settled: the provider paid, the bridge stopped before recording it on chain
  -> reported, and repaired by settling with the provider's reference;
- settled_not_paid: the treasury settled on chain, the provider never paid -> reported, left;
- amount_differs: the provider holds a payout under the instruction's key for another amount
  -> reported, neither settled nor failed;
- reversed_after_settlement: paid and settled, then returned by the bank -> reported, left;
- a clean payment -> not reported.

Both ways in give the same answers: `python -m app.payments.reconcile [--repair] --json` and
GET /payments/reconciliation, POST /payments/reconciliation/repair (treasury only)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import httpx
import pytest
from fastapi.testclient import TestClient

from app.db.migrate import upgrade
from app.db.session import make_engine, make_session_factory
from app.ledger.client import connect
from app.main import create_app
from app.payments.bridge import build_bridge
from app.payments.ledger import AUTHORIZED, SETTLED, to_bytes32
from app.payments.models import SETTLING, PaymentOutbox
from app.payments.providers.base import SUCCEEDED, PayoutOrder
from app.payments.steps import ATTEMPTS, check_payouts, request_payouts
from app.protocol.manifest import load_manifest
from tests.support.localchain import ROOT
from tests.support.payments import (
    authorize_many,
    bridge_env,
    deploy_source,
    fake_payouts,
    fake_provider,
    own_chain,
    payee,
    register_accounts,
    settings_from_env,
    web3_for,
)

TREASURY = 11  # dev:11 (deploy/local.yaml)
KINDS = {
    "paid": "paid_not_settled",
    "manual": "settled_not_paid",
    "other_amount": "amount_differs",
    "reversed": "reversed_after_settlement",
}


@pytest.fixture()
def scene(tmp_path, issuer_dir):
    """The five situations, with the fake provider still running; yields (env, ids by name, w3,
    payments contract, provider url)."""
    with own_chain(tmp_path) as chain, fake_provider(None, {"complete_max_seconds": 0.1}) as provider_url:
        w3 = web3_for(chain[0])
        manifest = load_manifest(chain[1] / "31337.json")
        source, payments = deploy_source(w3, manifest)
        database = f"sqlite:///{tmp_path / 'bridge.db'}"
        upgrade(database)
        env = bridge_env(chain, database, issuer_dir, payments_provider_url=provider_url)
        settings = settings_from_env(env)
        sessions = make_session_factory(make_engine(database))
        names = ["clean", "manual", "other_amount", "reversed", "paid"]
        payees = {name: payee(f"reconcile-{name}") for name in names}
        register_accounts(sessions, settings, {key: f"77{i:08d}" for i, key in enumerate(payees.values())})
        amounts = {name: 1_000_000 * (i + 1) for i, name in enumerate(names)}
        first = names[:-1]
        ids = dict(
            zip(
                first,
                authorize_many(
                    w3, source, payments, [payees[n] for n in first], [amounts[n] for n in first], 1
                ),
                strict=True,
            )
        )
        # The treasury settles one by hand; the provider already holds a payout under another's key.
        treasury = w3.eth.accounts[TREASURY]
        w3.eth.wait_for_transaction_receipt(
            payments.functions.settle(ids["manual"], 0, to_bytes32("MANUAL-ENTRY")).transact(
                {"from": treasury}
            )
        )
        bridge = build_bridge(settings, connect(settings), sessions)
        try:
            bridge.provider.create(
                PayoutOrder(
                    f"{ids['other_amount']}-0",
                    amounts["other_amount"] + 500_000,
                    "ID_BRI",
                    "7700000002",
                    "KPM 2",
                    "",
                )
            )
            _run(bridge, lambda: _states(sessions, ids["clean"], ids["reversed"]) == {"settled"})
            # The bridge pays the last one and stops before recording it on chain.
            ids["paid"] = authorize_many(w3, source, payments, [payees["paid"]], [amounts["paid"]], 100)[0]
            bridge.follower.step()
            request_payouts(
                sessions,
                bridge.provider,
                bridge.account_key,
                bridge.pool,
                ATTEMPTS,
                _row_ids(sessions, ids["paid"]),
            )
            deadline = time.monotonic() + 30
            while _states(sessions, ids["paid"]) != {SETTLING}:
                assert time.monotonic() < deadline
                time.sleep(0.2)
                check_payouts(sessions, bridge.provider, bridge.pool, ATTEMPTS, _rows(sessions, ids["paid"]))
        finally:
            bridge.close()
        # The bank returns a payment the chain has settled.
        (reversed_payout,) = [
            p for p in fake_payouts(provider_url)["payouts"] if p["reference"] == f"{ids['reversed']}-0"
        ]
        httpx.post(
            f"{provider_url}/_fake/payouts/{reversed_payout['id']}/status",
            json={"status": "REVERSED", "failureCode": "REVERSED_BY_BANK"},
            timeout=10,
        ).raise_for_status()
        yield env, ids, w3, payments, provider_url


def _run(bridge, done, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not done():
        assert time.monotonic() < deadline, "the bridge did not get there in time"
        if not bridge.step():
            time.sleep(0.1)


def _rows(sessions, instruction_id: str) -> list[PaymentOutbox]:
    with sessions() as session:
        return list(session.query(PaymentOutbox).filter(PaymentOutbox.instruction_id == instruction_id))


def _row_ids(sessions, instruction_id: str) -> list[int]:
    return [row.id for row in _rows(sessions, instruction_id)]


def _states(sessions, *instruction_ids: str) -> set[str]:
    return {row.state for iid in instruction_ids for row in _rows(sessions, iid)}


def by_instruction(report: dict) -> dict[str, list[tuple[str, bool]]]:
    found: dict[str, list[tuple[str, bool]]] = {}
    for m in report["mismatches"]:
        found.setdefault(m["instructionId"], []).append((m["kind"], m["repaired"]))
    return found


def command(env: dict, *args: str) -> tuple[int, dict]:
    done = subprocess.run(
        [sys.executable, "-m", "app.payments.reconcile", "--json", *args],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    return done.returncode, json.loads(done.stdout)


def assert_reported(report: dict, ids: dict[str, str], repaired: bool) -> None:
    found = by_instruction(report)
    assert "clean" not in {name for name, iid in ids.items() if iid in found}
    for name, kind in KINDS.items():
        assert found.get(ids[name]) == [(kind, repaired and name == "paid")], (name, found.get(ids[name]))
    assert report["instructions"] == 5 and report["repaired"] == (1 if repaired else 0)


def assert_repaired(payments, ids: dict[str, str], provider_url: str) -> None:
    (paid,) = [p for p in fake_payouts(provider_url)["payouts"] if p["reference"] == f"{ids['paid']}-0"]
    assert paid["status"] == SUCCEEDED
    assert payments.functions.statusOf(ids["paid"]).call() == SETTLED
    (event,) = payments.events.PaymentSettled().get_logs(from_block=0, argument_filters={"id": ids["paid"]})
    assert event["args"]["providerReference"] == to_bytes32(paid["id"])
    # Nothing else was settled or failed by the repair.
    assert payments.functions.statusOf(ids["other_amount"]).call() == AUTHORIZED


def test_the_command_reports_each_kind_of_mismatch_and_repairs_only_the_paid_but_unsettled_payment(scene):
    env, ids, _w3, payments, provider_url = scene
    code, report = command(env)
    assert code == 1
    assert_reported(report, ids, repaired=False)
    assert payments.functions.statusOf(ids["paid"]).call() == AUTHORIZED  # reporting changes nothing

    code, report = command(env, "--repair")
    assert code == 1  # mismatches a person must look at remain
    assert_reported(report, ids, repaired=True)
    assert_repaired(payments, ids, provider_url)

    _code, report = command(env)
    assert ids["paid"] not in by_instruction(report)
    assert sorted(kind for kind, _ in sum(by_instruction(report).values(), [])) == sorted(
        kind for name, kind in KINDS.items() if name != "paid"
    )


def test_the_endpoints_report_each_kind_of_mismatch_and_the_treasury_alone_repairs(scene, token):
    env, ids, _w3, payments, provider_url = scene
    with TestClient(create_app(settings_from_env(env))) as client:
        answer = client.get("/payments/reconciliation", headers=token("AUDITOR"))
        assert answer.status_code == 200
        assert_reported(answer.json(), ids, repaired=False)

        refused = client.post("/payments/reconciliation/repair", headers=token("AUDITOR"))
        assert refused.status_code == 403 and refused.json()["code"] == "forbidden_role"
        assert payments.functions.statusOf(ids["paid"]).call() == AUTHORIZED

        answer = client.post("/payments/reconciliation/repair", headers=token("TREASURY"))
        assert answer.status_code == 200
        assert_reported(answer.json(), ids, repaired=True)
        assert_repaired(payments, ids, provider_url)

        again = client.get("/payments/reconciliation", headers=token("TREASURY")).json()
        assert ids["paid"] not in by_instruction(again) and len(again["mismatches"]) == 3
        attempts = client.get(f"/payments/instructions/{ids['paid']}", headers=token("AUDITOR")).json()[
            "attempts"
        ]
        assert attempts[0]["state"] == "settled" and attempts[0]["steps"][-1]["detail"]["reconciled"] is True
