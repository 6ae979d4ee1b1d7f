"""The winning bid against the second-lowest valid bid, shared by R024 and R058."""

from __future__ import annotations

from collections.abc import Mapping

from app.redflags import ocds
from app.redflags.indicators.base import BidRatio, Indicator, Run


class SecondLowestBidRatio(Indicator):
    """Records, per contracting process, (lowest losing valid bid - winning bid) / winning bid.

    Only for the simple case Cardinal supports: all awards final, exactly one active award with
    exactly one supplier, bids from single tenderers, amounts in the main currency. If the lowest
    bid did not win, the award criterion was not price only, so there is nothing to compare.
    """

    code = "SecondLowestBidRatio"

    def fold(self, run: Run, release: Mapping, ocid: str) -> None:
        if not run.prices_comparable(release):
            return
        found = ocds.complete_awards_and_bids(release)
        if found is None:
            return
        awards, details = found
        if len(awards) != 1 or (supplier_id := ocds.sole_supplier_id(awards[0])) is None:
            return

        winner: tuple[str, float] | None = None
        lowest_loser: tuple[str, float] | None = None
        for tenderer_id, amount, currency in ocds.valid_bid_values(details):
            if not run.in_main_currency(currency):
                continue
            # If a tenderer submitted several bids, its lowest counts; ties keep the first.
            if tenderer_id == supplier_id:
                if winner is None or amount < winner[1]:
                    winner = (tenderer_id, amount)
            elif lowest_loser is None or amount < lowest_loser[1]:
                lowest_loser = (tenderer_id, amount)

        if winner and lowest_loser and lowest_loser[1] >= winner[1]:
            run.bid_ratios[ocid] = BidRatio(
                ratio=_divide(lowest_loser[1] - winner[1], winner[1]),
                winner=winner[0],
                lowest_non_winner=lowest_loser[0],
            )


def _divide(numerator: float, denominator: float) -> float:
    """IEEE division, as in Rust: a zero winning bid gives infinity (or NaN for 0 / 0)."""
    if denominator == 0:
        return float("nan") if numerator == 0 else float("inf")
    return numerator / denominator
