"""The keyring (app/keyring): secrets at rest sealed per purpose by envelope encryption, each value
naming its format and key id; values sealed before the keyring read as key id `legacy`; rotation
(`python -m app.keyring rotate`) re-seals every value of a purpose under a new key, batch by
batch, beside a live gateway whose reads never fail, after which the bridge still pays with the
re-sealed accounts; a key is retired only once nothing uses it, and a value naming a key the
keyring does not hold fails closed."""

from __future__ import annotations

import base64
import json
import os
import random
import subprocess
import sys
import threading
import time

import httpx
import pytest
from eth_account import Account
from sqlalchemy import select, text

from app import config
from app.config import Settings
from app.db.migrate import upgrade
from app.db.session import make_engine, make_session_factory
from app.keyring import rotation, sealing
from app.keyring.keyring import Keyring, LegacyKeys, keyring_for
from app.keyring.providers import KeyringError, LocalFileProvider, UnknownKeyError, create_file
from app.keyring.sealing import SealError
from app.payments.accounts import AccountDetails, load_account, save_account
from app.payments.ledger import SETTLED
from app.payments.models import PayoutAccount
from app.protocol import bids
from app.suppliers import managed_keys
from app.suppliers.models import ManagedSupplierKey
from app.tenders import managed_openings, score_sheets
from tests.support.gateway_process import gateway_process
from tests.support.localchain import ROOT
from tests.support.payments import (
    authorize_many,
    bridge_env,
    deploy_source,
    fake_payouts,
    fake_provider,
    own_chain,
    payee,
    web3_for,
)
from tests.support.postgres import postgres_bin, postgres_server
from toolchain.run_local import free_port

LEGACY_KEY = config.LOCAL_ONLY_PAYOUT_ACCOUNT_KEY


def cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "app.keyring", *args],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def refusal(result: subprocess.CompletedProcess) -> str:
    """The one line a refused command ends with (status 2); any other stderr lines are its JSON log."""
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    *logged, last = result.stderr.splitlines()
    assert last.startswith("python -m app.keyring: error: ") and "Traceback" not in result.stderr
    assert all(json.loads(line)["logger"] for line in logged)
    return last


def local_env(tmp_path) -> dict[str, str]:
    return {
        "TERANG_ENVIRONMENT": "test",
        "TERANG_KEYRING_FILE": str(tmp_path / "keyring.json"),
        "TERANG_DATABASE_URL": f"sqlite:///{tmp_path / 'gateway.db'}",
    }


def settings_of(env: dict[str, str]) -> Settings:
    return Settings(**{k[len("TERANG_") :].lower(): v for k, v in env.items()})


@pytest.fixture()
def keyring(tmp_path) -> Keyring:
    create_file(tmp_path / "k.json")
    return Keyring(LocalFileProvider(tmp_path / "k.json"), LegacyKeys(LEGACY_KEY))


# -- the sealed format --------------------------------------------------------------------------------


def test_a_value_names_its_format_purpose_and_key_and_opens_only_where_it_was_sealed(keyring):
    token = keyring.seal("accounts", "0xpayee-a", b"002101000123456")
    current = keyring.provider.current("accounts")
    # The key id carries the time it was made (at 00:21 UTC it holds "0021"): only the sealed part
    # after it must not show the number.
    assert token.startswith(f"v2:accounts:{current}:")
    assert b"0021" not in token.removeprefix(f"v2:accounts:{current}:").encode()
    assert keyring.open("accounts", "0xpayee-a", token) == b"002101000123456"
    assert keyring.seal("accounts", "0xpayee-a", b"x") != keyring.seal("accounts", "0xpayee-a", b"x")
    with pytest.raises(SealError, match="moved or tampered"):  # copied onto another row
        keyring.open("accounts", "0xpayee-b", token)
    with pytest.raises(SealError):  # relabelled as another purpose (its keys differ too)
        keyring.open("openings", "0xpayee-a", token.replace("v2:accounts:", "v2:openings:", 1))
    other = keyring.seal("accounts", "0xpayee-b", b"another account")
    spliced = ":".join([*token.split(":")[:3], other.split(":")[3], token.split(":")[4]])
    with pytest.raises(SealError):  # another value's wrapped data key
        keyring.open("accounts", "0xpayee-a", spliced)
    # Each purpose has keys of its own: an accounts key never opens a managed supplier key.
    assert keyring.provider.current("accounts") != keyring.provider.current("managed-keys")


