"""What lets a family check its own status by NIK and name without the gateway keeping its name.

When an enroller sends an applicant's full name beside the NIK, the gateway keeps only a keyed hash
of the two together, HMAC-SHA256(identity key, "name:" || NIK key || normalised name), under the NIK
key (the person's; app/welfare/households.py finds its household's): the name is never stored,
logged or sent to the chain. A status check computes
the same hash from what the family typed and compares it in constant time; a NIK alone, or a NIK
with another name, answers exactly like a NIK nobody enrolled.

Names are compared as people type them: Unicode-normalised (NFKC), upper case, every run of
characters other than letters as one space ("Siti  Aminah," and "SITI AMINAH" are one name)."""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from datetime import datetime

from sqlalchemy import DateTime, String
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.db.models import Base, utcnow
from app.db.upsert import upsert

MAX_NAME = 100


class NameCheck(Base):
    __tablename__ = "welfare_name_checks"

    nik_key: Mapped[str] = mapped_column(String(66), primary_key=True)
    name_mac: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


def normalise_name(name: str) -> str:
    letters = re.sub(r"[^\w]|[\d_]", " ", unicodedata.normalize("NFKC", name).upper())
    return " ".join(letters.split())


def name_mac(secret: bytes, nik_key: bytes, name: str) -> str:
    message = b"name:" + nik_key + normalise_name(name).encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def remember(session: Session, secret: bytes, named: list[tuple[bytes, str]], replace: bool = True) -> None:
    """Keeps the keyed hash of each (NIK key, name); a later name replaces an earlier one unless
    `replace` is False."""
    now = utcnow()
    rows = {
        key: {"nik_key": "0x" + key.hex(), "name_mac": name_mac(secret, key, name), "updated_at": now}
        for key, name in named
        if normalise_name(name)
    }
    upsert(
        session, NameCheck, list(rows.values()), ["nik_key"], ["name_mac", "updated_at"] if replace else None
    )


def matches(session: Session, secret: bytes, nik_key: bytes, name: str) -> bool:
    """Whether `name` is the name kept for the NIK key (False when none is kept): the same work either way."""
    expected = name_mac(secret, nik_key, name)
    row = session.get(NameCheck, "0x" + nik_key.hex())
    kept = row.name_mac if row is not None else "0" * len(expected)
    return hmac.compare_digest(kept, expected) and row is not None and bool(normalise_name(name))
