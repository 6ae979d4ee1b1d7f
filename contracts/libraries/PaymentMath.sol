// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title Termin payment arithmetic (Perpres 16/2018 Pasal 53)
/// @notice Pure functions for what a milestone (termin) payment deducts: retention, advance
/// repayment and the late penalty. Amounts are integer rupiah; rates are basis points (1/10,000)
/// or parts per million (1/1,000,000).
///
/// Rounding: every deduction rounds DOWN, in the payee's favour, so the supplier is never charged a
/// fraction of a rupiah it does not owe. Retention is paid later anyway; the advance's rounding dust
/// is collected by the last milestone (see {advanceRepayment}); a penalty rounds down.
/// Deductions never exceed the gross amount: they are applied in the order retention, penalty,
/// advance, each at most what is left, so `net >= 0` and `retention + penalty + advance + net ==
/// gross` always hold.
library PaymentMath {
    uint256 internal constant BPS = 10_000;
    uint256 internal constant PPM = 1_000_000;
    uint256 internal constant DAY = 1 days;

    /// @notice What a milestone's gross amount splits into.
    struct Deductions {
        uint256 retention;
        uint256 penalty;
        uint256 advance;
        uint256 net;
    }

    /// @notice A milestone's amount from its share of the contract value, rounded down.
    function shareAmount(uint256 value, uint16 shareBps) internal pure returns (uint256) {
        return value * shareBps / BPS;
    }

    /// @notice Retention held back from `gross`: floor(gross * retentionBps / 10,000).
    function retention(uint256 gross, uint16 retentionBps) internal pure returns (uint256) {
        return gross * retentionBps / BPS;
    }

    /// @notice Whole days late, counting any started day as a day (a due date is a calendar
    /// deadline: delivering one hour late is one day late). Zero when delivered on or before due.
    function daysLate(uint256 dueDate, uint256 deliveredAt) internal pure returns (uint256) {
        if (deliveredAt <= dueDate) return 0;
        // deliveredAt > dueDate, so the subtraction cannot underflow and DAY - 1 cannot overflow.
        unchecked {
            return (deliveredAt - dueDate + DAY - 1) / DAY;
        }
    }

    /// @notice Late penalty on the late part (`gross`, the milestone's amount): floor(gross *
    /// ratePpmPerDay * days / 1,000,000), at most floor(gross * capBps / 10,000). The common rate
    /// of 1 per mil per day is 1,000 ppm.
    function latePenalty(uint256 gross, uint256 dueDate, uint256 deliveredAt, uint32 ratePpmPerDay, uint16 capBps)
        internal
        pure
        returns (uint256 penalty)
    {
        uint256 late = daysLate(dueDate, deliveredAt);
        if (late == 0) return 0;
        penalty = gross * ratePpmPerDay * late / PPM;
        uint256 cap = gross * capBps / BPS;
        if (penalty > cap) penalty = cap;
    }

    /// @notice Advance repaid by a milestone: in proportion to its share of the contract value,
    /// floor(gross * advance / value), so the advance is repaid as the work progresses; the last
    /// unpaid milestone repays everything still outstanding (collecting the rounding dust).
    /// Never more than `outstanding`.
    function advanceRepayment(uint256 gross, uint256 advance, uint256 value, uint256 outstanding, bool isLast)
        internal
        pure
        returns (uint256 repayment)
    {
        if (outstanding == 0) return 0;
        repayment = isLast || value == 0 ? outstanding : gross * advance / value;
        if (repayment > outstanding) repayment = outstanding;
    }

    /// @notice Splits a milestone's gross amount. `advanceDue` is the advance repayment asked for
    /// (from {advanceRepayment}); what does not fit after retention and penalty stays outstanding.
    function split(uint256 gross, uint16 retentionBps, uint256 penaltyDue, uint256 advanceDue)
        internal
        pure
        returns (Deductions memory d)
    {
        d.retention = retention(gross, retentionBps);
        // retentionBps <= 10,000 (checked at signing), so retention <= gross.
        uint256 left = gross - d.retention;
        d.penalty = penaltyDue < left ? penaltyDue : left;
        left -= d.penalty;
        d.advance = advanceDue < left ? advanceDue : left;
        d.net = left - d.advance;
    }
}
