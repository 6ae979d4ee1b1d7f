// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {BitMaps} from "@openzeppelin/contracts/utils/structs/BitMaps.sol";
import {IPayments} from "../interfaces/IPayments.sol";
import {ManagedPausable} from "./base/ManagedPausable.sol";

/// @title Payments ledger
/// @notice See {IPayments}. Settlement and failure reports are never paused: a pause stops new
/// authorisations only, so money already on its way is always recorded.
contract Payments is IPayments, ManagedPausable {
    using BitMaps for BitMaps.BitMap;

    mapping(bytes32 id => Instruction) private _instructions;
    mapping(address source => SourceTotals) private _totals;
    mapping(bytes32 id => BatchLines) private _batchLines;
    mapping(bytes32 id => BitMaps.BitMap) private _failedLines;

    constructor(address hub) ManagedPausable(hub) {}

    /// @inheritdoc IPayments
    function registerSource(address source) external restricted {
        if (source == address(0)) revert PaymentInvalidSource(source);
        SourceTotals storage totals = _totals[source];
        if (totals.registered) revert PaymentSourceAlreadyRegistered(source);
        totals.registered = true;
        emit PaymentSourceRegistered(source);
    }

    /// @inheritdoc IPayments
    function revokeSource(address source) external restricted {
        SourceTotals storage totals = _totals[source];
        if (!totals.registered) revert PaymentUnknownSource(source);
        totals.registered = false;
        emit PaymentSourceRevoked(source);
    }

    /// @inheritdoc IPayments
    function authorize(Purpose purpose, bytes32 payeeKey, uint256 amount, bytes32 sourceRef)
        external
        whenNotPaused
        returns (bytes32 id)
    {
        if (purpose == Purpose.WelfareBatch) revert PaymentEmptyBatch();
        id = _authorize(purpose, payeeKey, amount, sourceRef);
    }

    /// @inheritdoc IPayments
    function authorizeBatch(bytes32 linesRoot, uint256 lineCount, uint256 amount, bytes32 sourceRef)
        external
        whenNotPaused
        returns (bytes32 id)
    {
        if (lineCount == 0 || lineCount > type(uint32).max) revert PaymentEmptyBatch();
        id = _authorize(Purpose.WelfareBatch, linesRoot, amount, sourceRef);
        _batchLines[id].lineCount = uint32(lineCount);
        emit PaymentBatchAuthorized(id, lineCount);
    }

    /// @inheritdoc IPayments
    function failLines(
        bytes32 id,
        uint8 attempt,
        BatchLine[] calldata lines,
        bytes32[][] calldata proofs,
        bytes32 failureCode
    ) external restricted {
        if (failureCode == bytes32(0)) revert PaymentMissingProviderData(id);
        if (lines.length != proofs.length) revert PaymentLineProofsMismatch(lines.length, proofs.length);
        Instruction storage instruction = _authorizedInstruction(id, attempt);
        if (instruction.purpose != Purpose.WelfareBatch) revert PaymentNotBatch(id);
        _failLines(id, instruction, lines, proofs, failureCode);
    }

    /// @dev Marks each proven line failed, at most once, and adds it to the batch's failed amount.
    function _failLines(
        bytes32 id,
        Instruction storage instruction,
        BatchLine[] calldata lines,
        bytes32[][] calldata proofs,
        bytes32 failureCode
    ) private {
        bytes32 root = instruction.payeeKey;
        BatchLines memory batch = _batchLines[id];
        BitMaps.BitMap storage failed = _failedLines[id];
        uint256 failedAmount = batch.failedAmount;
        for (uint256 i; i < lines.length; ++i) {
            BatchLine calldata line = lines[i];
            bytes32 leaf = keccak256(bytes.concat(keccak256(abi.encode(line.index, line.payeeKey, line.amount))));
            if (line.index >= batch.lineCount || !MerkleProof.verifyCalldata(proofs[i], root, leaf)) {
                revert PaymentLineNotInBatch(id, line.index);
            }
            if (failed.get(line.index)) revert PaymentLineAlreadyFailed(id, line.index);
            failed.set(line.index);
            failedAmount += line.amount;
            emit PaymentLineFailed(id, line.index, line.payeeKey, line.amount, failureCode);
        }
        // Distinct proven lines of a root the source computed never sum above the instruction; this
        // guards against a source whose root and sum disagree.
        if (failedAmount > instruction.amount) revert PaymentAmountTooLarge(failedAmount);
        batch.failedLines += uint32(lines.length);
        batch.failedAmount = uint72(failedAmount);
        _batchLines[id] = batch;
    }

    /// @inheritdoc IPayments
    function reauthorize(bytes32 id) external whenNotPaused {
        Instruction storage instruction = _sourcedInstruction(id, PaymentStatus.Failed);
        if (!_totals[msg.sender].registered) revert PaymentUnknownSource(msg.sender);
        instruction.status = PaymentStatus.Authorized;
        uint8 attempt = ++instruction.attempt;
        uint256 amount = instruction.amount;
        // A batch retry pays the lines not reported failed.
        if (instruction.purpose == Purpose.WelfareBatch) amount -= _batchLines[id].failedAmount;
        // The sourceRef is not stored; the id commits to it and the first PaymentAuthorized carries it.
        emit PaymentAuthorized(id, msg.sender, instruction.payeeKey, instruction.purpose, amount, bytes32(0), attempt);
    }

    /// @inheritdoc IPayments
    function cancel(bytes32 id, bytes32 reasonCode) external {
        Instruction storage instruction = _sourcedInstruction(id, PaymentStatus.Failed);
        SourceTotals storage totals = _totals[msg.sender];
        if (!totals.registered) revert PaymentUnknownSource(msg.sender);
        instruction.status = PaymentStatus.Cancelled;
        totals.cancelled += instruction.amount;
        emit PaymentCancelled(id, msg.sender, instruction.amount, reasonCode);
    }

    /// @inheritdoc IPayments
    function settle(bytes32 id, uint8 attempt, bytes32 providerReference) external restricted {
        if (providerReference == bytes32(0)) revert PaymentMissingProviderData(id);
        Instruction storage instruction = _authorizedInstruction(id, attempt);
        instruction.status = PaymentStatus.Settled;
        address source = instruction.source;
        uint72 amount = instruction.amount;
        if (instruction.purpose == Purpose.WelfareBatch) {
            // Lines reported failed were not paid: they leave this instruction as cancelled.
            uint72 failedAmount = _batchLines[id].failedAmount;
            amount -= failedAmount;
            _totals[source].cancelled += failedAmount;
        }
        _totals[source].settled += amount;
        emit PaymentSettled(id, source, amount, providerReference);
    }

    /// @inheritdoc IPayments
    function fail(bytes32 id, uint8 attempt, bytes32 failureCode) external restricted {
        if (failureCode == bytes32(0)) revert PaymentMissingProviderData(id);
        Instruction storage instruction = _authorizedInstruction(id, attempt);
        instruction.status = PaymentStatus.Failed;
        emit PaymentFailed(id, instruction.source, failureCode, instruction.attempt);
    }

    /// @inheritdoc IPayments
    function getInstruction(bytes32 id) external view returns (Instruction memory instruction) {
        instruction = _instructions[id];
        if (instruction.status == PaymentStatus.None) revert PaymentUnknownInstruction(id);
    }

    /// @inheritdoc IPayments
    function statusOf(bytes32 id) external view returns (PaymentStatus) {
        return _instructions[id].status;
    }

    /// @inheritdoc IPayments
    function totalsOf(address source) external view returns (SourceTotals memory) {
        return _totals[source];
    }

    /// @inheritdoc IPayments
    function isSource(address source) external view returns (bool) {
        return _totals[source].registered;
    }

    /// @inheritdoc IPayments
    function batchLinesOf(bytes32 id) external view returns (BatchLines memory) {
        return _batchLines[id];
    }

    /// @inheritdoc IPayments
    function isLineFailed(bytes32 id, uint256 index) external view returns (bool) {
        return _failedLines[id].get(index);
    }

    /// @inheritdoc IPayments
    function instructionId(address source, bytes32 sourceRef) public pure returns (bytes32) {
        return keccak256(abi.encode(source, sourceRef));
    }

    function _authorize(Purpose purpose, bytes32 payeeKey, uint256 amount, bytes32 sourceRef)
        private
        returns (bytes32 id)
    {
        SourceTotals storage totals = _totals[msg.sender];
        if (!totals.registered) revert PaymentUnknownSource(msg.sender);
        if (amount == 0) revert PaymentZeroAmount();
        if (amount > type(uint72).max) revert PaymentAmountTooLarge(amount);
        if (payeeKey == bytes32(0)) revert PaymentZeroPayee();
        id = instructionId(msg.sender, sourceRef);
        Instruction storage instruction = _instructions[id];
        if (instruction.status != PaymentStatus.None) revert PaymentDuplicate(id, sourceRef);

        instruction.source = msg.sender;
        instruction.purpose = purpose;
        instruction.status = PaymentStatus.Authorized;
        instruction.amount = uint72(amount);
        instruction.payeeKey = payeeKey;
        // uint80 holds 1.2e24 rupiah, far beyond any budget; checked arithmetic still guards it.
        totals.authorized += uint80(amount);
        emit PaymentAuthorized(id, msg.sender, payeeKey, purpose, amount, sourceRef, 0);
    }

    /// @dev The authorised instruction `id`, if the treasury's report answers its current attempt: a
    /// callback for an earlier attempt (held back by a relayer, or replayed) never records an outcome
    /// for a later one.
    function _authorizedInstruction(bytes32 id, uint8 attempt) private view returns (Instruction storage instruction) {
        instruction = _instructions[id];
        PaymentStatus status = instruction.status;
        if (status == PaymentStatus.None) revert PaymentUnknownInstruction(id);
        if (status != PaymentStatus.Authorized) revert PaymentWrongStatus(id, status);
        if (instruction.attempt != attempt) revert PaymentStaleAttempt(id, attempt, instruction.attempt);
    }

    function _sourcedInstruction(bytes32 id, PaymentStatus expected)
        private
        view
        returns (Instruction storage instruction)
    {
        instruction = _instructions[id];
        PaymentStatus status = instruction.status;
        if (status == PaymentStatus.None) revert PaymentUnknownInstruction(id);
        if (instruction.source != msg.sender) revert PaymentNotSource(id, msg.sender);
        if (status != expected) revert PaymentWrongStatus(id, status);
    }
}
