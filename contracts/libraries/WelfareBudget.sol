// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IPayments} from "../../interfaces/IPayments.sol";
import {IWelfarePrograms} from "../../interfaces/IWelfarePrograms.sol";
import {WelfareMath} from "./WelfareMath.sol";

/// @title Welfare budget lines
/// @notice A linked library acting on WelfarePrograms' storage (the contract stays under the size
/// limit); every function is reached through a WelfarePrograms function, which applies the hub's role
/// check. The committee's budget lines bound what the welfare admin may define
/// (docs/decisions/0023-welfare-money-by-committee.md).
library WelfareBudget {
    /// @notice A failed batch being cancelled: its ledger, id, lines and period (and line period when
    /// its programme's budget line is exclusive).
    struct Cancellation {
        IPayments payments;
        bytes32 batchId;
        bytes32 linesRoot;
        uint32 lineCount;
        uint32 period;
        bool exclusive;
        uint32 linePeriod;
    }

    /// @notice Stores budget line `lineId` (committee).
    function approveBudgetLine(
        mapping(uint32 lineId => IWelfarePrograms.BudgetLine) storage lines,
        uint32 lineId,
        uint96 ceilingPerPeriod,
        uint64 maxBenefit,
        uint32 periodLength,
        bool exclusive,
        uint64 epoch
    ) external {
        if (ceilingPerPeriod == 0 || maxBenefit == 0 || periodLength == 0) {
            revert IWelfarePrograms.WelfareInvalidBudgetLine();
        }
        lines[lineId] = IWelfarePrograms.BudgetLine(ceilingPerPeriod, maxBenefit, periodLength, exclusive, epoch, 0);
        emit IWelfarePrograms.BudgetLineApproved(
            lineId, ceilingPerPeriod, maxBenefit, periodLength, exclusive, epoch, msg.sender
        );
    }

    /// @notice Changes a line's ceilings (committee).
    function setBudgetCeiling(
        IWelfarePrograms.BudgetLine storage line,
        uint32 lineId,
        uint96 ceilingPerPeriod,
        uint64 maxBenefit
    ) external {
        if (ceilingPerPeriod == 0 || maxBenefit == 0) revert IWelfarePrograms.WelfareInvalidBudgetLine();
        line.ceilingPerPeriod = ceilingPerPeriod;
        line.maxBenefit = maxBenefit;
        emit IWelfarePrograms.BudgetCeilingChanged(lineId, ceilingPerPeriod, maxBenefit, msg.sender);
    }

    /// @notice Checks a new programme's schedule against its line: the line's period length, and on an
    /// exclusive line a first period that starts on a line period (so "the same period" means the
    /// same dates in every programme of the line).
    function checkSchedule(
        IWelfarePrograms.BudgetLine storage line,
        uint32 lineId,
        uint64 firstPeriodStart,
        uint32 periodLength
    ) external view {
        if (line.periodLength == 0) revert IWelfarePrograms.WelfareUnknownBudgetLine(lineId);
        uint64 epoch = line.epoch;
        if (
            periodLength != line.periodLength
                || (line.exclusive && (firstPeriodStart < epoch || (firstPeriodStart - epoch) % periodLength != 0))
        ) revert IWelfarePrograms.WelfarePeriodNotOnLine(lineId, firstPeriodStart, periodLength);
    }

    /// @notice Records the programme's allocation of its line (the highest budget of its rules
    /// versions that can still pay) within the line's ceiling, after checking the family ceiling:
    /// at most `componentCap` units of the highest component amount.
    function allocate(
        IWelfarePrograms.BudgetLine storage line,
        mapping(uint32 programmeId => uint96) storage allocations,
        uint32 programmeId,
        uint32 lineId,
        uint64[8] calldata componentAmounts,
        uint8 componentCap,
        uint96 allocation
    ) external {
        uint256 highest;
        for (uint256 i; i < componentAmounts.length; ++i) {
            if (componentAmounts[i] > highest) highest = componentAmounts[i];
        }
        uint256 maxBenefit = highest * componentCap;
        if (maxBenefit > line.maxBenefit) {
            revert IWelfarePrograms.WelfareBenefitAboveCeiling(lineId, maxBenefit, line.maxBenefit);
        }
        uint96 previous = allocations[programmeId];
        uint96 allocated = line.allocated;
        if (allocation > previous) {
            uint96 ceiling = line.ceilingPerPeriod;
            uint256 available = ceiling > allocated ? ceiling - allocated : 0;
            if (allocation - previous > available) {
                revert IWelfarePrograms.WelfareOverBudgetLine(lineId, allocation - previous, available);
            }
        }
        line.allocated = allocated - previous + allocation;
        allocations[programmeId] = allocation;
        emit IWelfarePrograms.ProgrammeBudgetAllocated(programmeId, lineId, allocation, msg.sender);
    }

    /// @notice Puts regions of a programme in or out of an enroller's scope (welfare admin).
    function setEnrollerScope(
        mapping(uint32 region => bool) storage scope,
        address enroller,
        uint32 programmeId,
        uint32[] calldata regions,
        bool inScope
    ) external {
        for (uint256 i; i < regions.length; ++i) {
            scope[regions[i]] = inScope;
            emit IWelfarePrograms.EnrollerScopeSet(programmeId, enroller, regions[i], inScope, msg.sender);
        }
    }

    /// @notice Checks that `keys` and `amounts` are all the lines of the batch (count and root), then
    /// marks each line the treasury did not report failed unpaid for the period, in the programme
    /// and, on an exclusive line, in the line, when it is still the family's last payment. Returns how
    /// many lines and how many rupiah go back to the period's budget.
    function unpayLines(
        mapping(bytes32 beneficiaryKey => IWelfarePrograms.Beneficiary) storage beneficiaries,
        mapping(bytes32 beneficiaryKey => uint32 paidThrough) storage linePaid,
        Cancellation memory batch,
        bytes32[] calldata keys,
        uint256[] calldata amounts
    ) external returns (uint256 lines, uint256 restored) {
        if (keys.length != batch.lineCount || amounts.length != keys.length) {
            revert IWelfarePrograms.WelfareBatchLinesMismatch(batch.batchId);
        }
        bytes32[] memory leaves = new bytes32[](keys.length);
        for (uint256 i; i < keys.length; ++i) {
            leaves[i] = WelfareMath.lineLeaf(i, keys[i], amounts[i]);
        }
        if (WelfareMath.merkleRoot(leaves, keys.length) != batch.linesRoot) {
            revert IWelfarePrograms.WelfareBatchLinesMismatch(batch.batchId);
        }
        for (uint256 i; i < keys.length; ++i) {
            if (batch.payments.isLineFailed(batch.batchId, i)) continue;
            bytes32 key = keys[i];
            IWelfarePrograms.Beneficiary storage beneficiary = beneficiaries[key];
            if (beneficiary.paidThrough == batch.period + 1) beneficiary.paidThrough = batch.period;
            if (batch.exclusive && linePaid[key] == batch.linePeriod + 1) linePaid[key] = batch.linePeriod;
            ++lines;
            restored += amounts[i];
            emit IWelfarePrograms.BenefitCancelled(key, batch.batchId, i, amounts[i]);
        }
    }
}
