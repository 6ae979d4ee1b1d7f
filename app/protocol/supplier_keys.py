"""A supplier's key rotation signed by both keys and relayed by anyone (the supplier needs no ETH),
exactly as SupplierRegistry.rotateKeyBySig checks it:

    RotateKey(address current, address newAccount, uint256 nonce, uint256 deadline)

in the EIP-712 domain "Terang SupplierRegistry" version 1. The current key signs to move the record;
the new key signs the same message to show it is held, so a record is never moved to a mistyped
address or to someone else's. `nonce` is SupplierRegistry.nonces(current).

Only eth-account and eth-utils are imported, so both Python environments can use it."""

from __future__ import annotations

from dataclasses import dataclass

from eth_account import Account
from eth_account.messages import encode_typed_data
from eth_utils import to_checksum_address

from app.protocol.eip712 import typed_data

DOMAIN_NAME = "Terang SupplierRegistry"
DOMAIN_VERSION = "1"
ROTATE_KEY_TYPE = "RotateKey"
FIELDS = [
    {"name": "current", "type": "address"},
    {"name": "newAccount", "type": "address"},
    {"name": "nonce", "type": "uint256"},
    {"name": "deadline", "type": "uint256"},
]


@dataclass(frozen=True)
class SignedRotation:
    """A RotateKey signed by both keys, with the arguments a relayer passes to rotateKeyBySig."""

    current: str
    new_account: str
    nonce: int
    deadline: int
    current_signature: bytes
    new_signature: bytes


def rotation_typed_data(chain_id: int, verifying_contract: str, message: dict) -> dict:
    return typed_data(
        domain_name=DOMAIN_NAME,
        domain_version=DOMAIN_VERSION,
        chain_id=chain_id,
        verifying_contract=verifying_contract,
        primary_type=ROTATE_KEY_TYPE,
        fields=FIELDS,
        message=message,
    )


def sign_rotation(
    current_key: bytes | str,
    new_key: bytes | str,
    *,
    chain_id: int,
    verifying_contract: str,
    nonce: int,
    deadline: int,
) -> SignedRotation:
    """Both keys sign RotateKey(current, newAccount, nonce, deadline)."""
    current, new = Account.from_key(current_key), Account.from_key(new_key)
    message = {
        "current": to_checksum_address(current.address),
        "newAccount": to_checksum_address(new.address),
        "nonce": nonce,
        "deadline": deadline,
    }
    signable = encode_typed_data(full_message=rotation_typed_data(chain_id, verifying_contract, message))
    return SignedRotation(
        current=current.address,
        new_account=new.address,
        nonce=nonce,
        deadline=deadline,
        current_signature=bytes(current.sign_message(signable).signature),
        new_signature=bytes(new.sign_message(signable).signature),
    )
