// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title Anchored archives of imported records
/// @notice Records brought over from earlier systems (past procurement processes of SPSE and OCDS
/// archives, procurement plans of SiRUP, supplier extracts of SIKaP, e-Katalog listings) are kept off
/// chain by the gateway; the chain holds, per imported archive, the root of a Merkle tree over the
/// archive's records (OpenZeppelin MerkleProof: sorted pairs, leaves keccak256 of a domain prefix,
/// the record's index and its canonical bytes; docs/decisions/0041-legacy-archives.md), how many
/// records it holds and the hash of its metadata (source file SHA-256, source system, period, count).
/// Anyone can then prove that a record shown today is the record imported then: a record changed
/// after the import no longer hashes to a leaf under the anchored root.
///
/// An archive is anchored once and never changed or removed; a correction is a new archive. Only a
/// data officer (DATA_OFFICER, app/protocol/roles.py) anchors; the officer is recorded with it.
interface IArchives {
    /// @notice What an archive holds; other kinds are refused.
    enum ArchiveKind {
        LegacyProcesses, // past procurement processes (SPSE export, OCDS releases)
        ProcurementPlan, // rencana umum pengadaan (SiRUP)
        SupplierExtract, // supplier data extract (SIKaP)
        Catalogue // e-Katalog listings
    }

    /// @notice One anchored archive.
    struct Archive {
        bytes32 root; // Merkle root over the records' leaves
        bytes32 metadataHash; // keccak256 of the archive's canonical metadata (off chain)
        uint64 recordCount; // number of leaves under the root
        uint64 anchoredAt; // UTC seconds
        address officer; // the data officer who anchored it
        ArchiveKind kind;
    }

    /// @notice Archive `archiveId` of `kind` was anchored by `officer`.
    event ArchiveAnchored(
        uint64 indexed archiveId,
        uint8 indexed kind,
        bytes32 root,
        uint64 recordCount,
        bytes32 metadataHash,
        address indexed officer
    );

    /// @notice The root is zero (no tree has it).
    error ArchiveZeroRoot();
    /// @notice An archive holds at least one record.
    error ArchiveEmpty();
    /// @notice The metadata hash is zero (an archive must say what it was made from).
    error ArchiveMissingMetadata();
    /// @notice `kind` is not an ArchiveKind.
    error ArchiveUnknownKind(uint8 kind);
    /// @notice No archive has this id (0, or above `archiveCount()`).
    error ArchiveUnknown(uint64 archiveId);

    /// @notice Anchors an archive's Merkle root. Restricted: a data officer (DATA_OFFICER).
    /// @param kind an ArchiveKind, as its number
    /// @param root the Merkle root over the records' leaves, not 0
    /// @param recordCount how many records (leaves) the tree holds, not 0
    /// @param metadataHash keccak256 of the archive's canonical metadata, not 0
    /// @return archiveId the new archive's id (the previous `archiveCount()` + 1)
    function anchorArchive(uint8 kind, bytes32 root, uint64 recordCount, bytes32 metadataHash)
        external
        returns (uint64 archiveId);

    /// @notice Archive `archiveId`; reverts ArchiveUnknown for 0 or a future id.
    function getArchive(uint64 archiveId) external view returns (Archive memory);

    /// @notice How many archives were anchored (ids run from 1 to this).
    function archiveCount() external view returns (uint64);
}
