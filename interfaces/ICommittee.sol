// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title The multi-agency committee
/// @notice The only holder of the hub's COMMITTEE role (with COMMITTEE's execution delay) and of its
/// ADMIN role (with ADMIN's delay). No single official, and no single agency, can act for it:
/// - an official of a member agency (LKPP, Kemenkeu, BPK, KPK in production) proposes a batch of
///   calls; the proposer's agency counts as approving;
/// - officials of other member agencies approve; each AGENCY counts once, however many of its
///   officials approve;
/// - once `threshold` distinct agencies approve (counted again when scheduling, so the approval of
///   an official or agency removed meanwhile no longer counts), any member official schedules the
///   calls in the hub, which starts the hub's delay;
/// - during the delay an official of a guardian agency (BPK, KPK) may veto: the Committee cancels
///   the hub's operations and the proposal is dead;
/// - after the delay any member official executes every call, in order, in one transaction.
/// A guardian agency may veto the same act (the same calls) at most once, and the unpause of a
/// contract at most once per pause, so a single guardian can delay an act but never block it for ever.
/// Membership and the threshold change only by committee acts on this contract (through the hub's
/// delay, so the guardians see them too). Events name the acting official.
interface ICommittee {
    /// @notice One call of a proposal: `data` (selector and arguments) sent to `target` through the hub.
    struct Call {
        address target;
        bytes data;
    }

    /// @notice Where a proposal stands.
    enum ProposalStatus {
        None,
        Proposed,
        Scheduled,
        Executed,
        Vetoed
    }

    /// @notice A proposal's public record (its calls are read with `proposalCalls`).
    struct Proposal {
        address proposer;
        uint32 proposerAgency;
        ProposalStatus status;
        uint48 proposedAt;
        uint48 readyAt; // when every scheduled call may execute (0 until scheduled)
        bytes32 descriptionHash; // hash of the public description (the text itself lives off chain)
        bytes32 actKey; // what a guardian's veto is counted against (the calls; for an unpause, also the pause)
    }

    /// @notice `agencyId` became a member agency; `guardian` when its officials may veto.
    event MemberAgencyAdded(uint32 indexed agencyId, bool guardian);
    /// @notice `agencyId` is no longer a member agency; its officials' seats lapse with it.
    event MemberAgencyRemoved(uint32 indexed agencyId);
    /// @notice `official` now sits on the committee for `agencyId`.
    event OfficialSeated(address indexed official, uint32 indexed agencyId);
    /// @notice `official` no longer sits on the committee for `agencyId`.
    event OfficialUnseated(address indexed official, uint32 indexed agencyId);
    /// @notice The number of distinct member agencies a proposal needs is now `threshold`.
    event ThresholdChanged(uint8 threshold);
    /// @notice `proposer` (for `agencyId`) proposed `calls` as proposal `proposalId`.
    event Proposed(
        uint256 indexed proposalId,
        address indexed proposer,
        uint32 indexed agencyId,
        Call[] calls,
        bytes32 descriptionHash,
        bytes32 actKey
    );
    /// @notice `official` approved proposal `proposalId` for `agencyId` (the proposer's approval included).
    event Approved(uint256 indexed proposalId, address indexed official, uint32 indexed agencyId);
    /// @notice `official` scheduled proposal `proposalId` in the hub with `approvals` agencies in favour;
    /// its calls may execute from `readyAt`.
    event Scheduled(uint256 indexed proposalId, address indexed official, uint8 approvals, uint48 readyAt);
    /// @notice `official` executed proposal `proposalId`.
    event Executed(uint256 indexed proposalId, address indexed official);
    /// @notice `official` of guardian agency `agencyId` vetoed proposal `proposalId`; `reasonHash`
    /// hashes the published reason.
    event Vetoed(uint256 indexed proposalId, address indexed official, uint32 indexed agencyId, bytes32 reasonHash);

