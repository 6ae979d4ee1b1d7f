"""The gateway's transaction signer (app/ledger/signing.py) produces eth-account's bytes and hash for
every transaction it may sign: EIP-1559 and EIP-155 legacy, on generated fields."""

from __future__ import annotations

import pytest
from eth_account import Account
from hypothesis import given, settings
from hypothesis import strategies as st
from web3 import Web3

from app.ledger.signing import TransactionSigner

KEYS = st.binary(min_size=32, max_size=32).filter(
    lambda k: 0 < int.from_bytes(k, "big") < 2**256 - 2**32 - 977
)
WORD = st.integers(0, 2**256 - 1)
COMMON = {
    "chainId": st.integers(1, 2**32),
    "nonce": st.integers(0, 2**64 - 1),
    "gas": st.integers(21_000, 30_000_000),
    "to": st.binary(min_size=20, max_size=20).map(Web3.to_checksum_address),
    "value": WORD,
    "data": st.binary(max_size=600),
}


def same_as_eth_account(key: bytes, tx: dict) -> None:
    ours = TransactionSigner(key).sign(tx)
    theirs = Account.sign_transaction(tx, key)
    assert ours.raw == bytes(theirs.raw_transaction)
    assert ours.hash == bytes(theirs.hash)


@settings(max_examples=200, deadline=None)
@given(key=KEYS, tx=st.fixed_dictionaries({**COMMON, "maxFeePerGas": WORD, "maxPriorityFeePerGas": WORD}))
def test_eip1559_transactions_are_signed_as_eth_account_signs_them(key, tx):
    same_as_eth_account(key, {**tx, "type": 2})


@settings(max_examples=200, deadline=None)
@given(key=KEYS, tx=st.fixed_dictionaries({**COMMON, "gasPrice": WORD}))
def test_legacy_transactions_are_signed_as_eth_account_signs_them(key, tx):
    same_as_eth_account(key, tx)


def test_what_the_signer_does_not_encode_is_refused_not_left_out():
    signer = TransactionSigner(b"\x01" * 32)
    base = {"chainId": 1, "nonce": 0, "gas": 21_000, "to": "0x" + "11" * 20, "value": 0, "data": b""}
    access = [{"address": "0x" + "22" * 20, "storageKeys": []}]
    with pytest.raises(ValueError, match="access lists"):
        signer.sign({**base, "maxFeePerGas": 2, "maxPriorityFeePerGas": 1, "accessList": access})
    with pytest.raises(ValueError, match="type 1"):
        signer.sign({**base, "gasPrice": 1, "type": 1})
