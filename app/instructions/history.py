"""Payment instructions as the indexer recorded them (app/indexer's `chain_events`): one
instruction's event history with block times, and a filtered, paginated list.

The list is built from the Payments events alone: an instruction is its first PaymentAuthorized
(source, purpose, payee key, amount) and its status is named by its latest status event
(PaymentAuthorized / Settled / Failed / Cancelled), the ledger's state machine. Two window
queries over the Payments events per page: fine for the tens of thousands of instructions a quarter
brings (one per welfare batch of 500, one per milestone payment). It is as fresh as the indexer
(`indexedThroughBlock`); GET /instructions/{id} reads the chain itself."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from app.indexer.models import ChainEvent, IndexerCursor
from app.indexer.store import CURSOR
from app.instructions.views import PURPOSES, STATUS

CONTRACT = "Payments"
# The event that moves an instruction into each status (every PaymentStatus but None).
STATUS_EVENTS = {f"Payment{member}": STATUS.word(member) for member in STATUS.members if member != "None"}
EVENT_OF_STATUS = {status: event for event, status in STATUS_EVENTS.items()}


def indexed_through(session: Session) -> int | None:
    cursor = session.get(IndexerCursor, CURSOR)
    return cursor.block_number if cursor else None


def history(session: Session, instruction_id: str) -> list[dict[str, Any]]:
    """Every indexed Payments event of the instruction, oldest first."""
    rows = session.scalars(
        select(ChainEvent)
        .where(ChainEvent.contract == CONTRACT, ChainEvent.topic1 == instruction_id.lower())
        .order_by(ChainEvent.block_number, ChainEvent.log_index)
    )
    return [
        {
            "event": row.event,
            "blockNumber": row.block_number,
            "timestamp": row.block_timestamp,
            "transactionHash": row.tx_hash,
            "args": {k: v for k, v in row.args.items() if k != "id"},
        }
        for row in rows
    ]


def _ranked(descending: bool):
    order = (
        (ChainEvent.block_number.desc(), ChainEvent.log_index.desc())
        if descending
        else (ChainEvent.block_number, ChainEvent.log_index)
    )
    return func.row_number().over(partition_by=ChainEvent.topic1, order_by=order).label("rank")


def page(
    session: Session,
    source: str | None,
    status: str | None,
    limit: int,
    before: tuple[int, int] | None,
) -> tuple[list[dict[str, Any]], tuple[int, int] | None]:
    """Instructions newest first (by first authorisation); `before` is the (block, log index) of
    the last item of the previous page. Returns the items and the next page's `before`."""
    first_query = select(ChainEvent, _ranked(descending=False)).where(
        ChainEvent.contract == CONTRACT, ChainEvent.event == "PaymentAuthorized"
    )
    if source:
        first_query = first_query.where(func.lower(ChainEvent.args["source"].as_string()) == source.lower())
    first = first_query.subquery()
    latest = (
        select(
            ChainEvent.topic1,
            ChainEvent.event,
            ChainEvent.block_timestamp,
            _ranked(descending=True),
        )
        .where(ChainEvent.contract == CONTRACT, ChainEvent.event.in_(tuple(STATUS_EVENTS)))
        .subquery()
    )
    query = (
        select(first, latest.c.event.label("latest_event"), latest.c.block_timestamp.label("updated_at"))
        .join(latest, and_(latest.c.topic1 == first.c.topic1, latest.c.rank == 1))
        .where(first.c.rank == 1)
    )
    if status:
        query = query.where(latest.c.event == EVENT_OF_STATUS[status])
    if before:
        block, log = before
        query = query.where(
            or_(first.c.block_number < block, and_(first.c.block_number == block, first.c.log_index < log))
        )
    rows = session.execute(
        query.order_by(first.c.block_number.desc(), first.c.log_index.desc()).limit(limit + 1)
    ).all()
    items = [
        {
            "instructionId": row.topic1,
            "source": row.args["source"],
            "purpose": PURPOSES[row.args["purpose"]],
            "payeeKey": row.args["payeeKey"],
            "amount": row.args["amount"],
            "status": STATUS_EVENTS[row.latest_event],
            "authorizedAt": row.block_timestamp,
            "authorizedBlock": row.block_number,
            "updatedAt": row.updated_at,
        }
        for row in rows[:limit]
    ]
    more = len(rows) > limit
    return items, ((rows[limit - 1].block_number, rows[limit - 1].log_index) if more else None)
