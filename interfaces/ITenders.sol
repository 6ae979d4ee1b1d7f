// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title Tenders with sealed bids
/// @notice One contract holds every tender (id = keccak256 of its OCDS `ocid`). Lifecycle:
/// announcement -> addenda -> commit period -> reveal period -> evaluation -> proposed award ->
/// objection window (sanggah) -> award; or cancellation / failure, each with a reason.
///
/// Bidders are identified by their SUPPLIER ID (SupplierRegistry), not by an address, so a bid
/// survives a key rotation between commit and reveal and a supplier holds at most one bid per tender.
/// A bid is committed as `commitment = keccak256(abi.encode(tenderId, supplierId, price, productIds,
/// salt))` (supplierId as uint64, price as uint256, productIds as bytes32[]); only
/// `keccak256(abi.encode(commitment, commitSeq))` is stored, where `commitSeq` is the commit's order
/// number in the tender (given in BidCommitted and repeated at reveal). Binding the order number into
/// the sealed value keeps one storage slot per commit while making "earlier commit" provable.
/// Commits and reveals may be sent by the supplier's key or relayed by anyone with the supplier's
/// EIP-712 signature (domain "Terang Tenders", version "1", chain id, this contract).
interface ITenders {
    /// @notice Procurement category; the domestic preference applies to goods only.
    enum Category {
        Goods,
        Construction,
        Consultancy,
        OtherServices
    }

    /// @notice Selection method. Tender Cepat is price-only.
    enum Method {
        Tender,
        TenderCepat,
        Seleksi
    }

    /// @notice Harga Terendah (lowest price) or Sistem Nilai (technical + price score).
    enum EvaluationMethod {
        LowestPrice,
        ValueSystem
    }

    enum TenderStatus {
        None,
        Open, // announced: commit period, then reveal period, then awaiting evaluation
        AwardProposed, // winner proposed, objection window running
        Awarded, // final
        Failed, // final (gagal), see FailReason
        Cancelled // final
    }

    enum BidStatus {
        None,
        Sealed, // committed, not yet revealed
        Valid, // revealed and compliant
        Unrevealed, // not revealed in time (recorded at evaluation)
        Disqualified // removed after an upheld objection
    }

    /// @notice Why a committed bid is out of the evaluation (event BidRejected).
    enum RejectReason {
        None,
        Unrevealed,
        ObjectionUpheld
    }

    /// @notice Why a tender failed (event TenderFailed).
    enum FailReason {
        None,
        TooFewValidBids,
        ObjectionUpheld
    }

    /// @notice An objection's state; the last three are the committee's possible answers.
    enum ObjectionStatus {
        None,
        Open,
        Rejected, // award stands
        UpheldReevaluate, // proposed winner disqualified, tender evaluated again
        UpheldFail // tender fails
    }

    /// @notice What an agency officer publishes when announcing a tender.
    struct TenderParams {
        string ocid; // OCDS id, e.g. "ocds-terang-1001-2025-0001"; tenderId = keccak256(bytes(ocid))
        string title;
        bytes32 documentHash; // hash of the tender document (dokumen pemilihan)
        uint32 agencyId;
        uint96 hps; // owner's estimate, the ceiling (rupiah)
        Category category;
        Method method;
        EvaluationMethod evaluation;
        uint16 preferenceBps; // domestic price preference (0 = none; at most the policy's cap)
        bool domesticOnly; // every bid must reference products with TKDN + BMP >= the policy minimum
        bool umkmReserved; // reserved for micro and small businesses
        uint40 commitDeadline; // commits accepted while block.timestamp < commitDeadline
        uint40 revealDeadline; // reveals accepted while commitDeadline <= block.timestamp < revealDeadline
        uint32 objectionWindow; // sanggah window after the proposed award (seconds)
        uint16 minValidBids; // fewer valid bids -> the tender fails
        uint16 technicalWeightBps; // value system: technical weight (price weight = 10,000 - it); else 0
    }

