"""R048 Heterogeneous supplier: a supplier of unusually many kinds of items."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from app.redflags import ocds, stats
from app.redflags.indicators.base import Indicator, Run
from app.redflags.results import TENDERER
from app.redflags.settings import natural


class R048(Indicator):
    """For each supplier, the variety: distinct classification prefixes (first `digits`, default 2,
    characters of `items/classification/id`) over the items of its active single-supplier awards.
    Among suppliers awarded in at least `minimum_contracting_processes` (default 20) contracting
    processes, flags those (value: the variety) at or above the upper fence Q3 + 1.5 IQR of the
    varieties (or `threshold`, a natural number)."""

    code = "R048"
    options = {"digits": natural, "threshold": natural, "minimum_contracting_processes": natural}

    def __init__(self, options: Mapping[str, Any]) -> None:
        self.digits: int = options.get("digits", 2)
        self.threshold: int | None = options.get("threshold")
        self.minimum_contracting_processes: int = options.get("minimum_contracting_processes", 20)
        self.processes: dict[str, int] = defaultdict(int)
        self.prefixes: dict[str, set[str]] = defaultdict(set)

    def fold(self, run: Run, release: Mapping, ocid: str) -> None:
        counted: set[str] = set()  # a supplier counts once per contracting process
        for award in ocds.array(release, "awards"):
            items = ocds.field(award, "items")
            supplier = ocds.sole_supplier_id(award)
            if ocds.field(award, "status") != "active" or not isinstance(items, list) or supplier is None:
                continue
            for item in items:
                classification = ocds.string(item, "classification", "id")
                if classification is None:
                    continue
                if supplier not in counted:
                    counted.add(supplier)
                    self.processes[supplier] += 1
                self.prefixes[supplier].add(classification[: self.digits])

    def finalize(self, run: Run) -> None:
        varieties = {
            supplier: float(len(self.prefixes[supplier]))
            for supplier, count in self.processes.items()
            if count >= self.minimum_contracting_processes
        }
        if self.threshold is not None:
            fence = float(self.threshold)
        else:
            fence = stats.upper_fence(*stats.quartiles(varieties.values()))
        for supplier, variety in varieties.items():
            if variety >= fence:
                run.results.flag(TENDERER, supplier, self.code, variety)
