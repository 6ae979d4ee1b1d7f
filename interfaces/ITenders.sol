// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IPolicyRegistry} from "./IPolicyRegistry.sol";

/// @title Tenders with sealed bids
/// @notice One contract holds every tender (id = keccak256 of its OCDS `ocid`). Lifecycle:
/// announcement -> Pokja appointed -> addenda -> commit period -> (value system: scoring period, in
/// which the Pokja seal their technical scores) -> reveal period -> openings by the Pokja quorum ->
/// evaluation -> proposed award -> objection window (sanggah) -> for construction, appeal window
/// (sanggah banding) -> award; or cancellation / failure, each with a reason.
///
/// Bidders are identified by their SUPPLIER ID (SupplierRegistry), not by an address, so a bid
/// survives a key rotation between commit and reveal and a supplier holds at most one bid per tender.
/// A bid is committed as `commitment = keccak256(abi.encode(tenderId, supplierId, price, products,
/// salt, bidBondRef))` (supplierId as uint64, price as uint256, products as (bytes32,uint16)[]) with an
/// ENVELOPE: the opening encrypted so that `pokjaQuorum` of the Pokja's members together can open it
/// after the reveal deadline (see docs/decisions). Only `keccak256(abi.encode(commitment, commitSeq,
/// keccak256(envelope)))` is stored, where `commitSeq` is the commit's order number in the tender
/// (given in BidCommitted and repeated at opening).
///
/// Eligibility is frozen at the commit deadline: a commit needs an active (verified, not
/// blacklisted) supplier; an opening checks only that no blacklist covered the commit deadline and
/// counts each product's certificate as it stood at the commit deadline.
///
/// Time paused never eats a deadline: deadlines are kept in "active time" (wall clock minus the
/// total time this contract has been paused), so every window of a tender in flight is extended by
/// the length of a pause. Views and events give wall-clock times as they stand when read.
///
/// Commits, reveals and objections may be sent by the supplier's key or relayed by anyone with the
/// supplier's EIP-712 signature (domain "Terang Tenders", version "1", chain id, this contract).
interface ITenders {
    /// @notice Procurement category; the domestic preference applies to goods only.
    enum Category {
        Goods,
        Construction,
        Consultancy,
        OtherServices
    }

    /// @notice Selection method. Tender Cepat is price-only. E-Purchasing is an order from the
    /// national electronic catalogue (e-Katalog): recorded already awarded, by the EPurchasing contract.
    enum Method {
        Tender,
        TenderCepat,
        Seleksi,
        EPurchasing
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
        Sealed, // committed, not yet opened
        Valid, // opened and compliant
        Unrevealed, // opened by nobody in time (recorded at evaluation)
        Disqualified // out: declared non-compliant (gugur) or removed after an upheld objection
    }

    /// @notice Why a committed bid is out of the evaluation (event BidRejected).
    enum RejectReason {
        None,
        Unrevealed,
        ObjectionUpheld,
        NonCompliant
    }

    /// @notice Why the Pokja declared a bid non-compliant (gugur), Perpres 16/2018 Ps 39-44 and 78.
    enum NonCompliance {
        None,
        Administrative, // an administrative requirement not met
        Technical, // a technical requirement not met
        Qualification, // pascakualifikasi failed
        BelowTechnicalThreshold, // value system: technical score below the passing grade
        FalseDocuments, // false documents or information
        Collusion // price collusion or KKN
    }

    /// @notice Why a tender failed (event TenderFailed).
    enum FailReason {
        None,
        TooFewValidBids,
        ObjectionUpheld
    }

