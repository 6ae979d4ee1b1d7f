// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IPayments} from "../../interfaces/IPayments.sol";

/// @title Per-beneficiary instructions, for measurement only
/// @notice The alternative to batch instructions that docs/decisions/0005 rejects: one Payments
/// instruction per beneficiary. scripts/gas_welfare.py registers it as a source and measures the
/// ledger's cost per line; the eligibility and bookkeeping of WelfarePrograms would come on top.
contract WelfarePerLineSource {
    IPayments private immutable _payments;

    constructor(IPayments payments) {
        _payments = payments;
    }

    /// @notice One Welfare instruction per key, source references `firstRef`, `firstRef + 1`, ...
    function authorizeEach(bytes32[] calldata payeeKeys, uint256[] calldata amounts, uint256 firstRef) external {
        for (uint256 i; i < payeeKeys.length; ++i) {
            _payments.authorize(IPayments.Purpose.Welfare, payeeKeys[i], amounts[i], bytes32(firstRef + i));
        }
    }
}
