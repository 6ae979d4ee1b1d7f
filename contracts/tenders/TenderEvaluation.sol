// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IAgencyDirectory} from "../../interfaces/IAgencyDirectory.sol";
import {ITenders} from "../../interfaces/ITenders.sol";
import {TkdnMath} from "../libraries/TkdnMath.sol";
import {TenderBook} from "./TenderBook.sol";
import {TenderRanking} from "./TenderRanking.sol";

/// @title Evaluation phase of Tenders: sealed score sheets, non-compliance, evaluation
/// @notice A linked library acting on Tenders' storage (see TenderBook); every function is reached
/// through a Tenders function of the same name, which applies the hub's role check and the pause.
library TenderEvaluation {
    using TenderBook for TenderBook.Book;

    /// @notice See {ITenders-sealScoreSheet}.
    function sealScoreSheet(
        TenderBook.Book storage book,
        bytes32 tenderId,
        bytes32 sealedSheet,
        TenderBook.Context memory context
    ) external {
        ITenders.Tender storage tender = book.openAsMember(tenderId, context.agencies);
        if (tender.evaluation != ITenders.EvaluationMethod.ValueSystem) revert ITenders.TenderNotValueSystem(tenderId);
        // Sealed after the bids are in (the Pokja read the technical offers) and before any price is open.
        if (context.now_ < tender.commitDeadline || context.now_ >= tender.scoringDeadline) {
            revert ITenders.TenderNotInScoringPeriod(
                tenderId, tender.commitDeadline + context.pausedTotal, tender.scoringDeadline + context.pausedTotal
            );
        }
        mapping(address => uint8) storage flags = book.memberFlags[tenderId];
        if (flags[msg.sender] & TenderBook.SHEET_SEALED != 0) {
            revert ITenders.TenderScoreSheetAlreadySealed(tenderId, msg.sender);
        }
        flags[msg.sender] |= TenderBook.SHEET_SEALED;
        book.sealedSheets[tenderId][msg.sender] = sealedSheet;
        ++tender.sealedSheets;
        emit ITenders.ScoreSheetSealed(tenderId, msg.sender, sealedSheet);
    }

    /// @notice See {ITenders-openScoreSheet}.
    function openScoreSheet(
        TenderBook.Book storage book,
        bytes32 tenderId,
        uint64[] calldata supplierIds,
        uint16[] calldata scoresBps,
        bytes32 salt,
        TenderBook.Context memory context
    ) external {
        ITenders.Tender storage tender = book.openAsMember(tenderId, context.agencies);
        TenderBook.requireRevealOver(tender, tenderId, context);
        uint8 memberFlags = book.memberFlags[tenderId][msg.sender];
        if (memberFlags & TenderBook.SHEET_SEALED == 0) revert ITenders.TenderScoreSheetNotSealed(tenderId, msg.sender);
        if (memberFlags & TenderBook.SHEET_OPENED != 0) {
            revert ITenders.TenderScoreSheetAlreadyOpened(tenderId, msg.sender);
        }
        if (keccak256(abi.encode(tenderId, msg.sender, supplierIds, scoresBps, salt)) != book.sealedSheets[tenderId][msg.sender]) {
            revert ITenders.TenderScoreSheetMismatch(tenderId, msg.sender);
        }
        // The sheet was sealed before any price was known, so it scores every bidder that committed.
        if (supplierIds.length != tender.bidderCount || scoresBps.length != supplierIds.length) {
            revert ITenders.TenderScoreListInvalid(tenderId);
        }
        mapping(uint64 => ITenders.Bid) storage bids = book.bids[tenderId];
        mapping(uint64 => uint32) storage sums = book.technicalScoreSums[tenderId];
        uint64 previous;
        for (uint256 i; i < supplierIds.length; ++i) {
            uint64 supplierId = supplierIds[i];
            if (supplierId <= previous || bids[supplierId].sealedBid == bytes32(0)) {
                revert ITenders.TenderScoreListInvalid(tenderId);
            }
            if (scoresBps[i] > TkdnMath.BPS) revert ITenders.TenderScoreTooHigh(scoresBps[i]);
            previous = supplierId;
            sums[supplierId] += scoresBps[i];
        }
        book.memberFlags[tenderId][msg.sender] = memberFlags | TenderBook.SHEET_OPENED;
        ++tender.scoreSheets;
        emit ITenders.ScoreSheetOpened(tenderId, msg.sender, supplierIds, scoresBps);
    }

    /// @notice See {ITenders-declareNonCompliant}.
    function declareNonCompliant(
        TenderBook.Book storage book,
        bytes32 tenderId,
        uint64 supplierId,
        ITenders.NonCompliance reason,
        bytes32 evidenceHash,
        IAgencyDirectory agencies
    ) external {
        ITenders.Tender storage tender = book.openAsMember(tenderId, agencies);
        if (reason == ITenders.NonCompliance.None) revert ITenders.TenderInvalidNonCompliance();
        ITenders.Bid storage bid = book.bids[tenderId][supplierId];
        if (bid.status != ITenders.BidStatus.Valid) revert ITenders.TenderBidNotValid(tenderId, supplierId);
        bid.status = ITenders.BidStatus.Disqualified;
        --tender.validBids;
        emit ITenders.BidDeclaredNonCompliant(tenderId, supplierId, reason, msg.sender, evidenceHash);
        emit ITenders.BidRejected(tenderId, supplierId, ITenders.RejectReason.NonCompliant);
    }

    /// @notice See {ITenders-withdrawPreference}.
    function withdrawPreference(
        TenderBook.Book storage book,
        bytes32 tenderId,
        uint64 supplierId,
        bytes32 evidenceHash,
        IAgencyDirectory agencies
    ) external {
        book.openAsMember(tenderId, agencies);
        ITenders.Bid storage bid = book.bids[tenderId][supplierId];
        if (bid.status != ITenders.BidStatus.Valid) revert ITenders.TenderBidNotValid(tenderId, supplierId);
        bid.hea = bid.price;
        emit ITenders.PreferenceWithdrawn(tenderId, supplierId, msg.sender, evidenceHash);
    }

    /// @notice See {ITenders-evaluate}.
    function evaluate(
        TenderBook.Book storage book,
        bytes32 tenderId,
        uint64[] calldata bidders,
        TenderBook.Context memory context
    ) external {
        ITenders.Tender storage tender = book.openAsMember(tenderId, context.agencies);
        TenderBook.requireRevealOver(tender, tenderId, context);
        if (tender.openObjections != 0) revert ITenders.TenderObjectionsPending(tenderId, tender.openObjections);
        if (bidders.length != tender.bidderCount) revert ITenders.TenderBidderListLength(bidders.length, tender.bidderCount);

        mapping(uint64 => ITenders.Bid) storage bids = book.bids[tenderId];
        // A bid still sealed waits for the quorum's opening window: a single member evaluating at the
        // reveal deadline would otherwise shut the quorum out and bring withholding back.
        if (_recordUnopened(bids, tenderId, bidders, tender.bidBond)) {
            uint40 openingsCloseAt = tender.revealDeadline + tender.quorumOpeningWindow; // its policy version
            if (context.now_ < openingsCloseAt) {
                revert ITenders.TenderOpeningsPending(tenderId, openingsCloseAt + context.pausedTotal);
            }
        }

        if (tender.validBids < tender.minValidBids) {
            TenderBook.fail(tender, tenderId, ITenders.FailReason.TooFewValidBids);
            return;
        }
        uint64 winner;
        if (tender.evaluation == ITenders.EvaluationMethod.LowestPrice) {
            winner = TenderRanking.lowestPrice(bids, bidders);
        } else {
            // Every sheet sealed before the prices must be opened: a member cannot drop its sheet
            // once it has seen the prices.
            uint8 sheets = tender.scoreSheets;
            if (tender.sealedSheets < tender.pokjaQuorum || sheets != tender.sealedSheets) {
                revert ITenders.TenderScoresIncomplete(tenderId, tender.sealedSheets, sheets, tender.pokjaQuorum);
            }
            winner = TenderRanking.bestValue(
                bids, book.technicalScoreSums[tenderId], bidders, tender.technicalWeightBps, sheets
            );
        }
        ITenders.Bid storage won = bids[winner];
        tender.status = ITenders.TenderStatus.AwardProposed;
        tender.winner = winner;
        ++tender.awardRound;
        uint40 objectionDeadline = context.now_ + tender.objectionWindow;
        tender.objectionDeadline = objectionDeadline;
        emit ITenders.AwardProposed(
            tenderId,
            winner,
            won.price,
            won.hea,
            won.tkdnBps,
            tender.bidderCount,
            tender.validBids,
            objectionDeadline + context.pausedTotal
        );
    }

    /// @dev Checks the bidder list and records each bid nobody opened: out of the evaluation, bond
    /// claimed. Returns whether there was one.
    function _recordUnopened(
        mapping(uint64 => ITenders.Bid) storage bids,
        bytes32 tenderId,
        uint64[] calldata bidders,
        uint96 bidBond
    ) private returns (bool anyUnopened) {
        uint64 previous;
        for (uint256 i; i < bidders.length; ++i) {
            uint64 supplierId = bidders[i];
            if (supplierId <= previous) revert ITenders.TenderBidderListNotAscending(i);
            previous = supplierId;
            ITenders.Bid storage bid = bids[supplierId];
            if (bid.sealedBid == bytes32(0)) revert ITenders.TenderNotABidder(tenderId, supplierId);
            if (bid.status == ITenders.BidStatus.None) {
                anyUnopened = true;
                bid.status = ITenders.BidStatus.Unrevealed;
                emit ITenders.BidNotOpenedBySupplier(tenderId, supplierId, address(0), bidBond);
                emit ITenders.BidRejected(tenderId, supplierId, ITenders.RejectReason.Unrevealed);
            }
        }
    }
}
