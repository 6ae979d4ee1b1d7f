"""T001 HPS proximity: the winning bid is within 1% of the HPS (the owner's estimate).

HPS (Harga Perkiraan Sendiri) is the ceiling the PPK computes before tendering. Bids hugging it
suggest the HPS leaked or that bidders agreed not to compete on price.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from app.redflags import ocds
from app.redflags.indicators.base import Indicator, Run
from app.redflags.results import OCID, TENDERER
from app.redflags.settings import fraction_below_one

FINAL_AWARD_STATUSES = ("active", "cancelled", "unsuccessful")


class HpsProximity(Indicator):
    """Flags a contracting process whose winning amount is within `threshold` (default 0.01, a
    share of the HPS) of the HPS, `tender/value`: |winning - HPS| <= threshold x HPS. The value is
    winning / HPS. The winning amount is the supplier's lowest valid bid in the HPS's currency, or
    else the award's value in that currency. Needs a positive HPS, no pending award, and exactly one
    active award with one supplier; skipped where prices are predetermined (global price-comparison
    settings), since a fixed price equals the HPS by construction. The supplier is flagged with the
    number of such processes it won."""

    code = "T001"
    options = {"threshold": fraction_below_one}

    def __init__(self, options: Mapping[str, Any]) -> None:
        self.threshold: float = options.get("threshold", 0.01)
        self.wins: dict[str, int] = defaultdict(int)

    def fold(self, run: Run, release: Mapping, ocid: str) -> None:
        hps = ocds.amount(ocds.field(release, "tender", "value", "amount"))
        currency = ocds.string(release, "tender", "value", "currency")
        if hps is None or hps <= 0 or currency is None or not run.prices_comparable(release):
            return
        awards = ocds.array(release, "awards")
        statuses = [status for award in awards if isinstance(status := ocds.field(award, "status"), str)]
        if any(status not in FINAL_AWARD_STATUSES for status in statuses):
            return
        active = [award for award in awards if ocds.field(award, "status") == "active"]
        if len(active) != 1 or (supplier := ocds.sole_supplier_id(active[0])) is None:
            return

        winning = _winning_amount(release, active[0], supplier, currency)
        if winning is not None and abs(winning - hps) <= self.threshold * hps:
            run.results.flag(OCID, ocid, self.code, winning / hps)
            self.wins[supplier] += 1

    def finalize(self, run: Run) -> None:
        for supplier, count in self.wins.items():
            run.results.flag(TENDERER, supplier, self.code, count)


def _winning_amount(release: Mapping, award: Mapping, supplier: str, currency: str) -> float | None:
    bids = [
        amount
        for tenderer, amount, bid_currency in ocds.valid_bid_values(ocds.bid_details(release) or [])
        if tenderer == supplier and bid_currency == currency
    ]
    if bids:
        return min(bids)
    if ocds.field(award, "value", "currency") == currency:
        return ocds.amount(ocds.field(award, "value", "amount"))
    return None
