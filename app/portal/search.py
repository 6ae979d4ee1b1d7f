"""Finding tenders a supplier can still bid in: announced, still open, and before their commit
deadline as it stands (addenda and pauses applied), filtered by agency, category, selection method
and a words-in-title search, soonest deadline first. One indexed range over the explorer's tender
rows (app/explorer/models.py), however long the history behind them."""

from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.explorer.models import ExplorerTender
from app.explorer.queries import CATEGORY, METHOD, TENDER_STATUS, TenderView, from_summary
from app.indexer.models import ChainEvent, IndexedBlock

OPEN = TENDER_STATUS.word("Open")
CATEGORIES = CATEGORY.words
METHODS = METHOD.words
MAX_QUERY = 100  # characters of a title search


@dataclass(frozen=True)
class Filters:
    """What a supplier narrows the open tenders by; None is "any". Unknown words are dropped by
    `parse`, so a hand-edited link shows every tender rather than an error."""

    agency: int | None = None
    category: str | None = None
    method: str | None = None
    words: str = ""

    @classmethod
    def parse(cls, agency: str | None, category: str | None, method: str | None, q: str | None) -> Filters:
        return cls(
            agency=int(agency) if agency and agency.isdigit() and len(agency) <= 10 else None,
            category=category if category in CATEGORIES else None,
            method=method if method in METHODS else None,
            words=" ".join((q or "").split())[:MAX_QUERY],
        )

    def query(self) -> dict[str, str]:
        """The filters as a link's query parameters (for the pager)."""
        values = {"agency": self.agency, "category": self.category, "method": self.method, "q": self.words}
        return {k: str(v) for k, v in values.items() if v}


def now(session: Session) -> int:
    """The time the deadlines are compared with: the wall clock, or the chain's last indexed block
    if that is later (a local chain whose time was moved ahead)."""
    latest = session.scalar(select(IndexedBlock.timestamp).order_by(IndexedBlock.number.desc()).limit(1))
    return max(int(time.time()), int(latest or 0))


def open_tenders(
    session: Session, at: int, filters: Filters, page: int = 1, per_page: int = 20
) -> tuple[list[TenderView], int]:
    """One page of the tenders still taking bids at `at`, soonest commit deadline first, and how
    many there are."""
    where = [ExplorerTender.status == OPEN, ExplorerTender.commit_deadline > at]
    if filters.agency is not None:
        where.append(ExplorerTender.agency == filters.agency)
    if filters.category:
        where.append(ExplorerTender.category == filters.category)
    if filters.method:
        where.append(ExplorerTender.method == filters.method)
    for word in filters.words.split():
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        where.append(ExplorerTender.title.ilike(f"%{escaped}%", escape="\\"))
    rows = session.scalars(
        select(ExplorerTender)
        .where(*where)
        .order_by(ExplorerTender.commit_deadline, ExplorerTender.position)
        .offset((page - 1) * per_page)
        .limit(per_page)
    )
    tenders = [from_summary(r.ocid, r.summary) for r in rows]
    total = session.scalar(select(func.count()).select_from(ExplorerTender).where(*where)) or 0
    return tenders, total


def agencies(session: Session) -> dict[int, str]:
    """Every registered agency by id (the filter's choices and the rows' names)."""
    rows = session.scalars(
        select(ChainEvent.args).where(
            ChainEvent.contract == "AgencyDirectory", ChainEvent.event == "AgencyRegistered"
        )
    )
    return dict(sorted((int(a["agencyId"]), a["name"]) for a in rows))