def test_a_value_naming_a_key_the_keyring_does_not_hold_fails_closed(keyring, tmp_path):
    token = keyring.seal("openings", "bid-opening:1:0xaa:0xbb", b"{}")
    kid = keyring.provider.current("openings")
    with pytest.raises(UnknownKeyError, match="holds no key 'k-from-elsewhere'"):
        keyring.open("openings", "bid-opening:1:0xaa:0xbb", token.replace(kid, "k-from-elsewhere"))
    create_file(tmp_path / "other.json")  # another keyring's value names a key this one lacks
    other = Keyring(LocalFileProvider(tmp_path / "other.json"))
    with pytest.raises(UnknownKeyError):
        other.open("openings", "bid-opening:1:0xaa:0xbb", token)
    with pytest.raises(UnknownKeyError, match="no legacy key"):  # no legacy key configured
        other.open("accounts", "0xpayee", sealing.seal(LEGACY_KEY, "0xpayee", b"old"))
    with pytest.raises(SealError, match="unknown sealing format"):
        keyring.open("openings", "x", "v9:openings:" + kid + ":AA:AA")


def test_a_value_sealed_before_the_keyring_reads_as_the_legacy_key(keyring):
    old = sealing.seal(LEGACY_KEY, "0xpayee", b"old account")
    assert rotation.key_id_of(old) == "legacy"
    assert keyring.open("accounts", "0xpayee", old) == b"old account"
    with pytest.raises(SealError):  # still bound to its payee
        keyring.open("accounts", "0xother", old)
    derived = LegacyKeys(LEGACY_KEY).key_for("managed-keys")  # the HKDF key managed values used
    assert derived != LEGACY_KEY
    assert keyring.open("managed-keys", "managed-key:1:0xA", sealing.seal(derived, "managed-key:1:0xA", b"k"))


def test_the_keyring_file_is_private_and_malformed_files_are_refused(tmp_path):
    path = tmp_path / "k.json"
    assert create_file(path) and not create_file(path)  # never replaced
    assert path.stat().st_mode & 0o777 == 0o600
    os.chmod(path, 0o644)
    with pytest.raises(KeyringError, match="readable by others"):
        LocalFileProvider(path)
    os.chmod(path, 0o600)
    document = json.loads(path.read_text())
    document["purposes"]["accounts"]["current"] = "missing"
    path.write_text(json.dumps(document))
    with pytest.raises(KeyringError, match="malformed"):
        LocalFileProvider(path)
    with pytest.raises(KeyringError, match="no keyring file"):
        LocalFileProvider(tmp_path / "absent.json")


def test_outside_development_the_keyring_file_must_be_named_and_is_never_made(tmp_path):
    production = {
        "environment": "production",
        "identity_hmac_key": "a-real-secret",
        "payout_account_key": base64.b64encode(os.urandom(32)).decode(),
        "xendit_secret_key": "a-real-provider-secret",
        "xendit_callback_token": "a-real-callback-token",
        "jwks_url": "https://sso.example.go.id/jwks",
        "jwt_issuer": "https://sso.example.go.id",
        "documents_dir": tmp_path / "documents",
        "welfare_messenger_token": "a-real-messenger-token",
        "public_base_url": "https://terang.example.go.id",
    }
    with pytest.raises(ValueError, match="TERANG_KEYRING_FILE"):
        Settings(**production)
    named = Settings(**production, keyring_file=tmp_path / "provisioned.json")
    with pytest.raises(KeyringError, match="no keyring file"):
        keyring_for(named)
    assert not (tmp_path / "provisioned.json").exists()


# -- rotation -----------------------------------------------------------------------------------------