    /// @notice An objection's state; the last three are the possible answers (by the Pokja to an
    /// objection, by the agency's KPA to an appeal).
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
        uint40 commitDeadline; // commits accepted while now < commitDeadline
        uint40 revealDeadline; // openings by bidders accepted while revealStart <= now < revealDeadline
        uint32 objectionWindow; // sanggah window after the proposed award (seconds)
        uint16 minValidBids; // fewer valid bids -> the tender fails
        uint16 technicalWeightBps; // value system: technical weight (price weight = 10,000 - it); else 0
        uint40 scoringDeadline; // value system: Pokja seal scores before it, reveals start at it; else 0
        uint96 bidBond; // jaminan penawaran (rupiah) each bid must carry; 0 where the rules need none
    }

    /// @notice A tender as stored (deadlines in wall-clock seconds as they stand when read).
    struct Tender {
        // slot 0: read and written by every commit
        uint32 agencyId;
        TenderStatus status;
        Category category;
        Method method;
        EvaluationMethod evaluation;
        bool domesticOnly;
        bool umkmReserved;
        uint8 pokjaQuorum; // k: members needed to open a withheld bid, and score sheets needed
        uint16 preferenceBps;
        uint40 commitDeadline;
        uint40 revealDeadline;
        uint32 commitSeq; // commits so far, re-commits included
        uint32 bidderCount; // distinct suppliers that committed (number of tenderers)
        // slot 1: read by every opening
        uint96 hps;
        uint40 scoringDeadline; // 0 for lowest price (reveals start at the commit deadline)
        uint16 minValidBids;
        uint16 validBids; // opened, compliant, not disqualified
        uint16 technicalWeightBps;
        uint32 objectionWindow;
        uint8 pokjaSize;
        uint8 sealedSheets; // score sheets sealed before the scoring deadline
        uint8 scoreSheets; // score sheets opened
        // slot 2
        uint64 winner; // supplier id of the proposed or final winner
        uint40 objectionDeadline;
        uint40 appealDeadline; // construction: the last appeal window closes then (each runs from its answer)
        uint8 awardRound; // increases with each proposed award
        FailReason failReason;
        uint16 openObjections; // objections and appeals not yet answered
        uint16 objectionCount;
        uint16 addendumCount;
        // slot 3: the bid bond and the rules of the policy version in force at announcement
        // (IPolicyRegistry) that the tender needs after it, copied so that a later version never
        // reaches a tender in flight and no rule costs a call to the registry
        uint96 bidBond;
        uint32 policyVersion;
        uint16 preferenceMinTkdnBps; // the offered TKDN needed for the preference
        uint16 domesticOnlyMinBps; // "domestic only": TKDN + BMP of every product at least this
        uint32 addendumNotice; // a late addendum leaves bidders at least this long
        uint32 appealWindow; // sanggah banding: this long after the objection's answer
        uint32 quorumOpeningWindow; // the Pokja quorum opens withheld bids within this long
        bytes32 documentHash;
        string ocid;
    }

    /// @notice A bid as stored (plus its status as seen now).
    struct Bid {
        bytes32 sealedBid; // keccak256(abi.encode(commitment, commitSeq, keccak256(envelope)))
        uint96 price; // set at opening
        uint96 hea; // evaluated price (harga evaluasi akhir), = price without preference
        uint16 tkdnBps; // value-weighted TKDN of the offer (0 without certified products)
        uint32 commitSeq;
        BidStatus status;
    }

    /// @notice A product offered in a bid and its share of the bid's value (basis points).
    struct ProductShare {
        bytes32 productId;
        uint16 shareBps;
    }

    /// @notice The opening of a sealed bid.
    struct BidOpening {
        uint256 price;
        ProductShare[] products; // certified products offered; their shares sum to at most 10,000
        bytes32 salt;
        bytes32 bidBondRef; // hash of the bid guarantee document (0 when the tender needs none)
        uint32 commitSeq; // from the BidCommitted event of the bid's last commit
        bytes32 envelopeHash; // keccak256 of that commit's envelope (from the same event)
    }

    struct Objection {
        uint64 supplierId;
        ObjectionStatus status;
        uint8 awardRound;
        uint40 answeredAt; // wall clock of the Pokja's answer
        bool appealed; // construction: a sanggah banding was filed against the answer
        ObjectionStatus appealOutcome; // None while the appeal is open
        bytes32 evidenceHash;
        bytes32 responseHash;
    }

    /// @notice An e-Katalog order as the EPurchasing contract records it (see {recordPurchase}): the
    /// ordering officer, the provider and the value it proved against the published catalogue.
    struct Purchase {
        string ocid; // tenderId = keccak256(bytes(ocid))
        string title; // the catalogue product's name (proven with the product)
        bytes32 documentHash; // hash of the order document (surat pesanan)
        address officer; // the ordering officer, already checked against `agencyId`
        uint32 agencyId;
        Category category;
        uint64 supplierId; // the product's provider
        uint96 value; // unit price x quantity (rupiah)
        uint16 tkdnBps; // the product's TKDN in the catalogue
    }

    /// @notice A tender was announced by `officer` with the published `params`.
    event TenderAnnounced(bytes32 indexed tenderId, uint32 indexed agencyId, address officer, TenderParams params);
    /// @notice The tender is bound to `policyVersion` of the policy registry, the version in force
    /// at its announcement: every rule of the tender comes from it, whatever is published later.
    event TenderPolicyBound(bytes32 indexed tenderId, uint32 indexed policyVersion);
    /// @notice Addendum `addendumNumber`, by `officer`, replaced the document; deadlines as they now stand.
    event TenderAmended(
        bytes32 indexed tenderId,
        address officer,
        uint16 addendumNumber,
        bytes32 documentHash,
        uint40 commitDeadline,
        uint40 revealDeadline
    );
    /// @notice The tender was cancelled by `officer`; `reasonHash` is the decision document's hash.
    event TenderCancelled(bytes32 indexed tenderId, address officer, bytes32 reasonHash);
    /// @notice The Pokja was appointed by `officer`: members in order (share index = position + 1),
    /// each member's X25519 public key for bid envelopes, and the quorum k.
    event PokjaAppointed(
        bytes32 indexed tenderId, address officer, address[] members, bytes32[] encryptionKeys, uint8 quorum
    );
    /// @notice A sealed bid was committed with its envelope; `replaced` when it replaces the
    /// supplier's earlier commit.
    event BidCommitted(
        bytes32 indexed tenderId,
        uint64 indexed supplierId,
        bytes32 commitment,
        uint32 commitSeq,
        bool replaced,
        bytes envelope
    );
    /// @notice A bid was opened and found compliant.
    event BidRevealed(
        bytes32 indexed tenderId,
        uint64 indexed supplierId,
        uint256 price,
        uint16 tkdnBps,
        uint256 hea,
        ProductShare[] products,
        bytes32 bidBondRef
    );
    /// @notice The supplier did not open its own bid: opened by Pokja member `openedBy` after the
    /// reveal deadline, or by nobody (`openedBy` zero, recorded at evaluation). Its bid bond, if the
    /// tender required one, is claimed (dicairkan).
    event BidNotOpenedBySupplier(
        bytes32 indexed tenderId, uint64 indexed supplierId, address openedBy, uint96 bidBondClaimed
    );
    /// @notice A committed bid is out of the evaluation, for `reason`.
    event BidRejected(bytes32 indexed tenderId, uint64 indexed supplierId, RejectReason reason);
    /// @notice Pokja member `officer` declared the bid non-compliant (gugur).
    event BidDeclaredNonCompliant(
        bytes32 indexed tenderId, uint64 indexed supplierId, NonCompliance reason, address officer, bytes32 evidenceHash
    );
    /// @notice Pokja member `officer` withdrew the bid's domestic preference (its HEA is now its
    /// price), e.g. after a certificate was revoked for fraud; can be objected to.
    event PreferenceWithdrawn(bytes32 indexed tenderId, uint64 indexed supplierId, address officer, bytes32 evidenceHash);
    /// @notice A Pokja member sealed its technical score sheet before prices are opened.
    event ScoreSheetSealed(bytes32 indexed tenderId, address indexed member, bytes32 sealedSheet);
    /// @notice A Pokja member opened its sealed score sheet (basis points per bidder, ascending ids).
    event ScoreSheetOpened(bytes32 indexed tenderId, address indexed member, uint64[] supplierIds, uint16[] scoresBps);
    /// @notice Pokja member `officer` ran the evaluation, which proposes `supplierId` as winner;
    /// objections until `objectionDeadline`.
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
    /// @notice An objection was answered by the Pokja.
    event ObjectionResolved(
        bytes32 indexed tenderId,
        uint16 indexed objectionId,
        ObjectionStatus outcome,
        address officer,
        bytes32 responseHash
    );
    /// @notice The objector appealed the Pokja's answer (sanggah banding, construction), with its
    /// appeal bond (jaminan sanggah banding) of `bond` rupiah.
    event AppealFiled(bytes32 indexed tenderId, uint16 indexed objectionId, uint64 indexed supplierId, bytes32 bondRef, uint96 bond);
    /// @notice The KPA answered the appeal; a rejected appeal's bond is claimed.
    event AppealResolved(
        bytes32 indexed tenderId,
        uint16 indexed objectionId,
        ObjectionStatus outcome,
        address officer,
        bytes32 responseHash,
        uint96 bondClaimed
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
    error TenderInvalidScoringDeadline(uint40 scoringDeadline);
    error TenderInvalidMinValidBids(uint16 minValidBids);
    error TenderPreferenceTooHigh(uint16 preferenceBps, uint16 maxPreferenceBps);
    /// @notice A preference was asked for a tender that is not goods above the HPS threshold.
    error TenderPreferenceNotApplicable(Category category, uint96 hps);
    error TenderReservationNotAllowed(uint96 hps, uint96 ceiling);
    error TenderInvalidWeights(EvaluationMethod evaluation, uint16 technicalWeightBps);
    error TenderInvalidMethod(Method method, EvaluationMethod evaluation);
    /// @notice The bid bond must be 1-3% of HPS for construction above the threshold, else 0.
    error TenderInvalidBidBond(uint96 bidBond, uint96 min, uint96 max);
    error TenderWrongStatus(bytes32 tenderId, TenderStatus status);
    error TenderCommitClosed(bytes32 tenderId, uint40 commitDeadline);
    error TenderNotInRevealPeriod(bytes32 tenderId, uint40 opensAt, uint40 closesAt);
    error TenderRevealNotOver(bytes32 tenderId, uint40 revealDeadline);
    error TenderNotInScoringPeriod(bytes32 tenderId, uint40 opensAt, uint40 closesAt);
    error TenderNotASupplier(address account);
    error TenderEmptyCommitment();
    /// @notice The envelope is missing or longer than the 4,096 bytes a commit may carry.
    error TenderInvalidEnvelope(uint256 length);
    /// @notice A relayed commit names the sealed bid it replaces; the supplier's bid has changed since.
    error TenderStaleCommit(bytes32 tenderId, uint64 supplierId, bytes32 replaces);
    error TenderNoBid(bytes32 tenderId, uint64 supplierId);
    error TenderBidAlreadyRevealed(bytes32 tenderId, uint64 supplierId);
    /// @notice The opening does not match the sealed bid (wrong salt, price, products, bond
    /// reference, order number or envelope).
    error TenderCommitmentMismatch(bytes32 tenderId, uint64 supplierId, bytes32 commitment);
    error TenderZeroPrice();
    error TenderPriceAboveHps(bytes32 tenderId, uint256 price, uint96 hps);
    error TenderReservedForUmkm(bytes32 tenderId, uint64 supplierId);
    /// @notice A blacklist covered the supplier at the tender's commit deadline.
    error TenderSupplierBlacklisted(bytes32 tenderId, uint64 supplierId);
    error TenderBidBondMissing(bytes32 tenderId);
    error TenderDomesticProductRequired(bytes32 tenderId);
    error TenderDomesticContentTooLow(bytes32 productId, uint16 tkdnPlusBmpBps, uint16 minBps);
    /// @notice Product shares must be positive, name distinct products, and sum to at most 10,000.
    error TenderInvalidProductShares(bytes32 tenderId);
    error TenderSignatureExpired(uint256 deadline);
    /// @notice The signature was not made by `supplier` for this message, chain and contract.
    error TenderInvalidSigner(address recovered, address supplier);
    error TenderBidderListLength(uint256 given, uint32 expected);
    error TenderBidderListNotAscending(uint256 index);
    error TenderNotABidder(bytes32 tenderId, uint64 supplierId);
    error TenderNotValueSystem(bytes32 tenderId);
    error TenderPokjaAlreadyAppointed(bytes32 tenderId);
    error TenderPokjaNotAppointed(bytes32 tenderId);
    /// @notice Between 1 and 32 members, a quorum between 1 and their number, one key each,
    /// distinct officers of the tender's agency.
    error TenderInvalidPokja(uint256 members, uint256 keys, uint8 quorum);
    error TenderNotPokjaMember(bytes32 tenderId, address account);
    error TenderScoreSheetAlreadySealed(bytes32 tenderId, address member);
    error TenderScoreSheetNotSealed(bytes32 tenderId, address member);
    error TenderScoreSheetAlreadyOpened(bytes32 tenderId, address member);
    error TenderScoreSheetMismatch(bytes32 tenderId, address member);
    error TenderScoreListInvalid(bytes32 tenderId);
    error TenderScoreTooHigh(uint16 scoreBps);
    /// @notice Value system: at least the quorum must have sealed, and every sealed sheet be opened.
    error TenderScoresIncomplete(bytes32 tenderId, uint8 sealedSheets, uint8 openedSheets, uint8 quorum);
    error TenderBidNotValid(bytes32 tenderId, uint64 supplierId);
    /// @notice Bids are still sealed and the quorum's opening window runs until `openingsCloseAt`:
    /// one member cannot evaluate early and so shut the quorum out.
    error TenderOpeningsPending(bytes32 tenderId, uint40 openingsCloseAt);
    error TenderInvalidNonCompliance();
    error TenderObjectionWindowClosed(bytes32 tenderId, uint40 objectionDeadline);
    error TenderObjectionWindowOpen(bytes32 tenderId, uint40 objectionDeadline);
    error TenderObjectionsPending(bytes32 tenderId, uint16 openObjections);
    /// @notice Only a bidder other than the proposed winner may object.
    error TenderNotAnObjector(bytes32 tenderId, uint64 supplierId);
    error TenderAlreadyObjected(bytes32 tenderId, uint64 supplierId);
    error TenderUnknownObjection(bytes32 tenderId, uint16 objectionId);
    error TenderObjectionAlreadyResolved(bytes32 tenderId, uint16 objectionId);
    error TenderInvalidResolution(ObjectionStatus outcome);
    /// @notice Sanggah banding: construction only, by the objector, against a rejected objection
    /// of the live award, within the appeal window, once, with a bond reference.
    error TenderAppealNotAllowed(bytes32 tenderId, uint16 objectionId);
    error TenderAppealWindowClosed(bytes32 tenderId, uint40 appealDeadline);
    error TenderNoOpenAppeal(bytes32 tenderId, uint16 objectionId);
    /// @notice The appeal is decided by the agency's KPA, not by a member of the Pokja it appeals.
    error TenderAppealByPokja(bytes32 tenderId, address officer);
    /// @notice A purchase needs a positive value and an existing provider.
    error TenderInvalidPurchase(uint96 value, uint64 supplierId);

    /// @notice Announces a tender (agency officer of `params.agencyId`). Returns keccak256(ocid).
    function announceTender(TenderParams calldata params) external returns (bytes32 tenderId);

    /// @notice Publishes an addendum (officer of the tender's agency), only before the commit
    /// deadline; when less than the policy's notice remains, every deadline moves by the shortfall.
    function amendTender(bytes32 tenderId, bytes32 documentHash) external;

    /// @notice Cancels a tender that is not final (officer of the tender's agency).
    function cancelTender(bytes32 tenderId, bytes32 reasonHash) external;

    /// @notice Appoints the Pokja (officers of the tender's agency, in order) with each member's
    /// X25519 public key for bid envelopes and the quorum k; once, before the first commit.
    function appointPokja(
        bytes32 tenderId,
        address[] calldata members,
        bytes32[] calldata encryptionKeys,
        uint8 quorum
    ) external;

    /// @notice Commits (or replaces) the caller's sealed bid with its envelope. The caller must be an
    /// active supplier (verified, not blacklisted; UMKM where reserved).
    function commitBid(bytes32 tenderId, bytes32 commitment, bytes calldata envelope) external;

    /// @notice Commits a sealed bid signed by `supplier` (EIP-712 CommitBid(address supplier,bytes32
    /// tenderId,bytes32 commitment,bytes32 envelopeHash,bytes32 replaces,uint256 nonce,uint256
    /// deadline)); anyone may relay it. `replaces` is the sealed bid it replaces (zero for the first),
    /// so a signature handed to a relayer dies as soon as the supplier commits any other way.
    function commitBidBySig(
        address supplier,
        bytes32 tenderId,
        bytes32 commitment,
        bytes calldata envelope,
        bytes32 replaces,
        uint256 nonce,
        uint256 deadline,
        bytes calldata signature
    ) external;

    /// @notice Burns the caller's next signature nonce, voiding every signature made with it.
    function invalidateNonce(uint256 nonce) external;

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

    /// @notice Opens a bid its supplier did not open, after the reveal deadline (a Pokja member,
    /// with the opening the quorum decrypted from the envelope); checked against the commitment.
    function openSealedBid(bytes32 tenderId, uint64 supplierId, BidOpening calldata opening) external;

    /// @notice Value system: a Pokja member seals its score sheet between the commit deadline and the
    /// scoring deadline, before any price is opened; `sealedSheet = keccak256(abi.encode(tenderId,
    /// member, supplierIds, scoresBps, salt))`.
    function sealScoreSheet(bytes32 tenderId, bytes32 sealedSheet) external;

    /// @notice Opens the member's sealed score sheet after the reveal deadline: scores (basis points)
    /// for every bidder that committed, by ascending supplier id.
    function openScoreSheet(
        bytes32 tenderId,
        uint64[] calldata supplierIds,
        uint16[] calldata scoresBps,
        bytes32 salt
    ) external;

    /// @notice A Pokja member declares an opened bid non-compliant (gugur), before evaluation.
    function declareNonCompliant(bytes32 tenderId, uint64 supplierId, NonCompliance reason, bytes32 evidenceHash)
        external;

    /// @notice A Pokja member withdraws an opened bid's domestic preference, before evaluation.
    function withdrawPreference(bytes32 tenderId, uint64 supplierId, bytes32 evidenceHash) external;

    /// @notice Evaluates after the reveal deadline (a Pokja member) once no bid is left sealed or the
    /// quorum's opening window has passed: records bids nobody opened, fails
    /// the tender with too few valid bids, else proposes the winner. `bidders` lists every supplier
    /// that committed, ascending (from BidCommitted events); completeness is checked by count.
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

    /// @notice Answers an objection (a Pokja member).
    function resolveObjection(bytes32 tenderId, uint16 objectionId, ObjectionStatus outcome, bytes32 responseHash)
        external;

    /// @notice The objector's appeal (sanggah banding) against a rejected objection, construction
    /// tenders only, within the appeal window, with its appeal bond's reference (1% of HPS).
    function fileAppeal(bytes32 tenderId, uint16 objectionId, bytes32 bondRef) external;

    /// @notice Files `supplier`'s appeal with its EIP-712 FileAppeal(address supplier,bytes32 tenderId,
    /// uint16 objectionId,bytes32 bondRef,uint256 nonce,uint256 deadline) signature; anyone may relay
    /// it. Same rules as `fileAppeal`, same nonces as bids.
    function fileAppealBySig(
        address supplier,
        bytes32 tenderId,
        uint16 objectionId,
        bytes32 bondRef,
        uint256 nonce,
        uint256 deadline,
        bytes calldata signature
    ) external;

    /// @notice The agency's KPA (an officer of the tender's agency outside its Pokja) answers an appeal.
    function resolveAppeal(bytes32 tenderId, uint16 objectionId, ObjectionStatus outcome, bytes32 responseHash)
        external;

    /// @notice Records an e-Katalog order as a tender already awarded (method EPurchasing): one valid
    /// bid by the provider at the order's value and TKDN, the provider the winner, so the escrow and
    /// payments follow as for any award. Only the EPurchasing contract may call it (hub role), which
    /// checks the officer, the provider and the catalogue proof first. Emits TenderAnnounced,
    /// BidRevealed and TenderAwarded.
    function recordPurchase(Purchase calldata purchase) external returns (bytes32 tenderId);

    /// @notice Makes the proposed award final once the objection (and, for construction, appeal)
    /// windows have passed with every objection and appeal answered (anyone).
    function finalizeAward(bytes32 tenderId) external;

    function getTender(bytes32 tenderId) external view returns (Tender memory);

    function getBid(bytes32 tenderId, uint64 supplierId) external view returns (Bid memory);

    function getObjection(bytes32 tenderId, uint16 objectionId) external view returns (Objection memory);

    /// @notice The Pokja in order and their envelope keys.
    function pokjaOf(bytes32 tenderId) external view returns (address[] memory members, bytes32[] memory keys);

    /// @notice Sum of the opened technical scores of a bid (divide by scoreSheets for the mean).
    function technicalScoreSum(bytes32 tenderId, uint64 supplierId) external view returns (uint32);

    /// @notice The policy registry whose current version binds each newly announced tender.
    function policies() external view returns (IPolicyRegistry);

    /// @notice keccak256(bytes(ocid)).
    function tenderIdOf(string calldata ocid) external pure returns (bytes32);

    /// @notice The EIP-712 domain separator of this chain and contract.
    function domainSeparator() external view returns (bytes32);
}
