// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title Milestone escrow (kontrak termin)
/// @notice A ledger of each awarded contract's value and milestones. Money is not held here: the
/// escrow AUTHORISES payments in the Payments ledger, which the payment bridge executes.
///
/// Life of a contract (escrow id = the tender id of its final award):
/// 1. The PPK of the tender's agency creates it from the final award, fixing the terms: milestones
///    (amount or share of the value, due date, deliverable hash) summing exactly to the awarded
///    price, the advance and its guarantee, the performance bond, retention, late penalty, the
///    maintenance period and the k-of-n verifiers. Creating it is the PPK's signature.
/// 2. The winning supplier countersigns the same terms (hash), from its key or by an EIP-712
///    signature relayed by anyone (domain "Terang MilestoneEscrow", version "1"). Any advance is
///    authorised now.
/// 3. Per milestone: k of the n verifiers attest delivery (evidence hash, e.g. the BAST, and the
///    delivery date the evidence shows); an official of the agency who is not a verifier of the
///    contract approves, which authorises the gross amount net of retention, late penalty and
///    advance repayment; or rejects with a reason. The supplier may dispute a rejection or a
///    penalty; the committee resolves (uphold / overturn).
/// 4. After the last approval the maintenance period runs; then the PPK releases the retention.
/// Amendments (addenda) and termination are committee acts through the hub's delay.
///
/// Policy: each escrow is bound to the PolicyRegistry version in force when the PPK signs it; its
/// terms (advance cap, retention, penalty rate and cap, performance bond threshold) and every later
/// amendment (added value at most `amendmentCapBps` of the original value) are checked against
/// THAT version, so a later policy applies to later contracts only.
///
/// Lateness: a milestone is delivered on the latest of the evidence dates its k attestations
/// carry (k verifiers must vouch that delivery happened by then; a slow verifier who attests weeks
/// later does not move it). Days late run from the due date to that date, minus any time this
/// contract spent paused in between.
///
/// Verifiers: the committee replaces a verifier, through the hub's delay (a guardian may cancel):
/// the agency whose PPK approves payments cannot swap in a friendlier verifier on its own. The
/// successor takes the same seat, so n and k are unchanged and the quorum stays
/// satisfiable; the replaced verifier's attestations in an open round (milestone Pending or
/// Attested) no longer count: those milestones start a new round.
///
/// Ledger identity, per escrow: `authorized + penalties + remaining == value`, where `authorized`
/// is what was sent to Payments (advance, net milestone payments, retention, refunded penalties),
/// `penalties` what the state kept as late penalties, and `remaining` (= unpaid milestones +
/// retention held - advance not yet repaid) what may still be authorised. Only recorded
/// amendments change `value`.
interface IMilestoneEscrow {
    enum EscrowStatus {
        None,
        AwaitingCountersign, // created (signed) by the PPK
        Active, // countersigned by the supplier
        Completed, // every milestone approved; maintenance period running
        Terminated
    }

    enum MilestoneStatus {
        Pending, // awaiting attestations
        Attested, // k attestations: awaiting the PPK
        Approved, // paid (authorised)
        Rejected, // rejected by the PPK; the supplier may dispute or deliver again
        Disputed, // the rejection is disputed before the committee
        RejectionUpheld // the committee upheld the rejection; the supplier must deliver again
    }

    enum DisputeKind {
        None,
        Rejection,
        Penalty
    }

    enum DisputeStatus {
        None,
        Open,
        Upheld,
        Overturned
    }

    /// @notice Which payment of an escrow (part of each payment's reference).
    enum PaymentKind {
        Advance,
        Milestone,
        Retention,
        PenaltyRefund
    }

    /// @notice A milestone as the PPK proposes it: `amount` OR `shareBps` (the other zero); a share
    /// is converted to floor(value * shareBps / 10,000). The amounts must sum exactly to the value.
    struct MilestoneInput {
        uint80 amount;
        uint16 shareBps;
        uint40 dueDate;
        bytes32 deliverableHash; // hash of the deliverable's description (spesifikasi)
    }

    /// @notice The contract's terms besides the milestones (all configurable per contract).
    struct EscrowTerms {
        uint80 advanceAmount; // uang muka, 0 for none
        bytes32 advanceGuaranteeRef; // reference of the advance guarantee (required with an advance)
        bytes32 performanceBondRef; // reference of the performance bond (jaminan pelaksanaan)
        uint16 retentionBps; // retention held from each milestone (500 = 5%)
        uint32 penaltyPpmPerDay; // late penalty per day on the late milestone (1,000 = 1 per mil)
        uint16 penaltyCapBps; // late penalty cap, share of the milestone (500 = 5%)
        uint32 maintenancePeriod; // seconds from the last approval until retention can be released
        uint8 quorum; // k attestations needed
        address[] verifiers; // the n verifiers of this contract (at most 16)
        bool multiYear; // kontrak tahun jamak: the policy's multi-year advance cap applies
    }