def seed(settings: Settings, sessions, accounts: int, legacy_accounts: int) -> dict:
    """Accounts (some sealed before the keyring), managed supplier keys, bid openings and a Pokja
    member's score sheets (sealed under `openings` too)."""
    keyring = keyring_for(settings)
    plain = {}
    with sessions.begin() as session:
        for i in range(accounts + legacy_accounts):
            key = payee(f"keyring-{i}")
            details = AccountDetails(
                channelCode="ID_BRI", accountNumber=f"9900{i:06d}", accountHolderName=f"P {i}"
            )
            if i < legacy_accounts:  # as the gateway stored it before the keyring
                sealed = sealing.seal(LEGACY_KEY, key, details.model_dump_json().encode())
                session.add(PayoutAccount(payee_key=key, ciphertext=sealed, updated_by="old"))
            else:
                save_account(session, keyring, key, details, "test")
            plain[key] = details
    derived = LegacyKeys(LEGACY_KEY).key_for("managed-keys")
    for supplier_id in (1, 2, 3):
        row, created = managed_keys.create(sessions, settings, supplier_id, "test")
        assert created
    with sessions.begin() as session:  # supplier 3's key as sealed before the keyring
        row = session.get(ManagedSupplierKey, 3)
        account = bytes.fromhex("11" * 32)
        row.address = Account.from_key(account).address
        row.sealed_key = sealing.seal(derived, f"managed-key:3:{row.address}", account)
    for n in range(4):
        managed_openings.save(
            sessions,
            settings,
            supplier_id=1,
            tender=bytes([n]) * 32,
            commitment=bytes([0x80 + n]) * 32,
            price=1_000 + n,
            products=[(bytes([7]) * 32, 10_000)],
            salt=bytes([9]) * 32,
            bid_bond_ref=bytes(32),
            envelope_hash=bytes([0xE0 + n]) * 32,
        )
    for n in range(2):
        tender, salt = bytes([0x40 + n]) * 32, bytes([0x50 + n]) * 32
        sealed = score_sheets.sealed_hash(tender, SHEET_MEMBER, (1, 2), (8_000, 6_000 + n), salt)
        sheet = score_sheets.Sheet((1, 2), (8_000, 6_000 + n), salt, sealed)
        score_sheets.save(sessions, settings, tender, SHEET_MEMBER, sheet)
    return plain


SHEET_MEMBER = "0x000000000000000000000000000000000000bEEF"


def test_rotation_re_seals_every_value_of_each_purpose_and_retires_the_old_keys(tmp_path):
    env = local_env(tmp_path)
    upgrade(env["TERANG_DATABASE_URL"])
    settings = settings_of(env)
    engine = make_engine(settings.database_url)
    sessions = make_session_factory(engine)
    plain = seed(settings, sessions, accounts=37, legacy_accounts=13)
    keyring = keyring_for(settings)
    before = {p: keyring.provider.current(p) for p in ("accounts", "managed-keys", "openings")}

    status = json.loads(cli(env, "status", "--json").stdout)
    counts = {s["purpose"]: s["counts"] for s in status}
    assert counts["accounts"] == {"legacy": 13, before["accounts"]: 37}
    assert counts["managed-keys"] == {"legacy": 1, before["managed-keys"]: 2}
    assert counts["openings"] == {"legacy": 0, before["openings"]: 6}  # 4 bid openings, 2 score sheets

    refused = cli(env, "retire", "--purpose", "accounts", "--key-id", "legacy")  # still in use
    assert "13 accounts values are still sealed under legacy" in refusal(refused)

    done = cli(env, "rotate", "--purpose", "all", "--batch-size", "7")
    assert done.returncode == 0, done.stderr
    assert "re-sealed 50 values in 8 batches" in done.stdout  # 50 accounts, 7 per transaction
    after = {p: keyring.provider.current(p) for p in before}
    assert all(after[p] != before[p] for p in before)
    for s in json.loads(cli(env, "status", "--json").stdout):
        assert s["counts"] == {"legacy": 0, before[s["purpose"]]: 0, after[s["purpose"]]: s["total"]}
        assert s["unknown"] == 0 and s["total"] > 0
    # Every value opens under its new key to what it held; nothing is left in the old format.
    with sessions() as session:
        for key, details in plain.items():
            assert load_account(session, keyring, key) == details
        rows = session.execute(select(ManagedSupplierKey)).scalars().all()
    assert {managed_keys.signer(settings, row).address for row in rows} == {row.address for row in rows}
    assert (
        managed_openings.current(
            sessions,
            settings,
            supplier_id=1,
            tender=bytes([2]) * 32,
            sealed_bid=bids.sealed_bid(bytes([0x82]) * 32, 5, bytes([0xE2]) * 32),
            last_seq=9,
        ).price
        == 1_002
    )
    tender, salt = bytes([0x41]) * 32, bytes([0x51]) * 32
    sealed = score_sheets.sealed_hash(tender, SHEET_MEMBER, (1, 2), (8_000, 6_001), salt)
    assert score_sheets.find(sessions, settings, tender, SHEET_MEMBER, sealed).scores_bps == (8_000, 6_001)

    # Old keys go once nothing uses them; a value still naming one then fails closed.
    stale = sealing.seal(LEGACY_KEY, "0xpayee", b"left behind")
    for purpose in before:
        for kid in ("legacy", before[purpose]):
            gone = cli(env, "retire", "--purpose", purpose, "--key-id", kid)
            assert gone.returncode == 0, gone.stderr
    with pytest.raises(UnknownKeyError, match="retired key 'legacy'"):
        keyring.open("accounts", "0xpayee", stale)
    current = cli(env, "retire", "--purpose", "accounts", "--key-id", after["accounts"])
    assert "rotate first" in refusal(current)
    assert (
        before["accounts"]
        not in json.loads((tmp_path / "keyring.json").read_text())["purposes"]["accounts"]["keys"]
    )
    engine.dispose()


