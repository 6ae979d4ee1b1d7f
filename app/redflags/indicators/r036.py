"""R036 Lowest bid disqualified, while the award criterion is price only."""

from __future__ import annotations

from collections.abc import Mapping

from app.redflags import ocds
from app.redflags.indicators.base import Indicator, Run
from app.redflags.results import OCID


class R036(Indicator):
    """Flags a contracting process (1.0) with an active award and a valid bid with an amount, in
    which the lowest submitted bid (first of equal lowest, main currency only) is disqualified.
    Skipped where prices are predetermined (global price-comparison settings)."""

    code = "R036"

    def fold(self, run: Run, release: Mapping, ocid: str) -> None:
        if not run.prices_comparable(release):
            return
        awards = release.get("awards")
        if not isinstance(awards, list) or not any(ocds.field(a, "status") == "active" for a in awards):
            return
        lowest: float | None = None
        lowest_disqualified = False
        has_valid_amount = False
        for bid in ocds.submitted_bids(release):
            status = bid["status"]
            amount = ocds.amount(ocds.field(bid, "value", "amount"))
            currency = ocds.field(bid, "value", "currency")
            if amount is None or not isinstance(currency, str) or not run.in_main_currency(currency):
                continue
            if lowest is None or amount < lowest:
                lowest = amount
                lowest_disqualified = status == "disqualified"
            has_valid_amount = has_valid_amount or status == "valid"
        if has_valid_amount and lowest_disqualified:
            run.results.flag(OCID, ocid, self.code, 1.0)
