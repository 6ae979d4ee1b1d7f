"""R018 Single bid received: only one tenderer in a competitive procedure."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.redflags import ocds
from app.redflags.indicators.base import Indicator, Run
from app.redflags.results import OCID
from app.redflags.settings import pipe_separated, text


class R018(Indicator):
    """Flags a contracting process (value 1.0) whose `tender/numberOfTenderers` is the integer 1
    and whose `procurementMethod` is competitive (`procurement_methods`, default `open|selective`)."""

    code = "R018"
    options = {"procurement_methods": text}

    def __init__(self, options: Mapping[str, Any]) -> None:
        self.procurement_methods = pipe_separated(options.get("procurement_methods", "open|selective"))

    def fold(self, run: Run, release: Mapping, ocid: str) -> None:
        tender = ocds.tender(release)
        if tender is None or not ocds.matches_procurement_method(tender, self.procurement_methods):
            return
        count = tender.get("numberOfTenderers")
        # An integer, not 1.0 or true: Cardinal reads the number as an unsigned integer.
        if type(count) is int and count == 1:
            run.results.flag(OCID, ocid, self.code, 1.0)
