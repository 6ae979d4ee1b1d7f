// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title Welfare benefit and batch arithmetic
/// @notice Pure functions: component packing, the capped benefit, the order in which components
/// count under the cap, and the Merkle commitment of a batch's lines.
library WelfareMath {
    uint256 internal constant COMPONENTS = 8;

    /// @notice Packs eight 8-bit component counts (component i in bits 8i..8i+7).
    function pack(uint8[8] calldata counts) internal pure returns (uint64 packed) {
        for (uint256 i; i < COMPONENTS; ++i) {
            packed |= uint64(counts[i]) << (8 * i);
        }
    }

    function unpack(uint64 packed) internal pure returns (uint8[8] memory counts) {
        for (uint256 i; i < COMPONENTS; ++i) {
            counts[i] = uint8(packed >> (8 * i));
        }
    }

    /// @notice Component indexes by amount, highest first (ties: lower index first). Unused
    /// components (amount 0) come last and add nothing.
    function orderByAmount(uint64[8] memory amounts) internal pure returns (uint8[8] memory order) {
        for (uint256 i; i < COMPONENTS; ++i) {
            order[i] = uint8(i);
        }
        // Insertion sort of eight items, once per batch.
        for (uint256 i = 1; i < COMPONENTS; ++i) {
            uint8 item = order[i];
            uint256 j = i;
            while (j > 0 && amounts[order[j - 1]] < amounts[item]) {
                order[j] = order[j - 1];
                --j;
            }
            order[j] = item;
        }
    }

    /// @notice The benefit of a family with `packed` component counts: at most `cap` component units
    /// count, the highest amounts first (the family's most favourable choice, and deterministic).
    function benefit(uint64[8] memory amounts, uint8[8] memory order, uint64 packed, uint256 cap)
        internal
        pure
        returns (uint256 total)
    {
        uint256 left = cap;
        for (uint256 k; k < COMPONENTS && left > 0; ++k) {
            uint256 i = order[k];
            uint256 amount = amounts[i];
            if (amount == 0) break; // order puts unused components last
            uint256 count = uint8(packed >> (8 * i));
            if (count == 0) continue;
            if (count > left) count = left;
            total += count * amount;
            left -= count;
        }
    }

    /// @notice Leaf of line `index` paying `amount` to `payeeKey`; hashed twice (as OpenZeppelin's
    /// standard Merkle tree does) so that no inner node can pass for a leaf.
    function lineLeaf(uint256 index, bytes32 payeeKey, uint256 amount) internal pure returns (bytes32 leaf) {
        // keccak256(bytes.concat(keccak256(abi.encode(index, payeeKey, amount)))) without allocating:
        // memory past the free pointer and the scratch space, as Hashes.efficientKeccak256 does.
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, index)
            mstore(add(ptr, 0x20), payeeKey)
            mstore(add(ptr, 0x40), amount)
            mstore(0x00, keccak256(ptr, 0x60))
            leaf := keccak256(0x00, 0x20)
        }
    }

    /// @notice The bits of the packed counts that belong to components the programme pays.
    function paidComponentsMask(uint64[8] memory amounts) internal pure returns (uint64 mask) {
        for (uint256 i; i < COMPONENTS; ++i) {
            if (amounts[i] != 0) mask |= uint64(0xff) << (8 * i);
        }
    }

    /// @notice Merkle root over the first `count` of `leaves` (overwritten): each level hashes
    /// neighbours in sorted order (OpenZeppelin MerkleProof's commutative hash, as
    /// Hashes.commutativeKeccak256); an odd last node moves up unchanged.
    function merkleRoot(bytes32[] memory leaves, uint256 count) internal pure returns (bytes32 root) {
        if (count == 0) return bytes32(0);
        assembly ("memory-safe") {
            // More leaves than the array holds: the out-of-bounds panic (0x32) of an indexed read.
            if gt(count, mload(leaves)) {
                mstore(0x00, shl(224, 0x4e487b71))
                mstore(0x04, 0x32)
                revert(0x00, 0x24)
            }
            // Pairs hashed in the scratch space, each level written over the one below it.
            let base := add(leaves, 0x20)
            for {} gt(count, 1) {} {
                let half := shr(1, count)
                for { let i := 0 } lt(i, half) { i := add(i, 1) } {
                    let left := mload(add(base, shl(6, i)))
                    let right := mload(add(base, add(shl(6, i), 0x20)))
                    if gt(left, right) {
                        let swap := left
                        left := right
                        right := swap
                    }
                    mstore(0x00, left)
                    mstore(0x20, right)
                    mstore(add(base, shl(5, i)), keccak256(0x00, 0x40))
                }
                if and(count, 1) { mstore(add(base, shl(5, half)), mload(add(base, shl(5, sub(count, 1))))) }
                count := add(half, and(count, 1))
            }
            root := mload(base)
        }
    }
}
