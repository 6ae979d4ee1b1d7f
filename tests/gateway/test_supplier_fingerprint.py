"""A supplier's NIB and NPWP never rest off chain in a form that can be recomputed without the
operator's identity key: the idempotency record of a registration fingerprints their keyed hashes
(HMAC with TERANG_IDENTITY_HMAC_KEY), not the body. A plain SHA-256 of the body would be reversed by
enumerating the small NIB and NPWP spaces (the other fields are public on chain)."""

from __future__ import annotations

import uuid

from eth_account import Account
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import create_engine, select
from web3 import Web3

from app.config import LOCAL_ONLY_HMAC_KEY
from app.ledger import idempotency
from app.ledger.models import IdempotencyRecord
from app.main import create_app
from app.protocol.identity import keyed_hash

OPERATOR_KEY = "operator-identity-key-" + uuid.uuid4().hex
NIB, NPWP = f"91200{uuid.uuid4().int % 10**8:08d}", "01.234.567.8-901.000"


def keyed_body(body: dict, key: str) -> dict:
    return {
        "account": body["account"],
        "umkm": body["umkm"],
        "regionCode": body["regionCode"],
        "nibHash": Web3.to_hex(keyed_hash(key.encode(), "nib", body["nib"])),
        "npwpHash": Web3.to_hex(keyed_hash(key.encode(), "npwp", body["npwp"])),
    }


def test_a_registrations_idempotency_fingerprint_is_keyed(settings, token):
    configured = settings.model_copy(
        update={"identity_hmac_key": SecretStr(OPERATOR_KEY), "indexer_enabled": False}
    )
    body = {"account": Account.create().address, "nib": NIB, "npwp": NPWP, "umkm": True, "regionCode": 6302}
    idempotency_key = str(uuid.uuid4())
    with TestClient(create_app(configured)) as client:
        headers = {**token("AGENCY_OFFICER", agency=1001), "Idempotency-Key": idempotency_key}
        created = client.post("/suppliers", json=body, headers=headers)
        assert created.status_code == 201, created.text
        # the retry still recognises the same registration (and refuses another under the key)
        assert client.post("/suppliers", json=body, headers=headers).headers["Idempotent-Replayed"] == "true"
        other = {**body, "nib": f"91200{uuid.uuid4().int % 10**8:08d}"}
        assert (
            client.post("/suppliers", json=other, headers=headers).json()["code"] == "idempotency_key_reused"
        )

    engine = create_engine(settings.database_url)
    with engine.connect() as connection:
        record = connection.execute(
            select(IdempotencyRecord.__table__).where(IdempotencyRecord.key == idempotency_key)
        ).one()
    engine.dispose()
    stored = record.fingerprint
    assert stored != idempotency.fingerprint("POST", "/suppliers", body)  # not SHA-256 of the body
    normalised = {**body, "npwp": NPWP.replace(".", "").replace("-", "")}
    assert stored != idempotency.fingerprint("POST", "/suppliers", normalised)
    # Without the operator's key (here: guessing the public development key) it cannot be recomputed
    guessed = idempotency.fingerprint("POST", "/suppliers", keyed_body(body, LOCAL_ONLY_HMAC_KEY))
    assert stored != guessed
    # With it, it is exactly the fingerprint of the keyed hashes: the digits enter only through the key
    assert stored == idempotency.fingerprint("POST", "/suppliers", keyed_body(body, OPERATOR_KEY))
    row = " ".join(str(value) for value in record)
    assert NIB not in row and "012345678901000" not in row and NPWP not in row
