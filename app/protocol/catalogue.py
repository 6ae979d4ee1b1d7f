"""The e-Katalog snapshot as the EPurchasing contract checks it: each listed product is a leaf of a
Merkle tree whose root LKPP publishes on chain, so an order's price and TKDN are proven against the
catalogue, not typed by the ordering officer.

    leaf = keccak256(bytes.concat(keccak256(abi.encode(catalogueId, productId, supplierId, unitPrice,
                                                        tkdnBps, category, keccak256(bytes(name))))))

(uint64, bytes32, uint64, uint96, uint16, uint8, bytes32): OpenZeppelin's standard Merkle tree leaf
(hashed twice), in the suite's Merkle tree (app/protocol/merkle.py).

Only eth-abi and eth-utils are imported: both the contracts environment and the gateway use this.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from eth_abi import encode
from eth_utils import keccak

from app.protocol import merkle


@dataclass(frozen=True)
class Listing:
    """A catalogue product as the tree holds it (integer rupiah, basis points)."""

    product_id: bytes  # 32 bytes
    supplier_id: int
    unit_price: int
    tkdn_bps: int
    category: int  # ITenders.Category code (app/protocol/vocabulary.json)
    name: str


def product_id_of(code: str) -> bytes:
    """The on-chain id of a catalogue product code (e.g. "EK-1001-LAPTOP-14"): keccak256 of its text."""
    return keccak(text=code)


def leaf(catalogue_id: int, listing: Listing) -> bytes:
    inner = keccak(
        encode(
            ["uint64", "bytes32", "uint64", "uint96", "uint16", "uint8", "bytes32"],
            [
                catalogue_id,
                listing.product_id,
                listing.supplier_id,
                listing.unit_price,
                listing.tkdn_bps,
                listing.category,
                keccak(text=listing.name),
            ],
        )
    )
    return keccak(inner)


class CatalogueTree:
    """The tree over a snapshot's listings (app/protocol/merkle.py, OpenZeppelin's). Leaves are sorted
    by hash, so the root depends only on the set of listings."""

    def __init__(self, catalogue_id: int, listings: Sequence[Listing]):
        if not listings:
            raise ValueError("a catalogue needs at least one product")
        self.catalogue_id = catalogue_id
        self.leaves = sorted(leaf(catalogue_id, item) for item in listings)
        if len(set(self.leaves)) != len(self.leaves):
            raise ValueError("a catalogue lists each product once")
        self.levels = merkle.levels(self.leaves)
        self.root = self.levels[-1][0]

    def proof(self, listing: Listing) -> list[bytes]:
        """Sibling hashes from the listing's leaf to the root; KeyError for a listing not in the tree."""
        try:
            index = self.leaves.index(leaf(self.catalogue_id, listing))
        except ValueError:
            raise KeyError("the listing is not in this catalogue") from None
        return merkle.proof_in(self.levels, index)


def verify(root: bytes, catalogue_id: int, listing: Listing, proof: Sequence[bytes]) -> bool:
    """What MerkleProof.verify answers on chain."""
    return merkle.verify(leaf(catalogue_id, listing), proof, root)
