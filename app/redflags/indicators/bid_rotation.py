"""T003 Bid rotation: two tenderers who keep meeting take turns winning.

In a rotation cartel, members bid in the same tenders and agree whose turn it is; the others bid
to lose. The trace: a pair that met often, where one of the two always won, and each won sometimes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from itertools import combinations
from typing import Any

from app.redflags import ocds
from app.redflags.indicators.base import Indicator, Run
from app.redflags.results import OCID, TENDERER
from app.redflags.settings import at_least, share


class BidRotation(Indicator):
    """For each pair of tenderers, the contracting processes in which both submitted bids (their
    meetings). Flags the pair if they met in at least `minimum_contracting_processes` (default 3)
    processes, each of the two won at least `minimum_wins` (default 1) of them, and together they
    won at least `minimum_share` (default 0.5) of them; a share below 1 lets rings of three or four
    members show up pair by pair. Those meetings get 1.0; each tenderer gets the number of partners
    it rotates with. Counted only where the winner is clear (all awards final, one active award
    with one supplier, who submitted a bid)."""

    code = "T003"
    options = {
        "minimum_contracting_processes": at_least(2),
        "minimum_wins": at_least(1),
        "minimum_share": share,
    }

    def __init__(self, options: Mapping[str, Any]) -> None:
        self.minimum_contracting_processes: int = options.get("minimum_contracting_processes", 3)
        self.minimum_wins: int = options.get("minimum_wins", 1)
        self.minimum_share: float = options.get("minimum_share", 0.5)
        self.meetings: dict[tuple[str, str], list[str]] = defaultdict(list)
        self.wins: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))

    def fold(self, run: Run, release: Mapping, ocid: str) -> None:
        found = ocds.complete_awards_and_bids(release)
        if found is None:
            return
        awards, _ = found
        if len(awards) != 1 or (winner := ocds.sole_supplier_id(awards[0])) is None:
            return
        tenderers = {tenderer for bid in ocds.submitted_bids(release) for tenderer in ocds.tenderer_ids(bid)}
        if winner not in tenderers:
            return
        for pair in combinations(sorted(tenderers), 2):
            self.meetings[pair].append(ocid)
            if winner in pair:
                self.wins[pair][winner] += 1

    def finalize(self, run: Run) -> None:
        partners: dict[str, int] = defaultdict(int)
        for pair, ocids in self.meetings.items():
            wins = [self.wins[pair][tenderer] for tenderer in pair]
            if (
                len(ocids) >= self.minimum_contracting_processes
                and sum(wins) >= self.minimum_share * len(ocids)
                and min(wins) >= self.minimum_wins
            ):
                for ocid in ocids:
                    run.results.flag(OCID, ocid, self.code, 1.0)
                for tenderer in pair:
                    partners[tenderer] += 1
        for tenderer, count in partners.items():
            run.results.flag(TENDERER, tenderer, self.code, count)
