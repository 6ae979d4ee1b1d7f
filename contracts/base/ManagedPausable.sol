// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";

/// @notice A contract governed by the permission hub that the guardian can pause and the
/// committee can unpause. Which role calls which function is set in the hub, not here.
abstract contract ManagedPausable is AccessManaged, Pausable {
    constructor(address hub) AccessManaged(hub) {}

    /// @notice Stops state changes that a pause should stop (guardian).
    function pause() external restricted {
        _pause();
    }

    /// @notice Resumes after a pause (committee, through the hub's delay).
    function unpause() external restricted {
        _unpause();
    }
}
