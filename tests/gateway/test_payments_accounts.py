"""Payout accounts (PUT/GET /payments/accounts/{payeeKey}): where the bridge pays a payee key.
Only the treasury registers and reads them (a PUT proposes, a second treasury official approves:
tests/gateway/test_payments_four_eyes.py); the API never shows more than the last four digits of
an account number; the database holds them only encrypted, bound to their payee key; malformed
input is a 422 problem, never stored."""

from __future__ import annotations

import secrets

import pytest
from sqlalchemy import text

from app.db.session import make_engine
from app.keyring.keyring import keyring_for
from app.keyring.sealing import SealError

PROBLEM = "application/problem+json"
NUMBER = "002101000123456"
HOLDER = "Siti Rahmawati"


def account(number: str = NUMBER, holder: str = HOLDER, channel: str = "ID_BRI") -> dict:
    return {"channelCode": channel, "accountNumber": number, "accountHolderName": holder}


@pytest.fixture()
def payee_key() -> str:
    return "0x" + secrets.token_hex(32)


@pytest.fixture()
def treasury(token) -> dict:
    return token("TREASURY", sub="bendahara-1", officer="0x" + "1" * 40)


@pytest.fixture()
def second(token) -> dict:
    """A second treasury official, who approves what the first proposes."""
    return token("TREASURY", sub="bendahara-2", officer="0x" + "2" * 40)


@pytest.fixture()
def put(client, treasury, second):
    """PUT (a proposal) and its approval by the second official: the account is then in force."""

    def register(payee_key: str, body: dict) -> dict:
        proposed = client.put(f"/payments/accounts/{payee_key}", json=body, headers=treasury)
        assert proposed.status_code == 202, proposed.text
        version = proposed.json()["version"]
        approved = client.post(
            f"/payments/accounts/{payee_key.lower()}/versions/{version}/approval", headers=second
        )
        assert approved.status_code == 200, approved.text
        return client.get(f"/payments/accounts/{payee_key}", headers=treasury)

    return register


def raw_row(settings, payee_key: str):
    engine = make_engine(settings.database_url)
    try:
        with engine.connect() as connection:
            return connection.execute(
                text(
                    "SELECT payee_key, version, ciphertext, proposed_by FROM payout_account_versions "
                    "WHERE payee_key = :key ORDER BY version DESC"
                ),
                {"key": payee_key},
            ).first()
    finally:
        engine.dispose()


def test_the_treasury_registers_an_account_and_reads_it_back_with_the_number_masked(
    client, put, treasury, payee_key
):
    got = put(payee_key, account())
    assert got.status_code == 200
    expected = {
        "payeeKey": payee_key,
        "channelCode": "ID_BRI",
        "accountNumber": "*" * 11 + "3456",
        "accountHolderName": HOLDER,
        "version": 1,
    }
    assert got.json() == expected
    assert NUMBER not in got.text


def test_a_payee_key_in_capitals_is_the_same_payee(client, put, treasury, payee_key):
    got = put(payee_key.upper().replace("0X", "0x"), account())
    assert got.status_code == 200 and got.json()["payeeKey"] == payee_key


def test_a_second_put_proposes_a_new_version_that_waits_for_its_cooling_off(client, put, treasury, payee_key):
    put(payee_key, account())
    got = put(payee_key, account("9876543210", "Budi Santoso")).json()
    assert (got["version"], got["accountNumber"], got["accountHolderName"]) == (1, "*" * 11 + "3456", HOLDER)


def test_the_database_holds_the_account_encrypted_and_bound_to_its_payee_and_version(
    client, treasury, payee_key, settings
):
    client.put(f"/payments/accounts/{payee_key}", json=account(), headers=treasury)
    row = raw_row(settings, payee_key)
    assert row is not None and row.proposed_by == "sub:bendahara-1" and row.version == 1
    keyring = keyring_for(settings)  # sealed by the keyring: its format, purpose and key id first
    assert row.ciphertext.startswith(f"v2:accounts:{keyring.provider.current('accounts')}:")
    assert NUMBER not in row.ciphertext and HOLDER not in row.ciphertext and "ID_BRI" not in row.ciphertext
    bound = f"account-version:{payee_key}:1"
    assert NUMBER.encode() in keyring.open("accounts", bound, row.ciphertext)
    for elsewhere in (f"account-version:{'0x' + '00' * 32}:1", f"account-version:{payee_key}:2"):
        with pytest.raises(SealError):  # copied onto another payee, or another version: does not open
            keyring.open("accounts", elsewhere, row.ciphertext)


@pytest.mark.parametrize("role", ["AUDITOR", "AGENCY_OFFICER", "WELFARE_ADMIN", "VERIFIER", None], ids=str)
def test_no_role_but_the_treasury_may_write_or_read_an_account(client, put, token, treasury, payee_key, role):
    put(payee_key, account())
    other = token(role, agency=1001) if role else token(supplier=1)  # None: a supplier
    for answer in (
        client.put(f"/payments/accounts/{payee_key}", json=account("1111222233"), headers=other),
        client.get(f"/payments/accounts/{payee_key}", headers=other),
    ):
        assert answer.status_code == 403
        assert answer.headers["content-type"].startswith(PROBLEM)
        assert answer.json()["code"] == "forbidden_role"
    assert (
        client.get(f"/payments/accounts/{payee_key}", headers=treasury)
        .json()["accountNumber"]
        .endswith("3456")
    )


def test_without_a_token_an_account_is_neither_written_nor_read(client, payee_key):
    assert client.put(f"/payments/accounts/{payee_key}", json=account()).status_code == 401
    assert client.get(f"/payments/accounts/{payee_key}").status_code == 401


def test_an_unknown_payee_is_a_404_problem(client, treasury, payee_key):
    answer = client.get(f"/payments/accounts/{payee_key}", headers=treasury)
    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith(PROBLEM)
    assert answer.json()["code"] == "not_found"


@pytest.mark.parametrize(
    "body",
    [
        account(number="12-34-5678"),
        account(number="123"),
        account(number="1" * 35),
        account(channel="bri"),
        account(holder=""),
        account(holder="x" * 101),
        {"channelCode": "ID_BRI", "accountNumber": NUMBER},
        {**account(), "nik": "6302010101900001"},
        [],
    ],
    ids=[
        "number-with-dashes",
        "number-too-short",
        "number-too-long",
        "channel-lowercase",
        "holder-empty",
        "holder-too-long",
        "holder-missing",
        "unknown-field",
        "not-an-object",
    ],
)
def test_a_malformed_account_is_a_422_problem_and_nothing_is_stored(
    client, treasury, payee_key, settings, body
):
    answer = client.put(f"/payments/accounts/{payee_key}", json=body, headers=treasury)
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"].startswith(PROBLEM)
    assert raw_row(settings, payee_key) is None


@pytest.mark.parametrize("bad_key", ["0x1234", "0x" + "zz" * 32, "ab" * 32, "0x" + "ab" * 33])
def test_a_malformed_payee_key_is_a_422_problem(client, treasury, bad_key):
    for answer in (
        client.put(f"/payments/accounts/{bad_key}", json=account(), headers=treasury),
        client.get(f"/payments/accounts/{bad_key}", headers=treasury),
    ):
        assert answer.status_code == 422, answer.text
        assert answer.headers["content-type"].startswith(PROBLEM)


def test_the_openapi_document_shows_an_example_account(app):
    schemas = app.openapi()["components"]["schemas"]
    assert schemas["AccountDetails"]["examples"][0]["channelCode"] == "ID_BRI"
    assert schemas["AccountView"]["examples"][0]["accountNumber"].startswith("*")
