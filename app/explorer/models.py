"""The explorer's read models: each tender's summary for the lists, each supplier's row and the events
its page lists, the red flags raised over the whole history (a row per flag), and how far the
projection (app/explorer/projection.py) has followed the indexer.
Kept current in the indexer's own transactions; rebuildable from chain_events at any time."""

from __future__ import annotations

from sqlalchemy import JSON, BigInteger, Boolean, Float, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db.models import Base


class ExplorerTender(Base):
    """A tender's summary as the explorer's lists show it (TenderView without its timeline), and the
    fields the supplier portal's search filters on as columns of their own: the agency; the
    category, evaluation method, selection method and status words; and the commit deadline as it
    stands (addenda and pauses applied), so "open for bids now" is one indexed range."""

    __tablename__ = "explorer_tenders"
    __table_args__ = (
        Index("ix_explorer_tenders_position", "position", unique=True),
        Index("ix_explorer_tenders_open", "status", "commit_deadline"),
    )

    ocid: Mapped[str] = mapped_column(String(128), primary_key=True)
    position: Mapped[int] = mapped_column(BigInteger)
    title: Mapped[str] = mapped_column(Text)
    summary: Mapped[dict] = mapped_column(JSON)
    agency: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    category: Mapped[str | None] = mapped_column(String(32), nullable=True)
    evaluation: Mapped[str | None] = mapped_column(String(32), nullable=True)
    method: Mapped[str | None] = mapped_column(String(32), nullable=True)
    status: Mapped[str | None] = mapped_column(String(32), nullable=True)
    commit_deadline: Mapped[int | None] = mapped_column(BigInteger, nullable=True)


class ExplorerSupplier(Base):
    """A supplier as its list row and page header show it: the registry's entry (umkm, region, agency,
    registration time) and how many tenders it bid in, won and for how much. `position` is where its
    SupplierRegistered event is in the chain (None: registry events without one, listed nowhere)."""

    __tablename__ = "explorer_suppliers"
    __table_args__ = (Index("ix_explorer_suppliers_position", "position", unique=True),)

    supplier_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    position: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    summary: Mapped[dict] = mapped_column(JSON)


class ExplorerSupplierEvent(Base):
    """One chain_events row naming a supplier (its registry events, its bids, awards and contracts),
    so a supplier's page is one indexed join. Rows above a rollback's cursor are dropped with it."""

    __tablename__ = "explorer_supplier_events"
    __table_args__ = (
        Index("ix_explorer_supplier_events_supplier", "supplier_id", "block_number", "log_index"),
        Index("ix_explorer_supplier_events_block", "block_number"),
    )

    event_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    supplier_id: Mapped[int] = mapped_column(BigInteger)
    block_number: Mapped[int] = mapped_column(BigInteger)
    log_index: Mapped[int] = mapped_column(Integer)


class ExplorerWelfarePeriod(Base):
    """A welfare programme's period as the welfare page shows it (queries.welfare_aggregates): event
    counts by kind, sums of amount-like arguments, acting officials; no beneficiary-level argument.
    `key` is its (programme, period) as JSON; `position` that of its first event."""

    __tablename__ = "explorer_welfare_periods"
    __table_args__ = (Index("ix_explorer_welfare_periods_position", "position"),)

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    position: Mapped[int] = mapped_column(BigInteger)
    summary: Mapped[dict] = mapped_column(JSON)


class ExplorerEventCount(Base):
    """How many indexed events each contract emitted of each kind: the home page's total and the
    contract pages' counts, without counting chain_events per request."""

    __tablename__ = "explorer_event_counts"

    contract: Mapped[str] = mapped_column(String(64), primary_key=True)
    event: Mapped[str] = mapped_column(String(64), primary_key=True)
    count: Mapped[int] = mapped_column(BigInteger)


class RedFlag(Base):
    """One flag app.redflags raised, as a row: `group` (OCID, Buyer, ProcuringEntity, Tenderer),
    `entity` (the ocid, buyer or tenderer id), `code`, `value` (None where Cardinal prints null).
    `ocid` is the contracting process a process-local indicator read to raise it (its rows are
    replaced when that process changes); None for the cross-process indicators (fences, windows,
    pairs), whose rows are replaced together. A page reads its entity's rows through one index."""

    __tablename__ = "redflag_flags"
    __table_args__ = (
        Index("ix_redflag_flags_entity", "flag_group", "entity", "code"),
        Index("ix_redflag_flags_ocid", "ocid"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ocid: Mapped[str | None] = mapped_column(String(128), nullable=True)
    group: Mapped[str] = mapped_column("flag_group", String(16))
    entity: Mapped[str] = mapped_column(String(255))
    code: Mapped[str] = mapped_column(String(8))
    value: Mapped[float | None] = mapped_column(Float, nullable=True)


class RedFlagState(Base):
    """How current the red flags are: how many processes the last pass read (`analysed`), whether
    a process changed since the cross-process indicators last ran (`stale`) and when they ran
    (`computed_at`, UTC seconds), so the projection can space those passes out; and the flags
    counted per code and group as of the last change (`counts`)."""

    __tablename__ = "redflag_state"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    analysed: Mapped[int] = mapped_column(Integer)
    stale: Mapped[bool] = mapped_column(Boolean)
    computed_at: Mapped[float] = mapped_column(Float)
    # {"codes": {code: entities flagged}, "groups": {group: entities flagged}}, for the dashboard.
    counts: Mapped[dict] = mapped_column(JSON, default=dict)


class ReadModelPosition(Base):
    """The indexer cursor (block and hash) the read models were last brought up to."""

    __tablename__ = "read_model_positions"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    block_number: Mapped[int] = mapped_column(BigInteger)
    block_hash: Mapped[str] = mapped_column(String(66))
