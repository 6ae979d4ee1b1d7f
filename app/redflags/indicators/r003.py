"""R003 Short submission period: the tender period is shorter than a threshold in whole days."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.redflags import ocds
from app.redflags.indicators.base import Indicator, Run
from app.redflags.results import OCID
from app.redflags.settings import MapOf, integer, pipe_separated, text


class R003(Indicator):
    """Flags a contracting process (value 1.0) whose `tenderPeriod` from `startDate` to `endDate`
    (RFC 3339, whole days, truncated) is shorter than `threshold` days (default 15), or than the
    threshold set for its `procurementMethodDetails` in `[R003.procurement_method_details]`.
    `procurement_methods` (pipe-separated) limits it to those `procurementMethod` values."""

    code = "R003"
    options = {
        "threshold": integer,
        "procurement_methods": text,
        "procurement_method_details": MapOf(integer),
    }

    def __init__(self, options: Mapping[str, Any]) -> None:
        self.threshold: int = options.get("threshold", 15)
        self.procurement_methods = pipe_separated(options.get("procurement_methods"))
        self.thresholds_by_details: Mapping[str, int] = options.get("procurement_method_details", {})

    def fold(self, run: Run, release: Mapping, ocid: str) -> None:
        tender = ocds.tender(release)
        if tender is None or not ocds.matches_procurement_method(tender, self.procurement_methods):
            return
        start = ocds.instant(ocds.field(tender, "tenderPeriod", "startDate"))
        end = ocds.instant(ocds.field(tender, "tenderPeriod", "endDate"))
        if start is None or end is None:
            return
        details = ocds.string(tender, "procurementMethodDetails")
        threshold = self.threshold
        if details is not None:
            threshold = self.thresholds_by_details.get(details, threshold)
        if ocds.whole_days(start, end) < threshold:
            run.results.flag(OCID, ocid, self.code, 1.0)
