"""The keyring: secrets at rest sealed by envelope encryption, per purpose, with a key id.

A value is sealed under a fresh 256-bit data key (AES-256-GCM, associated data: the purpose and
the value's binding, e.g. its payee key), and the data key is wrapped by the purpose's current
key-encryption key held by the provider (AES-256-GCM in the local file provider; associated data:
the format, the purpose and the key id). The stored text says which key to ask for:

    v2:<purpose>:<key id>:<base64 wrapped data key>:<base64 nonce + ciphertext>

so a value sealed under an older key stays readable until it is re-sealed (app/keyring/rotation.py),
and a value naming a key id the purpose does not hold fails closed. A ciphertext copied onto
another row does not open (its binding differs), nor a wrapped key spliced onto another value (the
data key is not that value's), nor a value relabelled with another purpose or key id.

Values sealed before the keyring (`v1:`, app/keyring/sealing.py) are read as key id `legacy`:
payout accounts under TERANG_PAYOUT_ACCOUNT_KEY, managed supplier keys and bid openings under its
HKDF derivation for managed suppliers; once rotation has re-sealed them all, `legacy` is retired
and such values are refused.
"""

from __future__ import annotations

import base64
import binascii
import os
import threading
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from app.config import Settings
from app.keyring import sealing
from app.keyring.providers import LEGACY, PURPOSES, KeyProvider, LocalFileProvider, UnknownKeyError
from app.keyring.sealing import SealError

VERSION = "v2"
# The HKDF info under which managed supplier keys and bid openings were sealed before the keyring.
LEGACY_MANAGED_SEALING = b"terang/managed-suppliers/sealing/v1"


def prefix(purpose: str, key_id: str) -> str:
    """How every value of `purpose` sealed under `key_id` begins (for counting and selecting)."""
    return f"{VERSION}:{purpose}:{key_id}:"


def key_id_of(token: str) -> str:
    """The key id a sealed value names (`legacy` for the format before the keyring)."""
    if token.startswith(sealing.VERSION + ":"):
        return LEGACY
    parts = token.split(":")
    if len(parts) != 5 or parts[0] != VERSION:
        raise SealError(f"unknown sealing format {parts[0][:8]!r}")
    return parts[2]


@dataclass(frozen=True)
class LegacyKeys:
    """The pre-keyring AES keys, derived from TERANG_PAYOUT_ACCOUNT_KEY (base64 of 32 bytes)."""

    payout_account_key: str

    def key_for(self, purpose: str) -> str:
        if purpose == "accounts":
            return self.payout_account_key
        try:
            master = base64.b64decode(self.payout_account_key, validate=True)
        except ValueError:
            raise SealError("TERANG_PAYOUT_ACCOUNT_KEY is not base64") from None
        derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=LEGACY_MANAGED_SEALING).derive(
            master
        )
        return base64.b64encode(derived).decode()


class Keyring:
    def __init__(self, provider: KeyProvider, legacy: LegacyKeys | None = None) -> None:
        self.provider = provider
        self.legacy = legacy

    @staticmethod
    def _check(purpose: str) -> None:
        if purpose not in PURPOSES:
            raise SealError(f"unknown purpose {purpose!r}")

    @staticmethod
    def _wrap_aad(purpose: str, key_id: str) -> bytes:
        return f"terang/keyring/{VERSION}/wrap:{purpose}:{key_id}".encode()

    @staticmethod
    def _value_aad(purpose: str, binding: str) -> bytes:
        return f"terang/keyring/{VERSION}/value:{purpose}:{binding}".encode()

    def seal(self, purpose: str, binding: str, plaintext: bytes) -> str:
        self._check(purpose)
        key_id = self.provider.current(purpose)
        data_key = AESGCM.generate_key(bit_length=256)
        wrapped = self.provider.wrap(purpose, key_id, data_key, self._wrap_aad(purpose, key_id))
        nonce = os.urandom(12)
        body = nonce + AESGCM(data_key).encrypt(nonce, plaintext, self._value_aad(purpose, binding))
        return prefix(purpose, key_id) + f"{_b64(wrapped)}:{_b64(body)}"

    def open(self, purpose: str, binding: str, token: str) -> bytes:
        self._check(purpose)
        key_id = key_id_of(token)
        if key_id in self.provider.retired(purpose):
            raise UnknownKeyError(f"a value of {purpose} is sealed under the retired key {key_id!r}")
        if key_id == LEGACY:
            if self.legacy is None:
                raise UnknownKeyError(
                    f"a value of {purpose} is sealed under {LEGACY!r} and no legacy key is set"
                )
            try:
                return sealing.open_sealed(self.legacy.key_for(purpose), binding, token)
            except (binascii.Error, ValueError) as error:
                raise SealError(f"a legacy {purpose} value does not open ({type(error).__name__})") from None
        _, purpose_named, _, wrapped, body = token.split(":")
        if purpose_named != purpose:
            raise SealError(f"a value sealed for {purpose_named!r} was read as {purpose!r}")
        try:
            wrapped_raw, body_raw = (
                base64.b64decode(wrapped, validate=True),
                base64.b64decode(body, validate=True),
            )
        except ValueError:
            raise SealError(f"a value of {purpose} is not valid base64") from None
        data_key = self.provider.unwrap(purpose, key_id, wrapped_raw, self._wrap_aad(purpose, key_id))
        try:
            return AESGCM(data_key).decrypt(body_raw[:12], body_raw[12:], self._value_aad(purpose, binding))
        except (InvalidTag, ValueError):
            raise SealError(f"a value of {purpose} does not open for {binding} (moved or tampered)") from None


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


_KEYRINGS: dict[tuple, Keyring] = {}
_KEYRINGS_LOCK = threading.Lock()


def keyring_for(settings: Settings) -> Keyring:
    """The keyring the settings name, one per process and file. In local and test mode a missing
    keyring file is made with fresh keys; in production it must have been provisioned
    (`python -m app.keyring init`), and TERANG_KEYRING_FILE named (app/config.py refuses the
    development path)."""
    cache_key = (
        settings.keyring_provider,
        str(settings.keyring_file),
        settings.payout_account_key.get_secret_value(),
    )
    with _KEYRINGS_LOCK:
        keyring = _KEYRINGS.get(cache_key)
        if keyring is None:
            development = settings.environment in ("local", "test")
            provider = LocalFileProvider(settings.keyring_file, create=development)
            keyring = Keyring(provider, LegacyKeys(settings.payout_account_key.get_secret_value()))
            _KEYRINGS[cache_key] = keyring
        return keyring