    /// @notice A tender as stored.
    struct Tender {
        // slot 0: read and written by every commit
        uint32 agencyId;
        TenderStatus status;
        Category category;
        Method method;
        EvaluationMethod evaluation;
        bool domesticOnly;
        bool umkmReserved;
        uint16 preferenceBps;
        uint40 commitDeadline;
        uint40 revealDeadline;
        uint32 commitSeq; // commits so far, re-commits included
        uint32 bidderCount; // distinct suppliers that committed (number of tenderers)
        // slot 1: read by every reveal
        uint96 hps;
        uint16 minValidBids;
        uint16 validBids; // revealed, compliant, not disqualified
        uint32 objectionWindow;
        uint16 technicalWeightBps;
        uint16 addendumCount;
        uint8 evaluatorQuorum;
        uint8 scoreSheets;
        uint16 openObjections;
        uint16 objectionCount;
        // slot 2
        uint64 winner; // supplier id of the proposed or final winner
        uint40 objectionDeadline;
        uint8 awardRound; // increases with each proposed award
        FailReason failReason;
        bytes32 documentHash;
        string ocid;
    }

    /// @notice A bid as stored (plus its status as seen now).
    struct Bid {
        bytes32 sealedBid; // keccak256(abi.encode(commitment, commitSeq))
        uint96 price; // set at reveal
        uint96 hea; // evaluated price (harga evaluasi akhir), = price without preference
        uint16 tkdnBps; // lowest certified TKDN of the claimed products (0 without products)
        uint32 commitSeq;
        BidStatus status;
    }

    /// @notice The opening of a sealed bid.
    struct BidOpening {
        uint256 price;
        bytes32[] productIds; // TKDN claims: certified products offered
        bytes32 salt;
        uint32 commitSeq; // from the BidCommitted event of the bid's last commit
    }

    struct Objection {
        uint64 supplierId;
        ObjectionStatus status;
        uint8 awardRound;
        bytes32 evidenceHash;
        bytes32 responseHash;
    }

    /// @notice Deployment-wide rules (figures from Perpres 16/2018 as amended; configurable).
    struct TenderPolicy {
        uint96 preferenceHpsThreshold; // preference only when HPS is above this (Rp1 miliar)
        uint16 preferenceMinTkdnBps; // ... and the offered TKDN at least this (25%)
        uint16 maxPreferenceBps; // preference cap (25%)
        uint16 domesticOnlyMinBps; // TKDN + BMP needed in a "domestic only" tender (40%)
        uint96 umkmReservationCeiling; // reservation for UMKM only up to this HPS (Rp15 miliar)
        uint32 addendumNotice; // an addendum leaves at least this long before the commit deadline
    }

    /// @notice A tender was announced by `officer` with the published `params`.
    event TenderAnnounced(bytes32 indexed tenderId, uint32 indexed agencyId, address officer, TenderParams params);
    /// @notice Addendum `addendumNumber` replaced the document; deadlines as they now stand.
    event TenderAmended(
        bytes32 indexed tenderId,
        uint16 addendumNumber,
        bytes32 documentHash,
        uint40 commitDeadline,
        uint40 revealDeadline
    );
    /// @notice The tender was cancelled by `officer`; `reasonHash` is the decision document's hash.
    event TenderCancelled(bytes32 indexed tenderId, address officer, bytes32 reasonHash);
    /// @notice Evaluators for the value system were appointed; `quorum` score sheets are needed.
    event EvaluatorsAppointed(bytes32 indexed tenderId, address[] evaluators, uint8 quorum);
    /// @notice A sealed bid was committed; `replaced` when it replaces the supplier's earlier commit.
    event BidCommitted(
        bytes32 indexed tenderId,
        uint64 indexed supplierId,
        bytes32 commitment,
        uint32 commitSeq,
        bool replaced
    );
    /// @notice A bid was opened and found compliant.
    event BidRevealed(
        bytes32 indexed tenderId,
        uint64 indexed supplierId,
        uint256 price,
        uint16 tkdnBps,
        uint256 hea,
        bytes32[] productIds
    );
    /// @notice A committed bid is out of the evaluation, for `reason`.
    event BidRejected(bytes32 indexed tenderId, uint64 indexed supplierId, RejectReason reason);
    /// @notice An evaluator submitted technical scores (basis points) for the valid bids.
    event TechnicalScoresSubmitted(bytes32 indexed tenderId, address indexed evaluator, uint64[] supplierIds, uint16[] scoresBps);
    /// @notice The evaluation proposes `supplierId` as winner; objections until `objectionDeadline`.
    event AwardProposed(
        bytes32 indexed tenderId,
        uint64 indexed supplierId,
        uint256 price,
        uint256 hea,
        uint16 tkdnBps,
        uint32 tenderers,
        uint16 validBids,
        uint40 objectionDeadline
    );
    /// @notice A losing bidder filed objection `objectionId` (sanggah).
    event ObjectionFiled(bytes32 indexed tenderId, uint16 indexed objectionId, uint64 indexed supplierId, bytes32 evidenceHash);
    /// @notice An objection was answered.
    event ObjectionResolved(
        bytes32 indexed tenderId,
        uint16 indexed objectionId,
        ObjectionStatus outcome,
        address officer,
        bytes32 responseHash
    );
    /// @notice The award is final; what the escrow needs to open the contract.
    event TenderAwarded(
        bytes32 indexed tenderId,
        uint64 indexed supplierId,
        address indexed supplier,
        uint256 value,
        uint32 agencyId,
        string ocid
    );
    /// @notice The tender failed (gagal) for `reason`, with `validBids` valid bids.
    event TenderFailed(bytes32 indexed tenderId, FailReason reason, uint16 validBids);

