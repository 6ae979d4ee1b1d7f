// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title TKDN arithmetic (Tingkat Komponen Dalam Negeri, local content level)
/// @notice Pure functions for the figures of Permenperin on TKDN and of Perpres 16/2018 Pasal 67
/// (domestic price preference). Shares are basis points (10,000 = 100%); amounts are integer rupiah.
/// @dev Rounding is always against the bidder, so that no rounding ever grants more domestic content
/// or more preference than the exact formula:
/// - TKDN figures (`goodsTkdnBps`, `materialTkdnBps`) are rounded DOWN to a whole basis point;
/// - `KP = TKDN * preference` is kept exact, in units of 1/100,000,000 (bps x bps), never rounded;
/// - `HEA = (1 - KP) * HP` is rounded UP to a whole rupiah.
library TkdnMath {
    /// @notice 100% in basis points.
    uint256 internal constant BPS = 10_000;
    /// @notice 100% in KP units (basis points times basis points).
    uint256 internal constant KP_UNIT = BPS * BPS;

    /// @notice Cost of producing one unit of a good, split into domestic and foreign parts (rupiah).
    struct CostComponents {
        uint256 domesticMaterial;
        uint256 foreignMaterial;
        uint256 domesticLabour;
        uint256 foreignLabour;
        uint256 domesticOverhead;
        uint256 foreignOverhead;
    }

    /// @notice The production cost is zero, so no share can be computed.
    error TkdnMathZeroCost();
    /// @notice Component costs and component TKDN lists differ in length.
    error TkdnMathLengthMismatch(uint256 costs, uint256 tkdns);
    /// @notice A share above 100%.
    error TkdnMathShareTooHigh(uint256 bps);

    /// @notice Goods TKDN: (production cost - foreign cost) / production cost, production cost being
    /// direct material + direct labour + factory overhead. Rounded down to a basis point.
    function goodsTkdnBps(CostComponents memory c) internal pure returns (uint16) {
        uint256 domestic = c.domesticMaterial + c.domesticLabour + c.domesticOverhead;
        uint256 total = domestic + c.foreignMaterial + c.foreignLabour + c.foreignOverhead;
        if (total == 0) revert TkdnMathZeroCost();
        // domestic <= total, so the result is at most BPS and fits uint16.
        return uint16((domestic * BPS) / total);
    }

    /// @notice Material TKDN as the cost-weighted mean of the components' own TKDNs:
    /// sum(cost_i * tkdn_i) / sum(cost_i), rounded down to a basis point.
    function materialTkdnBps(uint256[] memory costs, uint16[] memory tkdnBps) internal pure returns (uint16) {
        if (costs.length != tkdnBps.length) revert TkdnMathLengthMismatch(costs.length, tkdnBps.length);
        uint256 weighted;
        uint256 total;
        for (uint256 i; i < costs.length; ++i) {
            if (tkdnBps[i] > BPS) revert TkdnMathShareTooHigh(tkdnBps[i]);
            weighted += costs[i] * tkdnBps[i];
            total += costs[i];
        }
        if (total == 0) revert TkdnMathZeroCost();
        return uint16(weighted / total);
    }

    /// @notice TKDN + BMP (Bobot Manfaat Perusahaan, company benefit weight), the BMP counted at most
    /// up to `bmpCapBps` (commonly 15%) and the sum at most 100%.
    function tkdnPlusBmpBps(uint16 tkdnBps, uint16 bmpBps, uint16 bmpCapBps) internal pure returns (uint16) {
        uint256 bmp = bmpBps < bmpCapBps ? bmpBps : bmpCapBps;
        uint256 sum = uint256(tkdnBps) + bmp;
        return uint16(sum < BPS ? sum : BPS);
    }

    /// @notice Whether the domestic preference applies to an offer: goods, HPS strictly above the
    /// threshold (Rp1 miliar) and offered TKDN at or above the minimum (25%).
    function preferenceApplies(bool goods, uint256 hps, uint256 hpsThreshold, uint16 tkdnBps, uint16 minTkdnBps)
        internal
        pure
        returns (bool)
    {
        return goods && hps > hpsThreshold && tkdnBps >= minTkdnBps;
    }

    /// @notice KP = TKDN * preference, exact, in units of 1/100,000,000 (KP_UNIT = 100%).
    function kp(uint16 tkdnBps, uint16 preferenceBps) internal pure returns (uint256) {
        if (tkdnBps > BPS) revert TkdnMathShareTooHigh(tkdnBps);
        if (preferenceBps > BPS) revert TkdnMathShareTooHigh(preferenceBps);
        return uint256(tkdnBps) * preferenceBps;
    }

    /// @notice HEA (harga evaluasi akhir) = (1 - KP) * HP, rounded up to a whole rupiah.
    /// Example (Perpres 16/2018 Pasal 67): HP 1,000,000,000, TKDN 50%, preference 25%:
    /// KP = 12.5%, HEA = 875,000,000.
    function hea(uint256 price, uint16 tkdnBps, uint16 preferenceBps) internal pure returns (uint256) {
        uint256 factor = KP_UNIT - kp(tkdnBps, preferenceBps);
        // Ceiling division: (a + b - 1) / b. KP <= 100%, so factor <= KP_UNIT and no overflow for
        // any price below 2**229.
        return (price * factor + KP_UNIT - 1) / KP_UNIT;
    }
}