def test_a_value_that_does_not_open_is_left_and_reported_not_lost(tmp_path):
    env = local_env(tmp_path)
    upgrade(env["TERANG_DATABASE_URL"])
    settings = settings_of(env)
    engine = make_engine(settings.database_url)
    sessions = make_session_factory(engine)
    seed(settings, sessions, accounts=3, legacy_accounts=0)
    with engine.begin() as connection:  # a ciphertext copied from another payee's row
        first, second = connection.execute(text("SELECT payee_key, ciphertext FROM payout_accounts")).all()[
            :2
        ]
        connection.execute(
            text("UPDATE payout_accounts SET ciphertext = :c WHERE payee_key = :k"),
            {"c": first.ciphertext, "k": second.payee_key},
        )
    done = cli(env, "rotate", "--purpose", "accounts")
    assert f"1 accounts values (rows {second.payee_key})" in refusal(done)
    with engine.connect() as connection:
        moved = connection.execute(
            text("SELECT ciphertext FROM payout_accounts WHERE payee_key = :k"), {"k": second.payee_key}
        ).scalar_one()
    assert moved == first.ciphertext  # left as it was, for a person to look at
    engine.dispose()


def test_the_command_never_acts_on_help_and_its_mistakes_are_one_line(tmp_path):
    env = local_env(tmp_path)
    for args in (["--help"], ["rotate", "--help"], ["status", "--help"], ["retire", "--help"]):
        shown = cli(env, *args)
        assert shown.returncode == 0 and "usage:" in shown.stdout
    assert not (tmp_path / "keyring.json").exists() and not (tmp_path / "gateway.db").exists()
    made = cli(env, "init")
    assert made.returncode == 0 and (tmp_path / "keyring.json").exists()
    again = cli(env, "init")
    assert "already exists" in refusal(again)
    for args in (
        [],
        ["rotate"],
        ["rotate", "--purpose", "everything"],
        ["rotate", "--purpose", "accounts", "--batch-size", "0"],
        ["retire", "--purpose", "all", "--key-id", "x"],
        ["status"],  # no tables yet
    ):
        wrong = cli(env, *args)
        assert wrong.stderr.count("\n") == 1, (args, wrong.stderr)
        refusal(wrong)


# -- beside a live gateway, then paying through the bridge --------------------------------------------


