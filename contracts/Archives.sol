// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IArchives} from "../interfaces/IArchives.sol";
import {ManagedPausable} from "./base/ManagedPausable.sol";

/// @title Anchored archives of imported records
/// @notice See {IArchives}. Append-only: an archive, once anchored, is never changed or removed.
/// The hub admits DATA_OFFICER to anchor (app/protocol/roles.py); the guardian pauses, the committee
/// unpauses.
contract Archives is IArchives, ManagedPausable {
    Archive[] private _archives; // archive id at index id - 1

    /// @param hub the permission hub (AccessManager)
    constructor(address hub) ManagedPausable(hub) {}

    /// @inheritdoc IArchives
    function anchorArchive(uint8 kind, bytes32 root, uint64 recordCount, bytes32 metadataHash)
        external
        restricted
        whenNotPaused
        returns (uint64 archiveId)
    {
        if (kind > uint8(type(ArchiveKind).max)) revert ArchiveUnknownKind(kind);
        if (root == bytes32(0)) revert ArchiveZeroRoot();
        if (recordCount == 0) revert ArchiveEmpty();
        if (metadataHash == bytes32(0)) revert ArchiveMissingMetadata();
        _archives.push(
            Archive({
                root: root,
                metadataHash: metadataHash,
                recordCount: recordCount,
                anchoredAt: uint64(block.timestamp),
                officer: msg.sender,
                kind: ArchiveKind(kind)
            })
        );
        archiveId = uint64(_archives.length);
        emit ArchiveAnchored(archiveId, kind, root, recordCount, metadataHash, msg.sender);
    }

    /// @inheritdoc IArchives
    function getArchive(uint64 archiveId) external view returns (Archive memory) {
        if (archiveId == 0 || archiveId > _archives.length) revert ArchiveUnknown(archiveId);
        return _archives[archiveId - 1];
    }

    /// @inheritdoc IArchives
    function archiveCount() external view returns (uint64) {
        return uint64(_archives.length);
    }
}