    /// @notice The caller does not sit on the committee for a member agency.
    error CommitteeNotMember(address account);
    /// @notice The caller does not sit for a guardian agency.
    error CommitteeNotGuardian(address account);
    /// @notice A proposal needs at least one call, each to a contract.
    error CommitteeInvalidCalls();
    /// @notice No proposal with this id.
    error CommitteeUnknownProposal(uint256 proposalId);
    /// @notice The proposal is not in the status this step needs.
    error CommitteeWrongStatus(uint256 proposalId, ProposalStatus status);
    /// @notice The agency already approved this proposal through an official still seated.
    error CommitteeAlreadyApproved(uint256 proposalId, uint32 agencyId);
    /// @notice Fewer distinct member agencies approve than the threshold.
    error CommitteeNotEnoughApprovals(uint256 proposalId, uint8 approvals, uint8 threshold);
    /// @notice The hub's delay has not passed.
    error CommitteeNotReady(uint256 proposalId, uint48 readyAt);
    /// @notice This guardian agency already vetoed this act (for an unpause: during this pause).
    error CommitteeVetoSpent(bytes32 actKey, uint32 agencyId);
    /// @notice The agency id is 0, already a member, or not a member.
    error CommitteeInvalidAgency(uint32 agencyId);
    /// @notice The official is the zero address, already seated, or not seated.
    error CommitteeInvalidOfficial(address official);
    /// @notice The threshold must be between 1 and the number of member agencies.
    error CommitteeInvalidThreshold(uint8 threshold, uint256 memberAgencies);

    /// @notice Proposes `calls` (executed through the hub, in order, atomically) and counts the
    /// proposer's agency as approving. Member officials only.
    function propose(Call[] calldata calls, bytes32 descriptionHash) external returns (uint256 proposalId);

    /// @notice Approves a proposal for the caller's agency. Member officials only; an agency counts
    /// once (a second official of an agency whose approval still counts is refused).
    function approve(uint256 proposalId) external;

    /// @notice Schedules every call in the hub once `threshold` distinct agencies approve, counting
    /// only approvals whose official still sits for a still-member agency. Member officials only.
    function schedule(uint256 proposalId) external;

    /// @notice Executes every call through the hub after the delay. Member officials only.
    function execute(uint256 proposalId) external;

    /// @notice Vetoes a proposal not yet executed and cancels its scheduled hub operations.
    /// Officials of guardian agencies only; once per guardian agency per act (see `actKey`).
    function veto(uint256 proposalId, bytes32 reasonHash) external;

    /// @notice Adds a member agency (committee act).
    function addMemberAgency(uint32 agencyId, bool guardian) external;

    /// @notice Removes a member agency and lapses its seats (committee act). The threshold must
    /// still be reachable.
    function removeMemberAgency(uint32 agencyId) external;

    /// @notice Seats `official` for member agency `agencyId` (committee act).
    function seatOfficial(address official, uint32 agencyId) external;

    /// @notice Unseats `official` (committee act); its approvals of unscheduled proposals no longer count.
    function unseatOfficial(address official) external;

    /// @notice Sets how many distinct member agencies a proposal needs (committee act).
    function setThreshold(uint8 newThreshold) external;

    /// @notice A proposal's record.
    function getProposal(uint256 proposalId) external view returns (Proposal memory);

    /// @notice A proposal's calls.
    function proposalCalls(uint256 proposalId) external view returns (Call[] memory);

    /// @notice The number of proposals so far (ids run from 1).
    function proposalCount() external view returns (uint256);

    /// @notice Agencies whose approval of `proposalId` counts now.
    function approvalCount(uint256 proposalId) external view returns (uint8);

    /// @notice The official whose approval `agencyId` gave (zero when none).
    function approverOf(uint256 proposalId, uint32 agencyId) external view returns (address);

    /// @notice The member agency `official` sits for (0 when none).
    function agencyOf(address official) external view returns (uint32);

    /// @notice Whether `agencyId` is a member agency, and whether a guardian one.
    function memberAgency(uint32 agencyId) external view returns (bool member, bool guardian);

    /// @notice The member agencies, in order of admission.
    function memberAgencies() external view returns (uint32[] memory);

    /// @notice How many distinct member agencies a proposal needs.
    function threshold() external view returns (uint8);

    /// @notice Whether guardian agency `agencyId` already vetoed the act `actKey`.
    function vetoSpent(bytes32 actKey, uint32 agencyId) external view returns (bool);

    /// @notice The act key of `calls` now: their hash, plus, for each `unpause()` call to a paused
    /// contract, which pause it ends.
    function actKeyOf(Call[] calldata calls) external view returns (bytes32);
}
