// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title Welfare grievances (pengaduan), anchored
/// @notice A family's complaint is kept off chain by the gateway (its text may name people); the
/// chain holds the ticket's hash, its deadline and its resolution's hash, each act signed by the
/// official who did it. A caseworker (ENROLLER) registers a ticket; a welfare administrator other
/// than the one who registered it resolves it, so no official both opens and closes a complaint.
/// A grievance that is an appeal against a welfare decision carries the same hash as the appeal's
/// grounds (IWelfarePrograms.AppealFiled.groundsHash), which links the two on chain.
interface IGrievances {
    struct Ticket {
        uint32 programmeId; // 0: about no one programme
        uint64 receivedAt; // when the family or caseworker filed it (UTC seconds)
        uint64 dueAt; // when it must be resolved by
        uint64 resolvedAt; // 0 while open
        address registeredBy;
        bytes32 resolutionHash;
    }

    /// @notice Ticket `ticketHash` was registered by `official`; it must be resolved by `dueAt`.
    event GrievanceRegistered(
        bytes32 indexed ticketHash, uint32 indexed programmeId, uint64 receivedAt, uint64 dueAt, address official
    );
    /// @notice `official` resolved the ticket; `late` when that happened after its deadline.
    event GrievanceResolved(bytes32 indexed ticketHash, bytes32 resolutionHash, bool late, address official);

    /// @notice A ticket's or resolution's hash is zero; its receipt is in the future; or its deadline
    /// is not after its receipt or more than 90 days after it.
    error GrievanceInvalid();
    error GrievanceAlreadyRegistered(bytes32 ticketHash);
    error GrievanceUnknown(bytes32 ticketHash);
    error GrievanceAlreadyResolved(bytes32 ticketHash);
    /// @notice The official who registered a ticket may not resolve it.
    error GrievanceOwnTicket(bytes32 ticketHash);

    /// @notice Registers a ticket received at `receivedAt` (not in the future) and due by `dueAt`.
    function registerGrievance(bytes32 ticketHash, uint32 programmeId, uint64 receivedAt, uint64 dueAt)
        external;

    /// @notice Resolves an open ticket with the hash of its resolution (kept off chain).
    function resolveGrievance(bytes32 ticketHash, bytes32 resolutionHash) external;

    /// @notice The ticket (receivedAt 0 when none was registered under this hash).
    function getGrievance(bytes32 ticketHash) external view returns (Ticket memory);
}
