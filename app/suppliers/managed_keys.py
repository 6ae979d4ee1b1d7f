"""Signing keys the gateway holds for suppliers without a wallet of their own, so that it can build
and sign their bids and objections for them.

At rest a key is sealed by the keyring (app/keyring) under its own purpose, `managed-keys`: a
fresh data key per value, wrapped by the purpose's current key-encryption key, the key id in the
stored text (so rotation re-seals it and a retired key fails closed). The associated data binds a
ciphertext to its supplier id and address, so a sealed key copied onto another supplier's row does
not open. Keys sealed before the keyring open as key id `legacy` until rotation re-seals them.

A managed key is only *usable* once the registry says it is the supplier's account
(`SupplierRegistry.getSupplier(id).account == address`): the chain, not this table, binds a key to a
supplier. How a supplier's account becomes the managed address is the router's concern
(app/tenders/managed_bids.py).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from eth_account import Account
from eth_account.signers.local import LocalAccount
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from app.config import Settings
from app.keyring.columns import SEALED
from app.keyring.keyring import keyring_for
from app.keyring.sealing import SealError
from app.suppliers.models import ManagedSupplierKey

FINGERPRINT_PURPOSE = b"terang/managed-suppliers/fingerprint/v1"


def derived_key(settings: Settings, purpose: bytes) -> bytes:
    """32 bytes for `purpose`, derived from the payout account key (HKDF-SHA256)."""
    try:
        master = base64.b64decode(settings.payout_account_key.get_secret_value(), validate=True)
    except ValueError:
        raise SealError("TERANG_PAYOUT_ACCOUNT_KEY is not base64") from None
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(master)


def keyed_fingerprint(settings: Settings, payload: dict) -> str:
    """HMAC-SHA256 of a secret payload: what the idempotency record may fingerprint instead of it.
    A plain hash of a bid's price and products could be tested against guesses; this cannot
    without the operator's secret."""
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()
    return hmac.new(derived_key(settings, FINGERPRINT_PURPOSE), canonical, hashlib.sha256).hexdigest()


def _binding(supplier_id: int, address: str) -> str:
    return SEALED["managed-keys"].bind(supplier_id=supplier_id, address=address)


def find(sessions: sessionmaker[Session], supplier_id: int) -> ManagedSupplierKey | None:
    with sessions() as session:
        return session.get(ManagedSupplierKey, supplier_id)


def create(
    sessions: sessionmaker[Session], settings: Settings, supplier_id: int, created_by: str
) -> tuple[ManagedSupplierKey, bool]:
    """The supplier's managed key, made now if it has none: (row, created). One key per supplier;
    of two concurrent requests one creates and both answer the same address."""
    existing = find(sessions, supplier_id)
    if existing is not None:
        return existing, False
    account = Account.create()
    address = account.address
    row = ManagedSupplierKey(
        supplier_id=supplier_id,
        address=address,
        sealed_key=keyring_for(settings).seal(
            "managed-keys", _binding(supplier_id, address), bytes(account.key)
        ),
        created_by=created_by,
    )
    try:
        with sessions.begin() as session:
            session.add(row)
    except IntegrityError:
        return find(sessions, supplier_id), False
    return row, True


def signer(settings: Settings, row: ManagedSupplierKey) -> LocalAccount:
    """The account to sign with, opened from its sealed row and checked against its address."""
    raw = keyring_for(settings).open("managed-keys", _binding(row.supplier_id, row.address), row.sealed_key)
    account = Account.from_key(raw)
    if account.address != row.address:
        raise ValueError(f"the sealed key of supplier {row.supplier_id} is not the key of {row.address}")
    return account
