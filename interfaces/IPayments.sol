// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title Payments ledger
/// @notice The one contract the payment bridge watches. Money stays in treasury and bank accounts:
/// this ledger records which payments are AUTHORISED (by a registered source contract such as the
/// milestone escrow or, later, the welfare programmes) and their OUTCOME (recorded by the treasury
/// role, i.e. the gateway relaying the disbursement provider's callback).
///
/// State machine of an instruction:
///   Authorized -> Settled                  (treasury; final, at most once)
///   Authorized -> Failed                   (treasury, with the provider's failure code)
///   Failed     -> Authorized               (the source re-authorises: a retry, `attempt` + 1)
///   Failed     -> Cancelled                (the source gives up; final)
///
/// An instruction's id is `keccak256(abi.encode(source, sourceRef))`: a source cannot authorise the
/// same sourceRef twice, and the bridge can use `id` (with the attempt number) as the provider's
/// idempotency key. Amounts are integer rupiah. The payee key is a bytes32 that identifies the payee
/// to the gateway without personal data (a tagged hash of a supplier id, or a welfare beneficiary's
/// keyed hash); the gateway resolves it to a bank account off chain.
///
/// Batch instructions (`authorizeBatch`, purpose `WelfareBatch`): one instruction pays many lines.
/// Its `payeeKey` is the Merkle root of the lines `(index, payeeKey, amount)` (leaf
/// `keccak256(bytes.concat(keccak256(abi.encode(index, payeeKey, amount))))`, sorted-pair hashing) and
/// its `amount` their sum. The bridge pays each line (idempotency key: id, line index, attempt). While
/// the instruction is Authorized the treasury reports failed lines with their proofs (`failLines`);
/// `settle` then records every other line as paid: settled += amount - failed, cancelled += failed.
/// A failed line is never paid under this instruction again (not even after a whole-instruction
/// failure and retry); its source may pay it in a new instruction (see docs/decisions/0005).
interface IPayments {
    /// @notice What a payment is for.
    enum Purpose {
        Milestone, // a termin payment net of deductions (or a refunded penalty)
        Retention, // retention released after the maintenance period
        Advance, // advance payment (uang muka) against a guarantee
        Welfare, // social assistance (bansos), one payee
        WelfareBatch // social assistance, many lines committed by a Merkle root (authorizeBatch)
    }

    enum PaymentStatus {
        None,
        Authorized,
        Settled,
        Failed,
        Cancelled
    }

    /// @notice An instruction as stored (one slot plus the payee key).
    struct Instruction {
        address source; // the contract that authorised it
        Purpose purpose;
        PaymentStatus status;
        uint8 attempt; // 0 for the first authorisation, +1 per retry
        uint72 amount; // rupiah
        bytes32 payeeKey;
    }

    /// @notice Per-source totals (rupiah). authorized counts each instruction once, retries included
    /// once; outstanding = authorized - settled - cancelled.
    struct SourceTotals {
        bool registered;
        uint80 authorized;
        uint80 settled;
        uint80 cancelled;
    }

    /// @notice Lines of a batch instruction: how many, and those reported failed (rupiah).
    struct BatchLines {
        uint32 lineCount;
        uint32 failedLines;
        uint72 failedAmount;
    }

    /// @notice One line of a batch instruction, as committed by its root.
    struct BatchLine {
        uint256 index;
        bytes32 payeeKey;
        uint256 amount;
    }

    /// @notice The committee registered `source` as a contract allowed to authorise payments.
    event PaymentSourceRegistered(address indexed source);
    /// @notice The committee withdrew `source`'s right to authorise; its instructions stay as they are.
    event PaymentSourceRevoked(address indexed source);
    /// @notice Pay `amount` rupiah to `payeeKey` (bridge: create a payout with idempotency key
    /// `id` and `attempt`). Emitted on the first authorisation (attempt 0) and on each retry.
    event PaymentAuthorized(
        bytes32 indexed id,
        address indexed source,
        bytes32 indexed payeeKey,
        Purpose purpose,
        uint256 amount,
        bytes32 sourceRef,
        uint8 attempt
    );
    /// @notice Instruction `id` (its PaymentAuthorized carries the lines' root and sum) has `lineCount` lines.
    event PaymentBatchAuthorized(bytes32 indexed id, uint256 lineCount);
    /// @notice The provider failed line `index` (`failureCode`); it will not be paid under `id`.
    event PaymentLineFailed(
        bytes32 indexed id, uint256 indexed index, bytes32 indexed payeeKey, uint256 amount, bytes32 failureCode
    );
    /// @notice The provider paid; `providerReference` is its payout id. For a batch, `amount` is
    /// the sum of the lines not reported failed.
    event PaymentSettled(bytes32 indexed id, address indexed source, uint256 amount, bytes32 providerReference);
    /// @notice The provider reported a failure (`failureCode`, e.g. "INVALID_DESTINATION") for `attempt`.
    event PaymentFailed(bytes32 indexed id, address indexed source, bytes32 failureCode, uint8 attempt);
    /// @notice The source cancelled a failed instruction; it will never be paid.
    event PaymentCancelled(bytes32 indexed id, address indexed source, uint256 amount, bytes32 reasonCode);

