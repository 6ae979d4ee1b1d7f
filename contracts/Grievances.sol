// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IGrievances} from "../interfaces/IGrievances.sol";
import {ManagedPausable} from "./base/ManagedPausable.sol";

/// @title Welfare grievances, anchored
/// @notice See {IGrievances}. Who may register and resolve is set in the hub (app/protocol/roles.py).
contract Grievances is IGrievances, ManagedPausable {
    /// @dev No registrant sets itself a far deadline (and so no "late" flag). A ticket registered
    /// long after its receipt is still anchored: refusing it would hide it; its deadline has
    /// simply passed, and its answer is marked late.
    uint64 private constant MAX_TERM = 90 days;

    mapping(bytes32 ticketHash => Ticket) private _tickets;

    /// @param hub the permission hub (AccessManager)
    constructor(address hub) ManagedPausable(hub) {}

    /// @inheritdoc IGrievances
    function registerGrievance(bytes32 ticketHash, uint32 programmeId, uint64 receivedAt, uint64 dueAt)
        external
        restricted
        whenNotPaused
    {
        if (
            ticketHash == bytes32(0) || receivedAt == 0 || receivedAt > block.timestamp || dueAt <= receivedAt
                || dueAt - receivedAt > MAX_TERM
        ) {
            revert GrievanceInvalid();
        }
        Ticket storage ticket = _tickets[ticketHash];
        if (ticket.receivedAt != 0) revert GrievanceAlreadyRegistered(ticketHash);
        ticket.programmeId = programmeId;
        ticket.receivedAt = receivedAt;
        ticket.dueAt = dueAt;
        ticket.registeredBy = msg.sender;
        emit GrievanceRegistered(ticketHash, programmeId, receivedAt, dueAt, msg.sender);
    }

    /// @inheritdoc IGrievances
    function resolveGrievance(bytes32 ticketHash, bytes32 resolutionHash) external restricted whenNotPaused {
        if (resolutionHash == bytes32(0)) revert GrievanceInvalid();
        Ticket storage ticket = _tickets[ticketHash];
        if (ticket.receivedAt == 0) revert GrievanceUnknown(ticketHash);
        if (ticket.resolvedAt != 0) revert GrievanceAlreadyResolved(ticketHash);
        if (ticket.registeredBy == msg.sender) revert GrievanceOwnTicket(ticketHash);
        ticket.resolvedAt = uint64(block.timestamp);
        ticket.resolutionHash = resolutionHash;
        emit GrievanceResolved(ticketHash, resolutionHash, block.timestamp > ticket.dueAt, msg.sender);
    }

    /// @inheritdoc IGrievances
    function getGrievance(bytes32 ticketHash) external view returns (Ticket memory) {
        return _tickets[ticketHash];
    }
}
