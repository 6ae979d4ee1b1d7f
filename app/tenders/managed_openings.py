"""The openings (price, products and their value shares, salt, bid bond reference) of sealed bids the
gateway commits for managed suppliers, with the hash of the envelope each commit carried, kept
sealed until the reveal.

Whoever reads a salt can test guesses of the price against the public commitment, so an opening is
stored only sealed (the keyring's `openings` purpose, app/keyring), bound to its supplier, tender
and commitment. It is written before the transaction carrying its commitment is
signed: a gateway that dies after sending still holds the opening of a bid that may be on chain.

Which opening to reveal is decided by the chain, not by this table: a supplier may re-bid (the
contract replaces its sealed bid with `keccak256(abi.encode(commitment, commitSeq, envelopeHash))`),
a retried request may have stored an opening that never reached the chain, so the opening revealed
is the one whose commitment, commitSeq and envelope hash to the sealed bid the contract holds now.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from eth_utils import to_bytes
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from app.config import Settings
from app.keyring.columns import SEALED
from app.keyring.keyring import keyring_for
from app.protocol import bids
from app.tenders.models import ManagedBidOpening

# Seqs tried for an opening whose commit outcome was never recorded (the gateway died between
# sending and the receipt); a tender's commitSeq counts its commits, so this is generous.
MAX_SEQ_SEARCH = 1_000_000


@dataclass(frozen=True)
class Opening:
    price: int
    products: tuple[tuple[bytes, int], ...]  # (productId, shareBps), ascending ids
    salt: bytes
    bid_bond_ref: bytes
    envelope_hash: bytes
    commitment: bytes
    commit_seq: int

    def as_tuple(self) -> tuple:
        """The contract's BidOpening."""
        return bids.opening(
            self.price, self.products, self.salt, self.commit_seq, self.envelope_hash, self.bid_bond_ref
        )


def _hex(value: bytes) -> str:
    return "0x" + value.hex()


def _binding(supplier_id: int, tender: bytes, commitment: bytes) -> str:
    return SEALED["openings"].bind(
        supplier_id=supplier_id, tender_id=_hex(tender), commitment=_hex(commitment)
    )


def save(
    sessions: sessionmaker[Session],
    settings: Settings,
    *,
    supplier_id: int,
    tender: bytes,
    commitment: bytes,
    price: int,
    products: Sequence[tuple[bytes, int]],
    salt: bytes,
    bid_bond_ref: bytes,
    envelope_hash: bytes,
) -> None:
    """Store an opening, sealed; saving the same commitment again is a no-op (a commitment binds
    its salt, so the same commitment is the same opening)."""
    plain = json.dumps(
        {
            "price": price,
            "products": [[_hex(product), share] for product, share in products],
            "salt": _hex(salt),
            "bidBondRef": _hex(bid_bond_ref),
        }
    )
    row = ManagedBidOpening(
        supplier_id=supplier_id,
        tender_id=_hex(tender),
        commitment=_hex(commitment),
        envelope_hash=_hex(envelope_hash),
        sealed_opening=keyring_for(settings).seal(
            "openings", _binding(supplier_id, tender, commitment), plain.encode()
        ),
    )
    try:
        with sessions.begin() as session:
            session.add(row)
    except IntegrityError:
        pass


def record_commit_seq(sessions: sessionmaker[Session], commitment: str, commit_seq: int) -> None:
    """The commit's order number, from its BidCommitted event (public on chain)."""
    with sessions.begin() as session:
        session.execute(
            update(ManagedBidOpening)
            .where(ManagedBidOpening.commitment == commitment.lower())
            .values(commit_seq=commit_seq)
        )


def _seq_of(commitment: bytes, envelope_hash: bytes, sealed_bid: bytes, last_seq: int) -> int | None:
    for seq in range(min(last_seq, MAX_SEQ_SEARCH), 0, -1):
        if bids.sealed_bid(commitment, seq, envelope_hash) == sealed_bid:
            return seq
    return None


def current(
    sessions: sessionmaker[Session],
    settings: Settings,
    *,
    supplier_id: int,
    tender: bytes,
    sealed_bid: bytes,
    last_seq: int,
) -> Opening | None:
    """The stored opening of the sealed bid the chain holds for this supplier (None if the gateway
    made none of its commitments). `last_seq` is the tender's commitSeq, the highest in use."""
    with sessions() as session:
        rows = (
            session.execute(
                select(ManagedBidOpening)
                .where(
                    ManagedBidOpening.tender_id == _hex(tender),
                    ManagedBidOpening.supplier_id == supplier_id,
                )
                .order_by(ManagedBidOpening.id.desc())
            )
            .scalars()
            .all()
        )
    # Recorded seqs first (the usual case: one hash each); then openings whose commit outcome was
    # never recorded, by search (rare: a crash after sending, or a commit the chain refused).
    rows.sort(key=lambda row: row.commit_seq is None)
    for row in rows:
        if row.envelope_hash is None:  # made before envelopes: no sealed bid on chain can match it
            continue
        commitment, envelope_hash = to_bytes(hexstr=row.commitment), to_bytes(hexstr=row.envelope_hash)
        seq = row.commit_seq
        if seq is None:
            seq = _seq_of(commitment, envelope_hash, sealed_bid, last_seq)
            if seq is not None:
                record_commit_seq(sessions, row.commitment, seq)
        if seq is None or bids.sealed_bid(commitment, seq, envelope_hash) != sealed_bid:
            continue
        plain = json.loads(
            keyring_for(settings).open(
                "openings", _binding(supplier_id, tender, commitment), row.sealed_opening
            )
        )
        return Opening(
            price=plain["price"],
            products=tuple((to_bytes(hexstr=p), int(share)) for p, share in plain["products"]),
            salt=to_bytes(hexstr=plain["salt"]),
            bid_bond_ref=to_bytes(hexstr=plain["bidBondRef"]),
            envelope_hash=envelope_hash,
            commitment=commitment,
            commit_seq=seq,
        )
    return None
