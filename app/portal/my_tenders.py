"""A signed-in supplier's tenders and what each needs from it now, soonest deadline first:

- the bid deadline ahead: the bid may still be replaced until it;
- past it, the bid still sealed and the opening window open: **open the bid** before the reveal
  deadline (a bid left sealed is opened by the Pokja's quorum and its bond may be claimed);
- an award proposed to another supplier and the objection window open: a sanggah may be filed;
- won and the contract awaiting the supplier's countersignature (read from the chain: the read
  models do not follow an escrow's status): **countersign**; a milestone rejected, or approved with a
  penalty not yet disputed: **may dispute** (no deadline on chain); won otherwise: the contract's page.

Read from the explorer's read models: the supplier's linked BidCommitted events name its tenders
(one indexed join), each tender's stored summary says where it stands."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.escrows.views import disputable, escrow_view
from app.explorer.models import ExplorerSupplier, ExplorerSupplierEvent, ExplorerTender
from app.explorer.queries import CONTRACTED, TenderView, from_summary
from app.indexer.models import ChainEvent
from app.ocds.models import OcdsTender
from app.protocol.bids import tender_id

SEALED = "sealed"


@dataclass(frozen=True)
class MyTender:
    view: TenderView
    bid: dict[str, Any]  # this supplier's entry of view.bid_details
    action: str  # replace_until, open_bid, may_object, countersign, may_dispute, won, none
    deadline: int | None  # when the action's window closes

    @property
    def pressing(self) -> bool:
        return self.action in ("open_bid", "may_object", "countersign", "may_dispute")


def registry_entry(session: Session, supplier: int) -> dict[str, Any] | None:
    row = session.get(ExplorerSupplier, supplier)
    return row.summary if row is not None and row.position is not None else None


def my_tenders(session: Session, supplier: int, now: int) -> list[MyTender]:
    link = ExplorerSupplierEvent
    tender_ids = set(
        session.scalars(
            select(ChainEvent.topic1)
            .join(link, link.event_id == ChainEvent.id)
            .where(
                link.supplier_id == supplier,
                ChainEvent.contract == "Tenders",
                ChainEvent.event == "BidCommitted",
            )
        )
    )
    if not tender_ids:
        return []
    rows = session.execute(
        select(ExplorerTender.ocid, ExplorerTender.summary)
        .join(OcdsTender, OcdsTender.ocid == ExplorerTender.ocid)
        .where(OcdsTender.tender_id.in_(sorted(tender_ids)))
    )
    found = []
    for ocid, summary in rows:
        view = from_summary(ocid, summary)
        bid = next((b for b in view.bid_details if b["supplier"] == supplier), None)
        if bid is not None:
            found.append(_action(view, bid, supplier, now))
    never = 2**63
    return sorted(found, key=lambda t: (not t.pressing, t.deadline or never, t.view.ocid))


def _action(view: TenderView, bid: dict[str, Any], supplier: int, now: int) -> MyTender:
    def due(action: str, deadline: int | None) -> MyTender:
        return MyTender(view, bid, action, deadline)

    if view.status == "open" and view.commit_deadline and now < view.commit_deadline:
        return due("replace_until", view.commit_deadline)
    if (
        view.status == "open"
        and bid["status"] == SEALED
        and view.reveal_deadline
        and now < view.reveal_deadline
    ):
        return due("open_bid", view.reveal_deadline)
    objection = view.objection_deadline
    if view.status == "award_proposed" and view.proposed != supplier and objection and now < objection:
        return due("may_object", objection)
    if view.winner == supplier and view.status in ("awarded", "contracted", "paid"):
        return due("won", None)
    return due("none", None)


def contract_actions(found: list[MyTender], chain) -> list[MyTender]:
    """The won tenders whose contract awaits the supplier's countersignature, or has a milestone the
    supplier may dispute, become that action (the read models do not follow an escrow's status: one
    chain read of the contract per contracted tender of this supplier, a handful), pressing first."""
    marked = []
    for mine in found:
        if mine.action == "won" and mine.view.status in (CONTRACTED, "paid"):
            escrow = escrow_view(chain, "0x" + tender_id(mine.view.ocid).hex())
            if escrow is not None and escrow["status"] == "awaiting_countersign":
                mine = MyTender(mine.view, mine.bid, "countersign", None)
            elif escrow is not None and any(disputable(escrow["status"], m) for m in escrow["milestones"]):
                mine = MyTender(mine.view, mine.bid, "may_dispute", None)
        marked.append(mine)
    return sorted(marked, key=lambda t: not t.pressing)
