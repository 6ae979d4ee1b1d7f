"""The read models (app/ocds/models.py, app/explorer/models.py) brought up to the indexer's cursor.

`ReadModels.catch_up(session)` runs inside the indexer's own transaction after each stored batch
and after a rollback (registered at composition, app/main.py), so the tables always answer as of
the cursor /health reports. Work per batch is bounded by what the batch touched: each tender one of
its events names is rebuilt from its own events (one indexed query), then its process-local red
flags from its stored compiled release; the red flags comparing processes are rerun over every
stored compiled release at most every `cross_interval` seconds (and four times the last run's own
duration) while tenders keep changing, and once more when the indexer is idle after the last change
(`settle`; app/explorer/redflags.py).
Each event naming a supplier (registry entries, bids, awards, contracts) is linked to it as it
arrives, and each supplier the batch named is rebuilt from its linked events (one indexed join).
A pause of Tenders (Paused, PauseTimeCredited) names no tender, yet moves the deadlines of every
tender in flight: a batch holding one rebuilds every tender not yet final. Positions:

- no position yet: everything is built once (a new database, or one indexed before the read models);
- the position's block still carries the same hash: the events after it are new;
- the indexer rolled back below the position: the tenders with events above the new cursor are
  rebuilt (their rolled-back events are gone), and so are the suppliers with links above it (the
  links go first: the events they pointed at are gone, and SQLite may reuse their ids);
- the position's block has another hash (an indexer without the projection rolled back and
  replayed past it): everything is rebuilt.
"""

from __future__ import annotations

import logging
import threading

from sqlalchemy import Engine, and_, delete, insert, or_, select
from sqlalchemy.orm import Session

from app.db.session import READ_ONLY, write_transaction
from app.explorer import redflags
from app.explorer.models import (
    ExplorerEventCount,
    ExplorerSupplier,
    ExplorerSupplierEvent,
    ExplorerTender,
    ExplorerWelfarePeriod,
    ReadModelPosition,
)
from app.explorer.queries import (
    SUPPLIER_REGISTRY,
    SUPPLIER_RELATED,
    as_welfare_group,
    fold_welfare,
    indexed_event_counts,
    summary_of,
    supplier_of,
    supplier_summary,
    tender_view,
    welfare_key,
)
from app.indexer.models import ChainEvent, IndexedBlock, IndexerCursor
from app.indexer.store import CURSOR
from app.ocds.events import PAUSE_EVENTS, agency_events, events_of, payment_ids_of
from app.ocds.models import OcdsPaymentLink, OcdsTender, position_of
from app.ocds.packages import record
from app.ocds.planning import planning_of
from app.ocds.releases import TENDER_STATUS, build_releases
from app.ocds.supplier_names import supplier_names
from app.protocol.bids import tender_id

log = logging.getLogger("terang.readmodels")

NAME = "main"
TENDER_CONTRACTS = ("Tenders", "MilestoneEscrow")
WELFARE = "WelfarePrograms"
# Supplier ids beyond a signed 64-bit column: no page can ask for them (routes.LARGEST).
LARGEST_SUPPLIER = 2**63 - 1