def test_rotation_beside_a_live_gateway_never_fails_a_read_and_the_bridge_pays_with_the_new_key(
    tmp_path, issuer_dir, token
):
    database = f"sqlite:///{tmp_path / 'gateway.db'}"
    upgrade(database)
    provider_port = free_port()
    with own_chain(tmp_path) as chain:
        w3 = web3_for(chain[0])
        manifest = load_manifest_of(chain)
        source, payments = deploy_source(w3, manifest)
        env = bridge_env(
            chain,
            database,
            issuer_dir,
            payments_bridge_enabled="true",
            payments_provider_url=f"http://127.0.0.1:{provider_port}",
            payments_status_check_seconds="30",
        )
        settings = settings_of(env)
        sessions = make_session_factory(make_engine(database))
        plain = seed(settings, sessions, accounts=300, legacy_accounts=100)
        supplier = payee("keyring-0")  # sealed before the keyring, paid after rotation
        old_id = keyring_for(settings).provider.current("accounts")
        treasury = token("TREASURY", sub="bendahara-keyring")
        failures: list[str] = []
        reads = [0]
        stop = threading.Event()

        def read(base: str) -> None:
            keys = list(plain)
            with httpx.Client(base_url=base, timeout=30) as api:
                while not stop.is_set():
                    key = random.choice(keys)
                    answer = api.get(f"/payments/accounts/{key}", headers=treasury)
                    reads[0] += 1
                    if (
                        answer.status_code != 200
                        or answer.json()["accountNumber"][-4:] != (plain[key].accountNumber[-4:])
                    ):
                        failures.append(f"{answer.status_code} {answer.text[:200]}")

        with (
            gateway_process(env, tmp_path / "gateway.log") as (gateway, _process),
            fake_provider(
                gateway, {"complete_max_seconds": 0.2}, tmp_path / "provider.log", port=provider_port
            ) as provider,
        ):
            readers = [threading.Thread(target=read, args=(gateway,)) for _ in range(3)]
            for reader in readers:
                reader.start()
            time.sleep(1)
            began, counted = time.monotonic(), reads[0]
            done = cli(env, "rotate", "--purpose", "accounts", "--batch-size", "10")
            during = reads[0] - counted
            took = time.monotonic() - began
            time.sleep(0.5)
            stop.set()
            for reader in readers:
                reader.join()
            assert done.returncode == 0, done.stderr
            assert "re-sealed 400 values in 40 batches" in done.stdout
            assert not failures, failures[:3]
            assert during > 20, f"only {during} reads during the {took:.1f} s rotation"
            print(f"rotation of 400 accounts in {took:.2f} s beside {during} reads, none failed")

            (accounts,) = [
                s for s in json.loads(cli(env, "status", "--json").stdout) if s["purpose"] == "accounts"
            ]
            new_id = accounts["current"]
            assert accounts["counts"] == {"legacy": 0, old_id: 0, new_id: 400}

            (instruction,) = authorize_many(w3, source, payments, [supplier], [12_500_000], 11)
            deadline = time.monotonic() + 90
            while payments.functions.statusOf(instruction).call() != SETTLED:
                assert time.monotonic() < deadline, "not settled within 90 s; see gateway.log"
                time.sleep(0.3)
            (paid,) = [p for p in fake_payouts(provider)["payouts"] if p["reference"] == f"{instruction}-0"]
    assert paid["status"] == "SUCCEEDED" and paid["amount"] == 12_500_000


def load_manifest_of(chain):
    from app.protocol.manifest import load_manifest

    return load_manifest(chain[1] / "31337.json")


@pytest.mark.skipif(postgres_bin() is None, reason="PostgreSQL is not installed")
def test_on_postgresql_a_value_written_during_its_batch_is_never_overwritten_by_the_rotation(tmp_path):
    """Rotation replaces a row only if it still holds what the batch read: a treasurer's update
    committed between the batch's read and its write survives (and is already under the new key)."""
    with postgres_server() as url:
        upgrade(url)
        env = {**local_env(tmp_path), "TERANG_DATABASE_URL": url}
        settings = settings_of(env)
        engine = make_engine(url)
        sessions = make_session_factory(engine)
        plain = seed(settings, sessions, accounts=20, legacy_accounts=5)
        keyring = keyring_for(settings)
        target = payee("keyring-11")
        newer = AccountDetails(
            channelCode="ID_BCA", accountNumber="5500000011", accountHolderName="P 11 baru"
        )
        real_open = keyring.open

        def open_and_meanwhile_update(purpose, binding, token):
            if binding == target:  # the treasurer saves a new account while the batch holds the old
                with sessions.begin() as session:
                    save_account(session, keyring, target, newer, "bendahara")
            return real_open(purpose, binding, token)

        keyring.open = open_and_meanwhile_update
        try:
            report = rotation.rotate(engine, keyring, "accounts", batch_size=8)
        finally:
            keyring.open = real_open
        assert report.resealed == 24 and not report.failed  # the updated row was left to its writer
        state = rotation.status(engine, keyring, "accounts")
        assert state.counts[report.key_id] == 25 and state.total == 25 and state.unknown == 0
        with sessions() as session:
            assert load_account(session, keyring, target) == newer
            for key, details in plain.items():
                if key != target:
                    assert load_account(session, keyring, key) == details
        engine.dispose()


