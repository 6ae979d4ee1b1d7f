// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {IAccessManager} from "@openzeppelin/contracts/access/manager/IAccessManager.sol";
import {ICommittee} from "../interfaces/ICommittee.sol";

/// @title The multi-agency committee
/// @notice See {ICommittee} and docs/decisions/0018-multi-agency-committee.md.
/// @dev Not pausable on purpose: a pause would let a guardian stop the one body that can unpause.
contract Committee is ICommittee, AccessManaged {
    struct MemberAgency {
        bool member;
        bool guardian;
        uint16 officials;
    }

    bytes4 private constant UNPAUSE = bytes4(keccak256("unpause()"));

    uint8 private _threshold;
    uint32[] private _agencyIds;
    mapping(uint32 agencyId => MemberAgency) private _agencies;
    mapping(address official => uint32 agencyId) private _seats;

    uint256 private _proposalCount;
    mapping(uint256 proposalId => Proposal) private _proposals;
    mapping(uint256 proposalId => Call[]) private _calls;
    mapping(uint256 proposalId => uint32[]) private _approvingAgencies;
    mapping(uint256 proposalId => mapping(uint32 agencyId => address official)) private _approvers;
    mapping(bytes32 actKey => mapping(uint32 agencyId => bool)) private _vetoSpent;

    constructor(address hub) AccessManaged(hub) {}

    // --- Proposals ---------------------------------------------------------------------------------

    /// @inheritdoc ICommittee
    function propose(Call[] calldata calls, bytes32 descriptionHash) external returns (uint256 proposalId) {
        uint32 agencyId = _requireMember(msg.sender);
        uint256 count = calls.length;
        if (count == 0) revert CommitteeInvalidCalls();
        for (uint256 i; i < count; ++i) {
            if (calls[i].target.code.length == 0 || calls[i].data.length < 4) revert CommitteeInvalidCalls();
        }
        bytes32 actKey = actKeyOf(calls);
        proposalId = ++_proposalCount;
        _proposals[proposalId] = Proposal({
            proposer: msg.sender,
            proposerAgency: agencyId,
            status: ProposalStatus.Proposed,
            proposedAt: uint48(block.timestamp),
            readyAt: 0,
            descriptionHash: descriptionHash,
            actKey: actKey
        });
        for (uint256 i; i < count; ++i) {
            _calls[proposalId].push(calls[i]);
        }
        _approvingAgencies[proposalId].push(agencyId);
        _approvers[proposalId][agencyId] = msg.sender;
        emit Proposed(proposalId, msg.sender, agencyId, calls, descriptionHash, actKey);
        emit Approved(proposalId, msg.sender, agencyId);
    }

    /// @inheritdoc ICommittee
    function approve(uint256 proposalId) external {
        uint32 agencyId = _requireMember(msg.sender);
        _requireStatus(proposalId, ProposalStatus.Proposed);
        address previous = _approvers[proposalId][agencyId];
        if (previous == address(0)) {
            _approvingAgencies[proposalId].push(agencyId);
        } else if (_seats[previous] == agencyId) {
            revert CommitteeAlreadyApproved(proposalId, agencyId);
        }
        // else: the earlier approver was unseated; a seated official of the agency approves anew.
        _approvers[proposalId][agencyId] = msg.sender;
        emit Approved(proposalId, msg.sender, agencyId);
    }

    /// @inheritdoc ICommittee
    function schedule(uint256 proposalId) external {
        _requireMember(msg.sender);
        _requireStatus(proposalId, ProposalStatus.Proposed);
        uint8 approvals = approvalCount(proposalId);
        if (approvals < _threshold) revert CommitteeNotEnoughApprovals(proposalId, approvals, _threshold);
        Proposal storage proposal = _proposals[proposalId];
        proposal.status = ProposalStatus.Scheduled;
        IAccessManager hub = IAccessManager(authority());
        Call[] storage calls = _calls[proposalId];
        uint48 readyAt = 0;
        uint256 count = calls.length;
        // The status is already Scheduled, so no re-entry can schedule this proposal twice; the hub
        // (the authority) calls no target while scheduling.
        for (uint256 i; i < count; ++i) {
            // The hub refuses a call the committee may not make, or may make without a delay (a
            // committee act always waits, so the guardians can see it).
            (bytes32 operationId, ) = hub.schedule(calls[i].target, calls[i].data, 0);
            uint48 at = hub.getSchedule(operationId);
            if (at > readyAt) readyAt = at;
        }
        proposal.readyAt = readyAt;
        emit Scheduled(proposalId, msg.sender, approvals, readyAt);
    }

    /// @inheritdoc ICommittee
    function execute(uint256 proposalId) external {
        _requireMember(msg.sender);
        _requireStatus(proposalId, ProposalStatus.Scheduled);
        Proposal storage proposal = _proposals[proposalId];
        if (block.timestamp < proposal.readyAt) revert CommitteeNotReady(proposalId, proposal.readyAt);
        proposal.status = ProposalStatus.Executed;
        emit Executed(proposalId, msg.sender);
        IAccessManager hub = IAccessManager(authority());
        Call[] storage calls = _calls[proposalId];
        uint256 count = calls.length;
        for (uint256 i; i < count; ++i) {
            // Reverts (with the target's error) unless the operation was scheduled, its delay passed
            // and it was not cancelled; one failing call reverts them all.
            hub.execute(calls[i].target, calls[i].data);
        }
    }

    /// @inheritdoc ICommittee
    function veto(uint256 proposalId, bytes32 reasonHash) external {
        uint32 agencyId = _seats[msg.sender];
        if (agencyId == 0 || !_agencies[agencyId].member || !_agencies[agencyId].guardian) {
            revert CommitteeNotGuardian(msg.sender);
        }
        Proposal storage proposal = _proposals[proposalId];
        ProposalStatus status = proposal.status;
        if (status == ProposalStatus.None) revert CommitteeUnknownProposal(proposalId);
        if (status != ProposalStatus.Proposed && status != ProposalStatus.Scheduled) {
            revert CommitteeWrongStatus(proposalId, status);
        }
        bytes32 actKey = proposal.actKey;
        if (_vetoSpent[actKey][agencyId]) revert CommitteeVetoSpent(actKey, agencyId);
        _vetoSpent[actKey][agencyId] = true;
        proposal.status = ProposalStatus.Vetoed;
        emit Vetoed(proposalId, msg.sender, agencyId, reasonHash);
        if (status == ProposalStatus.Scheduled) {
            IAccessManager hub = IAccessManager(authority());
            Call[] storage calls = _calls[proposalId];
            uint256 count = calls.length;
            for (uint256 i; i < count; ++i) {
                bytes32 operationId = hub.hashOperation(address(this), calls[i].target, calls[i].data);
                // An expired operation can no longer execute and needs no cancelling.
                if (hub.getSchedule(operationId) != 0) hub.cancel(address(this), calls[i].target, calls[i].data);
            }
        }
    }

    // --- Membership (committee acts, through the hub's delay) -------------------------------------

    /// @inheritdoc ICommittee
    function addMemberAgency(uint32 agencyId, bool guardian) external restricted {
        if (agencyId == 0 || _agencies[agencyId].member) revert CommitteeInvalidAgency(agencyId);
        _agencies[agencyId] = MemberAgency({member: true, guardian: guardian, officials: 0});
        _agencyIds.push(agencyId);
        emit MemberAgencyAdded(agencyId, guardian);
    }

    /// @inheritdoc ICommittee
    function removeMemberAgency(uint32 agencyId) external restricted {
        MemberAgency memory agency = _agencies[agencyId];
        // Seats are unseated one by one first (in the same act if wanted), so each lapse is an event.
        if (!agency.member || agency.officials != 0) revert CommitteeInvalidAgency(agencyId);
        uint256 remaining = _agencyIds.length - 1;
        if (remaining < _threshold) revert CommitteeInvalidThreshold(_threshold, remaining);
        delete _agencies[agencyId];
        for (uint256 i; i <= remaining; ++i) {
            if (_agencyIds[i] == agencyId) {
                _agencyIds[i] = _agencyIds[remaining];
                _agencyIds.pop();
                break;
            }
        }
        emit MemberAgencyRemoved(agencyId);
    }

    /// @inheritdoc ICommittee
    function seatOfficial(address official, uint32 agencyId) external restricted {
        if (official == address(0) || _seats[official] != 0) revert CommitteeInvalidOfficial(official);
        if (!_agencies[agencyId].member) revert CommitteeInvalidAgency(agencyId);
        _seats[official] = agencyId;
        ++_agencies[agencyId].officials;
        emit OfficialSeated(official, agencyId);
    }

    /// @inheritdoc ICommittee
    function unseatOfficial(address official) external restricted {
        uint32 agencyId = _seats[official];
        if (agencyId == 0) revert CommitteeInvalidOfficial(official);
        delete _seats[official];
        --_agencies[agencyId].officials;
        emit OfficialUnseated(official, agencyId);
    }

    /// @inheritdoc ICommittee
    function setThreshold(uint8 newThreshold) external restricted {
        if (newThreshold == 0 || newThreshold > _agencyIds.length) {
            revert CommitteeInvalidThreshold(newThreshold, _agencyIds.length);
        }
        _threshold = newThreshold;
        emit ThresholdChanged(newThreshold);
    }

    // --- Views -------------------------------------------------------------------------------------

    /// @inheritdoc ICommittee
    function getProposal(uint256 proposalId) external view returns (Proposal memory) {
        return _proposals[proposalId];
    }

    /// @inheritdoc ICommittee
    function proposalCalls(uint256 proposalId) external view returns (Call[] memory) {
        return _calls[proposalId];
    }

    /// @inheritdoc ICommittee
    function proposalCount() external view returns (uint256) {
        return _proposalCount;
    }

    /// @inheritdoc ICommittee
    function approvalCount(uint256 proposalId) public view returns (uint8 approvals) {
        uint32[] storage agencies = _approvingAgencies[proposalId];
        uint256 count = agencies.length;
        for (uint256 i; i < count; ++i) {
            uint32 agencyId = agencies[i];
            // Seats lapse with their agency (removeMemberAgency needs no seats left), so a seat
            // that still names the agency proves both the official and the agency still sit.
            if (_seats[_approvers[proposalId][agencyId]] == agencyId) ++approvals;
        }
    }

    /// @inheritdoc ICommittee
    function approverOf(uint256 proposalId, uint32 agencyId) external view returns (address) {
        return _approvers[proposalId][agencyId];
    }

    /// @inheritdoc ICommittee
    function agencyOf(address official) external view returns (uint32) {
        return _seats[official];
    }

    /// @inheritdoc ICommittee
    function memberAgency(uint32 agencyId) external view returns (bool member, bool guardian) {
        MemberAgency memory agency = _agencies[agencyId];
        return (agency.member, agency.guardian);
    }

    /// @inheritdoc ICommittee
    function memberAgencies() external view returns (uint32[] memory) {
        return _agencyIds;
    }

    /// @inheritdoc ICommittee
    function threshold() external view returns (uint8) {
        return _threshold;
    }

    /// @inheritdoc ICommittee
    function vetoSpent(bytes32 actKey, uint32 agencyId) external view returns (bool) {
        return _vetoSpent[actKey][agencyId];
    }

    /// @inheritdoc ICommittee
    function actKeyOf(Call[] calldata calls) public view returns (bytes32 key) {
        key = keccak256(abi.encode(calls));
        uint256 count = calls.length;
        for (uint256 i; i < count; ++i) {
            if (calls[i].data.length == 4 && bytes4(calls[i].data) == UNPAUSE) {
                key = keccak256(abi.encode(key, calls[i].target, _pauseStart(calls[i].target)));
            }
        }
    }

    // --- Internals ---------------------------------------------------------------------------------

    /// @dev Which pause of `target` is in progress: the contract's active time when it began
    /// (wall clock minus the time paused so far; constant during a pause, larger for each later
    /// pause). 0 when the target is not paused or has no pause clock.
    function _pauseStart(address target) private view returns (uint256) {
        (bool ok, bytes memory answer) = target.staticcall(abi.encodeWithSignature("paused()"));
        if (!ok || answer.length != 32 || !abi.decode(answer, (bool))) return 0;
        (ok, answer) = target.staticcall(abi.encodeWithSignature("pausedTotal()"));
        if (!ok || answer.length != 32) return 0;
        return block.timestamp - abi.decode(answer, (uint256));
    }

    function _requireMember(address account) private view returns (uint32 agencyId) {
        agencyId = _seats[account];
        if (agencyId == 0) revert CommitteeNotMember(account);
    }

    function _requireStatus(uint256 proposalId, ProposalStatus expected) private view {
        ProposalStatus status = _proposals[proposalId].status;
        if (status == ProposalStatus.None) revert CommitteeUnknownProposal(proposalId);
        if (status != expected) revert CommitteeWrongStatus(proposalId, status);
    }
}
