"""Payout accounts under four eyes (docs/decisions/0020-payout-accounts-four-eyes.md): a change of a
payee's account is a proposal by one treasury official, approved by ANOTHER, effective only after
the cooling-off (a payee's first account at once), notified to the payee, and kept in an
append-only history that auditors read with the numbers masked. Each test is what a treasury
insider would try, alone."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from app.db.migrate import upgrade
from app.db.session import make_engine, make_session_factory
from app.keyring.keyring import keyring_for
from app.main import create_app
from app.payments.accounts import AccountDetails, AccountRefused, Official, account_in_force, decide
from app.payments.accounts import propose as propose_version
from app.payments.models import APPROVED
from tests.support.notifier import notifier
from tests.support.postgres import postgres_bin, postgres_server

PROBLEM = "application/problem+json"
OLD, NEW = "002101000123456", "009988776655"
ALICE, BUDI, CITRA = ("0x" + d * 40 for d in "123")  # the officials' own accounts


def account(number: str = OLD, holder: str = "CV Maju Jaya") -> dict:
    return {"channelCode": "ID_BRI", "accountNumber": number, "accountHolderName": holder}


@pytest.fixture()
def payee_key() -> str:
    return "0x" + secrets.token_hex(32)


@pytest.fixture()
def officials(token) -> dict:
    return {
        "alice": token("TREASURY", sub="bendahara-alice", officer=ALICE),
        "budi": token("TREASURY", sub="bendahara-budi", officer=BUDI),
        "citra": token("TREASURY", sub="bendahara-citra", officer=CITRA),
    }


def propose(client, payee_key, who, number=OLD) -> dict:
    answer = client.post(f"/payments/accounts/{payee_key}/versions", json=account(number), headers=who)
    assert answer.status_code == 201, answer.text
    return answer.json()


def act(client, payee_key, version, what, who, reason=None):
    body = {"reason": reason} if reason else None
    return client.post(f"/payments/accounts/{payee_key}/versions/{version}/{what}", json=body, headers=who)


def in_force(client, payee_key, who) -> dict | None:
    answer = client.get(f"/payments/accounts/{payee_key}", headers=who)
    return answer.json() if answer.status_code == 200 else None


def first_account(client, payee_key, officials) -> None:
    propose(client, payee_key, officials["alice"])
    assert act(client, payee_key, 1, "approval", officials["budi"]).status_code == 200


def refused(answer, status: int, code: str) -> None:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith(PROBLEM)
    assert answer.json()["code"] == code


def test_one_official_cannot_approve_its_own_proposal(client, officials, payee_key):
    propose(client, payee_key, officials["alice"])
    refused(act(client, payee_key, 1, "approval", officials["alice"]), 403, "account_same_official")
    assert in_force(client, payee_key, officials["alice"]) is None  # nothing to pay to


def test_two_tokens_of_one_official_are_one_official(client, token, officials, payee_key):
    propose(client, payee_key, officials["alice"])
    same_officer = token("TREASURY", sub="alice-second-login", officer=ALICE)
    same_subject = token("TREASURY", sub="bendahara-alice", officer=CITRA)
    for other_token in (same_officer, same_subject):
        refused(act(client, payee_key, 1, "approval", other_token), 403, "account_same_official")
    assert in_force(client, payee_key, officials["budi"]) is None


def test_an_official_is_named_by_its_token_or_acts_not(client, token, officials, payee_key):
    anonymous = token("TREASURY", sub="bendahara-tanpa-akun", officer=False)
    answer = client.post(f"/payments/accounts/{payee_key}/versions", json=account(), headers=anonymous)
    refused(answer, 403, "officer_claim_missing")
    propose(client, payee_key, officials["alice"])
    refused(act(client, payee_key, 1, "approval", anonymous), 403, "officer_claim_missing")


def test_a_first_account_needs_a_second_official_and_is_in_force_on_approval(client, officials, payee_key):
    proposed = propose(client, payee_key, officials["alice"])
    assert proposed["status"] == "proposed" and proposed["proposedBy"] == ALICE
    assert in_force(client, payee_key, officials["budi"]) is None
    approved = act(client, payee_key, 1, "approval", officials["budi"]).json()
    assert approved["status"] == "in_force" and approved["decidedBy"] == BUDI
    assert approved["effectiveFrom"] == approved["decidedAt"]  # a first account: no cooling-off
    now = in_force(client, payee_key, officials["citra"])
    assert now["version"] == 1 and now["accountNumber"].endswith(OLD[-4:])


def test_an_approved_change_pays_the_old_account_until_the_cooling_off_ends(
    client, officials, payee_key, settings
):
    first_account(client, payee_key, officials)
    propose(client, payee_key, officials["citra"], NEW)
    approved = act(client, payee_key, 2, "approval", officials["alice"]).json()
    assert approved["status"] == "cooling_off"
    decided, effective = (datetime.fromisoformat(approved[k]) for k in ("decidedAt", "effectiveFrom"))
    assert effective - decided == timedelta(seconds=settings.payout_account_cooling_off_seconds)
    assert settings.payout_account_cooling_off_seconds == 72 * 3600  # the default
    now = in_force(client, payee_key, officials["budi"])
    assert (now["version"], now["accountNumber"][-4:]) == (1, OLD[-4:])
    # What the bridge opens to pay, just before and just after the cooling-off:
    sessions = make_session_factory(make_engine(settings.database_url))
    with sessions() as session:
        keyring = keyring_for(settings)
        before = account_in_force(session, keyring, payee_key, effective - timedelta(seconds=1))
        after = account_in_force(session, keyring, payee_key, effective)
    assert (before.version, before.details.accountNumber) == (1, OLD)
    assert (after.version, after.details.accountNumber) == (2, NEW)


def test_one_official_can_stop_a_change_during_its_cooling_off(client, officials, payee_key, settings):
    first_account(client, payee_key, officials)
    propose(client, payee_key, officials["citra"], NEW)
    approved = act(client, payee_key, 2, "approval", officials["alice"]).json()
    revoked = act(client, payee_key, 2, "revocation", officials["budi"], "payee did not ask for it")
    assert revoked.status_code == 200 and revoked.json()["status"] == "revoked"
    assert revoked.json()["revokedBy"] == BUDI
    refused(act(client, payee_key, 2, "revocation", officials["citra"]), 409, "account_not_revocable")
    sessions = make_session_factory(make_engine(settings.database_url))
    with sessions() as session:
        later = datetime.fromisoformat(approved["effectiveFrom"]) + timedelta(days=30)
        assert account_in_force(session, keyring_for(settings), payee_key, later).version == 1
    # An account in force cannot be "revoked" into nothing by one official.
    refused(act(client, payee_key, 1, "revocation", officials["citra"]), 409, "account_not_revocable")


def test_a_proposal_is_decided_once_and_only_its_proposer_withdraws_it(client, officials, payee_key):
    first_account(client, payee_key, officials)
    propose(client, payee_key, officials["alice"], NEW)
    refused(
        client.post(
            f"/payments/accounts/{payee_key}/versions", json=account("1111222233"), headers=officials["budi"]
        ),
        409,
        "account_change_pending",
    )
    refused(act(client, payee_key, 2, "withdrawal", officials["budi"]), 403, "account_not_proposer")
    rejected = act(client, payee_key, 2, "rejection", officials["budi"], "nomor tidak cocok dengan KTP")
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    refused(act(client, payee_key, 2, "approval", officials["citra"]), 409, "account_already_decided")
    propose(client, payee_key, officials["alice"], NEW)  # version 3
    withdrawn = act(client, payee_key, 3, "withdrawal", officials["alice"])
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    refused(act(client, payee_key, 9, "approval", officials["budi"]), 404, "not_found")
    assert in_force(client, payee_key, officials["citra"])["version"] == 1


def test_the_old_put_only_proposes(client, officials, payee_key):
    answer = client.put(f"/payments/accounts/{payee_key}", json=account(), headers=officials["alice"])
    assert answer.status_code == 202 and answer.json()["status"] == "proposed"
    assert in_force(client, payee_key, officials["alice"]) is None
    assert act(client, payee_key, 1, "approval", officials["budi"]).status_code == 200
    assert in_force(client, payee_key, officials["alice"])["version"] == 1


def test_auditors_read_the_history_masked_with_who_proposed_and_approved(client, token, officials, payee_key):
    first_account(client, payee_key, officials)
    propose(client, payee_key, officials["citra"], NEW)
    act(client, payee_key, 2, "approval", officials["alice"])
    answer = client.get(f"/payments/accounts/{payee_key}/history", headers=token("AUDITOR", sub="bpk"))
    assert answer.status_code == 200, answer.text
    history = answer.json()
    assert history["versionInForce"] == 1
    assert [(v["version"], v["status"], v["proposedBy"], v["decidedBy"]) for v in history["versions"]] == [
        (2, "cooling_off", CITRA, ALICE),
        (1, "in_force", ALICE, BUDI),
    ]
    assert [v["accountNumber"] for v in history["versions"]] == ["*" * 8 + NEW[-4:], "*" * 11 + OLD[-4:]]
    assert OLD not in answer.text and NEW not in answer.text and "CV Maju Jaya" not in answer.text
    for role in ("AGENCY_OFFICER", "WELFARE_ADMIN", "VERIFIER"):
        refused(
            client.get(f"/payments/accounts/{payee_key}/history", headers=token(role, agency=1001)),
            403,
            "forbidden_role",
        )
    for what in ("versions", "versions/2/approval"):  # an auditor reads, never acts
        auditor = token("AUDITOR", sub="bpk", officer=CITRA)
        refused(
            client.post(f"/payments/accounts/{payee_key}/{what}", json=account(), headers=auditor),
            403,
            "forbidden_role",
        )


def test_the_payee_is_notified_of_each_step_without_its_number(settings, officials, payee_key):
    with notifier() as inbox:
        app = create_app(settings.model_copy(update={"payee_notifier_url": inbox.url}))
        with TestClient(app) as client:
            first_account(client, payee_key, officials)
            propose(client, payee_key, officials["citra"], NEW)
            approved = act(client, payee_key, 2, "approval", officials["alice"]).json()
            history = client.get(f"/payments/accounts/{payee_key}/history", headers=officials["budi"]).json()
    assert inbox.events(payee_key) == [(1, "proposed"), (1, "approved"), (2, "proposed"), (2, "approved")]
    last = [n for n in inbox.received if n["payeeKey"] == payee_key][-1]
    assert last["effectiveFrom"] == approved["effectiveFrom"] and last["accountNumber"].endswith(NEW[-4:])
    assert NEW not in str(inbox.received) and "CV Maju Jaya" not in str(inbox.received)
    assert all(n["delivered"] for n in history["notices"]) and len(history["notices"]) == 4


def test_a_notice_the_notifier_refuses_waits_and_is_shown_undelivered(settings, officials, payee_key):
    with notifier() as inbox:
        inbox.refuse = True
        app = create_app(settings.model_copy(update={"payee_notifier_url": inbox.url}))
        with TestClient(app) as client:
            propose(client, payee_key, officials["alice"])
            history = client.get(f"/payments/accounts/{payee_key}/history", headers=officials["budi"]).json()
            assert history["notices"][0]["delivered"] is False
            assert history["notices"][0]["lastError"] == "notifier answered 503"
            inbox.refuse = False
            act(client, payee_key, 1, "approval", officials["budi"])  # delivers what waited, too
    assert inbox.events(payee_key) == [(1, "proposed"), (1, "approved")]


def test_the_database_refuses_to_rewrite_or_delete_the_history(client, officials, payee_key, settings):
    first_account(client, payee_key, officials)
    engine = make_engine(settings.database_url)
    try:
        assert_history_append_only(engine, payee_key)
    finally:
        engine.dispose()


def assert_history_append_only(engine, payee_key: str) -> None:
    """Every way an insider with the database would rewrite the history fails; re-sealing the
    sealed text (key rotation) does not."""
    key = {"k": payee_key}
    attempts = [
        "UPDATE payout_account_versions SET masked_number = '******9999' WHERE payee_key = :k",
        "UPDATE payout_account_versions SET proposed_officer = 'x' WHERE payee_key = :k",
        "DELETE FROM payout_account_versions WHERE payee_key = :k",
        "UPDATE payout_account_decisions SET decided_officer = 'x' WHERE version_id IN "
        "(SELECT id FROM payout_account_versions WHERE payee_key = :k)",
        "UPDATE payout_account_decisions SET effective_at = NULL WHERE version_id IN "
        "(SELECT id FROM payout_account_versions WHERE payee_key = :k)",
        "DELETE FROM payout_account_decisions WHERE version_id IN "
        "(SELECT id FROM payout_account_versions WHERE payee_key = :k)",
    ]
    for statement in attempts:
        with pytest.raises(Exception, match="append-only"), engine.begin() as connection:
            connection.execute(text(statement), key)
    with engine.begin() as connection:  # what rotation does: the same value, sealed again
        changed = connection.execute(
            text("UPDATE payout_account_versions SET ciphertext = ciphertext WHERE payee_key = :k"), key
        ).rowcount
    assert changed == 1
    # Nor can an insider approve a version as its own proposer, writing the row directly.
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO payout_account_versions (payee_key, version, ciphertext, channel_code, "
                "masked_number, proposed_by, proposed_officer, proposed_at) VALUES (:k, 99, 'x', "
                "'ID_BRI', '****1234', 'sub:insider', :o, CURRENT_TIMESTAMP)"
            ),
            {**key, "o": ALICE},
        )
    for by, officer in (("sub:insider", CITRA), ("sub:other", ALICE)):
        with pytest.raises(Exception, match="approved by its proposer"), engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO payout_account_decisions (version_id, stage, decision, decided_by, "
                    "decided_officer, decided_at) SELECT id, 'decision', 'approved', :by, :o, "
                    "CURRENT_TIMESTAMP FROM payout_account_versions WHERE payee_key = :k AND version = 99"
                ),
                {**key, "by": by, "o": officer},
            )


def test_the_explorer_shows_who_proposed_and_approved_each_version_and_from_when_in_wib(
    client, officials, payee_key
):
    first_account(client, payee_key, officials)
    propose(client, payee_key, officials["citra"], NEW)
    approved = act(client, payee_key, 2, "approval", officials["alice"]).json()
    page = client.get(f"/explorer/payees/{payee_key}/accounts?lang=id")
    assert page.status_code == 200, page.text
    html = page.text
    assert "Riwayat rekening pembayaran" in html and "masa tenggang" in html and "berlaku" in html
    for official in (ALICE, BUDI, CITRA):
        assert official in html
    effective = datetime.fromisoformat(approved["effectiveFrom"]) + timedelta(hours=7)
    assert effective.strftime("%Y-%m-%d %H:%M:%S WIB") in html
    assert "*" * 8 + NEW[-4:] in html and NEW not in html and OLD not in html and "CV Maju Jaya" not in html
    english = client.get(f"/explorer/payees/{payee_key}/accounts?lang=en").text
    assert "Payout account history" in english and "cooling off" in english
    assert client.get(f"/explorer/payees/{'0x' + 'ab' * 32}/accounts").status_code == 404
    assert client.get("/explorer/payees/0x1234/accounts").status_code == 404


def test_in_production_no_account_act_without_a_notifier_to_tell_the_payee(settings, officials, payee_key):
    app = create_app(settings)
    with TestClient(app) as client:
        # As the routes see a production deployment whose notifier is unset (the gateway itself
        # would not start here: this test's other settings are development values).
        app.state.settings = settings.model_copy(
            update={"environment": "production", "payee_notifier_url": None}
        )
        answer = client.post(
            f"/payments/accounts/{payee_key}/versions", json=account(), headers=officials["alice"]
        )
    refused(answer, 503, "payee_notifier_unconfigured")


@pytest.mark.skipif(postgres_bin() is None, reason="PostgreSQL is not installed (Debian package postgresql)")
def test_postgresql_refuses_to_rewrite_or_delete_the_history_too(settings, payee_key):
    with postgres_server() as url:
        upgrade(url)
        engine = make_engine(url)
        sessions = make_session_factory(engine)
        keyring = keyring_for(settings)
        alice, budi = Official("sub:bendahara-alice", ALICE), Official("sub:bendahara-budi", BUDI)
        try:
            with sessions.begin() as session:
                details = AccountDetails(**account())
                propose_version(session, keyring, payee_key, details, alice)
                with pytest.raises(AccountRefused):  # the gateway's own check, before the trigger's
                    decide(session, payee_key, 1, APPROVED, alice, timedelta(hours=72))
                decide(session, payee_key, 1, APPROVED, budi, timedelta(hours=72))
            assert_history_append_only(engine, payee_key)
            with sessions() as session:  # and the account still opens, in force
                assert account_in_force(session, keyring, payee_key).details.accountNumber == OLD
        finally:
            engine.dispose()
