"""The plaintext a bid envelope (app/tenders/envelope.py) carries: a bid's opening, ABI-encoded

    abi.encode(uint256 price, (bytes32 productId, uint16 shareBps)[] products, bytes32 salt,
               bytes32 bidBondRef)

so the quorum that opens an envelope can pass the decoded fields to the contract as they are, and
the contract checks them against the bid's commitment. This module checks only the ABI types
(ranges and sizes); what the values mean (a positive price, shares that add up, a bond that exists)
is the contract's to check.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from eth_abi import decode, encode
from eth_abi.exceptions import DecodingError

OPENING_TYPES = ["uint256", "(bytes32,uint16)[]", "bytes32", "bytes32"]


@dataclass(frozen=True)
class Opening:
    """A decoded opening; `products` holds (productId, shareBps) pairs in the bidder's order."""

    price: int
    products: tuple[tuple[bytes, int], ...]
    salt: bytes
    bid_bond_ref: bytes


def encode_opening(
    price: int, products: Sequence[tuple[bytes, int]], salt: bytes, bid_bond_ref: bytes
) -> bytes:
    """abi.encode(uint256 price, (bytes32,uint16)[] products, bytes32 salt, bytes32 bidBondRef).
    Raises ValueError for a value outside its ABI type."""
    if not isinstance(price, int) or isinstance(price, bool) or not 0 <= price < 2**256:
        raise ValueError("price must be an integer 0 .. 2**256-1 (rupiah)")
    pairs = []
    for position, product in enumerate(products):
        try:
            product_id, share_bps = product
        except (TypeError, ValueError):
            raise ValueError(f"product {position} must be a (productId, shareBps) pair") from None
        if not isinstance(share_bps, int) or isinstance(share_bps, bool) or not 0 <= share_bps < 2**16:
            raise ValueError(f"product {position}'s shareBps must be an integer 0 .. 65535")
        pairs.append((_bytes32(product_id, f"product {position}'s productId"), share_bps))
    return encode(
        OPENING_TYPES, [price, pairs, _bytes32(salt, "salt"), _bytes32(bid_bond_ref, "bid_bond_ref")]
    )


def decode_opening(data: bytes) -> Opening:
    """The opening encoded in `data`. Raises ValueError unless `data` is exactly the encoding
    encode_opening gives for it (no trailing bytes, no other padding or offsets)."""
    data = bytes(data)
    try:
        price, pairs, salt, bid_bond_ref = decode(OPENING_TYPES, data)
    except (DecodingError, ValueError, OverflowError) as exc:
        raise ValueError(f"not an encoded opening: {exc}") from None
    products = tuple((bytes(product_id), int(share_bps)) for product_id, share_bps in pairs)
    opening = Opening(price=price, products=products, salt=bytes(salt), bid_bond_ref=bytes(bid_bond_ref))
    if encode_opening(opening.price, opening.products, opening.salt, opening.bid_bond_ref) != data:
        raise ValueError("not an encoded opening: not in canonical ABI encoding")
    return opening


def _bytes32(value: bytes, name: str) -> bytes:
    if not isinstance(value, bytes | bytearray) or len(value) != 32:
        raise ValueError(f"{name} must be 32 bytes")
    return bytes(value)
