// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IMilestoneEscrow} from "../../interfaces/IMilestoneEscrow.sol";
import {IPolicyRegistry} from "../../interfaces/IPolicyRegistry.sol";
import {PaymentMath} from "../libraries/PaymentMath.sol";

/// @title The policy rules of MilestoneEscrow
/// @notice A linked library (deployed once, called by MilestoneEscrow) holding the checks that read
/// the policy registry: decoding a policy version is large code, and the escrow sits close to the
/// 24,576-byte limit on deployed code. The registry is passed as an address so the library's ABI
/// holds only standard types.
library EscrowPolicy {
    /// @notice Checks the terms against the policy in force, whose version it returns. Retention at most
    /// the policy's; the penalty rate and cap exactly the policy's (a PPK cannot waive denda); the
    /// advance at most the policy's cap for the case (multi-year, else usaha kecil by the supplier's
    /// UMKM flag, else others) and leaving room for retention and the penalty cap.
    function checkTerms(address registry, IMilestoneEscrow.EscrowTerms calldata terms, uint256 value, bool umkm)
        external
        view
        returns (uint32 version)
    {
        IPolicyRegistry policies = IPolicyRegistry(registry);
        version = policies.currentVersion();
        IPolicyRegistry.Policy memory policy = policies.policyOf(version);
        if (terms.retentionBps > policy.retentionBps) {
            revert IMilestoneEscrow.EscrowOutsidePolicy(version, "retentionBps", terms.retentionBps, policy.retentionBps);
        }
        if (terms.penaltyPpmPerDay != policy.penaltyPpmPerDay) {
            revert IMilestoneEscrow.EscrowOutsidePolicy(version, "penaltyPpmPerDay", terms.penaltyPpmPerDay, policy.penaltyPpmPerDay);
        }
        if (terms.penaltyCapBps != policy.penaltyCapBps) {
            revert IMilestoneEscrow.EscrowOutsidePolicy(version, "penaltyCapBps", terms.penaltyCapBps, policy.penaltyCapBps);
        }
        if (uint256(terms.retentionBps) + terms.penaltyCapBps > PaymentMath.BPS) {
            revert IMilestoneEscrow.EscrowInvalidRates(terms.retentionBps, terms.penaltyCapBps);
        }
        uint256 maxAdvance = value * (PaymentMath.BPS - terms.retentionBps - terms.penaltyCapBps) / PaymentMath.BPS;
        uint256 capBps = terms.multiYear
            ? policy.advanceMultiYearBps
            : umkm ? policy.advanceSmallBusinessBps : policy.advanceOtherBps;
        uint256 policyMax = value * capBps / PaymentMath.BPS;
        if (policyMax < maxAdvance) maxAdvance = policyMax;
        if (terms.advanceAmount > maxAdvance) revert IMilestoneEscrow.EscrowAdvanceTooLarge(terms.advanceAmount, maxAdvance);
        if (terms.advanceAmount != 0 && terms.advanceGuaranteeRef == bytes32(0)) revert IMilestoneEscrow.EscrowGuaranteeMissing();
        uint256 threshold = policy.performanceBondThreshold;
        if (value > threshold && terms.performanceBondRef == bytes32(0)) {
            revert IMilestoneEscrow.EscrowPerformanceBondMissing(value, threshold);
        }
    }


    /// @notice The highest value addenda may bring a contract to: its ORIGINAL value plus the
    /// amendment cap of the policy version it is bound to (Perpres 16/2018 Ps 54: at most 10%).
    function amendmentCeiling(address registry, uint32 version, uint256 original)
        external
        view
        returns (uint256)
    {
        return original + original * IPolicyRegistry(registry).policyOf(version).amendmentCapBps / PaymentMath.BPS;
    }
}