class ReadModels:
    """The projection from chain_events to the read models (stateless: its state is in tables).
    `cross_interval`: the least seconds between two runs of the cross-process red flags (0: after
    every batch that changed a tender, so they always answer as of the cursor); otherwise the gap
    is also at least CROSS_COST_FACTOR times the last run's duration in this process."""

    def __init__(self, cross_interval: float = redflags.CROSS_SECONDS) -> None:
        self.cross_interval = cross_interval
        self.cross_seconds = 0.0  # the last cross-process run's duration here (a cost, not state)

    def behind(self, session: Session) -> bool:
        cursor = session.get(IndexerCursor, CURSOR)
        position = session.get(ReadModelPosition, NAME)
        if cursor is None:
            return False
        return (
            position is None
            or (position.block_number, position.block_hash) != (cursor.block_number, cursor.block_hash)
            or not redflags.built(session)
        )

    def catch_up(self, session: Session) -> int:
        """Brings the read models up to the indexer's cursor; returns how many tenders it rebuilt."""
        cursor = session.get(IndexerCursor, CURSOR)
        if cursor is None:
            return 0
        upto = cursor.block_number
        position = session.get(ReadModelPosition, NAME)
        if position is not None and (position.block_number, position.block_hash) == (
            upto,
            cursor.block_hash,
        ):
            if not redflags.built(session):  # a database from before the red flags were rows
                redflags.recompute_all(session)
            return 0
        everything = position is None or not _still_on_chain(session, position, upto)
        if everything:
            touched = self._rebuild_all(session, upto)
            self._suppliers_all(session, upto)
            self._welfare(session, None, upto)
            self._event_counts(session, None, upto)
        elif position.block_number > upto:  # rolled back: what was above the cursor is gone
            stale = session.scalars(select(OcdsTender.ocid).where(OcdsTender.last_block > upto))
            touched = self._rebuild(session, set(stale), upto)
            self._suppliers_rolled_back(session, upto)
            self._welfare(session, None, upto)  # rare: every period rebuilt
            self._event_counts(session, None, upto)
        else:
            touched = self._follow(session, position.block_number, upto)
            self._suppliers_follow(session, position.block_number, upto)
            self._welfare(session, position.block_number, upto)
            self._event_counts(session, position.block_number, upto)
        if everything or not redflags.built(session):
            redflags.recompute_all(session)
        elif touched:
            redflags.refresh_processes(session, touched)
            self.settle(session)
        if position is None:
            session.add(ReadModelPosition(name=NAME, block_number=upto, block_hash=cursor.block_hash))
        else:
            position.block_number, position.block_hash = upto, cursor.block_hash
        return len(touched)

    # -- which tenders changed --------------------------------------------------------------------
    def _follow(self, session: Session, after: int, upto: int) -> set[str]:
        new = session.execute(
            select(ChainEvent.contract, ChainEvent.event, ChainEvent.topic1, ChainEvent.args).where(
                ChainEvent.block_number > after, ChainEvent.block_number <= upto
            )
        ).all()
        announced = {args["params"]["ocid"] for contract, event, _, args in new if event == "TenderAnnounced"}
        subjects = {topic for contract, _, topic, _ in new if contract in TENDER_CONTRACTS and topic}
        subjects -= {"0x" + tender_id(ocid).hex() for ocid in announced}
        known = _ocids_where(session, OcdsTender.ocid, OcdsTender.tender_id, subjects)
        if any(contract == "Tenders" and event in PAUSE_EVENTS for contract, event, _, _ in new):
            known |= _in_flight(session)  # a pause moves (and shows in) every tender not yet final
        touched = self._rebuild(session, announced | known, upto)
        # Payments events after the links their escrow events made (in this batch or before).
        payments = {topic for contract, _, topic, _ in new if contract == "Payments" and topic}
        linked = _ocids_where(session, OcdsPaymentLink.ocid, OcdsPaymentLink.payment_id, payments)
        return touched | self._rebuild(session, linked - touched, upto)

    def _rebuild_all(self, session: Session, upto: int) -> set[str]:
        for table in (OcdsPaymentLink, OcdsTender, ExplorerTender):
            session.execute(delete(table))
        announcements = session.scalars(
            select(ChainEvent.args).where(
                ChainEvent.contract == "Tenders",
                ChainEvent.event == "TenderAnnounced",
                ChainEvent.block_number <= upto,
            )
        )
        ocids = {args["params"]["ocid"] for args in announcements}
        log.info("read models rebuilt from the whole history: %d tenders", len(ocids))
        return self._rebuild(session, ocids, upto)

    # -- one tender -------------------------------------------------------------------------------
    def _rebuild(self, session: Session, ocids: set[str], upto: int) -> set[str]:
        for ocid in sorted(ocids):
            self._tender(session, ocid, upto)
        session.flush()
        return ocids

    def _tender(self, session: Session, ocid: str, upto: int) -> None:
        events = events_of(session, ocid, upto)
        session.execute(delete(OcdsPaymentLink).where(OcdsPaymentLink.ocid == ocid))
        view = tender_view(ocid, events)
        releases = (
            build_releases(
                ocid,
                agency_events(session, events, upto) + events,
                planning_of(session, ocid),
                supplier_names(session, events),
            )
            if view is not None
            else []
        )
        if view is None or not releases:
            session.execute(delete(OcdsTender).where(OcdsTender.ocid == ocid))
            session.execute(delete(ExplorerTender).where(ExplorerTender.ocid == ocid))
            return
        first = events[0]
        position = position_of(first.block_number, first.log_index)
        session.merge(
            OcdsTender(
                ocid=ocid,
                position=position,
                tender_id=view.tender_id,
                last_block=max(e.block_number for e in events),
                release_count=len(releases),
                releases=releases,
                compiled=record(ocid, releases)["compiledRelease"],
            )
        )
        for payment_id in sorted(payment_ids_of(events)):
            session.merge(OcdsPaymentLink(payment_id=payment_id, ocid=ocid))
        session.merge(
            ExplorerTender(
                ocid=ocid,
                position=position,
                title=view.title,
                summary=summary_of(view),
                agency=view.agency,
                category=view.category,
                evaluation=view.evaluation,
                method=view.method,
                status=view.status,
                commit_deadline=view.commit_deadline,
            )
        )

    # -- suppliers ---------------------------------------------------------------------------------
    def _suppliers_follow(self, session: Session, after: int, upto: int) -> set[int]:
        return self._suppliers(session, self._link(session, after, upto))

    def _suppliers_rolled_back(self, session: Session, upto: int) -> set[int]:
        above = ExplorerSupplierEvent.block_number > upto
        stale = set(session.scalars(select(ExplorerSupplierEvent.supplier_id).where(above).distinct()))
        session.execute(delete(ExplorerSupplierEvent).where(above))
        return self._suppliers(session, stale)

    def _suppliers_all(self, session: Session, upto: int) -> set[int]:
        for table in (ExplorerSupplierEvent, ExplorerSupplier):
            session.execute(delete(table))
        return self._suppliers(session, self._link(session, None, upto))

    def _link(self, session: Session, after: int | None, upto: int) -> set[int]:
        """Links the events in (after, upto] naming a supplier to it; returns the suppliers named."""
        contracts, events = SUPPLIER_RELATED
        query = select(
            ChainEvent.id,
            ChainEvent.contract,
            ChainEvent.event,
            ChainEvent.args,
            ChainEvent.block_number,
            ChainEvent.log_index,
        ).where(
            ChainEvent.block_number <= upto,
            or_(
                ChainEvent.contract == SUPPLIER_REGISTRY,
                and_(ChainEvent.contract.in_(contracts), ChainEvent.event.in_(events)),
            ),
        )
        if after is not None:
            query = query.where(ChainEvent.block_number > after)
        links = []
        for event_id, contract, event, args, block_number, log_index in session.execute(query):
            supplier = supplier_of(contract, event, args)
            if supplier is not None and 0 <= supplier <= LARGEST_SUPPLIER:
                links.append(
                    {
                        "event_id": event_id,
                        "supplier_id": supplier,
                        "block_number": block_number,
                        "log_index": log_index,
                    }
                )
        if links:
            session.execute(insert(ExplorerSupplierEvent), links)
        return {link["supplier_id"] for link in links}

    def _suppliers(self, session: Session, suppliers: set[int]) -> set[int]:
        for supplier in sorted(suppliers):
            self._supplier(session, supplier)
        session.flush()
        return suppliers

    def _supplier(self, session: Session, supplier: int) -> None:
        link = ExplorerSupplierEvent
        events = list(
            session.scalars(
                select(ChainEvent)
                .join(link, link.event_id == ChainEvent.id)
                .where(link.supplier_id == supplier)
                .order_by(link.block_number, link.log_index)
            )
        )
        row = supplier_summary(supplier, events)
        if row is None:
            session.execute(delete(ExplorerSupplier).where(ExplorerSupplier.supplier_id == supplier))
            return
        registered = next((e for e in events if e.event == "SupplierRegistered"), None)
        position = position_of(registered.block_number, registered.log_index) if registered else None
        session.merge(ExplorerSupplier(supplier_id=supplier, position=position, summary=row))

    # -- welfare periods ---------------------------------------------------------------------------
    def _welfare(self, session: Session, after: int | None, upto: int) -> None:
        """Adds the welfare events in (after, upto] to their periods' rows (after None: every row
        rebuilt from the whole history)."""
        query = select(ChainEvent).where(ChainEvent.contract == WELFARE, ChainEvent.block_number <= upto)
        if after is None:
            session.execute(delete(ExplorerWelfarePeriod))
        else:
            query = query.where(ChainEvent.block_number > after)
        rows = session.scalars(query.order_by(ChainEvent.block_number, ChainEvent.log_index))
        added: dict = {}
        firsts: dict = {}
        fold_welfare(added, rows, firsts)
        for key, delta in added.items():
            stored = session.get(ExplorerWelfarePeriod, welfare_key(delta))
            if stored is None:
                session.add(
                    ExplorerWelfarePeriod(key=welfare_key(delta), position=firsts[key], summary=delta)
                )
                continue
            group = as_welfare_group(stored.summary)
            for counter in ("events", "sums", "officials"):
                group[counter].update(delta[counter])  # Counter.update adds
            stored.summary = group
        session.flush()

    # -- event counts ------------------------------------------------------------------------------
    def _event_counts(self, session: Session, after: int | None, upto: int) -> None:
        """Adds the events in (after, upto] to the counts (after None: every count recounted)."""
        if after is None:
            session.execute(delete(ExplorerEventCount))
        for (contract, event), n in indexed_event_counts(session, upto, after).items():
            row = session.get(ExplorerEventCount, (contract, event))
            if row is None:
                session.add(ExplorerEventCount(contract=contract, event=event, count=n))
            else:
                row.count += n
        session.flush()

    # -- red flags comparing processes -----------------------------------------------------------
    def settle_due(self, session: Session) -> bool:
        return redflags.cross_due(session, self._cross_gap())

    def settle(self, session: Session) -> bool:
        """Reruns the cross-process red flags when a process changed since they last ran and the
        gap has passed (the indexer calls it when idle, too)."""
        if not redflags.cross_due(session, self._cross_gap()):
            return False
        start = redflags.clock()
        redflags.recompute_cross(session)
        self.cross_seconds = max(0.0, redflags.clock() - start)
        return True

    def _cross_gap(self) -> float:
        if self.cross_interval == 0:
            return 0.0
        return max(self.cross_interval, redflags.CROSS_COST_FACTOR * self.cross_seconds)


