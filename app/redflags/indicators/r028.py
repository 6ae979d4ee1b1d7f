"""R028 Identical bid prices: different tenderers bid exactly the same price."""

from __future__ import annotations

from collections.abc import Mapping

from app.redflags import ocds
from app.redflags.indicators.base import Indicator, Run
from app.redflags.results import OCID, TENDERER


class R028(Indicator):
    """Flags a contracting process (1.0) in which two submitted bids from different sets of
    tenderers have the same amount and currency; those tenderers are flagged too (1.0). A tenderer
    may repeat its own price. Skipped where prices are predetermined (global price-comparison
    settings)."""

    code = "R028"

    def fold(self, run: Run, release: Mapping, ocid: str) -> None:
        if not run.prices_comparable(release):
            return
        seen: dict[tuple[float, str], frozenset[str]] = {}
        for bid in ocds.submitted_bids(release):
            if not isinstance(ocds.field(bid, "tenderers"), list):
                continue
            amount = ocds.amount(ocds.field(bid, "value", "amount"))
            currency = ocds.field(bid, "value", "currency")
            if amount is None or not isinstance(currency, str):
                continue
            tenderers = frozenset(ocds.tenderer_ids(bid))
            if not tenderers:
                continue
            price = (amount, currency)
            other = seen.get(price)
            if other is not None and other != tenderers:
                run.results.flag(OCID, ocid, self.code, 1.0)
                for tenderer in (*tenderers, *other):
                    run.results.flag(TENDERER, tenderer, self.code, 1.0)
            # The latest bid at a price is what the next one is compared with (the value is
            # always 1.0, so which pair is found first does not matter).
            seen[price] = tenderers
