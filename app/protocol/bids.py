"""Sealed bids for the Tenders contract: tender ids, commitments and EIP-712 signed commit/reveal
payloads, and signed objections (sanggah), that anyone (the gateway) may relay, so a supplier needs
no ETH.

Only eth-account, eth-abi and eth-utils are imported, so both the contracts environment (.venv) and
the gateway environment (.venv-app) can use this module. The envelope that lets the Pokja quorum
open a withheld bid is built in app/tenders/envelope.py (gateway environment); here it is bytes.

The bidder is the supplier's registry id (uint64), not its address: a bid survives a key rotation
between commit and reveal, and one supplier holds at most one bid per tender.

    commitment = keccak256(abi.encode(tenderId, supplierId, price, products, salt, bidBondRef))
    sealedBid  = keccak256(abi.encode(commitment, commitSeq, keccak256(envelope)))

with products a list of (productId, shareBps) in ascending product id order, each share the
product's part of the bid value in basis points (together at most 10,000).

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
APPEAL_TYPE = "FileAppeal"
ZERO32 = bytes(32)

# Each message type's fields in the order of the contract's type hash. All three share the
# supplier's nonce stream (Tenders.nonces) and carry a deadline. A CommitBid also names its
# envelope and the sealed bid it replaces (zero for the first), so a signature handed to a relayer
# dies as soon as the supplier's bid changes in any other way.
_FIELDS = {
    COMMIT_TYPE: (("commitment", "bytes32"), ("envelopeHash", "bytes32"), ("replaces", "bytes32")),
    REVEAL_TYPE: (("commitment", "bytes32"),),
    OBJECTION_TYPE: (("evidenceHash", "bytes32"),),
    APPEAL_TYPE: (("objectionId", "uint16"), ("bondRef", "bytes32")),
}

PRIMARY_TYPES = tuple(_FIELDS)


def fields(primary_type: str) -> list[dict]:
    """The EIP-712 fields of `primary_type`, in the order of the contract's type hash."""
    return [
        {"name": "supplier", "type": "address"},
        {"name": "tenderId", "type": "bytes32"},
        *({"name": name, "type": kind} for name, kind in _FIELDS[primary_type]),
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


Product = tuple[bytes | str, int]  # (productId, shareBps)


def normalise_products(products: Sequence[Product]) -> list[tuple[bytes, int]]:
    """Products as the contract takes them: 32-byte ids in ascending order, shares in basis points,
    each positive, together at most 10,000 (the rest of the value is uncertified content, TKDN 0)."""
    normalised = sorted((_bytes32(product_id), int(share)) for product_id, share in products)
    ids = [product_id for product_id, _ in normalised]
    if len(set(ids)) != len(ids):
        raise ValueError("each product may be listed once")
    if any(not 0 < share <= 10_000 for _, share in normalised):
        raise ValueError("each product's share must be between 1 and 10,000 basis points")
    if sum(share for _, share in normalised) > 10_000:
        raise ValueError("product shares must sum to at most 10,000 basis points")
    return normalised


def weighted_tkdn(products: Sequence[tuple[int, int]]) -> int:
    """The bid's TKDN from (productTkdnBps, shareBps) pairs, rounded down as the contract does:
    sum(TKDN_i x share_i) / 10,000 (Permenperin 35/2025)."""
    return sum(tkdn * share for tkdn, share in products) // 10_000


def commitment(
    tender: bytes | str,
    supplier_id: int,
    price: int,
    products: Sequence[Product],
    salt: bytes | str,
    bid_bond_ref: bytes | str = ZERO32,
) -> bytes:
    """keccak256(abi.encode(bytes32 tenderId, uint64 supplierId, uint256 price, (bytes32,uint16)[]
    products, bytes32 salt, bytes32 bidBondRef)), exactly as Tenders recomputes it at opening."""
    if not 0 < supplier_id < 2**64:
        raise ValueError("supplier_id must be a registered supplier id (1 .. 2**64-1)")
    if not 0 < price < 2**256:
        raise ValueError("price must be a positive integer (rupiah)")
    encoded = encode(
        ["bytes32", "uint64", "uint256", "(bytes32,uint16)[]", "bytes32", "bytes32"],
        [
            _bytes32(tender),
            supplier_id,
            price,
            normalise_products(products),
            _bytes32(salt),
            _bytes32(bid_bond_ref),
        ],
    )
    return keccak(encoded)


def envelope_hash(envelope: bytes) -> bytes:
    """keccak256 of a commit's envelope, as the contract binds it into the sealed bid."""
    return keccak(bytes(envelope))


def sealed_bid(bid_commitment: bytes | str, commit_seq: int, envelope_digest: bytes | str) -> bytes:
    """What the contract stores: keccak256(abi.encode(commitment, uint32 commitSeq, envelopeHash))."""
    return keccak(
        encode(
            ["bytes32", "uint32", "bytes32"],
            [_bytes32(bid_commitment), commit_seq, _bytes32(envelope_digest)],
        )
    )


def opening(
    price: int,
    products: Sequence[Product],
    salt: bytes | str,
    commit_seq: int,
    envelope_digest: bytes | str,
    bid_bond_ref: bytes | str = ZERO32,
) -> tuple:
    """The BidOpening tuple a reveal or a quorum opening passes to the contract."""
    return (
        price,
        normalise_products(products),
        _bytes32(salt),
        _bytes32(bid_bond_ref),
        commit_seq,
        _bytes32(envelope_digest),
    )


@dataclass(frozen=True)
class SignedBidMessage:
    """A signed CommitBid or RevealBid, with the arguments a relayer passes to the contract."""

    supplier: str
    tender_id: bytes
    commitment: bytes
    nonce: int
    deadline: int
    signature: bytes
    envelope_hash: bytes | None = None  # CommitBid only
    replaces: bytes | None = None  # CommitBid only: the sealed bid replaced (zero for the first)


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


def _message(primary_type: str, supplier: str, tender: bytes | str, nonce: int, deadline: int, **signed):
    """The message of `primary_type`; `signed` holds its own fields by their EIP-712 names."""
    kinds = dict(_FIELDS[primary_type])
    if set(signed) != set(kinds):
        raise ValueError(f"{primary_type} signs {', '.join(kinds)}")
    return {
        "supplier": to_checksum_address(supplier),
        "tenderId": _bytes32(tender),
        **{
            name: _bytes32(signed[name]) if kind == "bytes32" else int(signed[name])
            for name, kind in kinds.items()
        },
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


def sign_commit(
    private_key: bytes | str,
    *,
    chain_id: int,
    verifying_contract: str,
    tender: bytes | str,
    bid_commitment: bytes | str,
    envelope_digest: bytes | str,
    replaces: bytes | str = ZERO32,
    nonce: int,
    deadline: int,
) -> SignedBidMessage:
    """Signs CommitBid(address supplier, bytes32 tenderId, bytes32 commitment, bytes32 envelopeHash,
    bytes32 replaces, uint256 nonce, uint256 deadline). `replaces` is the supplier's sealed bid in
    this tender now (Tenders.getBid(...).sealedBid; zero before its first commit); `nonce` is
    Tenders.nonces(supplier); `deadline` unix time."""
    supplier = Account.from_key(private_key).address
    message = _message(
        COMMIT_TYPE,
        supplier,
        tender,
        nonce,
        deadline,
        commitment=bid_commitment,
        envelopeHash=envelope_digest,
        replaces=replaces,
    )
    return SignedBidMessage(
        supplier=supplier,
        tender_id=message["tenderId"],
        commitment=message["commitment"],
        nonce=nonce,
        deadline=deadline,
        signature=_signature(COMMIT_TYPE, private_key, chain_id, verifying_contract, message),
        envelope_hash=message["envelopeHash"],
        replaces=message["replaces"],
    )


def sign_reveal(
    private_key: bytes | str,
    *,
    chain_id: int,
    verifying_contract: str,
    tender: bytes | str,
    bid_commitment: bytes | str,
    nonce: int,
    deadline: int,
) -> SignedBidMessage:
    """Signs RevealBid(address supplier, bytes32 tenderId, bytes32 commitment, uint256 nonce, uint256
    deadline); the commitment binds the opening (price, products, salt, bond) the relayer sends."""
    supplier = Account.from_key(private_key).address
    message = _message(REVEAL_TYPE, supplier, tender, nonce, deadline, commitment=bid_commitment)
    return SignedBidMessage(
        supplier=supplier,
        tender_id=message["tenderId"],
        commitment=message["commitment"],
        nonce=nonce,
        deadline=deadline,
        signature=_signature(REVEAL_TYPE, private_key, chain_id, verifying_contract, message),
    )


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
    message = _message(OBJECTION_TYPE, supplier, tender, nonce, deadline, evidenceHash=evidence_hash)
    return SignedObjection(
        supplier=supplier,
        tender_id=message["tenderId"],
        evidence_hash=message["evidenceHash"],
        nonce=nonce,
        deadline=deadline,
        signature=_signature(OBJECTION_TYPE, private_key, chain_id, verifying_contract, message),
    )


@dataclass(frozen=True)
class SignedAppeal:
    """A signed FileAppeal (sanggah banding), with the arguments a relayer passes to the contract."""

    supplier: str
    tender_id: bytes
    objection_id: int
    bond_ref: bytes
    nonce: int
    deadline: int
    signature: bytes


def sign_appeal(
    private_key: bytes | str,
    *,
    chain_id: int,
    verifying_contract: str,
    tender: bytes | str,
    objection_id: int,
    bond_ref: bytes | str,
    nonce: int,
    deadline: int,
) -> SignedAppeal:
    """Signs FileAppeal(address supplier, bytes32 tenderId, uint16 objectionId, bytes32 bondRef,
    uint256 nonce, uint256 deadline): an objector's sanggah banding, `bond_ref` the hash of its appeal
    bond document."""
    if not 0 < objection_id < 2**16:
        raise ValueError("objection_id must be an objection's number (1 .. 65535)")
    supplier = Account.from_key(private_key).address
    message = _message(
        APPEAL_TYPE, supplier, tender, nonce, deadline, objectionId=objection_id, bondRef=bond_ref
    )
    return SignedAppeal(
        supplier=supplier,
        tender_id=message["tenderId"],
        objection_id=objection_id,
        bond_ref=message["bondRef"],
        nonce=nonce,
        deadline=deadline,
        signature=_signature(APPEAL_TYPE, private_key, chain_id, verifying_contract, message),
    )


def digest(
    primary_type: str,
    *,
    chain_id: int,
    verifying_contract: str,
    supplier: str,
    tender: bytes | str,
    nonce: int,
    deadline: int,
    **signed: bytes | str,
) -> bytes:
    """The EIP-712 digest the contract recovers the signer from (for checks and debugging); `signed`
    gives the message's own fields by name (commitment, envelopeHash, replaces, evidenceHash,
    objectionId, bondRef)."""
    message = _message(primary_type, supplier, tender, nonce, deadline, **signed)
    signable = encode_typed_data(
        full_message=_typed_data(primary_type, chain_id, verifying_contract, message)
    )
    return keccak(b"\x19\x01" + signable.header + signable.body)