    /// @notice An escrow as stored.
    struct Escrow {
        // slot 0
        uint64 supplierId;
        uint32 agencyId;
        EscrowStatus status;
        uint8 quorum;
        uint8 verifierCount;
        uint8 milestoneCount;
        uint8 approvedCount;
        uint16 retentionBps;
        uint16 penaltyCapBps;
        uint32 penaltyPpmPerDay;
        uint32 maintenancePeriod;
        uint16 amendmentCount;
        // slot 1
        uint80 value;
        uint80 authorized;
        uint40 completedAt; // last approval; the maintenance period runs from here
        bool retentionReleased;
        uint32 policyVersion; // PolicyRegistry version in force when the PPK signed
        bool multiYear;
        // slot 2
        uint80 retentionHeld;
        uint80 advanceOutstanding;
        uint80 penalties;
        // slot 3
        uint80 advanceAmount;
        uint40 signedAt;
        uint80 originalValue; // the value as signed; amendments are capped against it
        bytes32 termsHash;
        bytes32 advanceGuaranteeRef;
        bytes32 performanceBondRef;
    }

    /// @notice A milestone as stored.
    struct Milestone {
        // slot 0
        uint80 amount;
        uint40 dueDate;
        uint40 deliveredAt; // latest evidence date attested in the current round (delivery date once Attested)
        MilestoneStatus status;
        uint8 attestations; // in the current round
        uint16 attestedMask; // bit i: verifier i attested in the current round
        DisputeStatus penaltyDispute;
        // slot 1
        bytes32 deliverableHash;
        // slot 2 (written only when a penalty applies)
        uint80 penalty;
    }

    /// @notice The PPK signed the contract: escrow `escrowId` (= tender id) for `supplierId`.
    event EscrowCreated(
        bytes32 indexed escrowId,
        uint64 indexed supplierId,
        uint32 indexed agencyId,
        address officer,
        uint256 value,
        uint8 milestoneCount,
        bytes32 termsHash,
        uint32 policyVersion
    );
    /// @notice The supplier countersigned (by its key, or `bySignature` through a relayer);
    /// `advancePaymentId` is the advance's instruction (zero without an advance).
    event EscrowCountersigned(
        bytes32 indexed escrowId, uint64 indexed supplierId, address signer, bool bySignature, bytes32 advancePaymentId
    );
    /// @notice Verifier `verifier` attested milestone `index` with `evidenceHash` (e.g. the BAST),
    /// whose delivery date is `deliveredAt`.
    event MilestoneAttested(
        bytes32 indexed escrowId,
        uint8 indexed index,
        address indexed verifier,
        bytes32 evidenceHash,
        uint40 deliveredAt,
        uint8 attestations,
        uint8 quorum
    );
    /// @notice The PPK `officer` approved milestone `index`; `paymentId` authorises `net` =
    /// `gross - retention - penalty - advanceRepaid` (`daysLate` whole days after the due date).
    event MilestoneApproved(
        bytes32 indexed escrowId,
        uint8 indexed index,
        bytes32 indexed paymentId,
        uint256 gross,
        uint256 retention,
        uint256 penalty,
        uint256 advanceRepaid,
        uint256 net,
        uint256 daysLate,
        address officer
    );
    /// @notice The PPK rejected milestone `index`; `reasonHash` is the reasoned decision's hash.
    event MilestoneRejected(bytes32 indexed escrowId, uint8 indexed index, address officer, bytes32 reasonHash);
    /// @notice The supplier disputed a rejection or a penalty of milestone `index`.
    event DisputeOpened(bytes32 indexed escrowId, uint8 indexed index, DisputeKind kind, bytes32 evidenceHash);
    /// @notice The committee resolved the dispute; `paymentId` is the payment an overturn authorised.
    event DisputeResolved(
        bytes32 indexed escrowId,
        uint8 indexed index,
        DisputeKind kind,
        bool overturned,
        bytes32 decisionHash,
        bytes32 paymentId
    );
    /// @notice Addendum `amendmentNumber` changed milestone `index` (committee, through the delay).
    event ContractAmended(
        bytes32 indexed escrowId,
        uint16 indexed amendmentNumber,
        uint8 index,
        uint256 previousAmount,
        uint256 amount,
        uint40 dueDate,
        uint256 value,
        bytes32 documentHash
    );
    /// @notice `successor` holds `current`'s verifier seat (committee act `officer`, reasoned in
    /// `reasonHash`). Bit i of `restartedMask`: milestone i lost `current`'s attestation and starts a
    /// new round.
    event VerifierReplaced(
        bytes32 indexed escrowId,
        address indexed current,
        address indexed successor,
        address officer,
        bytes32 reasonHash,
        uint64 restartedMask
    );
    /// @notice Every milestone is approved; retention can be released from `retentionReleasableAt`.
    event EscrowCompleted(bytes32 indexed escrowId, uint40 retentionReleasableAt);
    /// @notice The PPK `officer` released the retention as payment `paymentId`.
    event RetentionReleased(bytes32 indexed escrowId, bytes32 indexed paymentId, uint256 amount, address officer);
    /// @notice The committee terminated the contract; nothing more is authorised except retries.
    event EscrowTerminated(bytes32 indexed escrowId, bytes32 reasonHash);

