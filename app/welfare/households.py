"""Households: which household each person enrolled by it belongs to, and the family cards (KK) a
household has held. A family enrolled with its social-registry household identity is keyed on chain
by that identity (app/protocol/welfare.py `household_key`), so the contract refuses a second member
of the same household as AlreadyEnrolled, whichever member applies and across KK changes (a KK
number changes when the family moves district, its head dies or it splits: it is a record here, not
the key). The gateway keeps, keyed like the NIK and never in clear: person (NIK key) -> household
key, and KK key -> household key with when it was first seen, so a person's NIK finds its
household's record (the status check, a caseworker's lookup)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.db.models import Base, utcnow
from app.db.upsert import upsert


class HouseholdMember(Base):
    __tablename__ = "welfare_household_members"

    nik_key: Mapped[str] = mapped_column(String(66), primary_key=True)
    household_key: Mapped[str] = mapped_column(String(66), index=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class FamilyCard(Base):
    __tablename__ = "welfare_family_cards"

    kk_key: Mapped[str] = mapped_column(String(66), primary_key=True)
    household_key: Mapped[str] = mapped_column(String(66), index=True)
    first_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


def _hex(key: bytes) -> str:
    return "0x" + key.hex()


def remember(
    session: Session, members: list[tuple[bytes, bytes, bytes | None]], replace: bool = True
) -> None:
    """Each (NIK key, household key, KK key or None): the person belongs to the household (a later
    enrolment may move it; with `replace` False a person already mapped stays as it is); the card is
    the household's (kept with the time first seen)."""
    now = utcnow()
    upsert(
        session,
        HouseholdMember,
        [{"nik_key": _hex(p), "household_key": _hex(h), "updated_at": now} for p, h, _ in _last(members)],
        ["nik_key"],
        ["household_key", "updated_at"] if replace else None,
    )
    cards = {
        _hex(k): {"kk_key": _hex(k), "household_key": _hex(h), "first_seen": now} for _, h, k in members if k
    }
    upsert(session, FamilyCard, list(cards.values()), ["kk_key"])


def _last(members: list[tuple[bytes, bytes, bytes | None]]) -> list[tuple[bytes, bytes, bytes | None]]:
    """One entry per person, its last (a statement may not touch one row twice)."""
    return list({person: (person, household, card) for person, household, card in members}.values())


def beneficiary_key_of(session: Session, nik_key: bytes) -> bytes:
    """The key a person's family is enrolled under: its household's, else the NIK's own."""
    row = session.get(HouseholdMember, _hex(nik_key))
    return bytes.fromhex(row.household_key[2:]) if row is not None else nik_key


def cards_of(session: Session, household_key: bytes) -> list[tuple[str, datetime]]:
    """The household's family cards (keys), oldest first."""
    rows = session.execute(
        select(FamilyCard.kk_key, FamilyCard.first_seen)
        .where(FamilyCard.household_key == _hex(household_key))
        .order_by(FamilyCard.first_seen)
    )
    return [(kk, seen) for kk, seen in rows]


def households_of(session: Session, people: list[bytes]) -> dict[str, str]:
    """Person (NIK key, hex) -> the household key it was last enrolled with, for those mapped."""
    found: dict[str, str] = {}
    wanted = [_hex(p) for p in people]
    for start in range(0, len(wanted), 500):
        rows = session.execute(
            select(HouseholdMember.nik_key, HouseholdMember.household_key).where(
                HouseholdMember.nik_key.in_(wanted[start : start + 500])
            )
        )
        found.update({person: household for person, household in rows})
    return found
