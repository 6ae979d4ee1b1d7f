"""The portal's in-browser keystore (app/portal/static/js/keystore.js, keystore-store.js), run under
Node through the page's import map, against eth-account, which reads and writes the same Web3 Secret
Storage v3 JSON as geth and wallets:

- a keystore the JavaScript makes opens in eth-account with the same key and address, with a fast
  scrypt and with the module's default one;
- eth-account's keystores (scrypt, its default included, and pbkdf2) open in the JavaScript;
- a wrong password is a `wrong_password` error, never a key; damaged, foreign and too costly
  keystores are refused with their own code;
- an imported keystore is re-encrypted under the portal's scrypt, and the browser store keeps one
  keystore per supplier.

Every expected value is computed by eth-account at run time; nothing is written down here."""

from __future__ import annotations

import json
import random

import pytest
from eth_account import Account

from tests.support import portal_js
from tests.support.portal_js import SECP256K1_N, Call, ok, random_key, refused, run

pytestmark = pytest.mark.skipif(portal_js.node_missing() is not None, reason=str(portal_js.node_missing()))

FAST_SCRYPT = {"n": 2**10, "r": 8, "p": 1}  # keeps tests quick; the default has its own test


def _decrypted(keystore: str, password: str) -> str:
    """The private key eth-account finds in `keystore`, as 0x hex."""
    return "0x" + bytes(Account.decrypt(keystore, password)).hex()


def test_a_keystore_made_in_javascript_opens_in_eth_account_with_the_same_key():
    rng = random.Random(1)
    keys = [random_key(rng) for _ in range(3)]
    passwords = ["correct horse battery", "kata sandi rahasia", "pässwörd ✓ 密码"]
    results = run(
        [
            Call("keystore.js", "encryptKey", [k, p, {"scrypt": FAST_SCRYPT}])
            for k, p in zip(keys, passwords, strict=True)
        ]
    )
    for key, password, result in zip(keys, passwords, results, strict=True):
        made = ok(result)
        assert _decrypted(made["json"], password) == key
        assert made["address"] == Account.from_key(key).address
        document = json.loads(made["json"])
        assert document["version"] == 3 and document["crypto"]["kdf"] == "scrypt"


def test_a_new_keystore_with_the_default_scrypt_opens_in_eth_account():
    made = ok(run([Call("keystore.js", "createKeystore", ["a long enough password"])])[0])
    params = json.loads(made["json"])["crypto"]["kdfparams"]
    # The parameters docs/decisions/0031-keys-in-the-browser.md chose for phones.
    assert (params["n"], params["r"], params["p"], params["dklen"]) == (2**16, 8, 1, 32)
    key = _decrypted(made["json"], "a long enough password")
    assert Account.from_key(key).address == made["address"]


@pytest.mark.parametrize(("kdf", "iterations"), [("scrypt", None), ("scrypt", 2**12), ("pbkdf2", 2_000)])
def test_an_eth_account_keystore_opens_in_javascript(kdf, iterations):
    rng = random.Random(f"{kdf}-{iterations}")
    key = random_key(rng)
    password = "sandi ✓ " + rng.randbytes(4).hex()
    keystore = json.dumps(Account.encrypt(key, password, kdf=kdf, iterations=iterations))
    opened, wrong = run(
        [
            Call("keystore.js", "unlock", [keystore, password]),
            Call("keystore.js", "unlock", [keystore, password + "x"]),
        ]
    )
    assert ok(opened) == key
    assert refused(wrong)["code"] == "wrong_password"
    assert refused(wrong)["name"] == "KeystoreError"


def test_a_wrong_password_is_refused_not_decrypted():
    rng = random.Random(2)
    key = random_key(rng)
    made = ok(run([Call("keystore.js", "encryptKey", [key, "the right one", {"scrypt": FAST_SCRYPT}])])[0])
    results = run(
        [
            Call("keystore.js", "unlock", [made["json"], password])
            for password in ("the right one", "the right one ", "The right one", "")
        ]
    )
    assert ok(results[0]) == key
    for result in results[1:]:
        error = refused(result)
        assert error["code"] == "wrong_password"
        assert key.removeprefix("0x") not in json.dumps(error)
    with pytest.raises(ValueError):
        Account.decrypt(made["json"], "The right one")  # eth-account agrees it is the wrong one


