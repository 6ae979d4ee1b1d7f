"""Provider callbacks reach the gateway unauthenticated by bearer tokens: they must carry the
provider's token (Xendit-like) or signature (Iris-like). Forged, tampered and replayed callbacks
change nothing, and what is logged about them never includes the token or signature."""

from __future__ import annotations

import json
import logging
import secrets

import pytest
from sqlalchemy import select

from app.config import Settings
from app.db.session import make_engine, make_session_factory
from app.payments.models import PaymentCallback, PaymentOutbox
from app.payments.providers.base import CallbackRefused
from app.payments.providers.iris import IrisProvider, iris_signature

CALLBACKS = "terang.payments.callbacks"


def xendit_callback(status="SUCCEEDED", amount=1_000_000, reference=None, key=None) -> bytes:
    data = {
        "id": reference or f"disb-{secrets.token_hex(6)}",
        "reference_id": key or f"0x{'ab' * 32}-0",
        "amount": amount,
        "status": status,
    }
    return json.dumps({"event": f"payout.{status.lower()}", "data": data}).encode()


def post(client, body: bytes, token: str | None, provider="xendit"):
    headers = {"Content-Type": "application/json", **({"x-callback-token": token} if token else {})}
    return client.post(f"/payments/callbacks/{provider}", content=body, headers=headers)


@pytest.fixture()
def callback_token(settings) -> str:
    return settings.xendit_callback_token.get_secret_value()


@pytest.fixture()
def sessions(settings):
    return make_session_factory(make_engine(settings.database_url))


def test_a_callback_with_a_forged_token_is_refused_and_the_token_is_not_logged(client, caplog):
    caplog.set_level(logging.INFO, logger=CALLBACKS)
    forged = "forged-" + secrets.token_hex(8)
    response = post(client, xendit_callback(), forged)
    assert response.status_code == 401
    assert "refused" in caplog.text
    assert forged not in caplog.text


def test_a_callback_without_a_token_is_refused(client):
    assert post(client, xendit_callback(), None).status_code == 401


def test_a_genuine_callback_is_stored_once_and_its_replay_is_not_acted_on(
    client, callback_token, sessions, caplog
):
    caplog.set_level(logging.INFO, logger=CALLBACKS)
    reference = f"disb-{secrets.token_hex(6)}"
    body = xendit_callback(reference=reference)
    first, replay = post(client, body, callback_token), post(client, body, callback_token)
    assert (first.status_code, first.json()["received"]) == (200, "accepted")
    assert (replay.status_code, replay.json()["received"]) == (200, "duplicate")
    with sessions() as session:
        stored = session.execute(
            select(PaymentCallback).where(PaymentCallback.provider_ref == reference)
        ).all()
    assert len(stored) == 1
    assert "not acted on" in caplog.text
    assert callback_token not in caplog.text


def test_a_callback_whose_amount_differs_from_the_instruction_is_refused(client, callback_token, sessions):
    instruction_id = "0x" + secrets.token_hex(32)
    with sessions.begin() as session:
        session.add(
            PaymentOutbox(
                instruction_id=instruction_id,
                attempt=0,
                source="0x" + "11" * 20,
                payee_key="0x" + "22" * 32,
                purpose=0,
                amount=5_000_000,
                block_number=1,
                authorized_tx="0x" + "33" * 32,
                state="pending",
                requests=1,
            )
        )
    tampered = xendit_callback(amount=50_000_000, key=f"{instruction_id}-0")
    response = post(client, tampered, callback_token)
    assert response.status_code == 422
    with sessions() as session:
        row = session.execute(
            select(PaymentOutbox).where(PaymentOutbox.instruction_id == instruction_id)
        ).scalar_one()
    assert row.callback_at is None and row.state == "pending"


def test_a_callback_for_a_provider_the_gateway_does_not_use_is_not_found(client):
    assert post(client, b"{}", None, provider="iris").status_code == 404


def iris(merchant_key="merchant-key") -> IrisProvider:
    return IrisProvider(
        "http://127.0.0.1:9", creator_key="c", approver_key="a", merchant_key=merchant_key, timeout=1
    )


def test_an_iris_callback_is_accepted_with_the_sha512_signature_of_its_body():
    body = json.dumps({"reference_no": "iris-1", "amount": "10000.00", "status": "completed"}).encode()
    notice = iris().verify_callback({"iris-signature": iris_signature(body, "merchant-key")}, body)
    assert (notice.reference, notice.status, notice.amount) == ("iris-1", "SUCCEEDED", 10_000)


def test_a_tampered_iris_callback_fails_its_signature():
    body = json.dumps({"reference_no": "iris-1", "amount": "10000.00", "status": "completed"}).encode()
    signature = iris_signature(body, "merchant-key")
    with pytest.raises(CallbackRefused):
        iris().verify_callback({"iris-signature": signature}, body.replace(b"10000.00", b"99999.00"))


def test_an_iris_callback_signed_with_another_key_is_refused():
    body = json.dumps({"reference_no": "iris-1", "amount": "10000.00", "status": "failed"}).encode()
    with pytest.raises(CallbackRefused):
        iris().verify_callback({"iris-signature": iris_signature(body, "someone-else")}, body)


def test_production_refuses_the_development_payout_account_key():
    with pytest.raises(ValueError, match="PAYOUT_ACCOUNT_KEY"):
        Settings(
            environment="production",
            identity_hmac_key="a-real-secret",
            jwks_url="https://sso.example.go.id/jwks",
            jwt_issuer="https://sso.example.go.id",
        )
