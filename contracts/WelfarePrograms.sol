// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {BitMaps} from "@openzeppelin/contracts/utils/structs/BitMaps.sol";
import {IPayments} from "../interfaces/IPayments.sol";
import {IWelfarePrograms} from "../interfaces/IWelfarePrograms.sol";
import {ManagedPausable} from "./base/ManagedPausable.sol";
import {WelfareBudget} from "./libraries/WelfareBudget.sol";
import {WelfareMath} from "./libraries/WelfareMath.sol";

/// @title Welfare programmes
/// @notice See {IWelfarePrograms}. A pause stops every act here except filing an appeal (an
/// objection is always recorded); settlement of batches already authorised continues in Payments.
contract WelfarePrograms is IWelfarePrograms, ManagedPausable {
    using BitMaps for BitMaps.BitMap;

    /// @dev Bits 1-10: the DTSEN deciles.
    uint16 private constant _DECILE_BITS = 0x07fe;
    bytes32 private constant _APPEAL_UPHELD = "APPEAL_UPHELD";
    /// @dev Bit offsets of the fields of {IWelfarePrograms.Beneficiary} in its storage slot (Solidity
    /// packs struct fields from the low-order end, in declaration order); the disbursement loop reads
    /// and writes the slot as one word. test_welfare_disbursement checks them against the getter.
    uint256 private constant _DECILE_SHIFT = 8;
    uint256 private constant _REGION_SHIFT = 16;
    uint256 private constant _COMPONENTS_SHIFT = 48;
    uint256 private constant _PAID_THROUGH_SHIFT = 112;
    uint256 private constant _BENEFIT_VERSION_SHIFT = 144;
    uint256 private constant _BENEFIT_SHIFT = 160;
    uint256 private constant _SUSPENDED_FROM_SHIFT = 224;
    /// @dev The suspension notice until the committee sets another: a lone suspension made within a
    /// week of a period's start does not cut that period.
    uint32 private constant _DEFAULT_SUSPENSION_NOTICE = 7 days;

    IPayments private immutable _payments;

    uint32 private _programmeCount;
    mapping(uint32 programmeId => Programme) private _programmes;
    mapping(uint32 programmeId => mapping(uint16 version => Rules)) private _rules;
    mapping(uint32 programmeId => mapping(uint16 version => mapping(uint32 region => bool covered))) private _regions;
    mapping(uint32 programmeId => mapping(bytes32 beneficiaryKey => Beneficiary)) private _beneficiaries;
    mapping(uint32 programmeId => mapping(bytes32 beneficiaryKey => AppealStatus)) private _appeals;
    mapping(uint32 programmeId => mapping(uint32 period => PeriodState)) private _periods;
    mapping(bytes32 batchId => Batch) private _batches;
    mapping(bytes32 batchId => BitMaps.BitMap) private _repaid;
    uint32 private _lineCount;
    uint32 private _suspensionNotice;
    mapping(uint32 lineId => BudgetLine) private _lines;
    mapping(uint32 programmeId => uint96 allocation) private _allocations;
    /// @dev Exclusive lines: 1 + the last line period in which one of the line's programmes paid the key.
    mapping(uint32 lineId => mapping(bytes32 beneficiaryKey => uint32 paidThrough)) private _linePaid;
    mapping(uint32 programmeId => mapping(address enroller => mapping(uint32 region => bool))) private _scopes;
    mapping(uint32 programmeId => mapping(bytes32 beneficiaryKey => address official)) private _suspenders;

    /// @dev A rules version ready for evaluation: the component order under the cap and the bits of
    /// the packed counts that count at all, computed once per transaction.
    struct Terms {
        uint32 programmeId;
        uint16 version;
        uint64 paidMask;
        uint8[8] order;
        Rules rules;
    }

    /// @dev What a disbursement loop needs besides the keys (kept in memory: one stack slot).
    struct PayContext {
        uint32 period;
        bool exhausted;
        uint32 batchNumber;
        uint256 remaining;
        bytes32 sourceRef;
        bytes32 batchId;
        bool exclusive;
        uint32 line;
        uint32 linePeriod;
        Terms terms;
    }

    constructor(address hub, IPayments payments) ManagedPausable(hub) {
        _payments = payments;
        _suspensionNotice = _DEFAULT_SUSPENSION_NOTICE;
    }

    // ---------------------------------------------------------------- money by the committee

    /// @inheritdoc IWelfarePrograms
    function approveBudgetLine(
        uint96 ceilingPerPeriod,
        uint64 maxBenefit,
        uint32 periodLength,
        bool exclusive,
        uint64 epoch
    ) external restricted returns (uint32 lineId) {
        lineId = ++_lineCount;
        WelfareBudget.approveBudgetLine(_lines, lineId, ceilingPerPeriod, maxBenefit, periodLength, exclusive, epoch);
    }

    /// @inheritdoc IWelfarePrograms
    function setBudgetCeiling(uint32 lineId, uint96 ceilingPerPeriod, uint64 maxBenefit) external restricted {
        WelfareBudget.setBudgetCeiling(_budgetLine(lineId), lineId, ceilingPerPeriod, maxBenefit);
    }

    /// @inheritdoc IWelfarePrograms
    function setSuspensionNotice(uint32 notice) external restricted {
        _suspensionNotice = notice;
        emit SuspensionNoticeSet(notice, msg.sender);
    }

    /// @inheritdoc IWelfarePrograms
    function setEnrollerScope(address enroller, uint32 programmeId, uint32[] calldata regions, bool inScope)
        external
        restricted
        whenNotPaused
    {
        _existing(programmeId);
        WelfareBudget.setEnrollerScope(_scopes[programmeId][enroller], enroller, programmeId, regions, inScope);
    }

    // ---------------------------------------------------------------- programmes and rules

    /// @inheritdoc IWelfarePrograms
    function defineProgramme(
        uint32 budgetLine,
        string calldata name,
        uint64 firstPeriodStart,
        uint32 periodLength,
        Rules calldata rules,
        uint32[] calldata regions
    ) external restricted whenNotPaused returns (uint32 programmeId) {
        if (periodLength == 0 || firstPeriodStart < block.timestamp) {
            revert WelfareInvalidSchedule(firstPeriodStart, periodLength);
        }
        WelfareBudget.checkSchedule(_lines[budgetLine], budgetLine, firstPeriodStart, periodLength);
        _checkRules(rules);
        programmeId = ++_programmeCount;
        Programme storage programme = _programmes[programmeId];
        programme.firstPeriodStart = firstPeriodStart;
        programme.periodLength = periodLength;
        programme.currentVersion = 1;
        programme.versionCount = 1;
        programme.budgetLine = budgetLine;
        _storeVersion(programmeId, 1, rules, regions);
        emit ProgrammeDefined(programmeId, name, firstPeriodStart, periodLength, rules, regions, msg.sender);
        _allocate(programmeId, budgetLine, rules, rules.budgetPerPeriod);
    }

    /// @inheritdoc IWelfarePrograms
    function changeRules(uint32 programmeId, Rules calldata rules, uint32[] calldata regions)
        external
        restricted
        whenNotPaused
    {
        Programme storage programme = _existing(programmeId);
        _checkRules(rules);
        uint32 effectiveFrom = block.timestamp < programme.firstPeriodStart ? 0 : _periodNow(programmeId, programme) + 1;
        // A pending version already in force becomes the current one; one not yet in force is replaced.
        if (programme.pendingVersion != 0 && programme.pendingFrom < effectiveFrom) {
            programme.currentVersion = programme.pendingVersion;
        }
        uint16 version = ++programme.versionCount;
        programme.pendingVersion = version;
        programme.pendingFrom = effectiveFrom;
        _storeVersion(programmeId, version, rules, regions);
        emit ProgrammeRulesChanged(programmeId, version, effectiveFrom, rules, regions);
        // The versions that can still pay: the current one (this period) and the new pending one.
        uint96 currentBudget = _rules[programmeId][programme.currentVersion].budgetPerPeriod;
        uint96 allocation = rules.budgetPerPeriod > currentBudget ? rules.budgetPerPeriod : currentBudget;
        _allocate(programmeId, programme.budgetLine, rules, allocation);
    }

    // ---------------------------------------------------------------- beneficiaries

    /// @inheritdoc IWelfarePrograms
    function enrol(uint32 programmeId, Applicant[] calldata applicants)
        external
        restricted
        whenNotPaused
        returns (uint256 enrolled)
    {
        Programme storage programme = _existing(programmeId);
        Terms memory terms = _terms(programmeId, _versionAt(programme, _periodOrZero(programme)));
        mapping(bytes32 beneficiaryKey => Beneficiary) storage beneficiaries = _beneficiaries[programmeId];
        for (uint256 i; i < applicants.length; ++i) {
            Applicant calldata applicant = applicants[i];
            bytes32 key = applicant.beneficiaryKey;
            if (key == bytes32(0)) revert WelfareZeroKey();
            _checkScope(programmeId, applicant.region);
            Beneficiary storage beneficiary = beneficiaries[key];
            BeneficiaryStatus status = beneficiary.status;
            uint64 packed = WelfareMath.pack(applicant.components);
            (uint256 amount, Reason reason) = status == BeneficiaryStatus.None
                ? _evaluate(terms, applicant.decile, applicant.region, packed)
                : (0, status == BeneficiaryStatus.Active ? Reason.AlreadyEnrolled : _statusReason(status));
            if (reason != Reason.None) {
                emit EnrolmentRefused(programmeId, key, reason, msg.sender);
                continue;
            }
            beneficiary.status = BeneficiaryStatus.Active;
            beneficiary.decile = applicant.decile;
            beneficiary.region = applicant.region;
            beneficiary.components = packed;
            beneficiary.benefitVersion = terms.version;
            beneficiary.benefit = SafeCast.toUint64(amount);
            ++enrolled;
            emit BeneficiaryEnrolled(
                programmeId, key, applicant.decile, applicant.region, applicant.components, msg.sender
            );
        }
    }

    /// @inheritdoc IWelfarePrograms
    function updateBeneficiary(uint32 programmeId, Applicant calldata applicant)
        external
        restricted
        whenNotPaused
        returns (Reason reason)
    {
        Programme storage programme = _existing(programmeId);
        Beneficiary storage beneficiary = _enrolled(programmeId, applicant.beneficiaryKey);
        if (beneficiary.status == BeneficiaryStatus.Exited) {
            revert WelfareWrongStatus(programmeId, applicant.beneficiaryKey, BeneficiaryStatus.Exited);
        }
        // Both the family's region and the one it moves to must be the enroller's.
        _checkScope(programmeId, beneficiary.region);
        _checkScope(programmeId, applicant.region);
        uint64 packed = WelfareMath.pack(applicant.components);
        beneficiary.decile = applicant.decile;
        beneficiary.region = applicant.region;
        beneficiary.components = packed;
        Terms memory terms = _terms(programmeId, _versionAt(programme, _periodOrZero(programme)));
        uint256 amount;
        (amount, reason) = _evaluate(terms, applicant.decile, applicant.region, packed);
        beneficiary.benefitVersion = reason == Reason.None ? terms.version : 0;
        beneficiary.benefit = SafeCast.toUint64(amount);
        emit BeneficiaryUpdated(
            programmeId, applicant.beneficiaryKey, applicant.decile, applicant.region, applicant.components, reason, msg.sender
        );
    }

    /// @inheritdoc IWelfarePrograms
    function suspend(uint32 programmeId, bytes32 beneficiaryKey, bytes32 reasonCode)
        external
        restricted
        whenNotPaused
    {
        Programme storage programme = _existing(programmeId);
        Beneficiary storage beneficiary = _inStatus(programmeId, beneficiaryKey, BeneficiaryStatus.Active);
        _checkScope(programmeId, beneficiary.region);
        uint32 effectiveFrom = _firstPeriodAfterNotice(programme);
        beneficiary.status = BeneficiaryStatus.Suspended;
        beneficiary.suspendedFrom = effectiveFrom;
        _suspenders[programmeId][beneficiaryKey] = msg.sender;
        emit BeneficiarySuspended(programmeId, beneficiaryKey, reasonCode, msg.sender);
        emit SuspensionScheduled(programmeId, beneficiaryKey, effectiveFrom, msg.sender);
    }

    /// @inheritdoc IWelfarePrograms
    function confirmSuspension(uint32 programmeId, bytes32 beneficiaryKey) external restricted whenNotPaused {
        Programme storage programme = _existing(programmeId);
        Beneficiary storage beneficiary = _inStatus(programmeId, beneficiaryKey, BeneficiaryStatus.Suspended);
        uint32 current = _periodOrZero(programme);
        uint32 effectiveFrom = beneficiary.suspendedFrom;
        if (effectiveFrom <= current) revert WelfareSuspensionInForce(programmeId, beneficiaryKey, effectiveFrom);
        if (_suspenders[programmeId][beneficiaryKey] == msg.sender) revert WelfareSameOfficial(msg.sender);
        beneficiary.suspendedFrom = current;
        emit SuspensionConfirmed(programmeId, beneficiaryKey, current, msg.sender);
    }

    /// @inheritdoc IWelfarePrograms
    function reinstate(uint32 programmeId, bytes32 beneficiaryKey, bytes32 reasonCode)
        external
        restricted
        whenNotPaused
    {
        Beneficiary storage beneficiary = _inStatus(programmeId, beneficiaryKey, BeneficiaryStatus.Suspended);
        beneficiary.status = BeneficiaryStatus.Active;
        beneficiary.suspendedFrom = 0;
        emit BeneficiaryReinstated(programmeId, beneficiaryKey, reasonCode, msg.sender);
    }

    /// @inheritdoc IWelfarePrograms
    function exitBeneficiary(uint32 programmeId, bytes32 beneficiaryKey, bytes32 reasonCode)
        external
        restricted
        whenNotPaused
    {
        Beneficiary storage beneficiary = _enrolled(programmeId, beneficiaryKey);
        if (beneficiary.status == BeneficiaryStatus.Exited) {
            revert WelfareWrongStatus(programmeId, beneficiaryKey, BeneficiaryStatus.Exited);
        }
        beneficiary.status = BeneficiaryStatus.Exited;
        emit BeneficiaryExited(programmeId, beneficiaryKey, reasonCode, msg.sender);
    }

    // ---------------------------------------------------------------- appeals

    /// @inheritdoc IWelfarePrograms
    function fileAppeal(uint32 programmeId, bytes32 beneficiaryKey, bytes32 groundsHash) external restricted {
        _existing(programmeId);
        if (beneficiaryKey == bytes32(0)) revert WelfareZeroKey();
        if (_appeals[programmeId][beneficiaryKey] == AppealStatus.Open) {
            revert WelfareAppealOpen(programmeId, beneficiaryKey);
        }
        _appeals[programmeId][beneficiaryKey] = AppealStatus.Open;
        emit AppealFiled(programmeId, beneficiaryKey, groundsHash, msg.sender);
    }

    /// @inheritdoc IWelfarePrograms
    function resolveAppeal(uint32 programmeId, bytes32 beneficiaryKey, bool upheld, bytes32 decisionHash)
        external
        restricted
        whenNotPaused
    {
        if (_appeals[programmeId][beneficiaryKey] != AppealStatus.Open) {
            revert WelfareNoOpenAppeal(programmeId, beneficiaryKey);
        }
        _appeals[programmeId][beneficiaryKey] = upheld ? AppealStatus.Upheld : AppealStatus.Rejected;
        emit AppealResolved(programmeId, beneficiaryKey, upheld, decisionHash, msg.sender);
        Beneficiary storage beneficiary = _beneficiaries[programmeId][beneficiaryKey];
        BeneficiaryStatus status = beneficiary.status;
        if (upheld && (status == BeneficiaryStatus.Suspended || status == BeneficiaryStatus.Exited)) {
            beneficiary.status = BeneficiaryStatus.Active;
            beneficiary.suspendedFrom = 0;
            emit BeneficiaryReinstated(programmeId, beneficiaryKey, _APPEAL_UPHELD, msg.sender);
        }
    }

    // ---------------------------------------------------------------- disbursement

    /// @inheritdoc IWelfarePrograms
    function disburse(uint32 programmeId, uint32 period, bytes32[] calldata beneficiaryKeys)
        external
        restricted
        whenNotPaused
        returns (bytes32 batchId, uint256 paid, uint256 total)
    {
        Programme storage programme = _existing(programmeId);
        uint32 current = _periodNow(programmeId, programme);
        if (period != current) revert WelfareNotCurrentPeriod(programmeId, period, current);
        PayContext memory context = _payContext(programmeId, programme, period);
        bytes32[] memory leaves = new bytes32[](beneficiaryKeys.length);
        (paid, total) = _payLines(context, beneficiaryKeys, leaves);
        batchId = _closeBatch(context, programme, leaves, paid, total);
    }

    /// @inheritdoc IWelfarePrograms
    function repayFailedLines(bytes32 batchId, Line[] calldata lines, bytes32[][] calldata proofs)
        external
        restricted
        whenNotPaused
        returns (bytes32 newBatchId)
    {
        Batch memory original = _batches[batchId];
        if (original.lineCount == 0) revert WelfareUnknownBatch(batchId);
        if (lines.length == 0) revert WelfareNothingToRepay(batchId);
        if (lines.length != proofs.length) revert WelfareLineProofsMismatch(lines.length, proofs.length);
        bytes32 sourceRef = _nextSourceRef(original.programmeId, original.period);
        newBatchId = _instructionId(sourceRef);

        bytes32[] memory leaves = new bytes32[](lines.length);
        Batch memory repayment = Batch(original.programmeId, original.period, uint32(lines.length), 0, 0);
        // The period's budget already counts these lines: a repayment spends nothing new.
        repayment.total = uint96(_repayLines(batchId, original, newBatchId, lines, proofs, leaves));
        repayment.linesRoot = WelfareMath.merkleRoot(leaves, lines.length);
        _recordRepayment(batchId, newBatchId, repayment, sourceRef);
    }

    /// @inheritdoc IWelfarePrograms
    function retryFailedBatch(bytes32 batchId) external restricted whenNotPaused {
        if (_batches[batchId].lineCount == 0) revert WelfareUnknownBatch(batchId);
        _requireFailed(batchId);
        emit BatchRetried(batchId, msg.sender);
        _payments.reauthorize(batchId);
    }

    /// @inheritdoc IWelfarePrograms
    function cancelFailedBatch(
        bytes32 batchId,
        bytes32[] calldata keys,
        uint256[] calldata amounts,
        bytes32 reasonCode
    ) external restricted whenNotPaused {
        Batch memory batch = _batches[batchId];
        if (batch.lineCount == 0) revert WelfareUnknownBatch(batchId);
        _requireFailed(batchId);
        (uint32 exclusiveLine, uint32 linePeriod) = _exclusiveLineOf(batch.programmeId, batch.period);
        WelfareBudget.Cancellation memory cancellation = WelfareBudget.Cancellation(
            _payments, batchId, batch.linesRoot, batch.lineCount, batch.period, exclusiveLine != 0, linePeriod
        );
        (uint256 restoredLines, uint256 restored) = WelfareBudget.unpayLines(
            _beneficiaries[batch.programmeId], _linePaid[exclusiveLine], cancellation, keys, amounts
        );
        // restored <= the batch's total, which the period's spending counts.
        _periods[batch.programmeId][batch.period].spent -= uint96(restored);
        emit BatchCancelled(batchId, restoredLines, restored, reasonCode, msg.sender);
        _payments.cancel(batchId, reasonCode);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IWelfarePrograms
    function getBudgetLine(uint32 lineId) external view returns (BudgetLine memory) {
        return _budgetLine(lineId);
    }

    /// @inheritdoc IWelfarePrograms
    function allocationOf(uint32 programmeId) external view returns (uint96) {
        return _allocations[programmeId];
    }

    /// @inheritdoc IWelfarePrograms
    function isInScope(uint32 programmeId, address enroller, uint32 region) external view returns (bool) {
        return _scopes[programmeId][enroller][region];
    }

    /// @inheritdoc IWelfarePrograms
    function suspensionNotice() external view returns (uint32) {
        return _suspensionNotice;
    }

    /// @inheritdoc IWelfarePrograms
    function linePaidThrough(uint32 lineId, bytes32 beneficiaryKey) external view returns (uint32) {
        return _linePaid[lineId][beneficiaryKey];
    }

    /// @inheritdoc IWelfarePrograms
    function getProgramme(uint32 programmeId) external view returns (Programme memory) {
        return _existing(programmeId);
    }

    /// @inheritdoc IWelfarePrograms
    function rulesFor(uint32 programmeId, uint32 period) external view returns (Rules memory rules, uint16 version) {
        version = _versionAt(_existing(programmeId), period);
        rules = _rules[programmeId][version];
    }

    /// @inheritdoc IWelfarePrograms
    function isRegionCovered(uint32 programmeId, uint16 version, uint32 region) external view returns (bool) {
        return _rules[programmeId][version].allRegions || _regions[programmeId][version][region];
    }

    /// @inheritdoc IWelfarePrograms
    function currentPeriod(uint32 programmeId) external view returns (uint32) {
        return _periodNow(programmeId, _existing(programmeId));
    }

    /// @inheritdoc IWelfarePrograms
    function getBeneficiary(uint32 programmeId, bytes32 beneficiaryKey) external view returns (Beneficiary memory) {
        return _beneficiaries[programmeId][beneficiaryKey];
    }

    /// @inheritdoc IWelfarePrograms
    function benefitOf(uint32 programmeId, bytes32 beneficiaryKey, uint32 period)
        external
        view
        returns (uint256 amount, Reason reason)
    {
        Terms memory terms = _terms(programmeId, _versionAt(_existing(programmeId), period));
        Beneficiary memory beneficiary = _beneficiaries[programmeId][beneficiaryKey];
        if (!_payable(beneficiary.status, beneficiary.suspendedFrom, period)) {
            return (0, _statusReason(beneficiary.status));
        }
        return _evaluate(terms, beneficiary.decile, beneficiary.region, beneficiary.components);
    }

    /// @inheritdoc IWelfarePrograms
    function appealOf(uint32 programmeId, bytes32 beneficiaryKey) external view returns (AppealStatus) {
        return _appeals[programmeId][beneficiaryKey];
    }

    /// @inheritdoc IWelfarePrograms
    function periodState(uint32 programmeId, uint32 period) external view returns (PeriodState memory) {
        return _periods[programmeId][period];
    }

    /// @inheritdoc IWelfarePrograms
    function getBatch(bytes32 batchId) external view returns (Batch memory batch) {
        batch = _batches[batchId];
        if (batch.lineCount == 0) revert WelfareUnknownBatch(batchId);
    }

    /// @inheritdoc IWelfarePrograms
    function isLineRepaid(bytes32 batchId, uint256 index) external view returns (bool) {
        return _repaid[batchId].get(index);
    }

    // ---------------------------------------------------------------- private

    function _storeVersion(uint32 programmeId, uint16 version, Rules calldata rules, uint32[] calldata regions)
        private
    {
        _rules[programmeId][version] = rules;
        mapping(uint32 region => bool covered) storage covered = _regions[programmeId][version];
        for (uint256 i; i < regions.length; ++i) {
            covered[regions[i]] = true;
        }
    }

    function _payContext(uint32 programmeId, Programme storage programme, uint32 period)
        private
        view
        returns (PayContext memory context)
    {
        PeriodState memory state = _periods[programmeId][period];
        context.period = period;
        context.terms = _terms(programmeId, _versionAt(programme, period));
        context.exhausted = state.exhausted;
        // Rules change only from the next period, so this period's spending never exceeds its budget.
        context.remaining = context.terms.rules.budgetPerPeriod - state.spent;
        context.batchNumber = programme.batchCount;
        context.sourceRef = keccak256(abi.encode(programmeId, period, context.batchNumber));
        context.batchId = _instructionId(context.sourceRef);
        context.line = programme.budgetLine;
        BudgetLine storage line = _lines[context.line];
        if (line.exclusive) {
            context.exclusive = true;
            context.linePeriod = _linePeriod(line, programme, period);
        }
    }

    /// @dev Records the period's spending and the batch, then authorises it in the ledger (last).
    function _closeBatch(
        PayContext memory context,
        Programme storage programme,
        bytes32[] memory leaves,
        uint256 paid,
        uint256 total
    ) private returns (bytes32 batchId) {
        PeriodState storage state = _periods[context.terms.programmeId][context.period];
        if (context.exhausted && !state.exhausted) state.exhausted = true;
        if (paid == 0) return bytes32(0);
        batchId = context.batchId;
        bytes32 root = WelfareMath.merkleRoot(leaves, paid);
        // total <= remaining <= budget, a uint96.
        state.spent += uint96(total);
        ++state.batches;
        programme.batchCount = context.batchNumber + 1;
        _batches[batchId] = Batch(context.terms.programmeId, context.period, uint32(paid), uint96(total), root);
        emit BatchDisbursed(
            context.terms.programmeId, context.period, batchId, paid, total, root, bytes32(0), msg.sender
        );
        _payments.authorizeBatch(root, paid, total, context.sourceRef);
    }

    /// @dev Checks each failed line once (proof, the ledger's failure report, not yet repaid) and
    /// re-commits it as line i of the new batch.
    function _repayLines(
        bytes32 batchId,
        Batch memory original,
        bytes32 newBatchId,
        Line[] calldata lines,
        bytes32[][] calldata proofs,
        bytes32[] memory leaves
    ) private returns (uint256 total) {
        BitMaps.BitMap storage repaid = _repaid[batchId];
        for (uint256 i; i < lines.length; ++i) {
            Line calldata line = lines[i];
            bytes32 leaf = WelfareMath.lineLeaf(line.index, line.beneficiaryKey, line.amount);
            if (line.index >= original.lineCount || !MerkleProof.verifyCalldata(proofs[i], original.linesRoot, leaf))
            {
                revert WelfareLineNotInBatch(batchId, line.index);
            }
            // A view of the trusted ledger: the treasury's report that this line was not paid.
            if (!_payments.isLineFailed(batchId, line.index)) revert WelfareLineNotFailed(batchId, line.index);
            if (repaid.get(line.index)) revert WelfareLineAlreadyRepaid(batchId, line.index);
            repaid.set(line.index);
            leaves[i] = WelfareMath.lineLeaf(i, line.beneficiaryKey, line.amount);
            total += line.amount;
            emit BenefitAuthorized(line.beneficiaryKey, newBatchId, i, line.amount);
        }
    }

    function _recordRepayment(bytes32 batchId, bytes32 newBatchId, Batch memory repayment, bytes32 sourceRef)
        private
    {
        _batches[newBatchId] = repayment;
        emit BatchDisbursed(
            repayment.programmeId,
            repayment.period,
            newBatchId,
            repayment.lineCount,
            repayment.total,
            repayment.linesRoot,
            batchId,
            msg.sender
        );
        _payments.authorizeBatch(repayment.linesRoot, repayment.lineCount, repayment.total, sourceRef);
    }

    /// @dev The disbursement loop: one cold read and one write of the beneficiary's slot per paid line.
    function _payLines(PayContext memory context, bytes32[] calldata keys, bytes32[] memory leaves)
        private
        returns (uint256 paid, uint256 total)
    {
        mapping(bytes32 beneficiaryKey => Beneficiary) storage beneficiaries = _beneficiaries[context.terms.programmeId];
        for (uint256 i; i < keys.length; ++i) {
            bytes32 key = keys[i];
            (bool pays, uint256 amount) = _payLine(context, key, beneficiaries[key]);
            if (!pays) continue;
            context.remaining -= amount;
            total += amount;
            _authorizeLine(leaves, paid, key, amount, context.batchId);
            ++paid;
        }
    }

    /// @dev Decides a line from the beneficiary's packed slot (read once: struct field reads would
    /// load it once per field) and, when it pays, marks the family paid for the period. The common
    /// line is decided by {_commonLine}; any other goes through {_excludedElsewhere} and
    /// {_lineBenefit}, which apply every rule (a refused line's BenefitSkipped is emitted here).
    function _payLine(PayContext memory context, bytes32 key, Beneficiary storage stored)
        private
        returns (bool pays, uint256 amount)
    {
        uint256 word;
        assembly ("memory-safe") {
            word := sload(stored.slot)
        }
        uint256 updated;
        (amount, updated) = _commonLine(context, word);
        if (amount == 0) {
            Reason reason;
            (amount, reason, updated) = _excludedElsewhere(context, key, word)
                ? (0, Reason.PaidByOtherProgramme, 0)
                : _lineBenefit(context, word);
            if (reason != Reason.None) {
                emit BenefitSkipped(context.terms.programmeId, key, context.period, reason);
                return (false, 0);
            }
            if (context.exclusive) _linePaid[context.line][key] = context.linePeriod + 1;
        }
        // One write: paidThrough, and the refreshed benefit cache when the rules version changed.
        assembly ("memory-safe") {
            sstore(stored.slot, updated)
        }
        pays = true;
    }

    /// @dev The common line, decided from the beneficiary's packed slot `word` alone: an active
    /// family not yet paid this period, its benefit cached under this rules version and within what is
    /// left of the budget, on a line that is not exclusive. Returns the benefit and the slot to store,
    /// or zeros for any other line (which {_excludedElsewhere} and {_lineBenefit} then decide; so is a
    /// zero benefit, the same way).
    function _commonLine(PayContext memory context, uint256 word)
        private
        pure
        returns (uint256 amount, uint256 updated)
    {
        if (context.exclusive || context.exhausted) return (0, 0);
        uint32 period = context.period;
        if (
            uint8(word) != uint8(BeneficiaryStatus.Active) || uint32(word >> _PAID_THROUGH_SHIFT) > period
                || uint16(word >> _BENEFIT_VERSION_SHIFT) != context.terms.version
        ) return (0, 0);
        amount = uint64(word >> _BENEFIT_SHIFT);
        if (amount > context.remaining) return (0, 0);
        updated = (word & ~(uint256(type(uint32).max) << _PAID_THROUGH_SHIFT))
            | (uint256(period + 1) << _PAID_THROUGH_SHIFT);
    }

    /// @dev Line `index` of the batch: its leaf in `leaves` (index < leaves.length: one per key) and
    /// its BenefitAuthorized event, encoded past the free memory pointer without allocating.
    function _authorizeLine(bytes32[] memory leaves, uint256 index, bytes32 key, uint256 amount, bytes32 batchId)
        private
    {
        bytes32 leaf = WelfareMath.lineLeaf(index, key, amount);
        bytes32 topic = BenefitAuthorized.selector;
        assembly ("memory-safe") {
            mstore(add(add(leaves, 0x20), shl(5, index)), leaf)
            let ptr := mload(0x40)
            mstore(ptr, batchId)
            mstore(add(ptr, 0x20), index)
            mstore(add(ptr, 0x40), amount)
            log2(ptr, 0x60, topic, key)
        }
    }

    /// @dev A line's benefit, or why it gets none, from the beneficiary's packed slot `word`; and the
    /// slot to store when paid. The first line over the budget closes the period.
    function _lineBenefit(PayContext memory context, uint256 word)
        private
        view
        returns (uint256 amount, Reason reason, uint256 updated)
    {
        BeneficiaryStatus status = BeneficiaryStatus(uint8(word));
        if (!_payable(status, uint32(word >> _SUSPENDED_FROM_SHIFT), context.period)) {
            return (0, _statusReason(status), 0);
        }
        if (uint32(word >> _PAID_THROUGH_SHIFT) > context.period) return (0, Reason.AlreadyPaid, 0);
        uint16 version = context.terms.version;
        if (uint16(word >> _BENEFIT_VERSION_SHIFT) == version) {
            amount = uint64(word >> _BENEFIT_SHIFT);
        } else {
            (amount, reason) = _evaluate(
                context.terms, uint8(word >> _DECILE_SHIFT), uint32(word >> _REGION_SHIFT), uint64(word >> _COMPONENTS_SHIFT)
            );
            if (reason != Reason.None) return (0, reason, 0);
            word = (word & ~(uint256(type(uint80).max) << _BENEFIT_VERSION_SHIFT))
                | (uint256(version) << _BENEFIT_VERSION_SHIFT) | (uint256(SafeCast.toUint64(amount)) << _BENEFIT_SHIFT);
        }
        if (context.exhausted || amount > context.remaining) {
            context.exhausted = true;
            return (0, Reason.BudgetExhausted, 0);
        }
        updated = (word & ~(uint256(type(uint32).max) << _PAID_THROUGH_SHIFT))
            | (uint256(context.period + 1) << _PAID_THROUGH_SHIFT);
    }

    /// @dev Whether another programme of an exclusive line paid the family in this line period already
    /// (when this programme paid it, the line is skipped as AlreadyPaid).
    function _excludedElsewhere(PayContext memory context, bytes32 key, uint256 word) private view returns (bool) {
        return context.exclusive && _linePaid[context.line][key] > context.linePeriod
            && uint32(word >> _PAID_THROUGH_SHIFT) <= context.period;
    }

    /// @dev Active, or suspended from a later period than `period` (a lone suspension's notice).
    function _payable(BeneficiaryStatus status, uint32 suspendedFrom, uint32 period) private pure returns (bool) {
        return status == BeneficiaryStatus.Active || (status == BeneficiaryStatus.Suspended && period < suspendedFrom);
    }

    /// @dev The programme's line and its line period of `period` when the line is exclusive, else zeros.
    function _exclusiveLineOf(uint32 programmeId, uint32 period) private view returns (uint32, uint32) {
        Programme storage programme = _programmes[programmeId];
        BudgetLine storage line = _lines[programme.budgetLine];
        if (!line.exclusive) return (0, 0);
        return (programme.budgetLine, _linePeriod(line, programme, period));
    }

    function _requireFailed(bytes32 batchId) private view {
        IPayments.PaymentStatus status = _payments.statusOf(batchId);
        if (status != IPayments.PaymentStatus.Failed) revert WelfareBatchNotFailed(batchId, uint8(status));
    }

    function _allocate(uint32 programmeId, uint32 lineId, Rules calldata rules, uint96 allocation) private {
        WelfareBudget.allocate(
            _lines[lineId], _allocations, programmeId, lineId, rules.componentAmounts, rules.componentCap, allocation
        );
    }

    function _budgetLine(uint32 lineId) private view returns (BudgetLine storage line) {
        line = _lines[lineId];
        if (line.periodLength == 0) revert WelfareUnknownBudgetLine(lineId);
    }

    /// @dev The exclusive line's period number of the programme's `period` (its programmes start on
    /// a line period, checked by defineProgramme).
    function _linePeriod(BudgetLine storage line, Programme storage programme, uint32 period)
        private
        view
        returns (uint32)
    {
        return uint32((programme.firstPeriodStart - line.epoch) / line.periodLength) + period;
    }

    /// @dev The first period that starts at least the suspension notice from now.
    function _firstPeriodAfterNotice(Programme storage programme) private view returns (uint32) {
        uint256 earliest = block.timestamp + _suspensionNotice;
        uint256 start = programme.firstPeriodStart;
        if (earliest <= start) return 0;
        uint256 length = programme.periodLength;
        return SafeCast.toUint32((earliest - start + length - 1) / length);
    }

    function _checkScope(uint32 programmeId, uint32 region) private view {
        if (!_scopes[programmeId][msg.sender][region]) revert WelfareEnrollerOutOfScope(programmeId, msg.sender, region);
    }

    function _terms(uint32 programmeId, uint16 version) private view returns (Terms memory terms) {
        terms.programmeId = programmeId;
        terms.version = version;
        terms.rules = _rules[programmeId][version];
        terms.order = WelfareMath.orderByAmount(terms.rules.componentAmounts);
        terms.paidMask = WelfareMath.paidComponentsMask(terms.rules.componentAmounts);
    }

    /// @dev Eligibility under `terms` and, when eligible, the capped benefit.
    function _evaluate(Terms memory terms, uint8 decile, uint32 region, uint64 components)
        private
        view
        returns (uint256 amount, Reason reason)
    {
        Rules memory rules = terms.rules;
        if (decile > 10 || (rules.decileMask >> decile) & 1 == 0) return (0, Reason.DecileNotEligible);
        if (!rules.allRegions && !_regions[terms.programmeId][terms.version][region]) {
            return (0, Reason.RegionNotCovered);
        }
        if (components & terms.paidMask == 0) return (0, Reason.NoComponent);
        amount = WelfareMath.benefit(rules.componentAmounts, terms.order, components, rules.componentCap);
    }

    function _existing(uint32 programmeId) private view returns (Programme storage programme) {
        programme = _programmes[programmeId];
        if (programme.currentVersion == 0) revert WelfareUnknownProgramme(programmeId);
    }

    function _enrolled(uint32 programmeId, bytes32 beneficiaryKey)
        private
        view
        returns (Beneficiary storage beneficiary)
    {
        beneficiary = _beneficiaries[programmeId][beneficiaryKey];
        if (beneficiary.status == BeneficiaryStatus.None) revert WelfareNotEnrolled(programmeId, beneficiaryKey);
    }

    function _inStatus(uint32 programmeId, bytes32 beneficiaryKey, BeneficiaryStatus expected)
        private
        view
        returns (Beneficiary storage beneficiary)
    {
        beneficiary = _enrolled(programmeId, beneficiaryKey);
        if (beneficiary.status != expected) revert WelfareWrongStatus(programmeId, beneficiaryKey, beneficiary.status);
    }

    function _periodNow(uint32 programmeId, Programme storage programme) private view returns (uint32) {
        uint64 start = programme.firstPeriodStart;
        if (block.timestamp < start) revert WelfareProgrammeNotStarted(programmeId, start);
        return uint32((block.timestamp - start) / programme.periodLength);
    }

    function _periodOrZero(Programme storage programme) private view returns (uint32) {
        if (block.timestamp < programme.firstPeriodStart) return 0;
        return uint32((block.timestamp - programme.firstPeriodStart) / programme.periodLength);
    }

    function _versionAt(Programme storage programme, uint32 period) private view returns (uint16) {
        uint16 pending = programme.pendingVersion;
        return pending != 0 && period >= programme.pendingFrom ? pending : programme.currentVersion;
    }

    function _checkRules(Rules calldata rules) private pure {
        if (rules.decileMask == 0 || rules.decileMask & ~_DECILE_BITS != 0) revert WelfareInvalidDeciles(rules.decileMask);
        if (rules.componentCap == 0) revert WelfareInvalidComponentCap(rules.componentCap);
        if (rules.budgetPerPeriod == 0) revert WelfareZeroBudget();
        for (uint256 i; i < WelfareMath.COMPONENTS; ++i) {
            if (rules.componentAmounts[i] != 0) return;
        }
        revert WelfareNoComponentAmounts();
    }

    /// @dev The ledger reference of the programme's next batch (numbered across periods).
    function _nextSourceRef(uint32 programmeId, uint32 period) private returns (bytes32) {
        Programme storage programme = _programmes[programmeId];
        uint32 batchNumber = programme.batchCount;
        programme.batchCount = batchNumber + 1;
        return keccak256(abi.encode(programmeId, period, batchNumber));
    }

    /// @dev Payments' instruction id of this source's `sourceRef` (IPayments.instructionId), without a call.
    function _instructionId(bytes32 sourceRef) private view returns (bytes32) {
        return keccak256(abi.encode(address(this), sourceRef));
    }

    function _statusReason(BeneficiaryStatus status) private pure returns (Reason) {
        if (status == BeneficiaryStatus.Suspended) return Reason.Suspended;
        if (status == BeneficiaryStatus.Exited) return Reason.Exited;
        return Reason.NotEnrolled;
    }
}
