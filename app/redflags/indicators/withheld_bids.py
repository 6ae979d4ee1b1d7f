"""T005 Lower bid withheld and T006 Bids repeatedly left unopened: bids their own bidders did not
open.

A sealed bid carries an envelope the tender's Pokja quorum can open, so a bidder can no longer make
its bid vanish by not opening it: the quorum opens it after the reveal period and its bid bond is
claimed (Terang's OCDS extension: `bids/details/openedBy` is `pokjaQuorum`, or `nobody` when even the
quorum could not open it). Not opening one's own bid now costs the bond and gains nothing, so it is
a trace of what withholding used to buy: a cartel's ladder of prices where the lower rungs were
meant to stay shut, cover bids placed for a partner, or identities of one group taking turns.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from app.redflags import ocds
from app.redflags.indicators.base import Indicator, Run
from app.redflags.results import OCID, TENDERER
from app.redflags.settings import at_least, share

# bids/details/openedBy (Terang's OCDS extension).
BY_TENDERER, BY_POKJA, BY_NOBODY = "tenderer", "pokjaQuorum", "nobody"
NOT_BY_TENDERER = (BY_POKJA, BY_NOBODY)


def _opened_by(bid: Any) -> str:
    """Who opened the bid; a bid with a value and no `openedBy` was opened by its bidder."""
    return ocds.string(bid, "openedBy") or BY_TENDERER


def _tenderer(bid: Any) -> str | None:
    tenderers = list(ocds.tenderer_ids(bid))
    return tenderers[0] if len(tenderers) == 1 else None


class LowerBidWithheld(Indicator):
    """Flags a contracting process in which a bid its bidder did not open, opened by the Pokja
    quorum, is lower than every bid opened by its own bidder (amounts in the main currency; the
    disqualified count too, as priced offers). The value is the number of such bids; each tenderer
    that withheld one is flagged with the number of processes in which it did. Skipped where prices
    are predetermined (global price-comparison settings) and where no bidder opened its own bid (no
    price to compare with)."""

    code = "T005"

    def __init__(self, options: Mapping[str, Any]) -> None:
        self.withholders: dict[str, int] = defaultdict(int)

    def fold(self, run: Run, release: Mapping, ocid: str) -> None:
        if not run.prices_comparable(release):
            return
        opened_by_bidder: list[float] = []
        opened_by_quorum: list[tuple[float, str | None]] = []
        for bid in ocds.bid_details(release) or []:
            amount = ocds.amount(ocds.field(bid, "value", "amount"))
            currency = ocds.field(bid, "value", "currency")
            if amount is None or not isinstance(currency, str) or not run.in_main_currency(currency):
                continue
            opened_by = _opened_by(bid)
            if opened_by == BY_TENDERER:
                opened_by_bidder.append(amount)
            elif opened_by == BY_POKJA:
                opened_by_quorum.append((amount, _tenderer(bid)))
        if not opened_by_bidder:
            return
        lowest_opened = min(opened_by_bidder)
        lower = [tenderer for amount, tenderer in opened_by_quorum if amount < lowest_opened]
        if not lower:
            return
        run.results.flag(OCID, ocid, self.code, len(lower))
        for tenderer in dict.fromkeys(t for t in lower if t is not None):
            self.withholders[tenderer] += 1

    def finalize(self, run: Run) -> None:
        for tenderer, count in self.withholders.items():
            run.results.flag(TENDERER, tenderer, self.code, count)


class RepeatedUnopenedBids(Indicator):
    """Bids their bidders did not open (opened by the Pokja quorum or by nobody). A tenderer is
    flagged when it left its own bid unopened in at least `minimum_unopened` (default 2) contracting
    processes and in at least `minimum_share` (default 0.5) of the processes it bid in; the value is
    that number of processes. A contracting process is flagged, with the number of its bids left
    unopened by their bidders, when at least `minimum_per_process` (default 2) were (several
    identities withholding together: a ladder), or when a flagged tenderer left its bid unopened in
    it."""

    code = "T006"
    options = {
        "minimum_unopened": at_least(1),
        "minimum_share": share,
        "minimum_per_process": at_least(1),
    }

    def __init__(self, options: Mapping[str, Any]) -> None:
        self.minimum_unopened: int = options.get("minimum_unopened", 2)
        self.minimum_share: float = options.get("minimum_share", 0.5)
        self.minimum_per_process: int = options.get("minimum_per_process", 2)
        self.bid_in: dict[str, int] = defaultdict(int)
        self.unopened: dict[str, list[str]] = defaultdict(list)  # tenderer -> processes
        self.per_process: dict[str, int] = {}

    def fold(self, run: Run, release: Mapping, ocid: str) -> None:
        unopened = 0
        for bid in ocds.bid_details(release) or []:
            tenderer = _tenderer(bid)
            withheld = _opened_by(bid) in NOT_BY_TENDERER
            unopened += withheld
            if tenderer is None:
                continue
            self.bid_in[tenderer] += 1
            if withheld:
                self.unopened[tenderer].append(ocid)
        if unopened:
            self.per_process[ocid] = unopened

    def finalize(self, run: Run) -> None:
        minimum = self.minimum_per_process
        flagged = {ocid for ocid, count in self.per_process.items() if count >= minimum}
        for tenderer, ocids in self.unopened.items():
            processes = len(set(ocids))
            if processes >= self.minimum_unopened and processes >= self.minimum_share * self.bid_in[tenderer]:
                run.results.flag(TENDERER, tenderer, self.code, processes)
                flagged.update(ocids)
        for ocid, count in self.per_process.items():  # in the order the processes were read
            if ocid in flagged:
                run.results.flag(OCID, ocid, self.code, count)
