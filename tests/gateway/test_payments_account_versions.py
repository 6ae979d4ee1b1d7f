"""Each payout goes to the payee's account IN FORCE when it is sent, records that version, and
reconciliation checks it (docs/decisions/0020-payout-accounts-four-eyes.md). On a chain, a bridge
and a fake provider of this test's own:

- a change approved by a second official but still in its cooling-off does not move the money:
  the payout goes to the OLD account, and records version 1;
- reconciliation flags a payout recorded against a version that was not the one in force when it
  was sent: a proposal no second official approved (`account_not_approved`), an approved change
  still cooling off (`account_not_effective`), a version another had superseded
  (`account_not_in_force`); a payout to the account in force is not flagged."""

from __future__ import annotations

import time
from datetime import timedelta

from app.db.migrate import upgrade
from app.db.session import make_engine, make_session_factory
from app.keyring.keyring import keyring_for
from app.ledger.client import connect
from app.payments.accounts import AccountDetails, Official, decide, propose
from app.payments.bridge import build_bridge
from app.payments.ledger import SETTLED
from app.payments.models import APPROVED, PaymentOutbox
from app.payments.reconcile import reconcile
from app.protocol.manifest import load_manifest
from tests.support.payments import (
    authorize_many,
    bridge_env,
    deploy_source,
    fake_payouts,
    fake_provider,
    own_chain,
    payee,
    settings_from_env,
    web3_for,
)

ALICE = Official("sub:bendahara-alice", "0x" + "1" * 40)
BUDI = Official("sub:bendahara-budi", "0x" + "2" * 40)
COOLING_OFF = timedelta(hours=72)
NOW = timedelta(0)


def details(number: str) -> AccountDetails:
    return AccountDetails(channelCode="ID_BRI", accountNumber=number, accountHolderName="CV Sinar")


def change(sessions, keyring, payee_key: str, number: str, cooling_off=COOLING_OFF, approve=True) -> int:
    """Alice proposes, Budi approves (unless `approve` is False): the version's number."""
    with sessions.begin() as session:
        version = propose(session, keyring, payee_key, details(number), ALICE).version
        if approve:
            decide(session, payee_key, version, APPROVED, BUDI, cooling_off)
    return version


def test_a_payout_goes_to_the_account_in_force_and_reconciliation_checks_its_version(tmp_path, issuer_dir):
    with own_chain(tmp_path) as chain, fake_provider(None, {"complete_max_seconds": 0.1}) as provider_url:
        w3 = web3_for(chain[0])
        manifest = load_manifest(chain[1] / "31337.json")
        source, payments = deploy_source(w3, manifest)
        database = f"sqlite:///{tmp_path / 'bridge.db'}"
        upgrade(database)
        settings = settings_from_env(
            bridge_env(chain, database, issuer_dir, payments_provider_url=provider_url)
        )
        sessions = make_session_factory(make_engine(database))
        keyring = keyring_for(settings)
        names = ("cooling", "proposal", "early", "superseded", "clean")
        payees = {name: payee(f"versions-{name}") for name in names}
        for i, key in enumerate(payees.values()):  # each payee's first account: in force at once
            change(sessions, keyring, key, f"110000000{i}")
        # The change that must not move the money yet: approved, cooling off for 72 h.
        assert change(sessions, keyring, payees["cooling"], "9900000001") == 2
        ids = dict(
            zip(
                names,
                authorize_many(w3, source, payments, list(payees.values()), [1_000_000] * 5, 1),
                strict=True,
            )
        )
        bridge = build_bridge(settings, connect(settings), sessions)
        try:
            deadline = time.monotonic() + 90
            while any(payments.functions.statusOf(i).call() != SETTLED for i in ids.values()):
                assert time.monotonic() < deadline, "the bridge did not pay in time"
                if not bridge.step():
                    time.sleep(0.1)
            payouts = {p["reference"]: p for p in fake_payouts(provider_url)["payouts"]}
            assert payouts[f"{ids['cooling']}-0"]["accountNumber"] == "1100000000"  # the OLD account
            with sessions() as session:
                rows = {r.instruction_id: r for r in session.query(PaymentOutbox)}
            assert {rows[i].account_version for i in ids.values()} == {1}
            clean = reconcile(sessions, bridge.ledger, bridge.provider, 1, full=True)
            assert clean.mismatches == [], clean.mismatches

            # Now the records say otherwise, as they would had the bridge paid elsewhere:
            pending = change(sessions, keyring, payees["proposal"], "9900000002", approve=False)
            cooling = change(sessions, keyring, payees["early"], "9900000003")
            change(sessions, keyring, payees["superseded"], "9900000004", cooling_off=NOW)
            with sessions.begin() as session:
                for name, version in (("proposal", pending), ("early", cooling), ("cooling", 2)):
                    session.get(PaymentOutbox, rows[ids[name]].id).account_version = version
                # sent (by its record) after version 2 superseded version 1, yet to version 1
                row = session.get(PaymentOutbox, rows[ids["superseded"]].id)
                row.requested_at = row.requested_at + timedelta(minutes=5)
            report = reconcile(sessions, bridge.ledger, bridge.provider, 1, full=True)
        finally:
            bridge.close()
    flagged = {(m.instructionId, m.kind) for m in report.mismatches}
    assert flagged == {
        (ids["proposal"], "account_not_approved"),
        (ids["early"], "account_not_effective"),
        (ids["cooling"], "account_not_effective"),
        (ids["superseded"], "account_not_in_force"),
    }
    assert not any(m.repaired for m in report.mismatches)
