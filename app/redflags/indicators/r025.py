"""R025 Excessive unsuccessful bids: a top tenderer that rarely wins."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from app.redflags import ocds, stats
from app.redflags.indicators.base import Indicator, Run
from app.redflags.results import TENDERER
from app.redflags.settings import decimal, natural


class R025(Indicator):
    """For each tenderer, wins / contracting processes with a valid bid from it (each process
    counted once). Flags a tenderer (value: that ratio) whose number of such processes is at least
    the `percentile` (default 75th) of all tenderers' numbers, and whose ratio is at or below the
    lower fence Q1 - 1.5 IQR of all ratios (or `threshold`). Only processes with all awards final,
    one active award with one supplier, and bids from single tenderers count. Nothing is flagged
    unless the fence and Q1 are positive."""

    code = "R025"
    options = {"percentile": natural, "threshold": decimal}

    def __init__(self, options: Mapping[str, Any]) -> None:
        self.percentile: int = options.get("percentile", 75)
        self.threshold: float | None = options.get("threshold")
        self.wins: dict[str, int] = defaultdict(int)
        self.bids: dict[str, int] = defaultdict(int)

    def fold(self, run: Run, release: Mapping, ocid: str) -> None:
        found = ocds.complete_awards_and_bids(release)
        if found is None:
            return
        awards, details = found
        if len(awards) != 1 or (supplier_id := ocds.sole_supplier_id(awards[0])) is None:
            return
        valid_tenderers = {
            tenderers[0]["id"]
            for bid in details
            if ocds.field(bid, "status") == "valid"
            and len(tenderers := ocds.array(bid, "tenderers")) == 1
            and isinstance(ocds.field(tenderers[0], "id"), str)
        }
        for tenderer_id in valid_tenderers:
            self.bids[tenderer_id] += 1
            self.wins[tenderer_id] += tenderer_id == supplier_id

    def finalize(self, run: Run) -> None:
        ratios = {tenderer: self.wins[tenderer] / count for tenderer, count in self.bids.items()}
        top = stats.percentile(self.bids.values(), self.percentile)
        if self.threshold is None:
            q1, q3 = stats.quartiles(ratios.values())
            fence = stats.lower_fence(q1, q3)
        else:
            q1, fence = 1.0, self.threshold
        if not (q1 > 0.0 and fence > 0.0):
            return
        for tenderer, ratio in ratios.items():
            if self.bids[tenderer] >= top and ratio <= fence:
                run.results.flag(TENDERER, tenderer, self.code, ratio)
