// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {TkdnMath} from "../libraries/TkdnMath.sol";

/// @notice Test-only wrapper exposing the internal TkdnMath functions; never deployed by the suite.
contract TkdnMathHarness {
    function goodsTkdnBps(TkdnMath.CostComponents memory c) external pure returns (uint16) {
        return TkdnMath.goodsTkdnBps(c);
    }

    function materialTkdnBps(uint256[] memory costs, uint16[] memory tkdnBps) external pure returns (uint16) {
        return TkdnMath.materialTkdnBps(costs, tkdnBps);
    }

    function tkdnPlusBmpBps(uint16 tkdnBps, uint16 bmpBps, uint16 bmpCapBps) external pure returns (uint16) {
        return TkdnMath.tkdnPlusBmpBps(tkdnBps, bmpBps, bmpCapBps);
    }

    function preferenceApplies(bool goods, uint256 hps, uint256 hpsThreshold, uint16 tkdnBps, uint16 minTkdnBps)
        external
        pure
        returns (bool)
    {
        return TkdnMath.preferenceApplies(goods, hps, hpsThreshold, tkdnBps, minTkdnBps);
    }

    function kp(uint16 tkdnBps, uint16 preferenceBps) external pure returns (uint256) {
        return TkdnMath.kp(tkdnBps, preferenceBps);
    }

    function hea(uint256 price, uint16 tkdnBps, uint16 preferenceBps) external pure returns (uint256) {
        return TkdnMath.hea(price, tkdnBps, preferenceBps);
    }
}
