"""R038 Excessive disqualified bids, per buyer, procuring entity and tenderer."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from app.redflags import ocds, stats
from app.redflags.indicators.base import Indicator, Run
from app.redflags.results import BUYER, PROCURING_ENTITY, TENDERER
from app.redflags.settings import decimal, natural


class _Tally:
    """Disqualified and submitted bids, summed across contracting processes."""

    def __init__(self) -> None:
        self.disqualified: dict[str, int] = defaultdict(int)
        self.submitted: dict[str, int] = defaultdict(int)

    def add(self, key: str, disqualified: int, submitted: int) -> None:
        self.disqualified[key] += disqualified
        self.submitted[key] += submitted


class R038(Indicator):
    """Disqualified bids / submitted bids, per buyer, per procuring entity (bids in their
    contracting processes) and per tenderer (its own bids). Flags each one (value: that ratio) at
    or above the upper fence Q3 + 1.5 IQR of its group's ratios (or `threshold`), if the fence is
    positive. Only buyers and procuring entities with at least `minimum_contracting_processes`
    (default 2) and tenderers with at least `minimum_submitted_bids` (default 2) are considered; as
    in Cardinal, the former minimum is compared with the number of submitted bids counted for them."""

    code = "R038"
    options = {
        "threshold": decimal,
        "minimum_submitted_bids": natural,
        "minimum_contracting_processes": natural,
    }

    def __init__(self, options: Mapping[str, Any]) -> None:
        self.threshold: float | None = options.get("threshold")
        self.minimum_submitted_bids: int = options.get("minimum_submitted_bids", 2)
        self.minimum_contracting_processes: int = options.get("minimum_contracting_processes", 2)
        self.buyers = _Tally()
        self.procuring_entities = _Tally()
        self.tenderers = _Tally()

    def fold(self, run: Run, release: Mapping, ocid: str) -> None:
        bids = ocds.submitted_bids(release)
        if not bids:
            return
        disqualified = 0
        for bid in bids:
            increment = int(bid["status"] == "disqualified")
            disqualified += increment
            for tenderer in ocds.tenderer_ids(bid):
                self.tenderers.add(tenderer, increment, 1)
        if (buyer := ocds.string(release, "buyer", "id")) is not None:
            self.buyers.add(buyer, disqualified, len(bids))
        if (entity := ocds.string(release, "tender", "procuringEntity", "id")) is not None:
            self.procuring_entities.add(entity, disqualified, len(bids))

    def finalize(self, run: Run) -> None:
        self._flag(run, self.buyers, self.minimum_contracting_processes, BUYER)
        self._flag(run, self.procuring_entities, self.minimum_contracting_processes, PROCURING_ENTITY)
        self._flag(run, self.tenderers, self.minimum_submitted_bids, TENDERER)

    def _flag(self, run: Run, tally: _Tally, minimum: int, group: str) -> None:
        ratios = {
            key: tally.disqualified[key] / submitted
            for key, submitted in tally.submitted.items()
            if submitted >= minimum
        }
        if not ratios:
            return
        fence = (
            self.threshold
            if self.threshold is not None
            else stats.upper_fence(*stats.quartiles(ratios.values()))
        )
        if not fence > 0.0:
            return
        for key, ratio in ratios.items():
            if ratio >= fence:
                run.results.flag(group, key, self.code, ratio)
