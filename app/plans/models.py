"""Tables of the plans domain: the annual procurement plan's packages (RUP) imported from a SIRUP
extract, and which tender cites which package. The chain holds neither: the gateway checks an
announcement against its plan before relaying it (app/plans/checks.py, docs/decisions/0042)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, DateTime, ForeignKey, Integer, LargeBinary, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.db.models import Base, utcnow


class ProcurementPlan(Base):
    """One package of the annual procurement plan (RUP) as SIRUP publishes it, with the Terang agency
    the satker belongs to (given by the row or by the import: app/plans/importing.py)."""

    __tablename__ = "procurement_plans"

    kd_rup: Mapped[str] = mapped_column(String(32), primary_key=True)
    kd_satker: Mapped[str] = mapped_column(String(32))
    agency_id: Mapped[int] = mapped_column(BigInteger, index=True)
    nama_paket: Mapped[str] = mapped_column(String(500))
    pagu: Mapped[int] = mapped_column(BigInteger)  # integer rupiah
    sumber_dana: Mapped[str] = mapped_column(String(64))
    metode: Mapped[str] = mapped_column(String(64))
    tahun_anggaran: Mapped[int] = mapped_column(Integer)
    announced: Mapped[bool] = mapped_column(Boolean)  # status_umumkan_rup
    pdn: Mapped[bool] = mapped_column(Boolean)  # status_pdn: domestic products
    ukm: Mapped[bool] = mapped_column(Boolean)  # status_ukm: reserved for small businesses
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    version_id: Mapped[int | None] = mapped_column(Integer, nullable=True)  # its PlanVersion (0026)


class PlanImport(Base):
    """One import of a SIRUP extract by a data officer: the file's SHA-256 and the Merkle root over
    its rows' canonical form, anchored with Archives.anchorArchive (kind ProcurementPlan) before
    anything is stored, so every stored import is anchored (app/plans/anchoring.py)."""

    __tablename__ = "plan_imports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    agency_id: Mapped[int] = mapped_column(BigInteger)
    file_sha256: Mapped[str] = mapped_column(String(64))
    imported_by: Mapped[str] = mapped_column(String(200))  # the token's subject (or the CLI's operator)
    officer: Mapped[str] = mapped_column(String(42))  # the data officer's account that anchored it
    record_count: Mapped[int] = mapped_column(Integer)
    root: Mapped[str] = mapped_column(String(66))
    metadata_json: Mapped[str] = mapped_column(Text)  # canonical bytes of the anchored metadata
    chain_archive_id: Mapped[int] = mapped_column(BigInteger)
    transaction: Mapped[str] = mapped_column(String(66))
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PlanVersion(Base):
    """A package as one import brought it, never changed afterwards: its place in the import's tree
    and the leaf of its canonical form (app/plans/anchoring.py)."""

    __tablename__ = "plan_versions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    import_id: Mapped[int] = mapped_column(Integer, ForeignKey("plan_imports.id"))
    position: Mapped[int] = mapped_column(Integer)
    kd_rup: Mapped[str] = mapped_column(String(32), index=True)
    kd_satker: Mapped[str] = mapped_column(String(32))
    agency_id: Mapped[int] = mapped_column(BigInteger)
    nama_paket: Mapped[str] = mapped_column(String(500))
    pagu: Mapped[int] = mapped_column(BigInteger)
    sumber_dana: Mapped[str] = mapped_column(String(64))
    metode: Mapped[str] = mapped_column(String(64))
    tahun_anggaran: Mapped[int] = mapped_column(Integer)
    announced: Mapped[bool] = mapped_column(Boolean)
    pdn: Mapped[bool] = mapped_column(Boolean)
    ukm: Mapped[bool] = mapped_column(Boolean)
    leaf: Mapped[bytes] = mapped_column(LargeBinary(32))


class OrderPlan(Base):
    """The RUP package (E-Purchasing) an e-Katalog order cites and the order's value, reserved when
    the gateway accepts the order: the orders of one package together stay within its pagu."""

    __tablename__ = "order_plans"

    ocid: Mapped[str] = mapped_column(String(200), primary_key=True)
    kd_rup: Mapped[str] = mapped_column(String(32), index=True)
    agency_id: Mapped[int] = mapped_column(BigInteger)
    plan_version_id: Mapped[int] = mapped_column(Integer)
    value: Mapped[int] = mapped_column(BigInteger)
    reserved_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class TenderPlan(Base):
    """The RUP package a tender cites, reserved when the gateway accepts the announcement (before the
    chain confirms it), with the qualification bidders must hold (KBLI or SBU code, or none)."""

    __tablename__ = "tender_plans"

    ocid: Mapped[str] = mapped_column(String(200), primary_key=True)
    kd_rup: Mapped[str] = mapped_column(String(32), index=True)
    agency_id: Mapped[int] = mapped_column(BigInteger)
    hps: Mapped[int] = mapped_column(BigInteger)
    qualification: Mapped[str | None] = mapped_column(String(40), nullable=True)
    reserved_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    plan_version_id: Mapped[int | None] = mapped_column(Integer, nullable=True)  # the version checked


def plan(session: Session, kd_rup: str) -> ProcurementPlan | None:
    return session.get(ProcurementPlan, kd_rup)


def tender_plan(session: Session, ocid: str) -> TenderPlan | None:
    return session.get(TenderPlan, ocid)


def citing(session: Session, kd_rup: str) -> list[TenderPlan]:
    return list(session.execute(select(TenderPlan).where(TenderPlan.kd_rup == kd_rup)).scalars())


def ordering(session: Session, kd_rup: str) -> list[OrderPlan]:
    return list(session.execute(select(OrderPlan).where(OrderPlan.kd_rup == kd_rup)).scalars())


def history(session: Session, kd_rup: str) -> list[tuple[PlanVersion, PlanImport]]:
    """Every version of a package, oldest first, with the import that brought it."""
    rows = session.execute(
        select(PlanVersion, PlanImport)
        .join(PlanImport, PlanImport.id == PlanVersion.import_id)
        .where(PlanVersion.kd_rup == kd_rup)
        .order_by(PlanVersion.id)
    ).all()
    return [(version, plan_import) for version, plan_import in rows]


def plan_facts(session: Session, ocid: str) -> dict | None:
    """What the explorer shows of the package a tender cites: code, pagu, method (of the version the
    announcement was checked against), and whether the plan changed after the announcement."""
    cited = tender_plan(session, ocid)
    found = plan(session, cited.kd_rup) if cited is not None else None
    if found is None:
        return None
    checked = session.get(PlanVersion, cited.plan_version_id) if cited.plan_version_id else None
    shown = checked or found
    return {
        "kd_rup": found.kd_rup,
        "pagu": shown.pagu,
        "metode": shown.metode,
        "changed": checked is not None and found.version_id != checked.id,
        "current_pagu": found.pagu,
    }
