"""Milestone escrow helpers: the terms hash a supplier countersigns, its EIP-712 Countersign and
OpenDispute signatures (relayed by anyone, e.g. the gateway, so a supplier needs no ETH), payment
references and payee keys, exactly as MilestoneEscrow and Payments compute them.

Only eth-account, eth-abi and eth-utils are imported, so both Python environments can use it.

    termsHash = keccak256(abi.encode(bytes32 tenderId, uint64 supplierId, uint256 value,
                                     EscrowTerms terms, MilestoneInput[] milestones))

A supplier's client should recompute the terms hash from the terms it agreed to (never trust the
chain's copy alone) before signing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from eth_abi import encode
from eth_account import Account
from eth_account.messages import encode_typed_data
from eth_utils import keccak, to_bytes, to_checksum_address

from app.protocol import vocabulary
from app.protocol.eip712 import typed_data

DOMAIN_NAME = "Terang MilestoneEscrow"
DOMAIN_VERSION = "1"
COUNTERSIGN_TYPE = "Countersign"
OPEN_DISPUTE_TYPE = "OpenDispute"
_NONCE_AND_DEADLINE = [{"name": "nonce", "type": "uint256"}, {"name": "deadline", "type": "uint256"}]
FIELDS = {
    COUNTERSIGN_TYPE: [
        {"name": "escrowId", "type": "bytes32"},
        {"name": "termsHash", "type": "bytes32"},
        *_NONCE_AND_DEADLINE,
    ],
    OPEN_DISPUTE_TYPE: [
        {"name": "escrowId", "type": "bytes32"},
        {"name": "index", "type": "uint8"},
        {"name": "evidenceHash", "type": "bytes32"},
        *_NONCE_AND_DEADLINE,
    ],
}
TERMS = vocabulary.struct("IMilestoneEscrow.EscrowTerms")
MILESTONE_ABI = vocabulary.struct("IMilestoneEscrow.MilestoneInput").abi_type
TERMS_ABI = TERMS.abi_type
SUPPLIER_PAYEE_TAG = b"terang.payee.supplier".ljust(32, b"\x00")

PAYMENT_KIND = vocabulary.enum("IMilestoneEscrow.PaymentKind")
ADVANCE, MILESTONE, RETENTION, PENALTY_REFUND = PAYMENT_KIND.codes(
    "Advance", "Milestone", "Retention", "PenaltyRefund"
)


def _bytes32(value: bytes | str) -> bytes:
    raw = to_bytes(hexstr=value) if isinstance(value, str) else bytes(value)
    if len(raw) != 32:
        raise ValueError(f"expected 32 bytes, got {len(raw)}")
    return raw


def terms_hash(
    tender_id: bytes | str, supplier_id: int, value: int, terms: Sequence, milestones: Sequence
) -> bytes:
    """keccak256 of the ABI encoding the escrow hashes at creation. `terms` is the EscrowTerms tuple
    (advanceAmount, advanceGuaranteeRef, performanceBondRef, retentionBps, penaltyPpmPerDay,
    penaltyCapBps, maintenancePeriod, quorum, verifiers, multiYear); `milestones` a list of MilestoneInput
    tuples (amount, shareBps, dueDate, deliverableHash)."""
    terms = list(terms)
    for field in ("advanceGuaranteeRef", "performanceBondRef"):
        terms[TERMS.index(field)] = _bytes32(terms[TERMS.index(field)])
    verifiers = TERMS.index("verifiers")
    terms[verifiers] = [to_checksum_address(str(v)) for v in terms[verifiers]]
    rows = [(int(a), int(s), int(d), _bytes32(h)) for a, s, d, h in milestones]
    encoded = encode(
        ["bytes32", "uint64", "uint256", TERMS_ABI, f"{MILESTONE_ABI}[]"],
        [_bytes32(tender_id), supplier_id, value, tuple(terms), rows],
    )
    return keccak(encoded)


def payee_key(supplier_id: int) -> bytes:
    """The Payments payee key of a supplier: keccak256(abi.encode(bytes32 tag, uint64 supplierId))."""
    return keccak(encode(["bytes32", "uint64"], [SUPPLIER_PAYEE_TAG, supplier_id]))


def payment_reference(escrow_id: bytes | str, kind: int, index: int = 0) -> bytes:
    """The source reference of an escrow payment: keccak256(abi.encode(escrowId, uint8 kind, uint8 index))."""
    return keccak(encode(["bytes32", "uint8", "uint8"], [_bytes32(escrow_id), kind, index]))


def payment_id(escrow_contract: str, escrow_id: bytes | str, kind: int, index: int = 0) -> bytes:
    """The Payments instruction id: keccak256(abi.encode(address source, bytes32 reference))."""
    reference = payment_reference(escrow_id, kind, index)
    return keccak(encode(["address", "bytes32"], [to_checksum_address(escrow_contract), reference]))


@dataclass(frozen=True)
class SignedCountersign:
    """A signed Countersign, with the arguments a relayer passes to countersignBySig."""

    supplier: str
    escrow_id: bytes
    terms_hash: bytes
    nonce: int
    deadline: int
    signature: bytes


@dataclass(frozen=True)
class SignedDispute:
    """A signed OpenDispute, with the arguments a relayer passes to openDisputeBySig."""

    supplier: str
    escrow_id: bytes
    index: int
    evidence_hash: bytes
    nonce: int
    deadline: int
    signature: bytes


def escrow_typed_data(primary_type: str, chain_id: int, verifying_contract: str, message: dict) -> dict:
    """The EIP-712 typed data of one of the supplier's escrow acts (a key of FIELDS)."""
    return typed_data(
        domain_name=DOMAIN_NAME,
        domain_version=DOMAIN_VERSION,
        chain_id=chain_id,
        verifying_contract=verifying_contract,
        primary_type=primary_type,
        fields=FIELDS[primary_type],
        message=message,
    )


