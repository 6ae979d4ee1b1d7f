// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ITenders} from "../../interfaces/ITenders.sol";
import {TkdnMath} from "../libraries/TkdnMath.sol";

/// @title Ranking of opened bids
/// @notice Order: better score first (lowest price: lower HEA; value system: higher combined score),
/// then higher TKDN, then earlier commit (lower commitSeq, unique in a tender). The order is total,
/// so the winner does not depend on the order of the bidder list.
/// Value-system scores are compared as exact fractions, never rounded: a rounded price score can
/// reverse two close bids.
library TenderRanking {
    /// @notice Harga terendah: the valid bid with the lowest HEA (0 when none is valid).
    function lowestPrice(mapping(uint64 => ITenders.Bid) storage bids, uint64[] calldata bidders)
        internal
        view
        returns (uint64 best)
    {
        for (uint256 i; i < bidders.length; ++i) {
            ITenders.Bid storage bid = bids[bidders[i]];
            if (bid.status != ITenders.BidStatus.Valid) continue;
            if (best == 0) {
                best = bidders[i];
                continue;
            }
            ITenders.Bid storage bestBid = bids[best];
            bool better = bid.hea != bestBid.hea ? bid.hea < bestBid.hea : _tieBreak(bid, bestBid);
            if (better) best = bidders[i];
        }
    }

    /// @notice Sistem nilai: score = wT * technical mean + wP * lowest HEA / HEA. Every bidder has the
    /// same number of opened sheets, so the technical sum ranks like the mean:
    ///   score * sheets * HEA = wT * technicalSum * HEA + wP * sheets * BPS * lowestHea,
    /// kept as the fraction (that numerator) / HEA and compared by cross-multiplication
    /// (technicalSum < 2**22, weights < 2**14, HEA < 2**96: every product stays below 2**240).
    function bestValue(
        mapping(uint64 => ITenders.Bid) storage bids,
        mapping(uint64 => uint32) storage technicalSums,
        uint64[] calldata bidders,
        uint16 technicalWeightBps,
        uint8 sheets
    ) internal view returns (uint64 best) {
        uint256 priceTerm = _priceTerm(bids, bidders, technicalWeightBps, sheets);
        for (uint256 i; i < bidders.length; ++i) {
            if (bids[bidders[i]].status != ITenders.BidStatus.Valid) continue;
            if (best == 0 || _outranks(bids, technicalSums, bidders[i], best, technicalWeightBps, priceTerm)) {
                best = bidders[i];
            }
        }
    }

    /// @dev wP * sheets * BPS * lowest HEA among the valid bids.
    function _priceTerm(
        mapping(uint64 => ITenders.Bid) storage bids,
        uint64[] calldata bidders,
        uint16 technicalWeightBps,
        uint8 sheets
    ) private view returns (uint256) {
        uint256 lowestHea = type(uint256).max;
        for (uint256 i; i < bidders.length; ++i) {
            ITenders.Bid storage bid = bids[bidders[i]];
            if (bid.status == ITenders.BidStatus.Valid && bid.hea < lowestHea) lowestHea = bid.hea;
        }
        return (TkdnMath.BPS - technicalWeightBps) * uint256(sheets) * TkdnMath.BPS * lowestHea;
    }

    /// @dev Whether bid `a` ranks before bid `b`: scores (numerator / HEA) cross-multiplied, exact.
    function _outranks(
        mapping(uint64 => ITenders.Bid) storage bids,
        mapping(uint64 => uint32) storage technicalSums,
        uint64 a,
        uint64 b,
        uint16 technicalWeightBps,
        uint256 priceTerm
    ) private view returns (bool) {
        ITenders.Bid storage bidA = bids[a];
        ITenders.Bid storage bidB = bids[b];
        uint256 left = (uint256(technicalSums[a]) * technicalWeightBps * bidA.hea + priceTerm) * bidB.hea;
        uint256 right = (uint256(technicalSums[b]) * technicalWeightBps * bidB.hea + priceTerm) * bidA.hea;
        return left != right ? left > right : _tieBreak(bidA, bidB);
    }

    /// @dev With equal scores: higher TKDN first, then the earlier commit.
    function _tieBreak(ITenders.Bid storage a, ITenders.Bid storage b) private view returns (bool) {
        if (a.tkdnBps != b.tkdnBps) return a.tkdnBps > b.tkdnBps;
        return a.commitSeq < b.commitSeq;
    }
}
