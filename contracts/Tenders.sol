// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";
import {IAgencyDirectory} from "../interfaces/IAgencyDirectory.sol";
import {IPolicyRegistry} from "../interfaces/IPolicyRegistry.sol";
import {ISupplierRegistry} from "../interfaces/ISupplierRegistry.sol";
import {ITenders} from "../interfaces/ITenders.sol";
import {ITkdnRegistry} from "../interfaces/ITkdnRegistry.sol";
import {ManagedPausable} from "./base/ManagedPausable.sol";
import {TkdnMath} from "./libraries/TkdnMath.sol";
import {TenderBook} from "./tenders/TenderBook.sol";
import {TenderEvaluation} from "./tenders/TenderEvaluation.sol";
import {TenderObjections} from "./tenders/TenderObjections.sol";
import {TenderSetup} from "./tenders/TenderSetup.sol";

/// @title Tenders with sealed bids, TKDN preference, evaluation, objections and award
/// @notice See {ITenders}. This contract takes bids and openings; announcement and Pokja (TenderSetup),
/// evaluation (TenderEvaluation) and objections and award (TenderObjections) run in linked
/// libraries on the same storage (TenderBook).
contract Tenders is ITenders, ManagedPausable, EIP712, Nonces {
    using TenderBook for TenderBook.Book;

    bytes32 private constant COMMIT_TYPEHASH = keccak256(
        "CommitBid(address supplier,bytes32 tenderId,bytes32 commitment,bytes32 envelopeHash,bytes32 replaces,uint256 nonce,uint256 deadline)"
    );
    bytes32 private constant REVEAL_TYPEHASH =
        keccak256("RevealBid(address supplier,bytes32 tenderId,bytes32 commitment,uint256 nonce,uint256 deadline)");
    bytes32 private constant OBJECTION_TYPEHASH = keccak256(
        "FileObjection(address supplier,bytes32 tenderId,bytes32 evidenceHash,uint256 nonce,uint256 deadline)"
    );
    bytes32 private constant APPEAL_TYPEHASH = keccak256(
        "FileAppeal(address supplier,bytes32 tenderId,uint16 objectionId,bytes32 bondRef,uint256 nonce,uint256 deadline)"
    );
    uint256 private constant MAX_ENVELOPE_BYTES = 4096;

    IAgencyDirectory private immutable _agencies;
    ISupplierRegistry private immutable _suppliers;
    ITkdnRegistry private immutable _tkdn;
    IPolicyRegistry private immutable _policies;

    TenderBook.Book private _book;

    constructor(
        address hub,
        IAgencyDirectory agencies,
        ISupplierRegistry suppliers,
        ITkdnRegistry tkdn,
        IPolicyRegistry policies_
    ) ManagedPausable(hub) EIP712("Terang Tenders", "1") {
        _agencies = agencies;
        _suppliers = suppliers;
        _tkdn = tkdn;
        _policies = policies_;
    }

    // ---------------------------------------------------------------- announcement and Pokja

    /// @inheritdoc ITenders
    function announceTender(TenderParams calldata params)
        external
        restricted
        whenNotPaused
        returns (bytes32 tenderId)
    {
        return TenderSetup.announceTender(_book, params, _policies, _context());
    }

    /// @inheritdoc ITenders
    function amendTender(bytes32 tenderId, bytes32 documentHash) external restricted whenNotPaused {
        Tender storage tender = _officerTender(tenderId);
        uint40 now_ = _activeNow();
        if (now_ >= tender.commitDeadline) revert TenderCommitClosed(tenderId, _toWall(tender.commitDeadline));
        uint40 earliest = now_ + tender.addendumNotice; // the tender's policy version
        if (earliest > tender.commitDeadline) {
            // A late change leaves bidders the full notice: every deadline moves by the shortfall.
            uint40 shift = earliest - tender.commitDeadline;
            tender.commitDeadline += shift;
            tender.revealDeadline += shift;
            if (tender.scoringDeadline != 0) tender.scoringDeadline += shift;
        }
        tender.documentHash = documentHash;
        uint16 number = ++tender.addendumCount;
        emit TenderAmended(
            tenderId, msg.sender, number, documentHash, _toWall(tender.commitDeadline), _toWall(tender.revealDeadline)
        );
    }

    /// @inheritdoc ITenders
    function cancelTender(bytes32 tenderId, bytes32 reasonHash) external restricted whenNotPaused {
        Tender storage tender = _book.existing(tenderId);
        _agencies.requireOfficerOf(msg.sender, tender.agencyId);
        if (tender.status != TenderStatus.Open && tender.status != TenderStatus.AwardProposed) {
            revert TenderWrongStatus(tenderId, tender.status);
        }
        tender.status = TenderStatus.Cancelled;
        emit TenderCancelled(tenderId, msg.sender, reasonHash);
    }

    /// @inheritdoc ITenders
    function appointPokja(
        bytes32 tenderId,
        address[] calldata members,
        bytes32[] calldata encryptionKeys,
        uint8 quorum
    ) external restricted whenNotPaused {
        TenderSetup.appointPokja(_book, tenderId, members, encryptionKeys, quorum, _context());
    }

    /// @inheritdoc ITenders
    function recordPurchase(Purchase calldata purchase) external restricted whenNotPaused returns (bytes32) {
        return TenderSetup.recordPurchase(_book, purchase, _suppliers, _policies);
    }

    // ---------------------------------------------------------------- sealed bids

    /// @inheritdoc ITenders
    function commitBid(bytes32 tenderId, bytes32 commitment, bytes calldata envelope) external whenNotPaused {
        _commit(tenderId, msg.sender, commitment, envelope, false, bytes32(0));
    }

    /// @inheritdoc ITenders
    function commitBidBySig(
        address supplier,
        bytes32 tenderId,
        bytes32 commitment,
        bytes calldata envelope,
        bytes32 replaces,
        uint256 nonce,
        uint256 deadline,
        bytes calldata signature
    ) external whenNotPaused {
        bytes32 structHash = keccak256(
            abi.encode(COMMIT_TYPEHASH, supplier, tenderId, commitment, keccak256(envelope), replaces, nonce, deadline)
        );
        _checkSignature(structHash, supplier, nonce, deadline, signature);
        _commit(tenderId, supplier, commitment, envelope, true, replaces);
    }

    /// @inheritdoc ITenders
    function invalidateNonce(uint256 nonce) external {
        _useCheckedNonce(msg.sender, nonce);
    }

    /// @inheritdoc ITenders
    function revealBid(bytes32 tenderId, BidOpening calldata opening) external whenNotPaused {
        _revealOwn(tenderId, msg.sender, opening);
    }

    /// @inheritdoc ITenders
    function revealBidBySig(
        address supplier,
        bytes32 tenderId,
        BidOpening calldata opening,
        uint256 nonce,
        uint256 deadline,
        bytes calldata signature
    ) external whenNotPaused {
        bytes32 commitment = _revealOwn(tenderId, supplier, opening);
        // The signature covers the commitment, which the reveal has just recomputed; a failed check
        // reverts the whole reveal.
        _checkSignature(
            keccak256(abi.encode(REVEAL_TYPEHASH, supplier, tenderId, commitment, nonce, deadline)),
            supplier,
            nonce,
            deadline,
            signature
        );
    }

    /// @inheritdoc ITenders
    function openSealedBid(bytes32 tenderId, uint64 supplierId, BidOpening calldata opening)
        external
        restricted
        whenNotPaused
    {
        Tender storage tender = _book.openAsMember(tenderId, _agencies);
        if (_activeNow() < tender.revealDeadline) revert TenderRevealNotOver(tenderId, _toWall(tender.revealDeadline));
        _open(tenderId, tender, supplierId, opening);
        emit BidNotOpenedBySupplier(tenderId, supplierId, msg.sender, tender.bidBond);
    }

    // ---------------------------------------------------------------- evaluation (TenderEvaluation)

    /// @inheritdoc ITenders
    function sealScoreSheet(bytes32 tenderId, bytes32 sealedSheet) external restricted whenNotPaused {
        TenderEvaluation.sealScoreSheet(_book, tenderId, sealedSheet, _context());
    }

    /// @inheritdoc ITenders
    function openScoreSheet(
        bytes32 tenderId,
        uint64[] calldata supplierIds,
        uint16[] calldata scoresBps,
        bytes32 salt
    ) external restricted whenNotPaused {
        TenderEvaluation.openScoreSheet(_book, tenderId, supplierIds, scoresBps, salt, _context());
    }

    /// @inheritdoc ITenders
    function declareNonCompliant(bytes32 tenderId, uint64 supplierId, NonCompliance reason, bytes32 evidenceHash)
        external
        restricted
        whenNotPaused
    {
        TenderEvaluation.declareNonCompliant(_book, tenderId, supplierId, reason, evidenceHash, _agencies);
    }

    /// @inheritdoc ITenders
    function withdrawPreference(bytes32 tenderId, uint64 supplierId, bytes32 evidenceHash)
        external
        restricted
        whenNotPaused
    {
        TenderEvaluation.withdrawPreference(_book, tenderId, supplierId, evidenceHash, _agencies);
    }

    /// @inheritdoc ITenders
    function evaluate(bytes32 tenderId, uint64[] calldata bidders) external restricted whenNotPaused {
        TenderEvaluation.evaluate(_book, tenderId, bidders, _context());
    }

    // ---------------------------------------------------------------- objections and award (TenderObjections)

    /// @inheritdoc ITenders
    function fileObjection(bytes32 tenderId, bytes32 evidenceHash) external whenNotPaused {
        TenderObjections.fileObjection(_book, tenderId, _supplierIdOf(msg.sender), evidenceHash, _context());
    }

    /// @inheritdoc ITenders
    function fileObjectionBySig(
        address supplier,
        bytes32 tenderId,
        bytes32 evidenceHash,
        uint256 nonce,
        uint256 deadline,
        bytes calldata signature
    ) external whenNotPaused {
        _checkSignature(
            keccak256(abi.encode(OBJECTION_TYPEHASH, supplier, tenderId, evidenceHash, nonce, deadline)),
            supplier,
            nonce,
            deadline,
            signature
        );
        TenderObjections.fileObjection(_book, tenderId, _supplierIdOf(supplier), evidenceHash, _context());
    }

    /// @inheritdoc ITenders
    function resolveObjection(bytes32 tenderId, uint16 objectionId, ObjectionStatus outcome, bytes32 responseHash)
        external
        restricted
        whenNotPaused
    {
        TenderObjections.resolveObjection(_book, tenderId, objectionId, outcome, responseHash, _context());
    }

    /// @inheritdoc ITenders
    function fileAppeal(bytes32 tenderId, uint16 objectionId, bytes32 bondRef) external whenNotPaused {
        TenderObjections.fileAppeal(_book, tenderId, objectionId, _supplierIdOf(msg.sender), bondRef, _context());
    }

    /// @inheritdoc ITenders
    function fileAppealBySig(
        address supplier,
        bytes32 tenderId,
        uint16 objectionId,
        bytes32 bondRef,
        uint256 nonce,
        uint256 deadline,
        bytes calldata signature
    ) external whenNotPaused {
        _checkSignature(
            keccak256(abi.encode(APPEAL_TYPEHASH, supplier, tenderId, objectionId, bondRef, nonce, deadline)),
            supplier,
            nonce,
            deadline,
            signature
        );
        TenderObjections.fileAppeal(_book, tenderId, objectionId, _supplierIdOf(supplier), bondRef, _context());
    }

    /// @inheritdoc ITenders
    function resolveAppeal(bytes32 tenderId, uint16 objectionId, ObjectionStatus outcome, bytes32 responseHash)
        external
        restricted
        whenNotPaused
    {
        TenderObjections.resolveAppeal(_book, tenderId, objectionId, outcome, responseHash, _context());
    }

    /// @inheritdoc ITenders
    function finalizeAward(bytes32 tenderId) external whenNotPaused {
        TenderObjections.finalizeAward(_book, tenderId, _suppliers, _context());
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc ITenders
    function getTender(bytes32 tenderId) external view returns (Tender memory tender) {
        tender = _book.existing(tenderId);
        // Each deadline as the wall-clock moment it was (or will be) reached: past pauses move only
        // the deadlines that lay after them.
        tender.commitDeadline = _toWall(tender.commitDeadline);
        tender.revealDeadline = _toWall(tender.revealDeadline);
        tender.scoringDeadline = _toWall(tender.scoringDeadline);
        tender.objectionDeadline = _toWall(tender.objectionDeadline);
        tender.appealDeadline = _toWall(tender.appealDeadline);
    }

    /// @inheritdoc ITenders
    function getBid(bytes32 tenderId, uint64 supplierId) external view returns (Bid memory bid) {
        bid = _book.bids[tenderId][supplierId];
        if (bid.status == BidStatus.None && bid.sealedBid != bytes32(0)) bid.status = BidStatus.Sealed;
    }

    /// @inheritdoc ITenders
    function getObjection(bytes32 tenderId, uint16 objectionId) external view returns (Objection memory) {
        return _book.objections[tenderId][objectionId];
    }

    /// @inheritdoc ITenders
    function pokjaOf(bytes32 tenderId) external view returns (address[] memory, bytes32[] memory) {
        return (_book.pokja[tenderId], _book.pokjaKeys[tenderId]);
    }

    /// @inheritdoc ITenders
    function technicalScoreSum(bytes32 tenderId, uint64 supplierId) external view returns (uint32) {
        return _book.technicalScoreSums[tenderId][supplierId];
    }

    /// @inheritdoc ITenders
    function policies() external view returns (IPolicyRegistry) {
        return _policies;
    }

    /// @inheritdoc ITenders
    function domainSeparator() external view returns (bytes32) {
        return _domainSeparatorV4();
    }

    /// @inheritdoc ITenders
    function tenderIdOf(string calldata ocid) external pure returns (bytes32) {
        return keccak256(bytes(ocid));
    }

    // ---------------------------------------------------------------- internals

    /// @dev Records a sealed bid. Eligibility is checked here, once: an active supplier (verified, not
    /// blacklisted now), UMKM where the tender is reserved. A relayed commit must name the sealed
    /// bid it replaces, so no stale signature can override a later bid.
    function _commit(
        bytes32 tenderId,
        address account,
        bytes32 commitment,
        bytes calldata envelope,
        bool relayed,
        bytes32 replaces
    ) private {
        if (commitment == bytes32(0)) revert TenderEmptyCommitment();
        if (envelope.length == 0 || envelope.length > MAX_ENVELOPE_BYTES) revert TenderInvalidEnvelope(envelope.length);
        Tender storage tender = _book.tenders[tenderId];
        if (tender.status != TenderStatus.Open) _revertStatus(tenderId, tender.status);
        if (_activeNow() >= tender.commitDeadline) revert TenderCommitClosed(tenderId, _toWall(tender.commitDeadline));
        if (tender.pokjaQuorum == 0) revert TenderPokjaNotAppointed(tenderId);
        (uint64 supplierId, bool umkm,) = _suppliers.requireActiveSupplier(account);
        if (tender.umkmReserved && !umkm) revert TenderReservedForUmkm(tenderId, supplierId);
        Bid storage bid = _book.bids[tenderId][supplierId];
        bytes32 previous = bid.sealedBid;
        if (relayed && previous != replaces) revert TenderStaleCommit(tenderId, supplierId, replaces);
        uint32 commitSeq = ++tender.commitSeq;
        if (previous == bytes32(0)) ++tender.bidderCount;
        bid.sealedBid = keccak256(abi.encode(commitment, commitSeq, keccak256(envelope)));
        emit BidCommitted(tenderId, supplierId, commitment, commitSeq, previous != bytes32(0), envelope);
    }

    /// @dev A supplier's own opening, in the reveal period; returns the commitment (which a relayed
    /// reveal's signature covers).
    function _revealOwn(bytes32 tenderId, address account, BidOpening calldata opening)
        private
        returns (bytes32 commitment)
    {
        Tender storage tender = _book.tenders[tenderId];
        if (tender.status != TenderStatus.Open) _revertStatus(tenderId, tender.status);
        uint40 opensAt = tender.scoringDeadline == 0 ? tender.commitDeadline : tender.scoringDeadline;
        uint40 now_ = _activeNow();
        if (now_ < opensAt || now_ >= tender.revealDeadline) {
            revert TenderNotInRevealPeriod(tenderId, _toWall(opensAt), _toWall(tender.revealDeadline));
        }
        commitment = _open(tenderId, tender, _supplierIdOf(account), opening);
    }

    /// @dev Checks an opening against the sealed bid and the tender's rules as they stood at the
    /// commit deadline, and records it.
    function _open(bytes32 tenderId, Tender storage tender, uint64 supplierId, BidOpening calldata opening)
        private
        returns (bytes32 commitment)
    {
        Bid storage bid = _book.bids[tenderId][supplierId];
        if (bid.sealedBid == bytes32(0)) revert TenderNoBid(tenderId, supplierId);
        if (bid.status != BidStatus.None) revert TenderBidAlreadyRevealed(tenderId, supplierId);
        commitment = keccak256(
            abi.encode(tenderId, supplierId, opening.price, opening.products, opening.salt, opening.bidBondRef)
        );
        if (keccak256(abi.encode(commitment, opening.commitSeq, opening.envelopeHash)) != bid.sealedBid) {
            revert TenderCommitmentMismatch(tenderId, supplierId, commitment);
        }
        uint256 price = opening.price;
        if (price == 0) revert TenderZeroPrice();
        if (price > tender.hps) revert TenderPriceAboveHps(tenderId, price, tender.hps);
        if (tender.bidBond != 0 && opening.bidBondRef == bytes32(0)) revert TenderBidBondMissing(tenderId);
        uint40 frozenAt = _toWall(tender.commitDeadline);
        if (_suppliers.isBlacklistedAt(supplierId, frozenAt)) revert TenderSupplierBlacklisted(tenderId, supplierId);
        // The tender's own policy version: minimums copied at announcement (never 0, see IPolicyRegistry).
        uint16 tkdnBps =
            _bidTkdn(tenderId, tender.domesticOnly ? tender.domesticOnlyMinBps : 0, opening.products, frozenAt);
        // The tender qualifies (goods, HPS above the threshold) whenever preferenceBps > 0: checked
        // at announcement. The offer must still reach the minimum TKDN.
        uint256 hea = tender.preferenceBps != 0 && tkdnBps >= tender.preferenceMinTkdnBps
            ? TkdnMath.hea(price, tkdnBps, tender.preferenceBps)
            : price;

        // price <= hps < 2**96 and hea <= price: the casts are exact.
        bid.price = uint96(price);
        bid.hea = uint96(hea);
        bid.tkdnBps = tkdnBps;
        bid.commitSeq = opening.commitSeq;
        bid.status = BidStatus.Valid;
        ++tender.validBids;
        emit BidRevealed(tenderId, supplierId, price, tkdnBps, hea, opening.products, opening.bidBondRef);
    }

    /// @dev The value-weighted TKDN of the offer (Permenperin 35/2025: sum of TKDN_i x share_i), each
    /// certificate as it stood at `frozenAt`. A product without a valid certificate then counts as 0%
    /// and never voids the bid, except in a domestic-only tender, where every listed product must
    /// have reached the minimum TKDN + BMP (`domesticOnlyMinBps`, 0 when the tender is not domestic-only).
    function _bidTkdn(
        bytes32 tenderId,
        uint16 domesticOnlyMinBps,
        ProductShare[] calldata products,
        uint40 frozenAt
    )
        private
        view
        returns (uint16)
    {
        uint256 count = products.length;
        if (count == 0) {
            if (domesticOnlyMinBps != 0) revert TenderDomesticProductRequired(tenderId);
            return 0;
        }
        uint256 shareSum;
        uint256 weighted;
        for (uint256 i; i < count; ++i) {
            ProductShare calldata product = products[i];
            // Distinct products: listed in ascending id order.
            if (product.shareBps == 0 || (i != 0 && product.productId <= products[i - 1].productId)) {
                revert TenderInvalidProductShares(tenderId);
            }
            shareSum += product.shareBps;
            (bool valid, uint16 productTkdn, uint16 withBmp) = _tkdn.certificateAt(product.productId, frozenAt);
            if (domesticOnlyMinBps != 0 && (!valid || withBmp < domesticOnlyMinBps)) {
                revert TenderDomesticContentTooLow(product.productId, valid ? withBmp : 0, domesticOnlyMinBps);
            }
            if (valid) weighted += uint256(productTkdn) * product.shareBps;
        }
        if (shareSum > TkdnMath.BPS) revert TenderInvalidProductShares(tenderId);
        return uint16(weighted / TkdnMath.BPS);
    }

    function _checkSignature(
        bytes32 structHash,
        address supplier,
        uint256 nonce,
        uint256 deadline,
        bytes calldata signature
    ) private {
        if (block.timestamp > deadline) revert TenderSignatureExpired(deadline);
        (address recovered, ECDSA.RecoverError error,) = ECDSA.tryRecover(_hashTypedDataV4(structHash), signature);
        if (error != ECDSA.RecoverError.NoError || recovered != supplier) {
            revert TenderInvalidSigner(recovered, supplier);
        }
        _useCheckedNonce(supplier, nonce);
    }

    function _context() private view returns (TenderBook.Context memory) {
        return TenderBook.Context({agencies: _agencies, now_: _activeNow(), pausedTotal: pausedTotal()});
    }

    function _supplierIdOf(address account) private view returns (uint64 supplierId) {
        supplierId = _suppliers.supplierIdOf(account);
        if (supplierId == 0) revert TenderNotASupplier(account);
    }

    /// @dev The tender, Open, and the caller an officer of its agency.
    function _officerTender(bytes32 tenderId) private view returns (Tender storage tender) {
        tender = _book.existing(tenderId);
        _agencies.requireOfficerOf(msg.sender, tender.agencyId);
        if (tender.status != TenderStatus.Open) revert TenderWrongStatus(tenderId, tender.status);
    }

    function _revertStatus(bytes32 tenderId, TenderStatus status) private pure {
        if (status == TenderStatus.None) revert TenderUnknown(tenderId);
        revert TenderWrongStatus(tenderId, status);
    }
}
