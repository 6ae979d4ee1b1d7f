// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IAgencyDirectory} from "../interfaces/IAgencyDirectory.sol";
import {ManagedPausable} from "./base/ManagedPausable.sol";

/// @title Agency directory
/// @notice See {IAgencyDirectory}.
contract AgencyDirectory is IAgencyDirectory, ManagedPausable {
    mapping(uint32 agencyId => string name) private _agencyNames;
    mapping(address officer => uint32 agencyId) private _officerAgency;

    constructor(address hub) ManagedPausable(hub) {}

    /// @inheritdoc IAgencyDirectory
    function registerAgency(uint32 agencyId, string calldata name) external restricted whenNotPaused {
        if (agencyId == 0) revert AgencyInvalidId();
        if (bytes(name).length == 0) revert AgencyInvalidName();
        if (bytes(_agencyNames[agencyId]).length != 0) revert AgencyAlreadyRegistered(agencyId);
        _agencyNames[agencyId] = name;
        emit AgencyRegistered(agencyId, name);
    }

    /// @inheritdoc IAgencyDirectory
    function assignOfficer(address officer, uint32 agencyId) external restricted whenNotPaused {
        if (officer == address(0)) revert AgencyInvalidOfficer(officer);
        if (!isAgency(agencyId)) revert AgencyUnknown(agencyId);
        uint32 previous = _officerAgency[officer];
        _officerAgency[officer] = agencyId;
        if (previous != 0) emit OfficerRemoved(officer, previous);
        emit OfficerAssigned(officer, agencyId);
    }

    /// @inheritdoc IAgencyDirectory
    function removeOfficer(address officer) external restricted whenNotPaused {
        uint32 agencyId = _officerAgency[officer];
        if (agencyId == 0) revert AgencyOfficerUnassigned(officer);
        delete _officerAgency[officer];
        emit OfficerRemoved(officer, agencyId);
    }

    /// @inheritdoc IAgencyDirectory
    function agencyOf(address officer) public view returns (uint32 agencyId) {
        agencyId = _officerAgency[officer];
        if (agencyId == 0) revert AgencyOfficerUnassigned(officer);
    }

    /// @inheritdoc IAgencyDirectory
    function requireOfficerOf(address officer, uint32 agencyId) external view {
        uint32 actual = agencyOf(officer);
        if (actual != agencyId) revert AgencyOfficerMismatch(officer, agencyId, actual);
    }

    /// @inheritdoc IAgencyDirectory
    function isAgency(uint32 agencyId) public view returns (bool) {
        return bytes(_agencyNames[agencyId]).length != 0;
    }

    /// @inheritdoc IAgencyDirectory
    function agencyName(uint32 agencyId) external view returns (string memory) {
        return _agencyNames[agencyId];
    }
}
