// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IPayments} from "../../interfaces/IPayments.sol";

/// @title Test-only payment source
/// @notice Authorises and re-authorises many instructions per transaction, so fault tests and the
/// payment-bridge benchmark can create thousands cheaply. Never deployed by scripts/deploy.py; a test
/// registers it as a Payments source through the committee. Anyone may call it.
contract PaymentsTestSource {
    IPayments private immutable _payments;

    constructor(IPayments payments) {
        _payments = payments;
    }

    /// @notice Authorises `payeeKeys.length` Milestone payments with source references
    /// `firstRef`, `firstRef + 1`, ...
    function authorizeMany(bytes32[] calldata payeeKeys, uint256[] calldata amounts, uint256 firstRef) external {
        for (uint256 i = 0; i < payeeKeys.length; ++i) {
            _payments.authorize(IPayments.Purpose.Milestone, payeeKeys[i], amounts[i], bytes32(firstRef + i));
        }
    }

    /// @notice Re-authorises failed instructions (a retry each).
    function reauthorizeMany(bytes32[] calldata ids) external {
        for (uint256 i = 0; i < ids.length; ++i) {
            _payments.reauthorize(ids[i]);
        }
    }

    /// @notice Cancels failed instructions.
    function cancelMany(bytes32[] calldata ids, bytes32 reasonCode) external {
        for (uint256 i = 0; i < ids.length; ++i) {
            _payments.cancel(ids[i], reasonCode);
        }
    }
}
