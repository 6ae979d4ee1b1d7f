"""R058 Heavily discounted bid: the winning bid is far below the second-lowest valid bid."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.redflags import stats
from app.redflags.indicators.base import Indicator, Run
from app.redflags.results import OCID, TENDERER
from app.redflags.settings import decimal


class R058(Indicator):
    """Flags a contracting process whose (second-lowest valid bid - winning bid) / winning bid is
    at or above the upper fence Q3 + 1.5 IQR over all processes (or `threshold`, a ratio), if the
    fence is positive; the value is that ratio. The winner is flagged with 0.0."""

    code = "R058"
    options = {"threshold": decimal}

    def __init__(self, options: Mapping[str, Any]) -> None:
        self.threshold: float | None = options.get("threshold")

    def finalize(self, run: Run) -> None:
        if self.threshold is not None:
            fence = self.threshold
        else:
            fence = stats.upper_fence(*stats.quartiles(r.ratio for r in run.bid_ratios.values()))
        if not fence > 0.0:
            return
        for ocid, bid_ratio in run.bid_ratios.items():
            if bid_ratio.ratio >= fence:
                run.results.flag(OCID, ocid, self.code, bid_ratio.ratio)
                run.results.flag(TENDERER, bid_ratio.winner, self.code, 0.0)