    error EscrowTenderNotAwarded(bytes32 tenderId, uint8 tenderStatus);
    error EscrowAlreadyExists(bytes32 escrowId);
    error EscrowUnknown(bytes32 escrowId);
    error EscrowWrongStatus(bytes32 escrowId, EscrowStatus status);
    error EscrowValueTooLarge(uint256 value);
    /// @notice The milestones sum to `sum`, not to the contract value.
    error EscrowMilestonesDoNotSum(uint256 sum, uint256 value);
    error EscrowInvalidMilestoneCount(uint256 count);
    /// @notice A milestone needs exactly one of amount and share, a non-zero result and a due date
    /// after signing.
    error EscrowInvalidMilestone(uint256 index);
    error EscrowInvalidRates(uint16 retentionBps, uint16 penaltyCapBps);
    /// @notice The advance must leave room for retention and the penalty cap in every milestone.
    error EscrowAdvanceTooLarge(uint256 advance, uint256 maxAdvance);
    error EscrowGuaranteeMissing();
    /// @notice A contract above `threshold` needs a performance bond reference.
    error EscrowPerformanceBondMissing(uint256 value, uint256 threshold);
    error EscrowInvalidVerifiers(uint256 count, uint8 quorum);
    /// @notice A verifier must be a distinct account other than the PPK and the supplier.
    error EscrowInvalidVerifier(address verifier);
    /// @notice Only the winning supplier's current key may sign for it.
    error EscrowNotSupplier(bytes32 escrowId, address account);
    error EscrowSignatureExpired(uint256 deadline);
    error EscrowInvalidNonce(address supplier, uint256 nonce);
    error EscrowInvalidSigner(address recovered, address supplier);
    error EscrowUnknownMilestone(bytes32 escrowId, uint8 index);
    error EscrowWrongMilestoneStatus(bytes32 escrowId, uint8 index, MilestoneStatus status);
    error EscrowNotVerifier(bytes32 escrowId, address account);
    error EscrowAlreadyAttested(bytes32 escrowId, uint8 index, address verifier);
    /// @notice Approval needs `quorum` attestations; there are `attestations`.
    error EscrowNotEnoughAttestations(bytes32 escrowId, uint8 index, uint8 attestations, uint8 quorum);
    error EscrowNothingToDispute(bytes32 escrowId, uint8 index);
    error EscrowNoOpenDispute(bytes32 escrowId, uint8 index);
    /// @notice Retention is released only after the maintenance period, from `releasableAt`.
    error EscrowMaintenanceNotOver(bytes32 escrowId, uint40 releasableAt);
    error EscrowRetentionAlreadyReleased(bytes32 escrowId);
    error EscrowNothingToRelease(bytes32 escrowId);
    /// @notice An evidence date must lie between the signing (`earliest`) and now (`latest`).
    error EscrowInvalidDeliveryDate(uint40 deliveredAt, uint40 earliest, uint40 latest);
    /// @notice A verifier of the contract never decides (approves or rejects) its milestones.
    error EscrowVerifierCannotDecide(bytes32 escrowId, address account);
    /// @notice Term `term` is `given`, outside the bound `bound` of policy `version`.
    error EscrowOutsidePolicy(uint32 version, bytes32 term, uint256 given, uint256 bound);
    /// @notice Addenda may add at most the policy's share of the original value: `value` > `maxValue`.
    error EscrowAmendmentCapExceeded(bytes32 escrowId, uint256 value, uint256 maxValue);
    /// @notice The due date of a milestone already late cannot be moved by an addendum.
    error EscrowMilestoneOverdue(bytes32 escrowId, uint8 index, uint40 dueDate);
    /// @notice While an advance is outstanding the value may only grow (the advance is repaid in
    /// proportion to the value).
    error EscrowAdvanceOutstanding(bytes32 escrowId, uint256 advanceOutstanding);

