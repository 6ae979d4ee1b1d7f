"""R035 All except winning bid disqualified."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.redflags import ocds
from app.redflags.indicators.base import Indicator, Run
from app.redflags.results import OCID, TENDERER
from app.redflags.settings import natural


class R035(Indicator):
    """Flags a contracting process in which exactly one tenderer has valid bids, that tenderer is
    the only supplier of the active awards, and at least `threshold` (default 1, minimum 1) other
    tenderers have disqualified bids. The value is the number of those other tenderers; the winner
    is flagged with 0.0. All awards must be final."""

    code = "R035"
    options = {"threshold": natural}

    def __init__(self, options: Mapping[str, Any]) -> None:
        self.threshold = max(options.get("threshold", 1), 1)

    def fold(self, run: Run, release: Mapping, ocid: str) -> None:
        found = ocds.complete_awards_and_bids(release)
        if found is None:
            return
        awards, details = found
        suppliers = {supplier for award in awards for supplier in ocds.supplier_ids(award)}
        valid: set[str] = set()
        disqualified: set[str] = set()
        for bid in details:
            status = ocds.field(bid, "status")
            if not isinstance(ocds.field(bid, "tenderers"), list):
                continue
            if status == "valid":
                valid.update(ocds.tenderer_ids(bid))
            elif status == "disqualified":
                disqualified.update(ocds.tenderer_ids(bid))
        # Several winners can legitimately share one award (aggregated bids): not this red flag.
        if len(valid) != 1 or valid != suppliers:
            return
        others = len(disqualified - valid)
        if others >= self.threshold:
            (winner,) = valid
            run.results.flag(OCID, ocid, self.code, others)
            run.results.flag(TENDERER, winner, self.code, 0.0)
