// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ITkdnRegistry} from "../interfaces/ITkdnRegistry.sol";
import {ManagedPausable} from "./base/ManagedPausable.sol";
import {TkdnMath} from "./libraries/TkdnMath.sol";

/// @title TKDN certificate registry
/// @notice See {ITkdnRegistry}.
/// @dev A version's figures and times (its `Terms`, one slot) are kept apart from its certifier and
/// document hash (two slots): the latest version's terms in `_latest`, one slot per product that also
/// holds the latest version number, so that the reads of a tender's reveal cost one storage slot per
/// product; a version's terms move to `_superseded` when the next version is recorded. Terms never
/// change after their issue except the latest version's `revokedAt`, set once to the block's time.
/// Versions are issued at non-decreasing block times, which `certificateAt`'s search relies on.
contract TkdnRegistry is ITkdnRegistry, ManagedPausable {
    /// @dev The first six fields of {ITkdnRegistry-Certificate}, in one slot.
    struct Terms {
        uint16 tkdnBps;
        uint16 bmpBps;
        uint40 validUntil;
        uint40 issuedAt;
        uint40 revokedAt;
        uint32 version;
    }

    /// @dev The rest of a version.
    struct Document {
        address certifier;
        bytes32 certificateHash;
    }

    uint16 private immutable _bmpCapBps;

    mapping(bytes32 productId => Terms) private _latest;
    mapping(bytes32 productId => mapping(uint256 version => Terms)) private _superseded;
    mapping(bytes32 productId => mapping(uint256 version => Document)) private _documents;

    constructor(address hub, uint16 bmpCap) ManagedPausable(hub) {
        if (bmpCap > TkdnMath.BPS) revert TkdnInvalidBmpCap(bmpCap);
        _bmpCapBps = bmpCap;
    }

    /// @inheritdoc ITkdnRegistry
    function certifyProduct(
        bytes32 productId,
        uint16 tkdnBps,
        uint16 bmpBps,
        uint40 validUntil,
        bytes32 certificateHash
    ) external restricted whenNotPaused {
        if (productId == bytes32(0)) revert TkdnInvalidProduct();
        if (tkdnBps > TkdnMath.BPS || bmpBps > TkdnMath.BPS) revert TkdnInvalidShare(tkdnBps, bmpBps);
        if (validUntil <= block.timestamp) revert TkdnInvalidValidity(validUntil);
        Terms memory previous = _latest[productId];
        if (previous.version != 0) _superseded[productId][previous.version] = previous;
        uint32 version = previous.version + 1;
        _latest[productId] = Terms({
            tkdnBps: tkdnBps,
            bmpBps: bmpBps,
            validUntil: validUntil,
            issuedAt: _now(),
            revokedAt: 0,
            version: version
        });
        _documents[productId][version] = Document({certifier: msg.sender, certificateHash: certificateHash});
        emit ProductCertified(productId, msg.sender, version, tkdnBps, bmpBps, validUntil, certificateHash);
    }

    /// @inheritdoc ITkdnRegistry
    function revokeCertificate(bytes32 productId, bytes32 reasonHash) external restricted whenNotPaused {
        Terms storage latest = _latest[productId];
        uint32 version = latest.version;
        if (version == 0) revert TkdnProductNotCertified(productId);
        if (latest.revokedAt != 0) revert TkdnCertificateRevoked(productId);
        // The block's time, never a caller's: a revocation cannot reach back before it was recorded.
        latest.revokedAt = _now();
        emit CertificateRevoked(productId, msg.sender, version, reasonHash);
    }

    /// @inheritdoc ITkdnRegistry
    function certificateOf(bytes32 productId) external view returns (Certificate memory) {
        return _certificate(productId, _latest[productId]);
    }

    /// @inheritdoc ITkdnRegistry
    function certificateVersion(bytes32 productId, uint32 version)
        external
        view
        returns (Certificate memory certificate)
    {
        Terms memory latest = _latest[productId];
        if (version > latest.version) return certificate; // no such version: all zero
        return _certificate(productId, version < latest.version ? _superseded[productId][version] : latest);
    }

    /// @inheritdoc ITkdnRegistry
    /// @dev One storage read in the common case, where the product was not re-certified since `at`:
    /// the latest version's terms, which are then the terms in force. Otherwise a binary search over
    /// the superseded versions (see `_supersededAt`).
    function certificateAt(bytes32 productId, uint40 at)
        external
        view
        returns (bool valid, uint16 tkdnBps, uint16 tkdnPlusBmpBps)
    {
        Terms memory terms = _latest[productId];
        if (terms.issuedAt > at) terms = _supersededAt(productId, terms.version, at);
        // All zero (not recorded) for a product never certified or first certified after `at`.
        bool revoked = terms.revokedAt != 0 && terms.revokedAt <= at;
        if (!_recorded(terms) || revoked || at > terms.validUntil) return (false, 0, 0);
        return (true, terms.tkdnBps, TkdnMath.tkdnPlusBmpBps(terms.tkdnBps, terms.bmpBps, _bmpCapBps));
    }

    /// @inheritdoc ITkdnRegistry
    function requireValidCertificate(bytes32 productId)
        external
        view
        returns (uint16 tkdnBps, uint16 tkdnPlusBmpBps)
    {
        Terms memory latest = _latest[productId];
        if (!_recorded(latest)) revert TkdnProductNotCertified(productId);
        if (latest.revokedAt != 0) revert TkdnCertificateRevoked(productId);
        if (latest.validUntil < block.timestamp) revert TkdnCertificateExpired(productId, latest.validUntil);
        tkdnBps = latest.tkdnBps;
        tkdnPlusBmpBps = TkdnMath.tkdnPlusBmpBps(tkdnBps, latest.bmpBps, _bmpCapBps);
    }

    /// @inheritdoc ITkdnRegistry
    function bmpCapBps() external view returns (uint16) {
        return _bmpCapBps;
    }

    /// @dev The terms of the last of versions 1..latestVersion-1 issued at or before `at` (all zero if
    /// none), by binary search: their issue times never decrease, so that re-certifying a product many
    /// times cannot make the lookup of an old moment, and so a tender's reveal, expensive (about
    /// log2(versions) storage reads).
    function _supersededAt(bytes32 productId, uint256 latestVersion, uint40 at)
        private
        view
        returns (Terms memory found)
    {
        mapping(uint256 => Terms) storage superseded = _superseded[productId];
        uint256 low = 1;
        uint256 high = latestVersion - 1; // latestVersion >= 1: a version was issued after `at`
        while (low <= high) {
            uint256 middle = (low + high) / 2;
            Terms memory candidate = superseded[middle];
            if (candidate.issuedAt <= at) {
                found = candidate;
                low = middle + 1;
            } else {
                high = middle - 1; // middle >= low >= 1
            }
        }
    }

    /// @dev Whether `terms` are those of a recorded version (version 0: none).
    function _recorded(Terms memory terms) private pure returns (bool) {
        return terms.version != 0;
    }

    /// @dev The version whose terms are `terms`, with its document (all zero for version 0).
    function _certificate(bytes32 productId, Terms memory terms) private view returns (Certificate memory) {
        Document storage document = _documents[productId][terms.version];
        return Certificate({
            tkdnBps: terms.tkdnBps,
            bmpBps: terms.bmpBps,
            validUntil: terms.validUntil,
            issuedAt: terms.issuedAt,
            revokedAt: terms.revokedAt,
            version: terms.version,
            certifier: document.certifier,
            certificateHash: document.certificateHash
        });
    }

    /// @dev Block time as stored (uint40 holds unix seconds until the year 36,812).
    function _now() private view returns (uint40) {
        return uint40(block.timestamp);
    }
}
