// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";

/// @notice A contract governed by the permission hub that the guardian can pause and the
/// committee can unpause. Which role calls which function is set in the hub, not here.
/// @dev OpenZeppelin's Pausable surface (paused(), Paused/Unpaused, EnforcedPause/ExpectedPause)
/// with a pause CLOCK packed beside the flag: the total time spent paused, so a contract can keep
/// its deadlines in "active time" (wall clock minus time paused) and a pause never eats a window.
/// Reading the flag and the clock costs one storage read.
abstract contract ManagedPausable is AccessManaged {
    struct PauseClock {
        bool paused;
        uint40 pausedSince; // wall clock of the current pause (0 when running)
        uint40 pausedTotal; // seconds paused in every finished pause
    }

    /// @dev A finished pause, placed on the active-time axis: it began when active time read `activeAt`.
    struct PauseSpan {
        uint40 activeAt;
        uint40 duration;
    }

    PauseClock private _clock;
    PauseSpan[] private _pauses;

    /// @notice The contract was paused by `account`.
    event Paused(address account);
    /// @notice The contract was unpaused by `account`.
    event Unpaused(address account);
    /// @notice A pause of `pausedSeconds` ended; deadlines kept in active time moved by as much.
    event PauseTimeCredited(uint40 pausedSeconds, uint40 pausedTotal);

    error EnforcedPause();
    error ExpectedPause();

    constructor(address hub) AccessManaged(hub) {}

    modifier whenNotPaused() {
        if (_clock.paused) revert EnforcedPause();
        _;
    }

    /// @notice Whether the contract is paused.
    function paused() public view returns (bool) {
        return _clock.paused;
    }

    /// @notice Seconds this contract has spent paused so far (the current pause included).
    function pausedTotal() public view returns (uint40) {
        PauseClock memory clock = _clock;
        return clock.paused ? clock.pausedTotal + uint40(block.timestamp) - clock.pausedSince : clock.pausedTotal;
    }

    /// @notice Stops state changes that a pause should stop (guardian).
    function pause() external restricted {
        if (_clock.paused) revert EnforcedPause();
        _clock.paused = true;
        _clock.pausedSince = uint40(block.timestamp);
        emit Paused(msg.sender);
    }

    /// @notice Resumes after a pause (committee, through the hub's delay).
    function unpause() external restricted {
        PauseClock memory clock = _clock;
        if (!clock.paused) revert ExpectedPause();
        uint40 pausedFor = uint40(block.timestamp) - clock.pausedSince;
        uint40 total = clock.pausedTotal + pausedFor;
        _clock = PauseClock({paused: false, pausedSince: 0, pausedTotal: total});
        _pauses.push(PauseSpan({activeAt: clock.pausedSince - clock.pausedTotal, duration: pausedFor}));
        emit Unpaused(msg.sender);
        emit PauseTimeCredited(pausedFor, total);
    }

    /// @dev Active time now: wall clock minus every second paused (frozen during a pause).
    function _activeNow() internal view returns (uint40) {
        PauseClock memory clock = _clock;
        uint40 wall = clock.paused ? clock.pausedSince : uint40(block.timestamp);
        return wall - clock.pausedTotal;
    }

    /// @dev Seconds of wall-clock interval [`from`, `to`) this contract spent paused (finished pauses
    /// and the current one). Costs one read, plus one per finished pause when there were some.
    function _pausedWithin(uint256 from, uint256 to) internal view returns (uint256 total) {
        if (to <= from) return 0;
        PauseClock memory clock = _clock;
        if (clock.pausedTotal != 0) {
            uint256 earlier; // durations of the pauses before span i: its wall-clock start is activeAt + earlier
            uint256 count = _pauses.length;
            for (uint256 i; i < count; ++i) {
                PauseSpan memory span = _pauses[i];
                uint256 start = uint256(span.activeAt) + earlier;
                if (start >= to) break; // spans are in time order
                earlier += span.duration;
                total += _overlap(start, start + span.duration, from, to);
            }
        }
        if (clock.paused) total += _overlap(clock.pausedSince, block.timestamp, from, to);
    }

    function _overlap(uint256 start, uint256 end, uint256 from, uint256 to) private pure returns (uint256) {
        uint256 lo = start > from ? start : from;
        uint256 hi = end < to ? end : to;
        return hi > lo ? hi - lo : 0;
    }

    /// @dev The wall-clock time at which active time `active` is (or was) reached: it adds every pause
    /// that began before it, and the current pause when that began before it too. No pause so far
    /// costs no extra read; each finished pause costs one when there were some.
    function _toWall(uint40 active) internal view returns (uint40 wall) {
        // 0 stands for "no deadline" and stays 0.
        if (active != 0) {
            PauseClock memory clock = _clock;
            wall = active;
            if (clock.pausedTotal != 0) {
                uint256 count = _pauses.length;
                for (uint256 i; i < count; ++i) {
                    PauseSpan memory span = _pauses[i];
                    if (span.activeAt >= active) break; // spans are in order of active time
                    wall += span.duration;
                }
            }
            if (clock.paused && clock.pausedSince - clock.pausedTotal < active) {
                wall += uint40(block.timestamp) - clock.pausedSince;
            }
        }
    }
}