    /// @notice The zero address cannot be a source.
    error PaymentInvalidSource(address source);
    error PaymentSourceAlreadyRegistered(address source);
    /// @notice `source` is not a registered source contract.
    error PaymentUnknownSource(address source);
    error PaymentZeroAmount();
    /// @notice The amount does not fit the ledger's 72-bit field.
    error PaymentAmountTooLarge(uint256 amount);
    error PaymentZeroPayee();
    /// @notice This source already authorised `sourceRef` (instruction `id`).
    error PaymentDuplicate(bytes32 id, bytes32 sourceRef);
    error PaymentUnknownInstruction(bytes32 id);
    /// @notice The instruction is in `status`, which does not allow this act.
    error PaymentWrongStatus(bytes32 id, PaymentStatus status);
    /// @notice Only the source that authorised instruction `id` may retry or cancel it.
    error PaymentNotSource(bytes32 id, address caller);
    /// @notice The treasury must give the provider's reference or failure code.
    error PaymentMissingProviderData(bytes32 id);
    /// @notice A batch instruction needs at least one line, and purpose WelfareBatch only comes
    /// through authorizeBatch.
    error PaymentEmptyBatch();
    /// @notice Instruction `id` is not a batch instruction.
    error PaymentNotBatch(bytes32 id);
    /// @notice Line `index` (with its payee and amount) is not proven to be a line of batch `id`.
    error PaymentLineNotInBatch(bytes32 id, uint256 index);
    error PaymentLineAlreadyFailed(bytes32 id, uint256 index);
    /// @notice `lines` and `proofs` differ in length.
    error PaymentLineProofsMismatch(uint256 lines, uint256 proofs);
    /// @notice The treasury's report answers `attempt` of instruction `id`, whose current attempt is
    /// `current` (a callback of an earlier attempt cannot record the outcome of a later one).
    error PaymentStaleAttempt(bytes32 id, uint8 attempt, uint8 current);

    /// @notice Registers a source contract (committee, through the hub's delay).
    function registerSource(address source) external;

    /// @notice Revokes a source (committee, through the hub's delay). Existing instructions remain
    /// settleable; the source can no longer authorise, retry or cancel.
    function revokeSource(address source) external;

    /// @notice Authorises a payment (registered source only; stopped by a pause). Returns its id,
    /// `keccak256(abi.encode(msg.sender, sourceRef))`.
    function authorize(Purpose purpose, bytes32 payeeKey, uint256 amount, bytes32 sourceRef)
        external
        returns (bytes32 id);

    /// @notice Authorises a batch instruction of `lineCount` lines committed by `linesRoot`, paying
    /// `amount` (their sum) in all; purpose WelfareBatch (registered source only; stopped by a pause).
    function authorizeBatch(bytes32 linesRoot, uint256 lineCount, uint256 amount, bytes32 sourceRef)
        external
        returns (bytes32 id);

    /// @notice Records the provider's failure of some lines of an authorised batch instruction
    /// (treasury), each proven against its root, each at most once, for the instruction's current
    /// `attempt` (else PaymentStaleAttempt). Works during a pause.
    function failLines(
        bytes32 id,
        uint8 attempt,
        BatchLine[] calldata lines,
        bytes32[][] calldata proofs,
        bytes32 failureCode
    ) external;

    /// @notice Re-authorises a failed instruction, same payee and amount (its source only; stopped
    /// by a pause).
    function reauthorize(bytes32 id) external;

    /// @notice Cancels a failed instruction (its source only). Works during a pause.
    function cancel(bytes32 id, bytes32 reasonCode) external;

    /// @notice Records the provider's success of `attempt`, the instruction's current attempt
    /// (treasury; else PaymentStaleAttempt). Works during a pause; at most once.
    function settle(bytes32 id, uint8 attempt, bytes32 providerReference) external;

    /// @notice Records the provider's failure of `attempt`, the instruction's current attempt
    /// (treasury; else PaymentStaleAttempt). Works during a pause.
    function fail(bytes32 id, uint8 attempt, bytes32 failureCode) external;

    /// @notice The instruction; reverts with PaymentUnknownInstruction.
    function getInstruction(bytes32 id) external view returns (Instruction memory);

    /// @notice The instruction's status (None when unknown).
    function statusOf(bytes32 id) external view returns (PaymentStatus);

    /// @notice Totals of `source` (all zero and unregistered when unknown).
    function totalsOf(address source) external view returns (SourceTotals memory);

    function isSource(address source) external view returns (bool);

    /// @notice Line counts of a batch instruction (all zero otherwise).
    function batchLinesOf(bytes32 id) external view returns (BatchLines memory);

    /// @notice Whether the treasury reported line `index` of batch instruction `id` failed.
    function isLineFailed(bytes32 id, uint256 index) external view returns (bool);

    /// @notice keccak256(abi.encode(source, sourceRef)).
    function instructionId(address source, bytes32 sourceRef) external pure returns (bytes32);
}