def test_the_api_answers_a_value_it_cannot_open_with_a_clear_problem_never_the_value(client, token, settings):
    treasury = token("TREASURY", sub="bendahara-keyring-api", officer="0x" + "1" * 40)
    second_official = token("TREASURY", sub="bendahara-keyring-api-2", officer="0x" + "2" * 40)
    first, second = payee("keyring-api-1"), payee("keyring-api-2")
    for key, number in ((first, "1100220033"), (second, "4400550066")):
        body = {"channelCode": "ID_BRI", "accountNumber": number, "accountHolderName": "CV Terang"}
        assert client.put(f"/payments/accounts/{key}", json=body, headers=treasury).status_code == 202
        approval = f"/payments/accounts/{key}/versions/1/approval"
        assert client.post(approval, headers=second_official).status_code == 200
    engine = make_engine(settings.database_url)
    current = keyring_for(settings).provider.current("accounts")
    with engine.begin() as connection:
        sealed = dict(
            connection.execute(
                text("SELECT payee_key, ciphertext FROM payout_account_versions WHERE payee_key IN (:a, :b)"),
                {"a": first, "b": second},
            ).all()
        )
        connection.execute(  # first: names a key this keyring never held; second: first's value
            text("UPDATE payout_account_versions SET ciphertext = :c WHERE payee_key = :k"),
            [
                {"k": first, "c": sealed[first].replace(f":{current}:", ":k-from-elsewhere:")},
                {"k": second, "c": sealed[first]},
            ],
        )
    engine.dispose()
    for key, why in ((first, "holds no key 'k-from-elsewhere'"), (second, "moved or tampered")):
        answer = client.get(f"/payments/accounts/{key}", headers=treasury)
        assert answer.status_code == 500 and answer.json()["code"] == "sealed_value_unreadable", answer.text
        assert why in answer.json()["detail"]
        assert "1100220033" not in answer.text and "0033" not in answer.text


@pytest.mark.parametrize(
    ("module", "prefix"),
    [("app", "error: "), ("app.payments.bridge", "payment bridge: ")],
    ids=["gateway", "bridge"],
)
def test_outside_development_the_processes_refuse_to_start_without_their_keyring_file(
    tmp_path, module, prefix
):
    """`python -m app` and the payment bridge in production with TERANG_KEYRING_FILE naming no file:
    one line, status 2, before they dial the node (here a port where nothing answers) or bind."""
    env = {
        "TERANG_ENVIRONMENT": "production",
        "TERANG_RPC_URL": "http://127.0.0.1:9",
        "TERANG_IDENTITY_HMAC_KEY": "an-operator-secret-identity-key-0123456789",
        "TERANG_PAYOUT_ACCOUNT_KEY": base64.b64encode(os.urandom(32)).decode(),
        "TERANG_XENDIT_SECRET_KEY": "xnd_production_secret",
        "TERANG_XENDIT_CALLBACK_TOKEN": "callback-token-from-the-provider",
        "TERANG_JWKS_URL": "https://sso.example.go.id/jwks",
        "TERANG_JWT_ISSUER": "https://sso.example.go.id",
        "TERANG_PAYMENTS_PROVIDER_URL": "https://api.provider.example",
        "TERANG_KEYRING_FILE": str(tmp_path / "provisioned.json"),
        "TERANG_DATABASE_URL": f"sqlite:///{tmp_path / 'gateway.db'}",
        "TERANG_DOCUMENTS_DIR": str(tmp_path / "documents"),
        "TERANG_WELFARE_MESSENGER_TOKEN": "messenger-token-from-the-provider",
        "TERANG_PUBLIC_BASE_URL": "https://terang.example.go.id",
    }
    started = subprocess.run(
        [sys.executable, "-m", module],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    lines = started.stderr.splitlines()
    assert started.returncode == 2 and lines[-1].startswith(prefix + "no keyring file at "), started.stderr
    assert "Traceback" not in started.stderr and not (tmp_path / "provisioned.json").exists()