def _ocids_where(session: Session, ocid, key, values: set[str]) -> set[str]:
    """The ocids whose `key` is one of `values`; no query for none (an empty IN is a full scan)."""
    return set(session.scalars(select(ocid).where(key.in_(values)))) if values else set()


def _still_on_chain(session: Session, position: ReadModelPosition, upto: int) -> bool:
    """The position is still a block of the indexed chain (or above a rollback's new cursor)."""
    if position.block_number > upto:
        return True
    stored = session.get(IndexedBlock, position.block_number)
    return stored is not None and stored.hash == position.block_hash


def _in_flight(session: Session) -> set[str]:
    """The tenders not final yet (OCDS tender status active: open or award proposed). Read at a
    pause only, which is rare: one scan of the stored compiled releases."""
    status = OcdsTender.compiled["tender"]["status"].as_string()
    return set(session.scalars(select(OcdsTender.ocid).where(status == TENDER_STATUS["open"])))


class ReadModelFollower:
    """Brings the read models up to the indexer's cursor from outside the indexer: once when the
    gateway starts (a database indexed before the read models existed, or by an indexer process
    that keeps none), then every `poll_seconds` when the indexer runs in a process of its own
    (`python -m app.indexer`, which cannot import this layer). Checks in a read transaction and
    takes the write lock only when there is something to do."""

    def __init__(
        self, engine: Engine, poll_seconds: float | None, cross_interval: float = redflags.CROSS_SECONDS
    ) -> None:
        self.engine = engine
        self.poll_seconds = poll_seconds
        self.models = ReadModels(cross_interval)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def step(self) -> int:
        with Session(self.engine.execution_options(**{READ_ONLY: True})) as session:
            behind = self.models.behind(session)
            due = not behind and self.models.settle_due(session)
        if not (behind or due):
            return 0
        with write_transaction(self.engine) as connection, Session(bind=connection) as session:
            rebuilt = self.models.catch_up(session) if behind else 0
            if due:
                self.models.settle(session)
            session.flush()
            return rebuilt

    def start(self) -> ReadModelFollower:
        self._thread = threading.Thread(target=self._run, name="terang-readmodels", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 30.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.step()
            except Exception as exc:  # the database busy or gone: try again at the next poll
                log.warning("read models not brought up to date (%s); retrying", type(exc).__name__)
            if self.poll_seconds is None:
                return
            self._stop.wait(self.poll_seconds)
