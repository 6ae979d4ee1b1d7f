// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ITenders} from "../../interfaces/ITenders.sol";
import {TkdnMath} from "./TkdnMath.sol";

/// @title Ranking of revealed bids
/// @notice The evaluation rules of Tenders, deployed once and linked (external functions reading the
/// caller's storage), which keeps Tenders under the 24,576-byte code limit.
/// Order: better score first (lowest price: lower HEA; value system: higher combined score), then
/// higher TKDN, then earlier commit (lower commitSeq, unique in a tender). The order is total, so the
/// winner does not depend on the order of the bidder list.
library TenderRanking {
    struct Rank {
        uint64 supplierId;
        uint256 score;
        uint16 tkdnBps;
        uint32 commitSeq;
    }

    /// @notice Harga terendah: the valid bid with the lowest HEA (0 when none is valid).
    function lowestPrice(mapping(uint64 => ITenders.Bid) storage bids, uint64[] calldata bidders)
        external
        view
        returns (uint64)
    {
        Rank memory best;
        for (uint256 i; i < bidders.length; ++i) {
            ITenders.Bid storage bid = bids[bidders[i]];
            if (bid.status != ITenders.BidStatus.Valid) continue;
            Rank memory candidate = Rank(bidders[i], bid.hea, bid.tkdnBps, bid.commitSeq);
            if (best.supplierId == 0 || _outranks(candidate, best, false)) best = candidate;
        }
        return best.supplierId;
    }

    /// @notice Sistem nilai: score = technical mean * wT + price score * wP with price score = lowest
    /// HEA / HEA (basis points, rounded down). Every valid bid has the same number of score sheets,
    /// so sums rank like means: score' = technicalSum * wT + priceScore * wP * sheets (no division).
    function bestValue(
        mapping(uint64 => ITenders.Bid) storage bids,
        mapping(uint64 => uint32) storage technicalSums,
        uint64[] calldata bidders,
        uint16 technicalWeightBps,
        uint8 sheets
    ) external view returns (uint64) {
        uint256 lowestHea = type(uint256).max;
        for (uint256 i; i < bidders.length; ++i) {
            ITenders.Bid storage bid = bids[bidders[i]];
            if (bid.status == ITenders.BidStatus.Valid && bid.hea < lowestHea) lowestHea = bid.hea;
        }
        uint256 priceWeight = (TkdnMath.BPS - technicalWeightBps) * sheets;
        Rank memory best;
        for (uint256 i; i < bidders.length; ++i) {
            ITenders.Bid storage bid = bids[bidders[i]];
            if (bid.status != ITenders.BidStatus.Valid) continue;
            uint256 priceScore = (lowestHea * TkdnMath.BPS) / bid.hea;
            uint256 score = uint256(technicalSums[bidders[i]]) * technicalWeightBps + priceScore * priceWeight;
            Rank memory candidate = Rank(bidders[i], score, bid.tkdnBps, bid.commitSeq);
            if (best.supplierId == 0 || _outranks(candidate, best, true)) best = candidate;
        }
        return best.supplierId;
    }

    /// @dev Whether `a` ranks before `b`.
    function _outranks(Rank memory a, Rank memory b, bool higherWins) private pure returns (bool) {
        if (a.score != b.score) return higherWins ? a.score > b.score : a.score < b.score;
        if (a.tkdnBps != b.tkdnBps) return a.tkdnBps > b.tkdnBps;
        return a.commitSeq < b.commitSeq;
    }
}
