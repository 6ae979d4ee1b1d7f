// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IPolicyRegistry} from "../../interfaces/IPolicyRegistry.sol";
import {ISupplierRegistry} from "../../interfaces/ISupplierRegistry.sol";
import {ITenders} from "../../interfaces/ITenders.sol";
import {TkdnMath} from "../libraries/TkdnMath.sol";
import {TenderBook} from "./TenderBook.sol";

/// @title Set-up phase of Tenders: announcement and the Pokja
/// @notice A linked library acting on Tenders' storage (see TenderBook); every function is reached
/// through a Tenders function of the same name, which applies the hub's role check and the pause.
library TenderSetup {
    using TenderBook for TenderBook.Book;

    uint256 private constant MAX_POKJA = 32;

    /// @notice See {ITenders-announceTender}. The tender is bound to the policy version in force now:
    /// its rules are checked against that version and the ones needed later are copied into the
    /// tender, so a version published afterwards never reaches it.
    function announceTender(
        TenderBook.Book storage book,
        ITenders.TenderParams calldata params,
        IPolicyRegistry policies,
        TenderBook.Context memory context
    ) external returns (bytes32 tenderId) {
        context.agencies.requireOfficerOf(msg.sender, params.agencyId);
        if (bytes(params.ocid).length == 0) revert ITenders.TenderInvalidOcid();
        tenderId = keccak256(bytes(params.ocid));
        if (book.tenders[tenderId].status != ITenders.TenderStatus.None) revert ITenders.TenderAlreadyExists(tenderId);
        (uint32 policyVersion, IPolicyRegistry.Policy memory policy) = policies.currentPolicy();
        _validate(params, policy);

        // Deadlines are stored in active time: every later pause moves them.
        uint40 paused = context.pausedTotal;
        ITenders.Tender storage tender = book.tenders[tenderId];
        tender.agencyId = params.agencyId;
        tender.status = ITenders.TenderStatus.Open;
        tender.category = params.category;
        tender.method = params.method;
        tender.evaluation = params.evaluation;
        tender.domesticOnly = params.domesticOnly;
        tender.umkmReserved = params.umkmReserved;
        tender.preferenceBps = params.preferenceBps;
        tender.commitDeadline = params.commitDeadline - paused;
        tender.revealDeadline = params.revealDeadline - paused;
        tender.scoringDeadline = params.scoringDeadline == 0 ? 0 : params.scoringDeadline - paused;
        tender.hps = params.hps;
        tender.minValidBids = params.minValidBids;
        tender.objectionWindow = params.objectionWindow;
        tender.technicalWeightBps = params.technicalWeightBps;
        tender.bidBond = params.bidBond;
        tender.policyVersion = policyVersion;
        tender.preferenceMinTkdnBps = policy.preferenceMinTkdnBps;
        tender.domesticOnlyMinBps = policy.domesticOnlyMinBps;
        tender.addendumNotice = policy.addendumNotice;
        tender.appealWindow = policy.appealWindow;
        tender.quorumOpeningWindow = policy.quorumOpeningWindow;
        tender.documentHash = params.documentHash;
        tender.ocid = params.ocid;
        emit ITenders.TenderAnnounced(tenderId, params.agencyId, msg.sender, params);
        emit ITenders.TenderPolicyBound(tenderId, policyVersion);
    }

    /// @notice See {ITenders-recordPurchase}. The caller (the EPurchasing contract, admitted by the hub)
    /// has checked the officer, the provider and the catalogue proof; this records the order as a
    /// tender already awarded to the provider with its one valid bid, and emits what a tender's award
    /// emits, so readers of Tenders' events see the process and the escrow opens from it unchanged.
    function recordPurchase(
        TenderBook.Book storage book,
        ITenders.Purchase calldata purchase,
        ISupplierRegistry suppliers,
        IPolicyRegistry policies
    ) external returns (bytes32 tenderId) {
        if (bytes(purchase.ocid).length == 0) revert ITenders.TenderInvalidOcid();
        tenderId = keccak256(bytes(purchase.ocid));
        if (book.tenders[tenderId].status != ITenders.TenderStatus.None) revert ITenders.TenderAlreadyExists(tenderId);
        address account = purchase.supplierId == 0 ? address(0) : suppliers.getSupplier(purchase.supplierId).account;
        if (purchase.value == 0 || account == address(0)) {
            revert ITenders.TenderInvalidPurchase(purchase.value, purchase.supplierId);
        }
        uint32 policyVersion = policies.currentVersion(); // the escrow's terms are checked against it

        ITenders.Tender storage tender = book.tenders[tenderId];
        tender.agencyId = purchase.agencyId;
        tender.status = ITenders.TenderStatus.Awarded;
        tender.category = purchase.category;
        tender.method = ITenders.Method.EPurchasing;
        tender.hps = purchase.value; // the catalogue price is the ceiling: the order is at it
        tender.minValidBids = 1;
        tender.validBids = 1;
        tender.bidderCount = 1;
        tender.winner = purchase.supplierId;
        tender.policyVersion = policyVersion;
        tender.documentHash = purchase.documentHash;
        tender.ocid = purchase.ocid;
        ITenders.Bid storage bid = book.bids[tenderId][purchase.supplierId];
        bid.price = purchase.value;
        bid.hea = purchase.value;
        bid.tkdnBps = purchase.tkdnBps;
        bid.status = ITenders.BidStatus.Valid;

        ITenders.TenderParams memory params;
        params.ocid = purchase.ocid;
        params.title = purchase.title;
        params.documentHash = purchase.documentHash;
        params.agencyId = purchase.agencyId;
        params.hps = purchase.value;
        params.category = purchase.category;
        params.method = ITenders.Method.EPurchasing;
        params.minValidBids = 1;
        emit ITenders.TenderAnnounced(tenderId, purchase.agencyId, purchase.officer, params);
        emit ITenders.TenderPolicyBound(tenderId, policyVersion);
        emit ITenders.BidRevealed(
            tenderId,
            purchase.supplierId,
            purchase.value,
            purchase.tkdnBps,
            purchase.value,
            new ITenders.ProductShare[](0),
            bytes32(0)
        );
        emit ITenders.TenderAwarded(
            tenderId, purchase.supplierId, account, purchase.value, purchase.agencyId, purchase.ocid
        );
    }

    /// @notice See {ITenders-appointPokja}: an officer of the tender's agency, once, before the commit
    /// deadline. Before the first commit in practice too: a commit needs the Pokja's keys.
    function appointPokja(
        TenderBook.Book storage book,
        bytes32 tenderId,
        address[] calldata members,
        bytes32[] calldata encryptionKeys,
        uint8 quorum,
        TenderBook.Context memory context
    ) external {
        ITenders.Tender storage tender = book.existing(tenderId);
        context.agencies.requireOfficerOf(msg.sender, tender.agencyId);
        if (tender.status != ITenders.TenderStatus.Open) revert ITenders.TenderWrongStatus(tenderId, tender.status);
        if (tender.pokjaQuorum != 0) revert ITenders.TenderPokjaAlreadyAppointed(tenderId);
        if (context.now_ >= tender.commitDeadline) {
            revert ITenders.TenderCommitClosed(tenderId, tender.commitDeadline + context.pausedTotal);
        }
        uint256 count = members.length;
        if (quorum == 0 || quorum > count || count > MAX_POKJA || encryptionKeys.length != count) {
            revert ITenders.TenderInvalidPokja(count, encryptionKeys.length, quorum);
        }
        mapping(address => uint8) storage flags = book.memberFlags[tenderId];
        for (uint256 i; i < count; ++i) {
            context.agencies.requireOfficerOf(members[i], tender.agencyId);
            if (flags[members[i]] != 0 || encryptionKeys[i] == bytes32(0)) {
                revert ITenders.TenderInvalidPokja(count, encryptionKeys.length, quorum);
            }
            flags[members[i]] = TenderBook.MEMBER;
        }
        tender.pokjaQuorum = quorum;
        tender.pokjaSize = uint8(count);
        book.pokja[tenderId] = members;
        book.pokjaKeys[tenderId] = encryptionKeys;
        emit ITenders.PokjaAppointed(tenderId, msg.sender, members, encryptionKeys, quorum);
    }

    function _validate(ITenders.TenderParams calldata params, IPolicyRegistry.Policy memory policy) private view {
        if (params.hps == 0) revert ITenders.TenderInvalidHps(params.hps);
        if (
            params.commitDeadline <= block.timestamp || params.revealDeadline <= params.commitDeadline
                || params.objectionWindow == 0
        ) revert ITenders.TenderInvalidSchedule(params.commitDeadline, params.revealDeadline, params.objectionWindow);
        if (params.minValidBids == 0) revert ITenders.TenderInvalidMinValidBids(params.minValidBids);
        if (params.preferenceBps > policy.maxPreferenceBps) {
            revert ITenders.TenderPreferenceTooHigh(params.preferenceBps, policy.maxPreferenceBps);
        }
        if (
            params.preferenceBps != 0
                && (params.category != ITenders.Category.Goods || params.hps <= policy.preferenceHpsThreshold)
        ) revert ITenders.TenderPreferenceNotApplicable(params.category, params.hps);
        if (params.umkmReserved && params.hps > policy.umkmReservationCeiling) {
            revert ITenders.TenderReservationNotAllowed(params.hps, policy.umkmReservationCeiling);
        }
        // E-Purchasing is never announced: only the EPurchasing contract records it (recordPurchase).
        if (
            params.method == ITenders.Method.EPurchasing
                || (params.method == ITenders.Method.TenderCepat && params.evaluation != ITenders.EvaluationMethod.LowestPrice)
        ) {
            revert ITenders.TenderInvalidMethod(params.method, params.evaluation);
        }
        bool valueSystem = params.evaluation == ITenders.EvaluationMethod.ValueSystem;
        if (
            valueSystem ? params.technicalWeightBps == 0 || params.technicalWeightBps >= TkdnMath.BPS
                : params.technicalWeightBps != 0
        ) revert ITenders.TenderInvalidWeights(params.evaluation, params.technicalWeightBps);
        // Two files: a scoring period between the commit deadline and the first price opening.
        if (
            valueSystem
                ? params.scoringDeadline <= params.commitDeadline || params.scoringDeadline >= params.revealDeadline
                : params.scoringDeadline != 0
        ) revert ITenders.TenderInvalidScoringDeadline(params.scoringDeadline);
        // Jaminan penawaran: construction above the threshold, the policy's share of HPS (1-3%,
        // Perpres 16/2018 Ps 30-31). hps < 2**96 and a share <= 3%: the casts are exact.
        (uint96 minBond, uint96 maxBond) = params.category == ITenders.Category.Construction
            && params.hps > policy.bidBondHpsThreshold
            ? (
                uint96((uint256(params.hps) * policy.bidBondMinBps) / TkdnMath.BPS),
                uint96((uint256(params.hps) * policy.bidBondMaxBps) / TkdnMath.BPS)
            )
            : (uint96(0), uint96(0));
        if (params.bidBond < minBond || params.bidBond > maxBond) {
            revert ITenders.TenderInvalidBidBond(params.bidBond, minBond, maxBond);
        }
    }
}
