"""The payment bridge inside the gateway process (TERANG_PAYMENTS_BRIDGE_ENABLED=true,
app/payments/runtime.py): one `python -m app` registers the payout accounts over REST (proposed
by one treasury official, approved by a second), receives the
provider's callbacks, and pays and settles on chain, end to end, a supplier's instruction and a
welfare batch. Status checks are set to 30 s, so the payments finish on the callbacks."""

from __future__ import annotations

import time

import httpx
from sqlalchemy import select

from app.db.migrate import upgrade
from app.db.session import make_engine, make_session_factory
from app.payments.ledger import SETTLED
from app.payments.models import PaymentCallback, PaymentLine
from app.protocol.manifest import load_manifest
from tests.support.gateway_process import gateway_process
from tests.support.payments import (
    authorize_many,
    beneficiary,
    bridge_env,
    deploy_source,
    disburse_welfare_batch,
    fake_payouts,
    fake_provider,
    own_chain,
    payee,
    web3_for,
)
from toolchain.run_local import free_port


def test_the_gateway_with_the_bridge_enabled_pays_and_settles_an_instruction_and_a_batch(
    tmp_path, issuer_dir, token
):
    database = f"sqlite:///{tmp_path / 'gateway.db'}"
    upgrade(database)
    provider_port = free_port()
    with own_chain(tmp_path) as chain:
        w3 = web3_for(chain[0])
        manifest = load_manifest(chain[1] / "31337.json")
        source, payments = deploy_source(w3, manifest)
        env = bridge_env(
            chain,
            database,
            issuer_dir,
            payments_bridge_enabled="true",
            payments_provider_url=f"http://127.0.0.1:{provider_port}",
            payments_status_check_seconds="30",
        )
        with (
            gateway_process(env, tmp_path / "gateway.log") as (gateway, _process),
            fake_provider(
                gateway, {"complete_max_seconds": 0.2}, tmp_path / "provider.log", port=provider_port
            ) as provider,
            httpx.Client(base_url=gateway, timeout=30) as api,
        ):
            supplier = payee("in-gateway-supplier")
            treasury = token("TREASURY", sub="bendahara-gateway", officer="0x" + "1" * 40)
            second = token("TREASURY", sub="bendahara-gateway-2", officer="0x" + "2" * 40)

            def approve(key: str) -> None:  # a second official approves each first account
                answer = api.post(f"/payments/accounts/{key}/versions/1/approval", headers=second)
                assert answer.status_code == 200, answer.text

            answer = api.put(
                f"/payments/accounts/{supplier}",
                json={
                    "channelCode": "ID_BCA",
                    "accountNumber": "1234567890",
                    "accountHolderName": "CV Sinar",
                },
                headers=treasury,
            )
            assert answer.status_code == 202, answer.text
            approve(supplier)
            # The families' accounts are in force before their batch is paid (two officials each).
            batch_payees = [beneficiary(n) for n in (501, 502, 503)]
            for i, key in enumerate(batch_payees):
                answer = api.put(
                    f"/payments/accounts/{key}",
                    json={
                        "channelCode": "ID_BRI",
                        "accountNumber": f"3300{i:06d}",
                        "accountHolderName": f"KPM {i}",
                    },
                    headers=treasury,
                )
                assert answer.status_code == 202, answer.text
                approve(key)
            batch = disburse_welfare_batch(w3, manifest, [501, 502, 503], name="PKH gateway")
            assert sorted(key for _, key, _ in batch["lines"]) == sorted(batch_payees)
            (instruction,) = authorize_many(w3, source, payments, [supplier], [12_500_000], 7)

            deadline = time.monotonic() + 90
            ids = (instruction, batch["id"])
            while any(payments.functions.statusOf(i).call() != SETTLED for i in ids):
                assert time.monotonic() < deadline, "not settled within 90 s; see gateway.log"
                time.sleep(0.3)
            views = {}
            while time.monotonic() < deadline:  # the outbox catches up with the chain
                views = {
                    i: api.get(f"/payments/instructions/{i}", headers=token("AUDITOR")).json() for i in ids
                }
                if all(v["attempts"][0]["state"] == "settled" for v in views.values()):
                    break
                time.sleep(0.2)
            payouts = fake_payouts(provider)["payouts"]

    single = views[instruction]["attempts"][0]
    assert [step["state"] for step in single["steps"]] == [
        "new",
        "requesting",
        "pending",
        "settling",
        "settled",
    ]
    (paid,) = [p for p in payouts if p["reference"] == f"{instruction}-0"]
    assert paid["status"] == "SUCCEEDED" and paid["amount"] == 12_500_000
    assert single["providerReference"] == paid["id"]
    assert views[batch["id"]]["lines"] == {"total": 3, "paid": 3}
    line_payouts = [p for p in payouts if p["reference"].startswith(batch["id"] + "-L")]
    assert sorted(p["amount"] for p in line_payouts) == sorted(amount for *_, amount in batch["lines"])
    assert all(p["status"] == "SUCCEEDED" for p in line_payouts) and len(line_payouts) == 3
    # The callbacks reached the gateway and were matched to the payout and to each line.
    sessions = make_session_factory(make_engine(database))
    with sessions() as session:
        called_back = set(session.execute(select(PaymentCallback.provider_ref)).scalars())
        lines = list(session.execute(select(PaymentLine)).scalars())
    assert {paid["id"], *(p["id"] for p in line_payouts)} <= called_back
    assert all(line.callback_at is not None and line.state == "paid" for line in lines)