    error TenderInvalidOcid();
    error TenderAlreadyExists(bytes32 tenderId);
    error TenderUnknown(bytes32 tenderId);
    error TenderInvalidHps(uint96 hps);
    error TenderInvalidSchedule(uint40 commitDeadline, uint40 revealDeadline, uint32 objectionWindow);
    error TenderInvalidMinValidBids(uint16 minValidBids);
    error TenderPreferenceTooHigh(uint16 preferenceBps, uint16 maxPreferenceBps);
    /// @notice A preference was asked for a tender that is not goods above the HPS threshold.
    error TenderPreferenceNotApplicable(Category category, uint96 hps);
    error TenderReservationNotAllowed(uint96 hps, uint96 ceiling);
    error TenderInvalidWeights(EvaluationMethod evaluation, uint16 technicalWeightBps);
    error TenderInvalidMethod(Method method, EvaluationMethod evaluation);
    error TenderWrongStatus(bytes32 tenderId, TenderStatus status);
    error TenderCommitClosed(bytes32 tenderId, uint40 commitDeadline);
    error TenderNotInRevealPeriod(bytes32 tenderId, uint40 opensAt, uint40 closesAt);
    error TenderRevealNotOver(bytes32 tenderId, uint40 revealDeadline);
    error TenderNotASupplier(address account);
    error TenderEmptyCommitment();
    error TenderNoBid(bytes32 tenderId, uint64 supplierId);
    error TenderBidAlreadyRevealed(bytes32 tenderId, uint64 supplierId);
    /// @notice The opening does not match the sealed bid (wrong salt, price, products or order number).
    error TenderCommitmentMismatch(bytes32 tenderId, uint64 supplierId, bytes32 commitment);
    error TenderZeroPrice();
    error TenderPriceAboveHps(bytes32 tenderId, uint256 price, uint96 hps);
    error TenderReservedForUmkm(bytes32 tenderId, uint64 supplierId);
    error TenderDomesticProductRequired(bytes32 tenderId);
    error TenderDomesticContentTooLow(bytes32 productId, uint16 tkdnPlusBmpBps, uint16 minBps);
    error TenderSignatureExpired(uint256 deadline);
    /// @notice The signature was not made by `supplier` for this message, chain and contract.
    error TenderInvalidSigner(address recovered, address supplier);
    error TenderBidderListLength(uint256 given, uint32 expected);
    error TenderBidderListNotAscending(uint256 index);
    error TenderNotABidder(bytes32 tenderId, uint64 supplierId);
    error TenderNotValueSystem(bytes32 tenderId);
    error TenderEvaluatorsAlreadyAppointed(bytes32 tenderId);
    error TenderInvalidEvaluators(uint256 count, uint8 quorum);
    error TenderNotEvaluator(bytes32 tenderId, address account);
    error TenderScoresAlreadySubmitted(bytes32 tenderId, address evaluator);
    error TenderScoreListInvalid(bytes32 tenderId);
    error TenderScoreTooHigh(uint16 scoreBps);
    error TenderScoresIncomplete(bytes32 tenderId, uint8 sheets, uint8 quorum);
    error TenderObjectionWindowClosed(bytes32 tenderId, uint40 objectionDeadline);
    error TenderObjectionWindowOpen(bytes32 tenderId, uint40 objectionDeadline);
    error TenderObjectionsPending(bytes32 tenderId, uint16 openObjections);
    /// @notice Only a bidder other than the proposed winner may object.
    error TenderNotAnObjector(bytes32 tenderId, uint64 supplierId);
    error TenderAlreadyObjected(bytes32 tenderId, uint64 supplierId);
    error TenderUnknownObjection(bytes32 tenderId, uint16 objectionId);
    error TenderObjectionAlreadyResolved(bytes32 tenderId, uint16 objectionId);
    error TenderInvalidResolution(ObjectionStatus outcome);