def _sign(private_key: bytes | str, primary_type: str, chain_id: int, verifying_contract: str, message: dict):
    full = escrow_typed_data(primary_type, chain_id, verifying_contract, message)
    return bytes(Account.sign_message(encode_typed_data(full_message=full), private_key).signature)


def sign_countersign(
    private_key: bytes | str,
    *,
    chain_id: int,
    verifying_contract: str,
    escrow_id: bytes | str,
    terms_hash: bytes | str,
    nonce: int,
    deadline: int,
) -> SignedCountersign:
    """Signs Countersign(bytes32 escrowId, bytes32 termsHash, uint256 nonce, uint256 deadline) with
    the supplier's key; nonce is MilestoneEscrow.nonces(supplier)."""
    message = {
        "escrowId": _bytes32(escrow_id),
        "termsHash": _bytes32(terms_hash),
        "nonce": nonce,
        "deadline": deadline,
    }
    return SignedCountersign(
        supplier=Account.from_key(private_key).address,
        escrow_id=message["escrowId"],
        terms_hash=message["termsHash"],
        nonce=nonce,
        deadline=deadline,
        signature=_sign(private_key, COUNTERSIGN_TYPE, chain_id, verifying_contract, message),
    )


def sign_open_dispute(
    private_key: bytes | str,
    *,
    chain_id: int,
    verifying_contract: str,
    escrow_id: bytes | str,
    index: int,
    evidence_hash: bytes | str,
    nonce: int,
    deadline: int,
) -> SignedDispute:
    """Signs OpenDispute(bytes32 escrowId, uint8 index, bytes32 evidenceHash, uint256 nonce, uint256
    deadline) with the supplier's key: it disputes the rejection or the penalty of milestone `index`.
    The nonce is MilestoneEscrow.nonces(supplier), shared with Countersign."""
    message = {
        "escrowId": _bytes32(escrow_id),
        "index": index,
        "evidenceHash": _bytes32(evidence_hash),
        "nonce": nonce,
        "deadline": deadline,
    }
    return SignedDispute(
        supplier=Account.from_key(private_key).address,
        escrow_id=message["escrowId"],
        index=index,
        evidence_hash=message["evidenceHash"],
        nonce=nonce,
        deadline=deadline,
        signature=_sign(private_key, OPEN_DISPUTE_TYPE, chain_id, verifying_contract, message),
    )
