"""What the gateway keeps about onboarding that the chain does not hold: each proposed plan (its
exact text, so anyone can hash it again) and each planned agency's kind, region, parent and phase.
The chain holds the acts themselves (the agency's public name, its officials' assignments and roles,
the proposal whose description hash is the plan's SHA-256). Public: a plan names accounts and
agencies, never a person."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.db.models import Base, utcnow


class OnboardingPlan(Base):
    __tablename__ = "onboarding_plans"

    proposal_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    phase: Mapped[str] = mapped_column(String(64))
    plan: Mapped[str] = mapped_column(Text)
    proposer: Mapped[str] = mapped_column(String(42))
    transaction: Mapped[str] = mapped_column(String(66))
    proposed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class OnboardedAgency(Base):
    __tablename__ = "onboarding_agencies"

    agency_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))
    region: Mapped[str | None] = mapped_column(String(8), nullable=True)
    parent: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    phase: Mapped[str] = mapped_column(String(64))
    proposal_id: Mapped[int] = mapped_column(BigInteger, index=True)
    # UTC seconds of the block that executed the plan's proposal; None until the gateway saw it.
    onboarded_at: Mapped[int | None] = mapped_column(BigInteger, nullable=True)


def plan_of(session: Session, proposal_id: int) -> OnboardingPlan | None:
    return session.get(OnboardingPlan, proposal_id)


def plans_with(session: Session, sha256: str) -> list[OnboardingPlan]:
    return list(session.execute(select(OnboardingPlan).where(OnboardingPlan.sha256 == sha256)).scalars())


def agency(session: Session, agency_id: int) -> OnboardedAgency | None:
    return session.get(OnboardedAgency, agency_id)


def agencies(session: Session) -> list[OnboardedAgency]:
    return list(session.execute(select(OnboardedAgency).order_by(OnboardedAgency.agency_id)).scalars())


def pending_plans(session: Session) -> list[OnboardingPlan]:
    """Plans with at least one agency not onboarded yet (their proposal's fate is read on chain)."""
    ids = select(OnboardedAgency.proposal_id).where(OnboardedAgency.onboarded_at.is_(None))
    return list(session.execute(select(OnboardingPlan).where(OnboardingPlan.proposal_id.in_(ids))).scalars())
