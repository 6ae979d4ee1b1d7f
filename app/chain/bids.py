"""Sealed bids for the Tenders contract: tender ids, commitments and EIP-712 signed commit/reveal
payloads that anyone (the gateway) may relay, so a supplier needs no ETH.

Only eth-account, eth-abi and eth-utils are imported, so both the contracts environment (.venv) and
the gateway environment (.venv-app) can use this module.

The bidder is the supplier's registry id (uint64), not its address: a bid survives a key rotation
between commit and reveal, and one supplier holds at most one bid per tender.

    commitment = keccak256(abi.encode(tenderId, supplierId, price, productIds, salt))

Keep the salt secret until the reveal: with it, anyone can test guesses of the price. Never ask a
node to compute a commitment (an eth_call would leak the bid); compute it here.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from eth_abi import encode
from eth_account import Account
from eth_account.messages import encode_typed_data
from eth_utils import keccak, to_bytes, to_checksum_address

from app.chain.eip712 import typed_data

DOMAIN_NAME = "Terang Tenders"
DOMAIN_VERSION = "1"

_FIELDS = [
    {"name": "supplier", "type": "address"},
    {"name": "tenderId", "type": "bytes32"},
    {"name": "commitment", "type": "bytes32"},
    {"name": "nonce", "type": "uint256"},
    {"name": "deadline", "type": "uint256"},
]
COMMIT_TYPE = "CommitBid"
REVEAL_TYPE = "RevealBid"


def _bytes32(value: bytes | str) -> bytes:
    raw = to_bytes(hexstr=value) if isinstance(value, str) else bytes(value)
    if len(raw) != 32:
        raise ValueError(f"expected 32 bytes, got {len(raw)}")
    return raw


def tender_id(ocid: str) -> bytes:
    """The tender id of an OCDS `ocid`: keccak256 of its UTF-8 bytes."""
    if not ocid:
        raise ValueError("ocid must not be empty")
    return keccak(text=ocid)


def new_salt() -> bytes:
    """A fresh 32-byte secret salt."""
    return secrets.token_bytes(32)


def commitment(
    tender: bytes | str, supplier_id: int, price: int, product_ids: Sequence[bytes | str], salt: bytes | str
) -> bytes:
    """keccak256(abi.encode(bytes32 tenderId, uint64 supplierId, uint256 price, bytes32[] productIds,
    bytes32 salt)), exactly as Tenders recomputes it at reveal."""
    if not 0 < supplier_id < 2**64:
        raise ValueError("supplier_id must be a registered supplier id (1 .. 2**64-1)")
    if not 0 < price < 2**256:
        raise ValueError("price must be a positive integer (rupiah)")
    encoded = encode(
        ["bytes32", "uint64", "uint256", "bytes32[]", "bytes32"],
        [_bytes32(tender), supplier_id, price, [_bytes32(p) for p in product_ids], _bytes32(salt)],
    )
    return keccak(encoded)


def sealed_bid(bid_commitment: bytes | str, commit_seq: int) -> bytes:
    """What the contract stores: keccak256(abi.encode(commitment, uint32 commitSeq))."""
    return keccak(encode(["bytes32", "uint32"], [_bytes32(bid_commitment), commit_seq]))


@dataclass(frozen=True)
class SignedBidMessage:
    """A signed CommitBid or RevealBid, with the arguments a relayer passes to the contract."""

    supplier: str
    tender_id: bytes
    commitment: bytes
    nonce: int
    deadline: int
    signature: bytes


def _typed_data(primary_type: str, chain_id: int, verifying_contract: str, message: dict) -> dict:
    return typed_data(
        domain_name=DOMAIN_NAME,
        domain_version=DOMAIN_VERSION,
        chain_id=chain_id,
        verifying_contract=verifying_contract,
        primary_type=primary_type,
        fields=_FIELDS,
        message=message,
    )


def _sign(
    primary_type: str,
    private_key: bytes | str,
    *,
    chain_id: int,
    verifying_contract: str,
    tender: bytes | str,
    bid_commitment: bytes | str,
    nonce: int,
    deadline: int,
) -> SignedBidMessage:
    supplier = Account.from_key(private_key).address
    message = {
        "supplier": supplier,
        "tenderId": _bytes32(tender),
        "commitment": _bytes32(bid_commitment),
        "nonce": nonce,
        "deadline": deadline,
    }
    signable = encode_typed_data(
        full_message=_typed_data(primary_type, chain_id, verifying_contract, message)
    )
    signed = Account.sign_message(signable, private_key)
    return SignedBidMessage(
        supplier=supplier,
        tender_id=message["tenderId"],
        commitment=message["commitment"],
        nonce=nonce,
        deadline=deadline,
        signature=bytes(signed.signature),
    )


def sign_commit(private_key: bytes | str, **kwargs) -> SignedBidMessage:
    """Signs CommitBid(address supplier, bytes32 tenderId, bytes32 commitment, uint256 nonce,
    uint256 deadline). Keyword arguments: chain_id, verifying_contract, tender, bid_commitment,
    nonce (Tenders.nonces(supplier)), deadline (unix time)."""
    return _sign(COMMIT_TYPE, private_key, **kwargs)


def sign_reveal(private_key: bytes | str, **kwargs) -> SignedBidMessage:
    """Signs RevealBid(...) with the same fields as CommitBid; the commitment binds the opening
    (price, products, salt) that the relayer sends along."""
    return _sign(REVEAL_TYPE, private_key, **kwargs)


def digest(
    primary_type: str,
    *,
    chain_id: int,
    verifying_contract: str,
    supplier: str,
    tender: bytes | str,
    bid_commitment: bytes | str,
    nonce: int,
    deadline: int,
) -> bytes:
    """The EIP-712 digest the contract recovers the signer from (for checks and debugging)."""
    message = {
        "supplier": to_checksum_address(supplier),
        "tenderId": _bytes32(tender),
        "commitment": _bytes32(bid_commitment),
        "nonce": nonce,
        "deadline": deadline,
    }
    signable = encode_typed_data(
        full_message=_typed_data(primary_type, chain_id, verifying_contract, message)
    )
    return keccak(b"\x19\x01" + signable.header + signable.body)
