// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title Versioned money rules (policy) of the procurement suite
/// @notice The figures that Perpres 16/2018 (as amended by Perpres 12/2021 and 46/2025) leaves to
/// configuration, kept as numbered, append-only versions. Version 1 is published at deployment; each
/// later version is published by the committee through the hub's execution delay (during which a
/// guardian can cancel it), and every version is checked against the regulation's bounds
/// (docs/domain.md, "Money rules by versioned policy") before it is stored.
///
/// A tender is bound to the version in force when it is announced, a contract (MilestoneEscrow) to
/// the version in force when it is signed; a later version never changes a tender or contract in
/// flight. Versions are never changed or removed: `policyOf(v)` answers for every `v` from 1 to
/// `currentVersion()`.
///
/// Amounts are integer rupiah, rates basis points (10,000 = 100%) unless the name says ppm (parts
/// per million), durations seconds.
interface IPolicyRegistry {
    /// @notice One version of the money rules.
    struct Policy {
        // ---- tenders (Tenders, fixed for a tender at its announcement)
        uint96 preferenceHpsThreshold; // domestic preference only for goods with HPS above this (Rp1 miliar)
        uint16 preferenceMinTkdnBps; // ... and an offered TKDN of at least this (25%)
        uint16 maxPreferenceBps; // preference cap (25%); never 0 and never above 25%
        uint16 domesticOnlyMinBps; // "domestic only" tender: TKDN + BMP of every product at least this (40%)
        uint96 umkmReservationCeiling; // reservation for micro and small businesses up to this HPS (Rp15 miliar)
        uint32 addendumNotice; // a late addendum leaves bidders at least this long before the commit deadline
        uint96 bidBondHpsThreshold; // construction above this HPS needs a bid bond (Rp10 miliar)
        uint16 bidBondMinBps; // jaminan penawaran at least this share of HPS (1%)
        uint16 bidBondMaxBps; // ... and at most this share (3%)
        uint32 appealWindow; // sanggah banding: this long after the objection's answer (5 days)
        uint32 quorumOpeningWindow; // the Pokja quorum opens withheld bids within this long (2 days)
        // ---- contracts (MilestoneEscrow, fixed for a contract when it is signed)
        uint16 advanceSmallBusinessBps; // uang muka cap, usaha kecil (30%)
        uint16 advanceOtherBps; // uang muka cap, other suppliers and consultancy (20%)
        uint16 advanceMultiYearBps; // uang muka cap, multi-year contracts (15%)
        uint16 amendmentCapBps; // adendum: total added value at most this share of the original price (10%)
        uint16 retentionBps; // retention held from each payment until the maintenance period ends (5%)
        uint32 penaltyPpmPerDay; // denda keterlambatan per day late, parts per million (1 per mil = 1,000)
        uint16 penaltyCapBps; // penalties stop at this share of the contract value (5%)
        uint96 performanceBondThreshold; // contracts above this value need a performance bond (Rp200 juta)
        uint16 performanceBondBps; // jaminan pelaksanaan as a share of the contract value (5%)
    }

    /// @notice `version` was published, with the hash of its source document (the regulation or
    /// committee decision it implements) and every figure; `officer` is the account that executed it.
    event PolicyPublished(uint32 indexed version, bytes32 sourceHash, Policy policy, address officer);

    /// @notice No such version (0, or above `currentVersion()`).
    error PolicyUnknownVersion(uint32 version);
    /// @notice A version needs the hash of its source document.
    error PolicyMissingSource();
    /// @notice Preference only above HPS Rp1 miliar (Ps 67): the threshold cannot be lower.
    error PolicyPreferenceThresholdTooLow(uint96 preferenceHpsThreshold);
    /// @notice The offered TKDN needed for the preference: from 25% (Ps 67) to 100%.
    error PolicyPreferenceMinTkdnOutOfBounds(uint16 preferenceMinTkdnBps);
    /// @notice The preference cap: above 0 and at most 25% (Ps 67).
    error PolicyPreferenceCapOutOfBounds(uint16 maxPreferenceBps);
    /// @notice TKDN + BMP for "domestic only": from 25% (the lowest tier of Ps 66) to 100%.
    error PolicyDomesticOnlyMinOutOfBounds(uint16 domesticOnlyMinBps);
    /// @notice The UMKM reservation: above 0 and at most Rp15 miliar (Perpres 12/2021).
    error PolicyReservationCeilingOutOfBounds(uint96 umkmReservationCeiling);
    /// @notice The bid bond is due only above HPS Rp10 miliar (Ps 30): the threshold cannot be lower.
    error PolicyBidBondThresholdTooLow(uint96 bidBondHpsThreshold);
    /// @notice Bid bond range: 1% <= min <= max <= 3% of HPS (Ps 30).
    error PolicyBidBondRangeOutOfBounds(uint16 bidBondMinBps, uint16 bidBondMaxBps);
    /// @notice The addendum notice: above 0 and at most 30 days.
    error PolicyAddendumNoticeOutOfBounds(uint32 addendumNotice);
    /// @notice The appeal window: at least the regulation's 5 days and at most 30 days.
    error PolicyAppealWindowOutOfBounds(uint32 appealWindow);
    /// @notice The quorum opening window: above 0 and at most 30 days.
    error PolicyQuorumOpeningWindowOutOfBounds(uint32 quorumOpeningWindow);
    /// @notice Uang muka caps (Ps 29): usaha kecil <= 30%, others <= 20%, multi-year <= 15%, and
    /// multi-year <= others <= usaha kecil.
    error PolicyAdvanceCapsOutOfBounds(uint16 smallBusinessBps, uint16 otherBps, uint16 multiYearBps);
    /// @notice Adendum: added value at most 10% of the original price (Ps 54).
    error PolicyAmendmentCapOutOfBounds(uint16 amendmentCapBps);
    /// @notice Retention at most 5% (Ps 53(2)).
    error PolicyRetentionOutOfBounds(uint16 retentionBps);
    /// @notice Late penalty: above 0 and at most 1 per mil per day (Ps 79(4)).
    error PolicyPenaltyRateOutOfBounds(uint32 penaltyPpmPerDay);
    /// @notice Penalty cap: above 0 and at most 100%.
    error PolicyPenaltyCapOutOfBounds(uint16 penaltyCapBps);
    /// @notice Performance bond: every contract above Rp200 juta needs one (threshold above 0 and at
    /// most Rp200 juta), of above 0 and at most 5% of the contract (Ps 33).
    error PolicyPerformanceBondOutOfBounds(uint96 performanceBondThreshold, uint16 performanceBondBps);

    /// @notice Publishes the next version after checking it against the regulation's bounds; it
    /// applies to tenders announced and contracts signed from now on. Restricted: the committee,
    /// through the hub's execution delay.
    /// @param policy every figure of the new version
    /// @param sourceHash hash of the document it implements (regulation or committee decision), not 0
    /// @return version the new version's number (the previous `currentVersion()` + 1)
    function publishPolicy(Policy calldata policy, bytes32 sourceHash) external returns (uint32 version);

    /// @notice The version in force now (1 after deployment).
    function currentVersion() external view returns (uint32);

    /// @notice Every figure of `version`; reverts PolicyUnknownVersion for 0 or a future version.
    function policyOf(uint32 version) external view returns (Policy memory);

    /// @notice The version in force now and its figures.
    function currentPolicy() external view returns (uint32 version, Policy memory policy);

    /// @notice The source document's hash and the publication time of `version` (reverts
    /// PolicyUnknownVersion like policyOf).
    function publicationOf(uint32 version) external view returns (bytes32 sourceHash, uint40 publishedAt);
}
