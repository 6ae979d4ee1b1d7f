"""R024 Price close to winning bid: the second-lowest valid bid is unusually close to the winner's."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.redflags import stats
from app.redflags.indicators.base import Indicator, Run
from app.redflags.results import OCID, TENDERER
from app.redflags.settings import decimal


class R024(Indicator):
    """Flags a contracting process whose (second-lowest valid bid - winning bid) / winning bid is
    at or below the lower fence Q1 - 1.5 IQR over all processes (or `threshold`, a ratio); the value
    is that ratio. The winner and the second-lowest bidder are flagged with 0.0. Nothing is flagged
    unless the fence (and Q1) is positive: otherwise most processes would be."""

    code = "R024"
    options = {"threshold": decimal}

    def __init__(self, options: Mapping[str, Any]) -> None:
        self.threshold: float | None = options.get("threshold")

    def finalize(self, run: Run) -> None:
        if self.threshold is None:
            q1, q3 = stats.quartiles(r.ratio for r in run.bid_ratios.values())
            fence = stats.lower_fence(q1, q3)
        else:
            q1, fence = 1.0, self.threshold  # q1 only has to pass the guard
        if not (q1 > 0.0 and fence > 0.0):
            return
        for ocid, bid_ratio in run.bid_ratios.items():
            if bid_ratio.ratio <= fence:
                run.results.flag(OCID, ocid, self.code, bid_ratio.ratio)
                run.results.flag(TENDERER, bid_ratio.winner, self.code, 0.0)
                run.results.flag(TENDERER, bid_ratio.lowest_non_winner, self.code, 0.0)