    /// @notice Announces a tender (agency officer of `params.agencyId`). Returns keccak256(ocid).
    function announceTender(TenderParams calldata params) external returns (bytes32 tenderId);

    /// @notice Publishes an addendum (officer of the tender's agency), only before the commit
    /// deadline; when less than the policy's notice remains, both deadlines move by the shortfall.
    function amendTender(bytes32 tenderId, bytes32 documentHash) external;

    /// @notice Cancels a tender that is not final (officer of the tender's agency).
    function cancelTender(bytes32 tenderId, bytes32 reasonHash) external;

    /// @notice Appoints the value-system evaluation committee (officers of the tender's agency),
    /// before the commit deadline; `quorum` of them must submit scores (k of n).
    function appointEvaluators(bytes32 tenderId, address[] calldata evaluators, uint8 quorum) external;

    /// @notice Commits (or replaces) the caller's sealed bid. Open to any registered supplier's key.
    function commitBid(bytes32 tenderId, bytes32 commitment) external;

    /// @notice Commits a sealed bid signed by `supplier` (EIP-712 CommitBid); anyone may relay it.
    function commitBidBySig(
        address supplier,
        bytes32 tenderId,
        bytes32 commitment,
        uint256 nonce,
        uint256 deadline,
        bytes calldata signature
    ) external;

    /// @notice Opens the caller's sealed bid in the reveal period.
    function revealBid(bytes32 tenderId, BidOpening calldata opening) external;

    /// @notice Opens `supplier`'s sealed bid with its EIP-712 RevealBid signature; anyone may relay it.
    function revealBidBySig(
        address supplier,
        bytes32 tenderId,
        BidOpening calldata opening,
        uint256 nonce,
        uint256 deadline,
        bytes calldata signature
    ) external;

    /// @notice An appointed evaluator's technical scores (basis points) for every valid bid, listed by
    /// ascending supplier id; after the reveal deadline, once per evaluator.
    function submitTechnicalScores(bytes32 tenderId, uint64[] calldata supplierIds, uint16[] calldata scoresBps)
        external;

    /// @notice Evaluates after the reveal deadline (anyone): records unrevealed bids, fails the tender
    /// with too few valid bids, else proposes the winner. `bidders` lists every supplier that
    /// committed, ascending (from BidCommitted events); completeness is checked by count.
    function evaluate(bytes32 tenderId, uint64[] calldata bidders) external;

    /// @notice A losing bidder's objection (sanggah) within the window.
    function fileObjection(bytes32 tenderId, bytes32 evidenceHash) external;

    /// @notice Files `supplier`'s objection with its EIP-712 FileObjection signature; anyone may relay
    /// it, so a bidder without ETH can object. Same rules as `fileObjection`, same nonces as bids.
    function fileObjectionBySig(
        address supplier,
        bytes32 tenderId,
        bytes32 evidenceHash,
        uint256 nonce,
        uint256 deadline,
        bytes calldata signature
    ) external;

    /// @notice Answers an objection (officer of the tender's agency, the Pokja).
    function resolveObjection(bytes32 tenderId, uint16 objectionId, ObjectionStatus outcome, bytes32 responseHash)
        external;

    /// @notice Makes the proposed award final once the window has passed with every objection
    /// answered (anyone).
    function finalizeAward(bytes32 tenderId) external;

    function getTender(bytes32 tenderId) external view returns (Tender memory);

    function getBid(bytes32 tenderId, uint64 supplierId) external view returns (Bid memory);

    function getObjection(bytes32 tenderId, uint16 objectionId) external view returns (Objection memory);

    function evaluatorsOf(bytes32 tenderId) external view returns (address[] memory);

    /// @notice Sum of the submitted technical scores of a bid (divide by scoreSheets for the mean).
    function technicalScoreSum(bytes32 tenderId, uint64 supplierId) external view returns (uint32);

    function policy() external view returns (TenderPolicy memory);

    /// @notice keccak256(bytes(ocid)).
    function tenderIdOf(string calldata ocid) external pure returns (bytes32);

    /// @notice The EIP-712 domain separator of this chain and contract.
    function domainSeparator() external view returns (bytes32);
}
