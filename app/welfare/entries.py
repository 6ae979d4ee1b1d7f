"""How each family came to be enrolled: from a signed social-registry extract (the extract's
SHA-256 names it) or by hand, which stays for appeals and corrections and is marked as such, with
the reason the enroller gave and the enroller's key. Recorded for the families the chain enrolled,
once the enrolment is confirmed; public (a key names no one), so auditors list a programme's hand
entries (GET /welfare/programmes/{id}/hand-entries)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.db.models import Base, utcnow
from app.db.upsert import upsert

REGISTRY, HAND = "registry", "hand"


class EnrolmentEntry(Base):
    __tablename__ = "welfare_enrolment_entries"

    programme_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    family_key: Mapped[str] = mapped_column(String(66), primary_key=True)
    source: Mapped[str] = mapped_column(String(16))
    reference: Mapped[str] = mapped_column(String(200))  # the extract's SHA-256, or the hand entry's reason
    enroller: Mapped[str] = mapped_column(String(42))
    transaction: Mapped[str] = mapped_column(String(66))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


def record(
    session: Session, programme_id: int, keys: list[str], source: str, reference: str, enroller: str, tx: str
) -> None:
    now = utcnow()
    rows = [
        {
            "programme_id": programme_id,
            "family_key": key.lower(),
            "source": source,
            "reference": reference,
            "enroller": enroller,
            "transaction": tx,
            "at": now,
        }
        for key in dict.fromkeys(keys)
    ]
    upsert(session, EnrolmentEntry, rows, ["programme_id", "family_key"])  # the first enrolment's stays


def entry_of(session: Session, programme_id: int, family_key: str) -> EnrolmentEntry | None:
    return session.get(EnrolmentEntry, (programme_id, family_key.lower()))


def hand_entries(session: Session, programme_id: int, limit: int) -> list[EnrolmentEntry]:
    return list(
        session.execute(
            select(EnrolmentEntry)
            .where(EnrolmentEntry.programme_id == programme_id, EnrolmentEntry.source == HAND)
            .order_by(EnrolmentEntry.at.desc())
            .limit(limit)
        ).scalars()
    )


def recorded(session: Session, programme_id: int, keys: list[str]) -> set[str]:
    """Which of `keys` this gateway recorded as enrolled in the programme (at some time)."""
    found: set[str] = set()
    for start in range(0, len(keys), 500):
        found |= set(
            session.execute(
                select(EnrolmentEntry.family_key).where(
                    EnrolmentEntry.programme_id == programme_id,
                    EnrolmentEntry.family_key.in_(keys[start : start + 500]),
                )
            ).scalars()
        )
    return found
