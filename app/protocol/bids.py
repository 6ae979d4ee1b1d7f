"""Sealed bids for the Tenders contract: tender ids, commitments and EIP-712 signed commit/reveal
payloads, and signed objections (sanggah), that anyone (the gateway) may relay, so a supplier needs
no ETH.

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

from app.protocol.eip712 import typed_data

DOMAIN_NAME = "Terang Tenders"
DOMAIN_VERSION = "1"

COMMIT_TYPE = "CommitBid"
REVEAL_TYPE = "RevealBid"
OBJECTION_TYPE = "FileObjection"
# The message types (in this order), each with the bytes32 it signs besides the supplier, the
# tender, the supplier's next nonce (one stream for all three: Tenders.nonces) and a deadline.
SIGNED_FIELD = {COMMIT_TYPE: "commitment", REVEAL_TYPE: "commitment", OBJECTION_TYPE: "evidenceHash"}


def fields(primary_type: str) -> list[dict]:
    """The EIP-712 fields of `primary_type`, in the order of the contract's type hash."""
    return [
        {"name": "supplier", "type": "address"},
        {"name": "tenderId", "type": "bytes32"},
        {"name": SIGNED_FIELD[primary_type], "type": "bytes32"},
        {"name": "nonce", "type": "uint256"},
        {"name": "deadline", "type": "uint256"},
    ]


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


@dataclass(frozen=True)
class SignedObjection:
    """A signed FileObjection (sanggah), with the arguments a relayer passes to the contract."""

    supplier: str
    tender_id: bytes
    evidence_hash: bytes
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
        fields=fields(primary_type),
        message=message,
    )


def _message(
    primary_type: str, supplier: str, tender: bytes | str, signed: bytes | str, nonce: int, deadline: int
):
    return {
        "supplier": to_checksum_address(supplier),
        "tenderId": _bytes32(tender),
        SIGNED_FIELD[primary_type]: _bytes32(signed),
        "nonce": nonce,
        "deadline": deadline,
    }


def _signature(
    primary_type: str, private_key: bytes | str, chain_id: int, verifying_contract: str, message: dict
):
    signable = encode_typed_data(
        full_message=_typed_data(primary_type, chain_id, verifying_contract, message)
    )
    return bytes(Account.sign_message(signable, private_key).signature)


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
    message = _message(primary_type, supplier, tender, bid_commitment, nonce, deadline)
    return SignedBidMessage(
        supplier=supplier,
        tender_id=message["tenderId"],
        commitment=message["commitment"],
        nonce=nonce,
        deadline=deadline,
        signature=_signature(primary_type, private_key, chain_id, verifying_contract, message),
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


def sign_objection(
    private_key: bytes | str,
    *,
    chain_id: int,
    verifying_contract: str,
    tender: bytes | str,
    evidence_hash: bytes | str,
    nonce: int,
    deadline: int,
) -> SignedObjection:
    """Signs FileObjection(address supplier, bytes32 tenderId, bytes32 evidenceHash, uint256 nonce,
    uint256 deadline): a losing bidder's sanggah, `evidence_hash` the hash of its objection letter."""
    supplier = Account.from_key(private_key).address
    message = _message(OBJECTION_TYPE, supplier, tender, evidence_hash, nonce, deadline)
    return SignedObjection(
        supplier=supplier,
        tender_id=message["tenderId"],
        evidence_hash=message["evidenceHash"],
        nonce=nonce,
        deadline=deadline,
        signature=_signature(OBJECTION_TYPE, private_key, chain_id, verifying_contract, message),
    )


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
    """The EIP-712 digest the contract recovers the signer from (for checks and debugging);
    `bid_commitment` is the message's own bytes32 (an objection's evidence hash for FileObjection)."""
    message = _message(primary_type, supplier, tender, bid_commitment, nonce, deadline)
    signable = encode_typed_data(
        full_message=_typed_data(primary_type, chain_id, verifying_contract, message)
    )
    return keccak(b"\x19\x01" + signable.header + signable.body)
