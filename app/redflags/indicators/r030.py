"""R030 Late bid won: a valid bid received after the deadline belongs to an awarded supplier."""

from __future__ import annotations

from collections.abc import Mapping

from app.redflags import ocds
from app.redflags.indicators.base import Indicator, Run
from app.redflags.results import OCID, TENDERER


class R030(Indicator):
    """Flags a contracting process (1.0) with a valid bid whose `date` is after
    `tender/tenderPeriod/endDate`, from a tenderer who is a supplier of an active award; that
    tenderer is flagged too (1.0). Dates are compared as strings, as Cardinal does, which is exact
    for RFC 3339 timestamps written in the same offset and precision."""

    code = "R030"

    def fold(self, run: Run, release: Mapping, ocid: str) -> None:
        end_date = ocds.string(release, "tender", "tenderPeriod", "endDate")
        awards = release.get("awards")
        details = ocds.bid_details(release)
        if end_date is None or not isinstance(awards, list) or details is None:
            return
        awarded = {
            supplier
            for award in awards
            if ocds.field(award, "status") == "active" and isinstance(ocds.field(award, "suppliers"), list)
            for supplier in ocds.supplier_ids(award)
        }
        for bid in details:
            date = ocds.field(bid, "date")
            if (
                ocds.field(bid, "status") == "valid"
                and isinstance(date, str)
                and isinstance(ocds.field(bid, "tenderers"), list)
                and date > end_date
            ):
                for tenderer in ocds.tenderer_ids(bid):
                    if tenderer in awarded:
                        run.results.flag(OCID, ocid, self.code, 1.0)
                        run.results.flag(TENDERER, tenderer, self.code, 1.0)