    /// @notice Creates the contract from the final award of `tenderId` (PPK of the tender's agency).
    /// Returns the escrow id (= tenderId).
    function createEscrow(bytes32 tenderId, EscrowTerms calldata terms, MilestoneInput[] calldata milestones)
        external
        returns (bytes32 escrowId);

    /// @notice Countersigns from the winning supplier's current key; authorises any advance.
    function countersign(bytes32 escrowId) external;

    /// @notice Countersigns with the supplier's EIP-712 `Countersign(escrowId, termsHash, nonce,
    /// deadline)` signature; anyone may relay it.
    function countersignBySig(bytes32 escrowId, uint256 nonce, uint256 deadline, bytes calldata signature) external;

    /// @notice A listed verifier attests delivery of milestone `index` (once per round) on
    /// `deliveredAt`, the date the evidence shows (not before signing, not in the future).
    function attest(bytes32 escrowId, uint8 index, bytes32 evidenceHash, uint40 deliveredAt) external;

    /// @notice Approves an attested milestone (PPK of the agency, not a verifier of the contract)
    /// and authorises its net payment.
    function approveMilestone(bytes32 escrowId, uint8 index) external returns (bytes32 paymentId);

    /// @notice Rejects an attested milestone with a reasoned decision (PPK of the agency).
    function rejectMilestone(bytes32 escrowId, uint8 index, bytes32 reasonHash) external;

    /// @notice The supplier disputes the rejection or the penalty of milestone `index`.
    function openDispute(bytes32 escrowId, uint8 index, bytes32 evidenceHash) external;

    /// @notice Opens the same dispute with the supplier's EIP-712 `OpenDispute(escrowId, index,
    /// evidenceHash, nonce, deadline)` signature; anyone may relay it, so a supplier needs no ETH.
    /// The nonce is shared with `countersignBySig`.
    function openDisputeBySig(
        bytes32 escrowId,
        uint8 index,
        bytes32 evidenceHash,
        uint256 nonce,
        uint256 deadline,
        bytes calldata signature
    ) external;

    /// @notice Resolves an open dispute (committee, through the hub's delay). Overturning a
    /// rejection approves and pays the milestone; overturning a penalty refunds it.
    function resolveDispute(bytes32 escrowId, uint8 index, bool overturn, bytes32 decisionHash) external;

    /// @notice Addendum changing an unapproved milestone's amount (hence the value) and due date
    /// (committee, through the hub's delay).
    function amendMilestone(bytes32 escrowId, uint8 index, uint80 amount, uint40 dueDate, bytes32 documentHash)
        external;

    /// @notice Gives `current`'s verifier seat to `successor` (committee, through the hub's delay);
    /// `current`'s attestations in open rounds no longer count.
    function replaceVerifier(bytes32 escrowId, address current, address successor, bytes32 reasonHash) external;

    /// @notice Releases the retention after the maintenance period (PPK of the agency).
    function releaseRetention(bytes32 escrowId) external returns (bytes32 paymentId);

    /// @notice Re-authorises a failed payment of this escrow (PPK of the agency).
    function retryPayment(bytes32 escrowId, PaymentKind kind, uint8 index) external;

    /// @notice Terminates the contract (committee, through the hub's delay).
    function terminate(bytes32 escrowId, bytes32 reasonHash) external;

    function getEscrow(bytes32 escrowId) external view returns (Escrow memory);

    /// @notice Whether an escrow with this id exists here or in any version this one succeeds: a
    /// tender contracted on a frozen version is never contracted again on its successor.
    function hasEscrow(bytes32 escrowId) external view returns (bool);

    /// @notice The version this one succeeds (its history stays readable there), or address(0).
    function predecessor() external view returns (address);

    function getMilestone(bytes32 escrowId, uint8 index) external view returns (Milestone memory);

    function verifiersOf(bytes32 escrowId) external view returns (address[] memory);

    /// @notice What may still be authorised: value - authorized - penalties.
    function remaining(bytes32 escrowId) external view returns (uint256);

    /// @notice The Payments instruction id of a payment of this escrow (whether or not it exists).
    function paymentIdOf(bytes32 escrowId, PaymentKind kind, uint8 index) external view returns (bytes32);

    /// @notice The payee key under which the bridge pays supplier `supplierId`:
    /// keccak256(abi.encode("terang.payee.supplier", supplierId)).
    function payeeKeyOf(uint64 supplierId) external pure returns (bytes32);

    /// @notice The PolicyRegistry the escrows are bound to.
    function policies() external view returns (address);

    function domainSeparator() external view returns (bytes32);
}
