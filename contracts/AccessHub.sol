// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AccessManager} from "@openzeppelin/contracts/access/manager/AccessManager.sol";

/// @title The permission hub
/// @notice The one place where roles are granted and where each restricted function of every
/// contract is mapped to the role that may call it (OpenZeppelin AccessManager). Members of a role
/// granted with an execution delay must schedule their calls; a role's guardian may cancel them.
/// The role ids and the function map are declared in `app/protocol/roles.py` and applied at deployment.
contract AccessHub is AccessManager {
    constructor(address initialAdmin) AccessManager(initialAdmin) {}
}
