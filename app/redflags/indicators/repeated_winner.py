"""T002 Repeated winner: one buyer awards the same supplier again and again within a year."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from app.redflags import ocds
from app.redflags.indicators.base import Indicator, Run
from app.redflags.ocds import NANOSECONDS_PER_DAY
from app.redflags.results import BUYER, OCID, TENDERER
from app.redflags.settings import at_least
from app.redflags.windows import find_bursts


class RepeatedWinner(Indicator):
    """For each buyer (`buyer/id`) and supplier, the contracting processes in which the supplier
    has an active award from that buyer, dated by the earliest such `awards/date` (RFC 3339).
    Flags the pair if at least `minimum_awards` (default 3) of these fall within `days` (default
    365) of each other: those processes get 1.0, and the buyer and the supplier get the largest
    number found within one window (their largest over all their pairs). Awards without a date or
    buyer are not counted."""

    code = "T002"
    options = {"days": at_least(1), "minimum_awards": at_least(2)}

    def __init__(self, options: Mapping[str, Any]) -> None:
        self.days: int = options.get("days", 365)
        self.minimum_awards: int = options.get("minimum_awards", 3)
        # (buyer, supplier) -> ocid -> earliest award instant
        self.awards: dict[tuple[str, str], dict[str, int]] = defaultdict(dict)

    def fold(self, run: Run, release: Mapping, ocid: str) -> None:
        buyer = ocds.string(release, "buyer", "id")
        if buyer is None:
            return
        for award in ocds.array(release, "awards"):
            instant = ocds.instant(ocds.field(award, "date"))
            if ocds.field(award, "status") != "active" or instant is None:
                continue
            for supplier in ocds.supplier_ids(award):
                dated = self.awards[(buyer, supplier)]
                dated[ocid] = min(instant, dated.get(ocid, instant))

    def finalize(self, run: Run) -> None:
        buyers: dict[str, int] = {}
        suppliers: dict[str, int] = {}
        span = self.days * NANOSECONDS_PER_DAY
        for (buyer, supplier), dated in self.awards.items():
            burst = find_bursts(
                ((instant, ocid) for ocid, instant in dated.items()), span, self.minimum_awards
            )
            if burst.largest < self.minimum_awards:
                continue
            for ocid in burst.keys:
                run.results.flag(OCID, ocid, self.code, 1.0)
            buyers[buyer] = max(buyers.get(buyer, 0), burst.largest)
            suppliers[supplier] = max(suppliers.get(supplier, 0), burst.largest)
        for buyer, count in buyers.items():
            run.results.flag(BUYER, buyer, self.code, count)
        for supplier, count in suppliers.items():
            run.results.flag(TENDERER, supplier, self.code, count)
