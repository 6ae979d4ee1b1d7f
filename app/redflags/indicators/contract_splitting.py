"""T004 Contract splitting: several awards just under the direct-purchase threshold.

Below a value threshold (pengadaan langsung: Rp200 million for goods, construction and other
services under Perpres 16/2018 as amended by Perpres 12/2021) a PPK may buy directly, without a
tender. Splitting one need into several awards just under it avoids competition.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from app.redflags import ocds
from app.redflags.indicators.base import Indicator, Run
from app.redflags.ocds import NANOSECONDS_PER_DAY
from app.redflags.results import BUYER, OCID, TENDERER
from app.redflags.settings import at_least, decimal, fraction_below_one, text
from app.redflags.windows import find_bursts


class ContractSplitting(Indicator):
    """An award is just under the threshold if it is active and its value, in `currency` (default
    IDR), is at least `threshold` x (1 - `margin`) and below `threshold` (defaults 200000000 and
    0.1). Flags a buyer and supplier if at least `minimum_contracts` (default 2) such awards from
    the buyer to the supplier are dated (`awards/date`) within `days` (default 90) of each other:
    their contracting processes get 1.0, and the buyer and the supplier get the largest number of
    such awards within one window."""

    code = "T004"
    options = {
        "threshold": decimal,
        "currency": text,
        "margin": fraction_below_one,
        "days": at_least(1),
        "minimum_contracts": at_least(2),
    }

    def __init__(self, options: Mapping[str, Any]) -> None:
        self.threshold: float = options.get("threshold", 200_000_000.0)
        self.currency: str = options.get("currency", "IDR")
        self.floor = self.threshold * (1 - options.get("margin", 0.1))
        self.days: int = options.get("days", 90)
        self.minimum_contracts: int = options.get("minimum_contracts", 2)
        # (buyer, supplier) -> [(award instant, ocid)]
        self.awards: dict[tuple[str, str], list[tuple[int, str]]] = defaultdict(list)

    def fold(self, run: Run, release: Mapping, ocid: str) -> None:
        buyer = ocds.string(release, "buyer", "id")
        if buyer is None:
            return
        for award in ocds.array(release, "awards"):
            amount = ocds.amount(ocds.field(award, "value", "amount"))
            instant = ocds.instant(ocds.field(award, "date"))
            if (
                ocds.field(award, "status") == "active"
                and ocds.field(award, "value", "currency") == self.currency
                and amount is not None
                and self.floor <= amount < self.threshold
                and instant is not None
            ):
                for supplier in ocds.supplier_ids(award):
                    self.awards[(buyer, supplier)].append((instant, ocid))

    def finalize(self, run: Run) -> None:
        buyers: dict[str, int] = {}
        suppliers: dict[str, int] = {}
        span = self.days * NANOSECONDS_PER_DAY
        for (buyer, supplier), events in self.awards.items():
            burst = find_bursts(events, span, self.minimum_contracts)
            if burst.largest < self.minimum_contracts:
                continue
            for ocid in burst.keys:
                run.results.flag(OCID, ocid, self.code, 1.0)
            buyers[buyer] = max(buyers.get(buyer, 0), burst.largest)
            suppliers[supplier] = max(suppliers.get(supplier, 0), burst.largest)
        for buyer, count in buyers.items():
            run.results.flag(BUYER, buyer, self.code, count)
        for supplier, count in suppliers.items():
            run.results.flag(TENDERER, supplier, self.code, count)
