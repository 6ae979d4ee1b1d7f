"""One pass over OCDS compiled releases, then the cross-process fences."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from app.redflags import ocds
from app.redflags.indicators import ALL, SCHEMAS
from app.redflags.indicators.base import Indicator, Run
from app.redflags.indicators.bid_ratio import SecondLowestBidRatio
from app.redflags.results import Results
from app.redflags.settings import Settings, load_settings, parse_settings

# Indicators that read the winning-bid ratios collected by SecondLowestBidRatio.
_BID_RATIO_USERS = frozenset({"R024", "R058"})


def read_settings(path: str | Path) -> Settings:
    """A Cardinal-format settings file, for this engine's indicators."""
    return load_settings(path, SCHEMAS)


def read_settings_text(content: str, source: str = "<settings>") -> Settings:
    return parse_settings(content, SCHEMAS, source)


# An e-Katalog order's price is the catalogue's, fixed by LKPP (app/ocds/releases.py METHOD_DETAILS):
# price indicators would flag every order as a "winning bid equal to the HPS".
PREDETERMINED_PRICES = "E-Purchasing (e-Katalog)"


def default_settings() -> Settings:
    """Every indicator enabled with its defaults (what running without a settings file means), the
    price indicators skipping e-Katalog orders, whose prices are predetermined."""
    indicators: dict = {code: {} for code in SCHEMAS}
    return Settings(indicators=indicators, no_price_comparison_procurement_methods=PREDETERMINED_PRICES)


def evaluate(releases: Iterable[Any], settings: Settings) -> Results:
    """Run the indicators enabled in `settings` over compiled releases (one per contracting process).

    As in Cardinal, a release is skipped if it is not an object, its `ocid` is not a string, its
    tender is cancelled, or its `procurementMethodDetails` is in `[exclusions]`.
    """
    run = Run(settings)
    enabled = [
        indicator(settings.indicators[indicator.code])
        for indicator in ALL
        if indicator.code in settings.indicators
    ]
    folding: list[Indicator] = list(enabled)
    if _BID_RATIO_USERS & settings.indicators.keys():
        folding.insert(0, SecondLowestBidRatio({}))

    no_filter: frozenset[str] = frozenset()
    for release in releases:
        if not isinstance(release, Mapping):
            continue
        ocid = release.get("ocid")
        if (
            not isinstance(ocid, str)
            or ocds.is_cancelled(release)
            or not ocds.matches_procurement_method_details(
                release, no_filter, settings.excluded_procurement_method_details
            )
        ):
            continue
        for indicator in folding:
            indicator.fold(run, release, ocid)

    for indicator in enabled:
        indicator.finalize(run)
    return run.results
