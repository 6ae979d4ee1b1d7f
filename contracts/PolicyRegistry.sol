// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IPolicyRegistry} from "../interfaces/IPolicyRegistry.sol";
import {ManagedPausable} from "./base/ManagedPausable.sol";

/// @title Versioned money rules of the procurement suite
/// @notice See {IPolicyRegistry}. Version 1 comes with the deployment (constructor); later versions
/// only from the committee through the hub's delay (app/protocol/roles.py). Each version is checked
/// against the regulation's bounds here, so no committee decision can publish figures the Perpres
/// does not allow, and stored for ever.
contract PolicyRegistry is IPolicyRegistry, ManagedPausable {
    uint96 private constant RP_MILIAR = 1_000_000_000;
    uint96 private constant PREFERENCE_HPS_FLOOR = RP_MILIAR; // Ps 67: HPS above Rp1 miliar
    uint16 private constant PREFERENCE_CAP_BPS = 2_500; // Ps 67: at most 25%
    uint16 private constant PREFERENCE_MIN_TKDN_BPS = 2_500; // Ps 67: offered TKDN at least 25%
    uint16 private constant DOMESTIC_ONLY_FLOOR_BPS = 2_500; // Ps 66 (46/2025): lowest tier, TKDN 25%
    uint16 private constant BPS = 10_000;
    uint96 private constant UMKM_RESERVATION_CAP = 15 * RP_MILIAR; // Perpres 12/2021: Rp15 miliar
    uint96 private constant BID_BOND_HPS_FLOOR = 10 * RP_MILIAR; // Ps 30: HPS above Rp10 miliar
    uint16 private constant BID_BOND_FLOOR_BPS = 100; // Ps 30: 1% of HPS ...
    uint16 private constant BID_BOND_CAP_BPS = 300; // ... to 3%
    uint32 private constant APPEAL_WINDOW_FLOOR = 5 days; // sanggah banding: 5 days after the answer
    uint32 private constant WINDOW_CAP = 30 days; // no window of this kind may hold a tender longer
    uint16 private constant ADVANCE_SMALL_BUSINESS_CAP_BPS = 3_000; // Ps 29: usaha kecil 30%
    uint16 private constant ADVANCE_OTHER_CAP_BPS = 2_000; // Ps 29: others, consultancy 20%
    uint16 private constant ADVANCE_MULTI_YEAR_CAP_BPS = 1_500; // Ps 29: multi-year 15%
    uint16 private constant AMENDMENT_CAP_BPS = 1_000; // Ps 54: added value <= 10% of the original price
    uint16 private constant RETENTION_CAP_BPS = 500; // Ps 53(2): 5%
    uint32 private constant PENALTY_CAP_PPM_PER_DAY = 1_000; // Ps 79(4): 1 per mil per day
    uint96 private constant PERFORMANCE_BOND_HPS_CAP = 200_000_000; // Ps 33: contracts above Rp200 juta
    uint16 private constant PERFORMANCE_BOND_CAP_BPS = 500; // Ps 33: 5% of the contract

    struct Publication {
        bytes32 sourceHash;
        uint40 publishedAt;
    }

    Policy[] private _versions; // version v at index v - 1
    Publication[] private _publications;

    /// @param hub the permission hub (AccessManager)
    /// @param initial version 1, from the deployment config
    /// @param sourceHash hash of the document version 1 implements
    constructor(address hub, Policy memory initial, bytes32 sourceHash) ManagedPausable(hub) {
        _publish(initial, sourceHash);
    }

    /// @inheritdoc IPolicyRegistry
    function publishPolicy(Policy calldata policy, bytes32 sourceHash)
        external
        restricted
        whenNotPaused
        returns (uint32 version)
    {
        return _publish(policy, sourceHash);
    }

    /// @inheritdoc IPolicyRegistry
    function currentVersion() external view returns (uint32) {
        return uint32(_versions.length);
    }

    /// @inheritdoc IPolicyRegistry
    function policyOf(uint32 version) external view returns (Policy memory) {
        return _versions[_index(version)];
    }

    /// @inheritdoc IPolicyRegistry
    function currentPolicy() external view returns (uint32 version, Policy memory policy) {
        version = uint32(_versions.length);
        policy = _versions[version - 1];
    }

    /// @inheritdoc IPolicyRegistry
    function publicationOf(uint32 version) external view returns (bytes32 sourceHash, uint40 publishedAt) {
        Publication storage publication = _publications[_index(version)];
        return (publication.sourceHash, publication.publishedAt);
    }

    function _publish(Policy memory policy, bytes32 sourceHash) private returns (uint32 version) {
        if (sourceHash == bytes32(0)) revert PolicyMissingSource();
        _validate(policy);
        _versions.push(policy);
        _publications.push(Publication({sourceHash: sourceHash, publishedAt: uint40(block.timestamp)}));
        version = uint32(_versions.length);
        emit PolicyPublished(version, sourceHash, policy, msg.sender);
    }

    function _index(uint32 version) private view returns (uint256) {
        if (version == 0 || version > _versions.length) revert PolicyUnknownVersion(version);
        return version - 1;
    }

    /// @dev The regulation's bounds (docs/domain.md). A policy may be stricter than the Perpres where
    /// that protects the State or the bidders, never looser.
    function _validate(Policy memory p) private pure {
        // Tenders
        if (p.preferenceHpsThreshold < PREFERENCE_HPS_FLOOR) {
            revert PolicyPreferenceThresholdTooLow(p.preferenceHpsThreshold);
        }
        if (p.preferenceMinTkdnBps < PREFERENCE_MIN_TKDN_BPS || p.preferenceMinTkdnBps > BPS) {
            revert PolicyPreferenceMinTkdnOutOfBounds(p.preferenceMinTkdnBps);
        }
        // Never 0 (no tender could grant a preference) and never above 25% (HEA = (1 - TKDN x cap) x
        // price must stay well above zero).
        if (p.maxPreferenceBps == 0 || p.maxPreferenceBps > PREFERENCE_CAP_BPS) {
            revert PolicyPreferenceCapOutOfBounds(p.maxPreferenceBps);
        }
        if (p.domesticOnlyMinBps < DOMESTIC_ONLY_FLOOR_BPS || p.domesticOnlyMinBps > BPS) {
            revert PolicyDomesticOnlyMinOutOfBounds(p.domesticOnlyMinBps);
        }
        if (p.umkmReservationCeiling == 0 || p.umkmReservationCeiling > UMKM_RESERVATION_CAP) {
            revert PolicyReservationCeilingOutOfBounds(p.umkmReservationCeiling);
        }
        if (p.bidBondHpsThreshold < BID_BOND_HPS_FLOOR) revert PolicyBidBondThresholdTooLow(p.bidBondHpsThreshold);
        if (
            p.bidBondMinBps < BID_BOND_FLOOR_BPS || p.bidBondMaxBps < p.bidBondMinBps
                || p.bidBondMaxBps > BID_BOND_CAP_BPS
        ) revert PolicyBidBondRangeOutOfBounds(p.bidBondMinBps, p.bidBondMaxBps);
        if (p.addendumNotice == 0 || p.addendumNotice > WINDOW_CAP) {
            revert PolicyAddendumNoticeOutOfBounds(p.addendumNotice);
        }
        if (p.appealWindow < APPEAL_WINDOW_FLOOR || p.appealWindow > WINDOW_CAP) {
            revert PolicyAppealWindowOutOfBounds(p.appealWindow);
        }
        if (p.quorumOpeningWindow == 0 || p.quorumOpeningWindow > WINDOW_CAP) {
            revert PolicyQuorumOpeningWindowOutOfBounds(p.quorumOpeningWindow);
        }
        // Contracts
        if (
            p.advanceSmallBusinessBps > ADVANCE_SMALL_BUSINESS_CAP_BPS || p.advanceOtherBps > ADVANCE_OTHER_CAP_BPS
                || p.advanceMultiYearBps > ADVANCE_MULTI_YEAR_CAP_BPS || p.advanceMultiYearBps > p.advanceOtherBps
                || p.advanceOtherBps > p.advanceSmallBusinessBps
        ) revert PolicyAdvanceCapsOutOfBounds(p.advanceSmallBusinessBps, p.advanceOtherBps, p.advanceMultiYearBps);
        if (p.amendmentCapBps > AMENDMENT_CAP_BPS) revert PolicyAmendmentCapOutOfBounds(p.amendmentCapBps);
        if (p.retentionBps > RETENTION_CAP_BPS) revert PolicyRetentionOutOfBounds(p.retentionBps);
        if (p.penaltyPpmPerDay == 0 || p.penaltyPpmPerDay > PENALTY_CAP_PPM_PER_DAY) {
            revert PolicyPenaltyRateOutOfBounds(p.penaltyPpmPerDay);
        }
        if (p.penaltyCapBps == 0 || p.penaltyCapBps > BPS) revert PolicyPenaltyCapOutOfBounds(p.penaltyCapBps);
        if (
            p.performanceBondThreshold == 0 || p.performanceBondThreshold > PERFORMANCE_BOND_HPS_CAP
                || p.performanceBondBps == 0 || p.performanceBondBps > PERFORMANCE_BOND_CAP_BPS
        ) revert PolicyPerformanceBondOutOfBounds(p.performanceBondThreshold, p.performanceBondBps);
    }
}
