// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ISupplierRegistry} from "../../interfaces/ISupplierRegistry.sol";
import {ITenders} from "../../interfaces/ITenders.sol";
import {TenderBook} from "./TenderBook.sol";

/// @title Objection phase of Tenders: sanggah, sanggah banding and the final award
/// @notice A linked library acting on Tenders' storage (see TenderBook); every function is reached
/// through a Tenders function of the same name, which applies the hub's role check and the pause.
library TenderObjections {
    using TenderBook for TenderBook.Book;

    /// @notice See {ITenders-fileObjection}; `supplierId` is the objector, already authenticated.
    function fileObjection(
        TenderBook.Book storage book,
        bytes32 tenderId,
        uint64 supplierId,
        bytes32 evidenceHash,
        TenderBook.Context memory context
    ) external {
        ITenders.Tender storage tender = book.existing(tenderId);
        if (tender.status != ITenders.TenderStatus.AwardProposed) revert ITenders.TenderWrongStatus(tenderId, tender.status);
        if (context.now_ >= tender.objectionDeadline) {
            revert ITenders.TenderObjectionWindowClosed(tenderId, tender.objectionDeadline + context.pausedTotal);
        }
        if (supplierId == tender.winner || book.bids[tenderId][supplierId].sealedBid == bytes32(0)) {
            revert ITenders.TenderNotAnObjector(tenderId, supplierId);
        }
        uint8 round = tender.awardRound;
        if (book.objectedInRound[tenderId][supplierId] == round) revert ITenders.TenderAlreadyObjected(tenderId, supplierId);
        book.objectedInRound[tenderId][supplierId] = round;
        uint16 objectionId = ++tender.objectionCount;
        ++tender.openObjections;
        ITenders.Objection storage objection = book.objections[tenderId][objectionId];
        objection.supplierId = supplierId;
        objection.status = ITenders.ObjectionStatus.Open;
        objection.awardRound = round;
        objection.evidenceHash = evidenceHash;
        emit ITenders.ObjectionFiled(tenderId, objectionId, supplierId, evidenceHash);
    }

    /// @notice See {ITenders-resolveObjection}: answered by a member of the tender's Pokja.
    function resolveObjection(
        TenderBook.Book storage book,
        bytes32 tenderId,
        uint16 objectionId,
        ITenders.ObjectionStatus outcome,
        bytes32 responseHash,
        TenderBook.Context memory context
    ) external {
        ITenders.Tender storage tender = book.existing(tenderId);
        book.requireMember(tenderId, tender, context.agencies);
        ITenders.Objection storage objection = _openObjection(book, tenderId, objectionId);
        if (outcome < ITenders.ObjectionStatus.Rejected) revert ITenders.TenderInvalidResolution(outcome);
        if (tender.status == ITenders.TenderStatus.Cancelled) revert ITenders.TenderWrongStatus(tenderId, tender.status);

        objection.status = outcome;
        objection.responseHash = responseHash;
        objection.answeredAt = uint40(block.timestamp);
        --tender.openObjections;
        emit ITenders.ObjectionResolved(tenderId, objectionId, outcome, msg.sender, responseHash);

        if (!_isLive(tender, objection)) return;
        if (outcome == ITenders.ObjectionStatus.Rejected) {
            // Construction: the objector may appeal (sanggah banding) within the window from this
            // answer; the award waits for the last such window.
            if (tender.category == ITenders.Category.Construction) {
                uint40 appealDeadline = context.now_ + tender.appealWindow; // its policy version
                book.appealDeadlines[tenderId][objectionId] = appealDeadline;
                if (appealDeadline > tender.appealDeadline) tender.appealDeadline = appealDeadline;
            }
            return;
        }
        _uphold(book, tender, tenderId, outcome);
    }

    /// @notice See {ITenders-fileAppeal}; `supplierId` is the appellant, already authenticated.
    function fileAppeal(
        TenderBook.Book storage book,
        bytes32 tenderId,
        uint16 objectionId,
        uint64 supplierId,
        bytes32 bondRef,
        TenderBook.Context memory context
    ) external {
        ITenders.Tender storage tender = book.existing(tenderId);
        ITenders.Objection storage objection = book.objections[tenderId][objectionId];
        if (
            tender.category != ITenders.Category.Construction || objection.supplierId != supplierId
                || objection.status != ITenders.ObjectionStatus.Rejected || objection.appealed || bondRef == bytes32(0)
                || !_isLive(tender, objection)
        ) revert ITenders.TenderAppealNotAllowed(tenderId, objectionId);
        // The objector's own window, from the answer to its objection: a later answer to another
        // objection does not reopen it.
        uint40 appealDeadline = book.appealDeadlines[tenderId][objectionId];
        if (context.now_ >= appealDeadline) {
            revert ITenders.TenderAppealWindowClosed(tenderId, appealDeadline + context.pausedTotal);
        }
        objection.appealed = true;
        ++tender.openObjections;
        // Jaminan sanggah banding: 1% of HPS (Perpres 16/2018 Ps 32).
        emit ITenders.AppealFiled(tenderId, objectionId, supplierId, bondRef, tender.hps / 100);
    }

    /// @notice See {ITenders-resolveAppeal}: the KPA, an officer of the agency outside the Pokja.
    function resolveAppeal(
        TenderBook.Book storage book,
        bytes32 tenderId,
        uint16 objectionId,
        ITenders.ObjectionStatus outcome,
        bytes32 responseHash,
        TenderBook.Context memory context
    ) external {
        ITenders.Tender storage tender = book.existing(tenderId);
        context.agencies.requireOfficerOf(msg.sender, tender.agencyId);
        if (book.memberFlags[tenderId][msg.sender] & TenderBook.MEMBER != 0) {
            revert ITenders.TenderAppealByPokja(tenderId, msg.sender);
        }
        ITenders.Objection storage objection = book.objections[tenderId][objectionId];
        if (!objection.appealed || objection.appealOutcome != ITenders.ObjectionStatus.None) {
            revert ITenders.TenderNoOpenAppeal(tenderId, objectionId);
        }
        if (outcome < ITenders.ObjectionStatus.Rejected) revert ITenders.TenderInvalidResolution(outcome);
        if (tender.status == ITenders.TenderStatus.Cancelled) revert ITenders.TenderWrongStatus(tenderId, tender.status);
        objection.appealOutcome = outcome;
        --tender.openObjections;
        uint96 bondClaimed = outcome == ITenders.ObjectionStatus.Rejected ? tender.hps / 100 : 0;
        emit ITenders.AppealResolved(tenderId, objectionId, outcome, msg.sender, responseHash, bondClaimed);
        if (outcome != ITenders.ObjectionStatus.Rejected && _isLive(tender, objection)) {
            _uphold(book, tender, tenderId, outcome);
        }
    }

    /// @notice See {ITenders-finalizeAward}.
    function finalizeAward(
        TenderBook.Book storage book,
        bytes32 tenderId,
        ISupplierRegistry suppliers,
        TenderBook.Context memory context
    ) external {
        ITenders.Tender storage tender = book.existing(tenderId);
        if (tender.status != ITenders.TenderStatus.AwardProposed) revert ITenders.TenderWrongStatus(tenderId, tender.status);
        uint40 closes = tender.objectionDeadline;
        if (tender.appealDeadline > closes) closes = tender.appealDeadline;
        if (context.now_ < closes) revert ITenders.TenderObjectionWindowOpen(tenderId, closes + context.pausedTotal);
        if (tender.openObjections != 0) revert ITenders.TenderObjectionsPending(tenderId, tender.openObjections);
        tender.status = ITenders.TenderStatus.Awarded;
        uint64 winner = tender.winner;
        address account = suppliers.getSupplier(winner).account;
        emit ITenders.TenderAwarded(
            tenderId, winner, account, book.bids[tenderId][winner].price, tender.agencyId, tender.ocid
        );
    }

    function _openObjection(TenderBook.Book storage book, bytes32 tenderId, uint16 objectionId)
        private
        view
        returns (ITenders.Objection storage objection)
    {
        objection = book.objections[tenderId][objectionId];
        if (objection.status == ITenders.ObjectionStatus.None) revert ITenders.TenderUnknownObjection(tenderId, objectionId);
        if (objection.status != ITenders.ObjectionStatus.Open) {
            revert ITenders.TenderObjectionAlreadyResolved(tenderId, objectionId);
        }
    }

    /// @dev An answer changes the tender only while the objected award is still the live proposal; an
    /// objection answered after an earlier one already voided that award is recorded only.
    function _isLive(ITenders.Tender storage tender, ITenders.Objection storage objection) private view returns (bool) {
        return tender.status == ITenders.TenderStatus.AwardProposed && objection.awardRound == tender.awardRound;
    }

    function _uphold(
        TenderBook.Book storage book,
        ITenders.Tender storage tender,
        bytes32 tenderId,
        ITenders.ObjectionStatus outcome
    ) private {
        if (outcome == ITenders.ObjectionStatus.UpheldReevaluate) {
            uint64 winner = tender.winner;
            book.bids[tenderId][winner].status = ITenders.BidStatus.Disqualified;
            --tender.validBids;
            tender.winner = 0;
            tender.objectionDeadline = 0;
            tender.appealDeadline = 0;
            tender.status = ITenders.TenderStatus.Open;
            emit ITenders.BidRejected(tenderId, winner, ITenders.RejectReason.ObjectionUpheld);
        } else {
            TenderBook.fail(tender, tenderId, ITenders.FailReason.ObjectionUpheld);
        }
    }
}
