"""The format before the keyring (`v1:`): AES-256-GCM under one key with the binding (payee key,
supplier, bid) as associated data, so a ciphertext is bound to its row; no key id. The keyring
(app/keyring/keyring.py) reads such values as key id `legacy` until rotation re-seals them, and
seals nothing new with it."""

from __future__ import annotations

import base64
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

VERSION = "v1"


class SealError(Exception):
    """The key is malformed, or a ciphertext does not open with it (wrong key or tampered)."""


def _cipher(key_b64: str) -> AESGCM:
    try:
        key = base64.b64decode(key_b64, validate=True)
    except ValueError:
        raise SealError("TERANG_PAYOUT_ACCOUNT_KEY is not base64") from None
    if len(key) != 32:
        raise SealError("TERANG_PAYOUT_ACCOUNT_KEY must be 32 bytes (base64)")
    return AESGCM(key)


def seal(key_b64: str, payee_key: str, plaintext: bytes) -> str:
    nonce = os.urandom(12)
    sealed = _cipher(key_b64).encrypt(nonce, plaintext, payee_key.lower().encode())
    return f"{VERSION}:{base64.b64encode(nonce + sealed).decode()}"


def open_sealed(key_b64: str, payee_key: str, token: str) -> bytes:
    version, _, body = token.partition(":")
    if version != VERSION:
        raise SealError(f"unknown sealing version {version!r}")
    raw = base64.b64decode(body)
    try:
        return _cipher(key_b64).decrypt(raw[:12], raw[12:], payee_key.lower().encode())
    except InvalidTag:
        raise SealError(f"the account of payee {payee_key} does not open with this key") from None
