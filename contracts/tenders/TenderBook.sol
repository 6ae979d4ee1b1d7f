// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IAgencyDirectory} from "../../interfaces/IAgencyDirectory.sol";
import {ITenders} from "../../interfaces/ITenders.sol";

/// @title The storage of Tenders, shared with the linked libraries that run its later phases
/// @notice Tenders is split along its lifecycle: the contract announces and takes bids and openings;
/// TenderEvaluation (scores, non-compliance, evaluation) and TenderObjections (sanggah, banding,
/// award) are linked libraries that act on this same storage through a pointer, so the system
/// keeps one address, one ABI and one event stream while each part stays under the code-size limit.
/// Deadlines are kept in active time (see ManagedPausable); callers pass the active clock in.
library TenderBook {
    uint8 internal constant MEMBER = 1;
    uint8 internal constant SHEET_SEALED = 2;
    uint8 internal constant SHEET_OPENED = 4;

    struct Book {
        mapping(bytes32 tenderId => ITenders.Tender) tenders;
        mapping(bytes32 tenderId => mapping(uint64 supplierId => ITenders.Bid)) bids;
        mapping(bytes32 tenderId => mapping(uint16 objectionId => ITenders.Objection)) objections;
        mapping(bytes32 tenderId => mapping(uint64 supplierId => uint8 awardRound)) objectedInRound;
        mapping(bytes32 tenderId => address[]) pokja;
        mapping(bytes32 tenderId => bytes32[]) pokjaKeys;
        // MEMBER | SHEET_SEALED | SHEET_OPENED
        mapping(bytes32 tenderId => mapping(address member => uint8 flags)) memberFlags;
        mapping(bytes32 tenderId => mapping(address member => bytes32 sealedSheet)) sealedSheets;
        mapping(bytes32 tenderId => mapping(uint64 supplierId => uint32 sum)) technicalScoreSums;
        // Construction: the appeal deadline (active time) of each rejected objection, from its answer
        mapping(bytes32 tenderId => mapping(uint16 objectionId => uint40 deadline)) appealDeadlines;
    }

    /// @notice What the libraries need from the contract: its directory and clocks.
    struct Context {
        IAgencyDirectory agencies;
        uint40 now_; // active time now
        uint40 pausedTotal; // to turn active deadlines into wall-clock times for events
    }

    function existing(Book storage book, bytes32 tenderId) internal view returns (ITenders.Tender storage tender) {
        tender = book.tenders[tenderId];
        if (tender.status == ITenders.TenderStatus.None) revert ITenders.TenderUnknown(tenderId);
    }

    /// @dev The tender, Open, and the caller a member of its Pokja.
    function openAsMember(Book storage book, bytes32 tenderId, IAgencyDirectory agencies)
        internal
        view
        returns (ITenders.Tender storage tender)
    {
        tender = existing(book, tenderId);
        requireMember(book, tenderId, tender, agencies);
        if (tender.status != ITenders.TenderStatus.Open) revert ITenders.TenderWrongStatus(tenderId, tender.status);
    }

    /// @dev A seat on the Pokja is held as an officer of the tender's agency: a member the committee
    /// removed from the directory, or moved to another agency, no longer acts in it.
    function requireMember(
        Book storage book,
        bytes32 tenderId,
        ITenders.Tender storage tender,
        IAgencyDirectory agencies
    ) internal view {
        if (book.memberFlags[tenderId][msg.sender] & MEMBER == 0) {
            revert ITenders.TenderNotPokjaMember(tenderId, msg.sender);
        }
        agencies.requireOfficerOf(msg.sender, tender.agencyId);
    }

    function requireRevealOver(ITenders.Tender storage tender, bytes32 tenderId, Context memory context)
        internal
        view
    {
        if (context.now_ < tender.revealDeadline) {
            revert ITenders.TenderRevealNotOver(tenderId, tender.revealDeadline + context.pausedTotal);
        }
    }

    function fail(ITenders.Tender storage tender, bytes32 tenderId, ITenders.FailReason reason) internal {
        tender.status = ITenders.TenderStatus.Failed;
        tender.failReason = reason;
        tender.winner = 0;
        emit ITenders.TenderFailed(tenderId, reason, tender.validBids);
    }
}
