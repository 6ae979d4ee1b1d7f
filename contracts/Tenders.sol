// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";
import {IAgencyDirectory} from "../interfaces/IAgencyDirectory.sol";
import {ISupplierRegistry} from "../interfaces/ISupplierRegistry.sol";
import {ITenders} from "../interfaces/ITenders.sol";
import {ITkdnRegistry} from "../interfaces/ITkdnRegistry.sol";
import {ManagedPausable} from "./base/ManagedPausable.sol";
import {TenderRanking} from "./libraries/TenderRanking.sol";
import {TkdnMath} from "./libraries/TkdnMath.sol";

/// @title Tenders with sealed bids, TKDN preference, evaluation, objections and award
/// @notice See {ITenders}.
contract Tenders is ITenders, ManagedPausable, EIP712, Nonces {
    bytes32 private constant COMMIT_TYPEHASH =
        keccak256("CommitBid(address supplier,bytes32 tenderId,bytes32 commitment,uint256 nonce,uint256 deadline)");
    bytes32 private constant REVEAL_TYPEHASH =
        keccak256("RevealBid(address supplier,bytes32 tenderId,bytes32 commitment,uint256 nonce,uint256 deadline)");
    bytes32 private constant OBJECTION_TYPEHASH = keccak256(
        "FileObjection(address supplier,bytes32 tenderId,bytes32 evidenceHash,uint256 nonce,uint256 deadline)"
    );
    uint8 private constant EVALUATOR_APPOINTED = 1;
    uint8 private constant EVALUATOR_SUBMITTED = 2;

    IAgencyDirectory private immutable _agencies;
    ISupplierRegistry private immutable _suppliers;
    ITkdnRegistry private immutable _tkdn;
    uint96 private immutable _preferenceHpsThreshold;
    uint16 private immutable _preferenceMinTkdnBps;
    uint16 private immutable _maxPreferenceBps;
    uint16 private immutable _domesticOnlyMinBps;
    uint96 private immutable _umkmReservationCeiling;
    uint32 private immutable _addendumNotice;

    mapping(bytes32 tenderId => Tender) private _tenders;
    mapping(bytes32 tenderId => mapping(uint64 supplierId => Bid)) private _bids;
    mapping(bytes32 tenderId => mapping(uint16 objectionId => Objection)) private _objections;
    mapping(bytes32 tenderId => mapping(uint64 supplierId => uint8 awardRound)) private _objectedInRound;
    mapping(bytes32 tenderId => address[]) private _evaluators;
    mapping(bytes32 tenderId => mapping(address evaluator => uint8 state)) private _evaluatorState;
    mapping(bytes32 tenderId => mapping(uint64 supplierId => uint32 sum)) private _technicalScoreSums;

    constructor(
        address hub,
        IAgencyDirectory agencies,
        ISupplierRegistry suppliers,
        ITkdnRegistry tkdn,
        TenderPolicy memory tenderPolicy
    ) ManagedPausable(hub) EIP712("Terang Tenders", "1") {
        _agencies = agencies;
        _suppliers = suppliers;
        _tkdn = tkdn;
        _preferenceHpsThreshold = tenderPolicy.preferenceHpsThreshold;
        _preferenceMinTkdnBps = tenderPolicy.preferenceMinTkdnBps;
        _maxPreferenceBps = tenderPolicy.maxPreferenceBps;
        _domesticOnlyMinBps = tenderPolicy.domesticOnlyMinBps;
        _umkmReservationCeiling = tenderPolicy.umkmReservationCeiling;
        _addendumNotice = tenderPolicy.addendumNotice;
    }

    // ---------------------------------------------------------------- announcement and addenda

    /// @inheritdoc ITenders
    function announceTender(TenderParams calldata params)
        external
        restricted
        whenNotPaused
        returns (bytes32 tenderId)
    {
        _agencies.requireOfficerOf(msg.sender, params.agencyId);
        if (bytes(params.ocid).length == 0) revert TenderInvalidOcid();
        tenderId = keccak256(bytes(params.ocid));
        if (_tenders[tenderId].status != TenderStatus.None) revert TenderAlreadyExists(tenderId);
        _validate(params);

        Tender storage tender = _tenders[tenderId];
        tender.agencyId = params.agencyId;
        tender.status = TenderStatus.Open;
        tender.category = params.category;
        tender.method = params.method;
        tender.evaluation = params.evaluation;
        tender.domesticOnly = params.domesticOnly;
        tender.umkmReserved = params.umkmReserved;
        tender.preferenceBps = params.preferenceBps;
        tender.commitDeadline = params.commitDeadline;
        tender.revealDeadline = params.revealDeadline;
        tender.hps = params.hps;
        tender.minValidBids = params.minValidBids;
        tender.objectionWindow = params.objectionWindow;
        tender.technicalWeightBps = params.technicalWeightBps;
        tender.documentHash = params.documentHash;
        tender.ocid = params.ocid;
        emit TenderAnnounced(tenderId, params.agencyId, msg.sender, params);
    }

    /// @inheritdoc ITenders
    function amendTender(bytes32 tenderId, bytes32 documentHash) external restricted whenNotPaused {
        Tender storage tender = _officerTender(tenderId, TenderStatus.Open);
        if (block.timestamp >= tender.commitDeadline) revert TenderCommitClosed(tenderId, tender.commitDeadline);
        uint256 earliest = block.timestamp + _addendumNotice;
        if (earliest > tender.commitDeadline) {
            // A late change leaves bidders the full notice: both deadlines move by the shortfall.
            uint40 shift = uint40(earliest - tender.commitDeadline);
            tender.commitDeadline += shift;
            tender.revealDeadline += shift;
        }
        tender.documentHash = documentHash;
        uint16 number = ++tender.addendumCount;
        emit TenderAmended(tenderId, number, documentHash, tender.commitDeadline, tender.revealDeadline);
    }

    /// @inheritdoc ITenders
    function cancelTender(bytes32 tenderId, bytes32 reasonHash) external restricted whenNotPaused {
        Tender storage tender = _existingTender(tenderId);
        _agencies.requireOfficerOf(msg.sender, tender.agencyId);
        if (tender.status != TenderStatus.Open && tender.status != TenderStatus.AwardProposed) {
            revert TenderWrongStatus(tenderId, tender.status);
        }
        tender.status = TenderStatus.Cancelled;
        emit TenderCancelled(tenderId, msg.sender, reasonHash);
    }

    /// @inheritdoc ITenders
    function appointEvaluators(bytes32 tenderId, address[] calldata evaluators, uint8 quorum)
        external
        restricted
        whenNotPaused
    {
        Tender storage tender = _officerTender(tenderId, TenderStatus.Open);
        if (tender.evaluation != EvaluationMethod.ValueSystem) revert TenderNotValueSystem(tenderId);
        if (block.timestamp >= tender.commitDeadline) revert TenderCommitClosed(tenderId, tender.commitDeadline);
        if (tender.evaluatorQuorum != 0) revert TenderEvaluatorsAlreadyAppointed(tenderId);
        if (quorum == 0 || quorum > evaluators.length) revert TenderInvalidEvaluators(evaluators.length, quorum);
        mapping(address => uint8) storage state = _evaluatorState[tenderId];
        for (uint256 i; i < evaluators.length; ++i) {
            _agencies.requireOfficerOf(evaluators[i], tender.agencyId);
            if (state[evaluators[i]] != 0) revert TenderInvalidEvaluators(evaluators.length, quorum);
            state[evaluators[i]] = EVALUATOR_APPOINTED;
        }
        tender.evaluatorQuorum = quorum;
        _evaluators[tenderId] = evaluators;
        emit EvaluatorsAppointed(tenderId, evaluators, quorum);
    }

    // ---------------------------------------------------------------- sealed bids

    /// @inheritdoc ITenders
    function commitBid(bytes32 tenderId, bytes32 commitment) external whenNotPaused {
        _commit(tenderId, _supplierIdOf(msg.sender), commitment);
    }

    /// @inheritdoc ITenders
    function commitBidBySig(
        address supplier,
        bytes32 tenderId,
        bytes32 commitment,
        uint256 nonce,
        uint256 deadline,
        bytes calldata signature
    ) external whenNotPaused {
        _useSignature(COMMIT_TYPEHASH, supplier, tenderId, commitment, nonce, deadline, signature);
        _commit(tenderId, _supplierIdOf(supplier), commitment);
    }

    /// @inheritdoc ITenders
    function revealBid(bytes32 tenderId, BidOpening calldata opening) external whenNotPaused {
        _reveal(tenderId, msg.sender, opening);
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
        bytes32 commitment = _reveal(tenderId, supplier, opening);
        // The signature covers the commitment, which the reveal has just recomputed; a failed check
        // reverts the whole reveal.
        _useSignature(REVEAL_TYPEHASH, supplier, tenderId, commitment, nonce, deadline, signature);
    }

    // ---------------------------------------------------------------- evaluation

    /// @inheritdoc ITenders
    function submitTechnicalScores(bytes32 tenderId, uint64[] calldata supplierIds, uint16[] calldata scoresBps)
        external
        restricted
        whenNotPaused
    {
        Tender storage tender = _existingTender(tenderId);
        if (tender.status != TenderStatus.Open) revert TenderWrongStatus(tenderId, tender.status);
        if (block.timestamp < tender.revealDeadline) revert TenderRevealNotOver(tenderId, tender.revealDeadline);
        uint8 state = _evaluatorState[tenderId][msg.sender];
        if (state == 0) revert TenderNotEvaluator(tenderId, msg.sender);
        if (state == EVALUATOR_SUBMITTED) revert TenderScoresAlreadySubmitted(tenderId, msg.sender);
        if (supplierIds.length != tender.validBids || scoresBps.length != supplierIds.length) {
            revert TenderScoreListInvalid(tenderId);
        }
        mapping(uint64 => Bid) storage bids = _bids[tenderId];
        mapping(uint64 => uint32) storage sums = _technicalScoreSums[tenderId];
        uint64 previous;
        for (uint256 i; i < supplierIds.length; ++i) {
            uint64 supplierId = supplierIds[i];
            if (supplierId <= previous || bids[supplierId].status != BidStatus.Valid) {
                revert TenderScoreListInvalid(tenderId);
            }
            if (scoresBps[i] > TkdnMath.BPS) revert TenderScoreTooHigh(scoresBps[i]);
            previous = supplierId;
            sums[supplierId] += scoresBps[i];
        }
        _evaluatorState[tenderId][msg.sender] = EVALUATOR_SUBMITTED;
        ++tender.scoreSheets;
        emit TechnicalScoresSubmitted(tenderId, msg.sender, supplierIds, scoresBps);
    }

    /// @inheritdoc ITenders
    function evaluate(bytes32 tenderId, uint64[] calldata bidders) external whenNotPaused {
        Tender storage tender = _existingTender(tenderId);
        if (tender.status != TenderStatus.Open) revert TenderWrongStatus(tenderId, tender.status);
        if (block.timestamp < tender.revealDeadline) revert TenderRevealNotOver(tenderId, tender.revealDeadline);
        if (tender.openObjections != 0) revert TenderObjectionsPending(tenderId, tender.openObjections);
        if (bidders.length != tender.bidderCount) revert TenderBidderListLength(bidders.length, tender.bidderCount);

        mapping(uint64 => Bid) storage bids = _bids[tenderId];
        uint64 previous;
        for (uint256 i; i < bidders.length; ++i) {
            uint64 supplierId = bidders[i];
            if (supplierId <= previous) revert TenderBidderListNotAscending(i);
            previous = supplierId;
            Bid storage bid = bids[supplierId];
            if (bid.sealedBid == bytes32(0)) revert TenderNotABidder(tenderId, supplierId);
            if (bid.status == BidStatus.None) {
                bid.status = BidStatus.Unrevealed;
                emit BidRejected(tenderId, supplierId, RejectReason.Unrevealed);
            }
        }

        if (tender.validBids < tender.minValidBids) {
            _fail(tenderId, tender, FailReason.TooFewValidBids);
            return;
        }
        uint64 winner;
        if (tender.evaluation == EvaluationMethod.LowestPrice) {
            winner = TenderRanking.lowestPrice(bids, bidders);
        } else {
            if (tender.scoreSheets < tender.evaluatorQuorum || tender.evaluatorQuorum == 0) {
                revert TenderScoresIncomplete(tenderId, tender.scoreSheets, tender.evaluatorQuorum);
            }
            winner = TenderRanking.bestValue(
                bids, _technicalScoreSums[tenderId], bidders, tender.technicalWeightBps, tender.scoreSheets
            );
        }
        Bid storage won = bids[winner];
        tender.status = TenderStatus.AwardProposed;
        tender.winner = winner;
        ++tender.awardRound;
        uint40 objectionDeadline = uint40(block.timestamp) + tender.objectionWindow;
        tender.objectionDeadline = objectionDeadline;
        emit AwardProposed(
            tenderId, winner, won.price, won.hea, won.tkdnBps, tender.bidderCount, tender.validBids, objectionDeadline
        );
    }

    // ---------------------------------------------------------------- objections and award

    /// @inheritdoc ITenders
    function fileObjection(bytes32 tenderId, bytes32 evidenceHash) external whenNotPaused {
        _fileObjection(tenderId, msg.sender, evidenceHash);
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
        _useSignature(OBJECTION_TYPEHASH, supplier, tenderId, evidenceHash, nonce, deadline, signature);
        _fileObjection(tenderId, supplier, evidenceHash);
    }

    function _fileObjection(bytes32 tenderId, address supplier, bytes32 evidenceHash) private {
        Tender storage tender = _existingTender(tenderId);
        if (tender.status != TenderStatus.AwardProposed) revert TenderWrongStatus(tenderId, tender.status);
        if (block.timestamp >= tender.objectionDeadline) {
            revert TenderObjectionWindowClosed(tenderId, tender.objectionDeadline);
        }
        uint64 supplierId = _supplierIdOf(supplier);
        if (supplierId == tender.winner || _bids[tenderId][supplierId].sealedBid == bytes32(0)) {
            revert TenderNotAnObjector(tenderId, supplierId);
        }
        uint8 round = tender.awardRound;
        if (_objectedInRound[tenderId][supplierId] == round) revert TenderAlreadyObjected(tenderId, supplierId);
        _objectedInRound[tenderId][supplierId] = round;
        uint16 objectionId = ++tender.objectionCount;
        ++tender.openObjections;
        _objections[tenderId][objectionId] = Objection({
            supplierId: supplierId,
            status: ObjectionStatus.Open,
            awardRound: round,
            evidenceHash: evidenceHash,
            responseHash: bytes32(0)
        });
        emit ObjectionFiled(tenderId, objectionId, supplierId, evidenceHash);
    }

    /// @inheritdoc ITenders
    function resolveObjection(bytes32 tenderId, uint16 objectionId, ObjectionStatus outcome, bytes32 responseHash)
        external
        restricted
        whenNotPaused
    {
        Tender storage tender = _existingTender(tenderId);
        _agencies.requireOfficerOf(msg.sender, tender.agencyId);
        Objection storage objection = _objections[tenderId][objectionId];
        if (objection.status == ObjectionStatus.None) revert TenderUnknownObjection(tenderId, objectionId);
        if (objection.status != ObjectionStatus.Open) revert TenderObjectionAlreadyResolved(tenderId, objectionId);
        if (outcome < ObjectionStatus.Rejected) revert TenderInvalidResolution(outcome);
        TenderStatus status = tender.status;
        if (status == TenderStatus.Cancelled) revert TenderWrongStatus(tenderId, status);

        objection.status = outcome;
        objection.responseHash = responseHash;
        --tender.openObjections;
        emit ObjectionResolved(tenderId, objectionId, outcome, msg.sender, responseHash);

        // Upholding changes the tender only while the objected award is still the live proposal; an
        // objection answered after an earlier one already voided that award is recorded only.
        if (status != TenderStatus.AwardProposed || objection.awardRound != tender.awardRound) return;
        if (outcome == ObjectionStatus.UpheldReevaluate) {
            uint64 winner = tender.winner;
            _bids[tenderId][winner].status = BidStatus.Disqualified;
            --tender.validBids;
            tender.winner = 0;
            tender.objectionDeadline = 0;
            tender.status = TenderStatus.Open;
            emit BidRejected(tenderId, winner, RejectReason.ObjectionUpheld);
        } else if (outcome == ObjectionStatus.UpheldFail) {
            _fail(tenderId, tender, FailReason.ObjectionUpheld);
        }
    }

    /// @inheritdoc ITenders
    function finalizeAward(bytes32 tenderId) external whenNotPaused {
        Tender storage tender = _existingTender(tenderId);
        if (tender.status != TenderStatus.AwardProposed) revert TenderWrongStatus(tenderId, tender.status);
        if (block.timestamp < tender.objectionDeadline) {
            revert TenderObjectionWindowOpen(tenderId, tender.objectionDeadline);
        }
        if (tender.openObjections != 0) revert TenderObjectionsPending(tenderId, tender.openObjections);
        tender.status = TenderStatus.Awarded;
        uint64 winner = tender.winner;
        address account = _suppliers.getSupplier(winner).account;
        emit TenderAwarded(tenderId, winner, account, _bids[tenderId][winner].price, tender.agencyId, tender.ocid);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc ITenders
    function getTender(bytes32 tenderId) external view returns (Tender memory) {
        return _existingTender(tenderId);
    }

    /// @inheritdoc ITenders
    function getBid(bytes32 tenderId, uint64 supplierId) external view returns (Bid memory bid) {
        bid = _bids[tenderId][supplierId];
        if (bid.status == BidStatus.None && bid.sealedBid != bytes32(0)) bid.status = BidStatus.Sealed;
    }

    /// @inheritdoc ITenders
    function getObjection(bytes32 tenderId, uint16 objectionId) external view returns (Objection memory) {
        return _objections[tenderId][objectionId];
    }

    /// @inheritdoc ITenders
    function evaluatorsOf(bytes32 tenderId) external view returns (address[] memory) {
        return _evaluators[tenderId];
    }

    /// @inheritdoc ITenders
    function technicalScoreSum(bytes32 tenderId, uint64 supplierId) external view returns (uint32) {
        return _technicalScoreSums[tenderId][supplierId];
    }

    /// @inheritdoc ITenders
    function policy() external view returns (TenderPolicy memory) {
        return TenderPolicy({
            preferenceHpsThreshold: _preferenceHpsThreshold,
            preferenceMinTkdnBps: _preferenceMinTkdnBps,
            maxPreferenceBps: _maxPreferenceBps,
            domesticOnlyMinBps: _domesticOnlyMinBps,
            umkmReservationCeiling: _umkmReservationCeiling,
            addendumNotice: _addendumNotice
        });
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

    function _commit(bytes32 tenderId, uint64 supplierId, bytes32 commitment) private {
        if (commitment == bytes32(0)) revert TenderEmptyCommitment();
        Tender storage tender = _tenders[tenderId];
        if (tender.status != TenderStatus.Open) _revertStatus(tenderId, tender.status);
        if (block.timestamp >= tender.commitDeadline) revert TenderCommitClosed(tenderId, tender.commitDeadline);
        Bid storage bid = _bids[tenderId][supplierId];
        bool replaced = bid.sealedBid != bytes32(0);
        uint32 commitSeq = ++tender.commitSeq;
        if (!replaced) ++tender.bidderCount;
        bid.sealedBid = keccak256(abi.encode(commitment, commitSeq));
        emit BidCommitted(tenderId, supplierId, commitment, commitSeq, replaced);
    }

    /// @dev Checks an opening against the sealed bid and the tender's rules, records it; returns the
    /// commitment (which a relayed reveal's signature covers).
    function _reveal(bytes32 tenderId, address account, BidOpening calldata opening)
        private
        returns (bytes32 commitment)
    {
        Tender storage tender = _tenders[tenderId];
        if (tender.status != TenderStatus.Open) _revertStatus(tenderId, tender.status);
        if (block.timestamp < tender.commitDeadline || block.timestamp >= tender.revealDeadline) {
            revert TenderNotInRevealPeriod(tenderId, tender.commitDeadline, tender.revealDeadline);
        }
        (uint64 supplierId, bool umkm,) = _suppliers.requireActiveSupplier(account);
        Bid storage bid = _bids[tenderId][supplierId];
        if (bid.sealedBid == bytes32(0)) revert TenderNoBid(tenderId, supplierId);
        if (bid.status != BidStatus.None) revert TenderBidAlreadyRevealed(tenderId, supplierId);
        commitment = keccak256(abi.encode(tenderId, supplierId, opening.price, opening.productIds, opening.salt));
        if (keccak256(abi.encode(commitment, opening.commitSeq)) != bid.sealedBid) {
            revert TenderCommitmentMismatch(tenderId, supplierId, commitment);
        }
        uint256 price = opening.price;
        if (price == 0) revert TenderZeroPrice();
        if (price > tender.hps) revert TenderPriceAboveHps(tenderId, price, tender.hps);
        if (tender.umkmReserved && !umkm) revert TenderReservedForUmkm(tenderId, supplierId);
        uint16 tkdnBps = _bidTkdn(tenderId, tender.domesticOnly, opening.productIds);
        // The tender qualifies (goods, HPS above the threshold) whenever preferenceBps > 0: checked
        // at announcement. The offer must still reach the minimum TKDN.
        uint256 hea = tender.preferenceBps != 0 && tkdnBps >= _preferenceMinTkdnBps
            ? TkdnMath.hea(price, tkdnBps, tender.preferenceBps)
            : price;

        // price <= hps < 2**96 and hea <= price: the casts are exact.
        bid.price = uint96(price);
        bid.hea = uint96(hea);
        bid.tkdnBps = tkdnBps;
        bid.commitSeq = opening.commitSeq;
        bid.status = BidStatus.Valid;
        ++tender.validBids;
        emit BidRevealed(tenderId, supplierId, price, tkdnBps, hea, opening.productIds);
    }

    function _useSignature(
        bytes32 typehash,
        address supplier,
        bytes32 tenderId,
        bytes32 signed, // the message's bytes32: a bid's commitment or an objection's evidence hash
        uint256 nonce,
        uint256 deadline,
        bytes calldata signature
    ) private {
        if (block.timestamp > deadline) revert TenderSignatureExpired(deadline);
        bytes32 digest =
            _hashTypedDataV4(keccak256(abi.encode(typehash, supplier, tenderId, signed, nonce, deadline)));
        (address recovered, ECDSA.RecoverError error,) = ECDSA.tryRecover(digest, signature);
        if (error != ECDSA.RecoverError.NoError || recovered != supplier) {
            revert TenderInvalidSigner(recovered, supplier);
        }
        _useCheckedNonce(supplier, nonce);
    }

    function _fail(bytes32 tenderId, Tender storage tender, FailReason reason) private {
        tender.status = TenderStatus.Failed;
        tender.failReason = reason;
        tender.winner = 0;
        emit TenderFailed(tenderId, reason, tender.validBids);
    }

    function _bidTkdn(bytes32 tenderId, bool domesticOnly, bytes32[] calldata productIds)
        private
        view
        returns (uint16 tkdnBps)
    {
        uint256 count = productIds.length;
        if (count == 0) {
            if (domesticOnly) revert TenderDomesticProductRequired(tenderId);
            return 0;
        }
        tkdnBps = type(uint16).max;
        for (uint256 i; i < count; ++i) {
            (uint16 productTkdn, uint16 withBmp) = _tkdn.requireValidCertificate(productIds[i]);
            if (domesticOnly && withBmp < _domesticOnlyMinBps) {
                revert TenderDomesticContentTooLow(productIds[i], withBmp, _domesticOnlyMinBps);
            }
            if (productTkdn < tkdnBps) tkdnBps = productTkdn;
        }
    }

    function _supplierIdOf(address account) private view returns (uint64 supplierId) {
        supplierId = _suppliers.supplierIdOf(account);
        if (supplierId == 0) revert TenderNotASupplier(account);
    }

    function _existingTender(bytes32 tenderId) private view returns (Tender storage tender) {
        tender = _tenders[tenderId];
        if (tender.status == TenderStatus.None) revert TenderUnknown(tenderId);
    }

    /// @dev The tender in `status`, and the caller an officer of its agency.
    function _officerTender(bytes32 tenderId, TenderStatus status) private view returns (Tender storage tender) {
        tender = _existingTender(tenderId);
        _agencies.requireOfficerOf(msg.sender, tender.agencyId);
        if (tender.status != status) revert TenderWrongStatus(tenderId, tender.status);
    }

    function _validate(TenderParams calldata params) private view {
        if (params.hps == 0) revert TenderInvalidHps(params.hps);
        if (
            params.commitDeadline <= block.timestamp || params.revealDeadline <= params.commitDeadline
                || params.objectionWindow == 0
        ) revert TenderInvalidSchedule(params.commitDeadline, params.revealDeadline, params.objectionWindow);
        if (params.minValidBids == 0) revert TenderInvalidMinValidBids(params.minValidBids);
        if (params.preferenceBps > _maxPreferenceBps) {
            revert TenderPreferenceTooHigh(params.preferenceBps, _maxPreferenceBps);
        }
        if (
            params.preferenceBps != 0
                && (params.category != Category.Goods || params.hps <= _preferenceHpsThreshold)
        ) revert TenderPreferenceNotApplicable(params.category, params.hps);
        if (params.umkmReserved && params.hps > _umkmReservationCeiling) {
            revert TenderReservationNotAllowed(params.hps, _umkmReservationCeiling);
        }
        if (params.method == Method.TenderCepat && params.evaluation != EvaluationMethod.LowestPrice) {
            revert TenderInvalidMethod(params.method, params.evaluation);
        }
        bool valueSystem = params.evaluation == EvaluationMethod.ValueSystem;
        if (
            valueSystem ? params.technicalWeightBps == 0 || params.technicalWeightBps >= TkdnMath.BPS
                : params.technicalWeightBps != 0
        ) revert TenderInvalidWeights(params.evaluation, params.technicalWeightBps);
    }

    function _revertStatus(bytes32 tenderId, TenderStatus status) private pure {
        if (status == TenderStatus.None) revert TenderUnknown(tenderId);
        revert TenderWrongStatus(tenderId, status);
    }
}