def test_an_imported_keystore_is_re_encrypted_under_the_portals_scrypt():
    rng = random.Random(3)
    key = random_key(rng)
    original = json.dumps(Account.encrypt(key, "old password", kdf="pbkdf2", iterations=1_000))
    kept, renamed, short = run(
        [
            Call("keystore.js", "importKeystore", [original, "old password", {"scrypt": FAST_SCRYPT}]),
            Call(
                "keystore.js",
                "importKeystore",
                [original, "old password", {"newPassword": "new password", "scrypt": FAST_SCRYPT}],
            ),
            Call("keystore.js", "importKeystore", [original, "old password", {"newPassword": "short"}]),
        ]
    )
    assert _decrypted(ok(kept)["json"], "old password") == key
    assert _decrypted(ok(renamed)["json"], "new password") == key
    assert json.loads(ok(renamed)["json"])["crypto"]["kdf"] == "scrypt"
    assert refused(short)["code"] == "weak_password"


def test_damaged_foreign_and_costly_keystores_are_refused_with_their_code():
    rng = random.Random(4)
    key = random_key(rng)
    good = Account.encrypt(key, "password", kdf="scrypt", iterations=2**10)
    tampered = json.loads(json.dumps(good))
    ciphertext = tampered["crypto"]["ciphertext"]  # its first byte flipped (never left as it was)
    tampered["crypto"]["ciphertext"] = f"{int(ciphertext[:2], 16) ^ 0xFF:02x}" + ciphertext[2:]
    other_address = json.loads(json.dumps(good)) | {"address": Account.from_key(random_key(rng)).address}
    costly = json.loads(json.dumps(good))
    costly["crypto"]["kdfparams"]["n"] = 2**20
    version2 = json.loads(json.dumps(good)) | {"version": 2}
    results = run(
        [
            Call("keystore.js", "unlock", [json.dumps(doc), "password"])
            for doc in (tampered, other_address, costly, version2)
        ]
        + [Call("keystore.js", "unlock", ["not json", "password"])]
    )
    codes = [refused(result)["code"] for result in results]
    assert codes == [
        "wrong_password",
        "address_mismatch",
        "too_costly",
        "unsupported_keystore",
        "malformed_keystore",
    ]


def test_the_browser_store_keeps_one_keystore_per_supplier():
    made = ok(run([Call("keystore.js", "createKeystore", ["password", {"scrypt": FAST_SCRYPT}])])[0])
    # One Node process: the calls share its stand-in localStorage, as a page shares the browser's.
    results = run(
        [
            Call("keystore-store.js", "saveKeystore", [7, made["json"]]),
            Call("keystore-store.js", "loadKeystore", [7]),
            Call("keystore-store.js", "loadKeystore", [8]),
            Call("keystore-store.js", "saveKeystore", [8, "{}"]),
            Call("keystore-store.js", "removeKeystore", [7]),
            Call("keystore-store.js", "loadKeystore", [7]),
        ]
    )
    assert ok(results[1]) == made["json"]
    assert ok(results[2]) is None
    assert refused(results[3])["code"] == "unsupported_keystore"
    assert ok(results[5]) is None


def test_new_keys_are_drawn_again_until_they_are_valid_scalars():
    rng = random.Random(5)
    valid = random_key(rng)
    unlucky = ["0x" + "00" * 32, hex(SECP256K1_N), "0x" + "ff" * 32]
    results = run(
        [Call("keys.js", "newPrivateKey"), Call("keys.js", "newPrivateKey")],
        scripted_random=[*unlucky, valid],
    )
    assert ok(results[0]) == valid  # the three invalid draws were thrown away, not reduced
    assert ok(results[1]) not in (valid, *unlucky)


def test_private_keys_are_checked_and_give_eth_accounts_addresses():
    rng = random.Random(6)
    keys = ["0x" + "00" * 31 + "01", hex(SECP256K1_N - 1), *(random_key(rng) for _ in range(5))]
    bad = ["0x" + "00" * 32, hex(SECP256K1_N), "0x" + "11" * 31, "not hex"]
    results = run([Call("keys.js", "addressOf", [k]) for k in keys + bad])
    for key, result in zip(keys, results, strict=False):
        assert ok(result) == Account.from_key(key).address
    for key, result in zip(bad, results[len(keys) :], strict=True):
        refused(result)
        if key.startswith("0x") and len(key) == 66:
            with pytest.raises(ValueError):
                Account.from_key(key)  # eth-account refuses the same keys
