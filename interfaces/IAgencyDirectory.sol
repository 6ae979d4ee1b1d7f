// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title Agency directory
/// @notice Which government agency (K/L/PD: ministry, institution or local government unit) each
/// officer account acts for. The hub's AGENCY_OFFICER role says what an officer may do; this
/// directory says for which agency, so that one agency's officer cannot act on another's tenders.
interface IAgencyDirectory {
    /// @notice An agency was added. `agencyId` is its numeric K/L/PD code; `name` is public.
    event AgencyRegistered(uint32 indexed agencyId, string name);
    /// @notice `officer` now acts for `agencyId` (replacing any earlier assignment).
    event OfficerAssigned(address indexed officer, uint32 indexed agencyId);
    /// @notice `officer` no longer acts for `agencyId`.
    event OfficerRemoved(address indexed officer, uint32 indexed agencyId);

    /// @notice The agency id 0 is reserved for "none".
    error AgencyInvalidId();
    /// @notice An agency needs a name.
    error AgencyInvalidName();
    /// @notice An agency with this id already exists.
    error AgencyAlreadyRegistered(uint32 agencyId);
    /// @notice No agency with this id exists.
    error AgencyUnknown(uint32 agencyId);
    /// @notice The zero address cannot be an officer.
    error AgencyInvalidOfficer(address officer);
    /// @notice `officer` is not assigned to any agency.
    error AgencyOfficerUnassigned(address officer);
    /// @notice `officer` acts for `actual`, not for `expected`.
    error AgencyOfficerMismatch(address officer, uint32 expected, uint32 actual);

    /// @notice Adds an agency (committee, through the hub's delay).
    function registerAgency(uint32 agencyId, string calldata name) external;

    /// @notice Assigns `officer` to `agencyId` (committee, through the hub's delay).
    function assignOfficer(address officer, uint32 agencyId) external;

    /// @notice Removes `officer` from its agency (committee, through the hub's delay).
    function removeOfficer(address officer) external;

    /// @notice The agency `officer` acts for; reverts with AgencyOfficerUnassigned when none.
    function agencyOf(address officer) external view returns (uint32 agencyId);

    /// @notice Reverts unless `officer` acts for `agencyId`.
    function requireOfficerOf(address officer, uint32 agencyId) external view;

    /// @notice Whether an agency with this id exists.
    function isAgency(uint32 agencyId) external view returns (bool);

    /// @notice The agency's public name ("" when unknown).
    function agencyName(uint32 agencyId) external view returns (string memory);
}
