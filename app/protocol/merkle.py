"""The Merkle tree of the suite's anchored lists (welfare payment lines, imported archives): the tree
OpenZeppelin's MerkleProof verifies. Each pair is hashed in sorted order (keccak256 of the smaller
node then the larger), so a proof is only the list of siblings; an odd last node of a level moves up
unchanged. Leaves are the callers' own (each domain hashes its own fields, twice, so no leaf can be
mistaken for an inner node).

`levels`, `root` and `proof` hold the whole tree in memory (lists of a few thousand lines);
`StreamingRoot` computes the same root from leaves fed one at a time with memory in the tree's depth,
for lists too long to hold (a hundred thousand imported records)."""

from __future__ import annotations

from collections.abc import Iterable

from eth_utils import keccak

ZERO = b"\x00" * 32


def hash_pair(a: bytes, b: bytes) -> bytes:
    return keccak(a + b if a < b else b + a)


def parents(level: list[bytes]) -> list[bytes]:
    """The level above `level` (an odd last node moves up unchanged)."""
    up = [hash_pair(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
    if len(level) % 2:
        up.append(level[-1])
    return up


def levels(leaves: list[bytes]) -> list[list[bytes]]:
    result = [list(leaves)]
    while len(result[-1]) > 1:
        result.append(parents(result[-1]))
    return result


def root(leaves: list[bytes]) -> bytes:
    """The root over `leaves`; zero bytes for no leaf."""
    if not leaves:
        return ZERO
    return levels(leaves)[-1][0]


def proof(leaves: list[bytes], position: int) -> list[bytes]:
    """Proof of leaves[position] against root(leaves) (OpenZeppelin MerkleProof.verify)."""
    return proof_in(levels(leaves), position)


def proof_in(tree: list[list[bytes]], position: int) -> list[bytes]:
    """proof() from a tree's `levels`, kept by a caller proving many leaves of one tree."""
    siblings = []
    for level in tree[:-1]:
        sibling = position ^ 1
        if sibling < len(level):
            siblings.append(level[sibling])
        position //= 2
    return siblings


def process_proof(leaf: bytes, siblings: Iterable[bytes]) -> bytes:
    """The root a proof leads to from `leaf` (OpenZeppelin MerkleProof.processProof)."""
    node = leaf
    for sibling in siblings:
        node = hash_pair(node, sibling)
    return node


def verify(leaf: bytes, siblings: Iterable[bytes], expected_root: bytes) -> bool:
    return process_proof(leaf, siblings) == expected_root


class StreamingRoot:
    """root() of the leaves `add`ed in order, holding at most one waiting node per level.

    A node waiting at level L is the left half of a pair whose right half is still to come. At the
    end, the nodes still waiting are the odd last nodes of their levels: from the bottom up, each
    pairs with what moved up from below it, else moves up itself, as `levels` does."""

    def __init__(self) -> None:
        self._waiting: list[bytes | None] = []
        self.count = 0

    def add(self, leaf: bytes) -> None:
        self.count += 1
        node, height = leaf, 0
        while True:
            if height == len(self._waiting):
                self._waiting.append(node)
                return
            left = self._waiting[height]
            if left is None:
                self._waiting[height] = node
                return
            self._waiting[height] = None
            node, height = hash_pair(left, node), height + 1

    def root(self) -> bytes:
        if not self.count:
            return ZERO
        carried: bytes | None = None
        for waiting in self._waiting:
            if waiting is not None and carried is not None:
                carried = hash_pair(waiting, carried)
            elif waiting is not None:
                carried = waiting
        assert carried is not None
        return carried
