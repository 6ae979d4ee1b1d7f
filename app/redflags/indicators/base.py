"""What every indicator shares: the run it contributes to, and the fold/finalize protocol.

Cardinal folds each release through every enabled indicator, then lets indicators that compare
across contracting processes (quartiles, fences) finalize over what they accumulated. Indicator
instances are created per run, so their accumulators are plain attributes.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from app.redflags.ocds import matches_procurement_method_details
from app.redflags.results import Results
from app.redflags.settings import Schema, Settings, pipe_separated

logger = logging.getLogger("app.redflags")


@dataclass
class BidRatio:
    """The winning bid against the lowest losing valid bid of one contracting process."""

    ratio: float  # (lowest losing bid - winning bid) / winning bid
    winner: str
    lowest_non_winner: str


@dataclass
class Run:
    settings: Settings
    results: Results = field(default_factory=Results)
    # Main currency: from the settings, else the first one observed in a price comparison.
    currency: str | None = None
    bid_ratios: dict[str, BidRatio] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.currency = self.settings.currency
        self._price_include = pipe_separated(self.settings.price_comparison_procurement_methods)
        self._price_exclude = pipe_separated(self.settings.no_price_comparison_procurement_methods)

    def prices_comparable(self, release: Mapping) -> bool:
        """False where the buyer predetermines prices (global price-comparison settings)."""
        return matches_procurement_method_details(release, self._price_include, self._price_exclude)

    def in_main_currency(self, currency: str) -> bool:
        """Whether an amount in `currency` counts; the first currency seen becomes the main one."""
        if self.currency is None:
            self.currency = currency
        if currency == self.currency:
            return True
        level = logging.INFO if self.settings.info_currency_mismatches else logging.WARNING
        logger.log(level, "%s is not %s, skipping.", currency, self.currency)
        return False


class Indicator:
    """One red flag. Subclasses set `code`, document themselves, and declare `options`, the keys
    their settings section accepts (defaults are applied in `__init__`, as in Cardinal)."""

    code: ClassVar[str]
    options: ClassVar[Schema] = {}

    def __init__(self, options: Mapping[str, Any]) -> None:  # noqa: B027 - optional hook
        pass

    def fold(self, run: Run, release: Mapping, ocid: str) -> None:  # noqa: B027 - optional hook
        """Look at one contracting process (not cancelled, not excluded)."""

    def finalize(self, run: Run) -> None:  # noqa: B027 - optional hook
        """Flag what needs every contracting process to be seen first."""
