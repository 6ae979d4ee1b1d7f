"""How a family is reached for its notices: a mobile number and a language, given by the enroller
beside the applicant and kept off chain under the family's key (the household's, else the person's),
sealed with the keyring like a payout account (app/keyring/columns.py WELFARE_CONTACTS). The number
is opened only to send a notice; logs and API answers show its last three digits at most."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import DateTime, String
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.db.models import Base, utcnow
from app.db.upsert import upsert
from app.keyring.columns import WELFARE_CONTACTS
from app.keyring.keyring import Keyring

PURPOSE = "accounts"
LANGUAGES = ("id", "en")
# An Indonesian mobile number as people write it: 08..., 628... or +628..., 10 to 13 digits after 0.
MOBILE = re.compile(r"^(?:\+?62|0)(8\d{8,12})$")


class WelfareContact(Base):
    __tablename__ = "welfare_contacts"

    family_key: Mapped[str] = mapped_column(String(66), primary_key=True)
    ciphertext: Mapped[str] = mapped_column(String(1024))
    language: Mapped[str] = mapped_column(String(2), default="id")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class InvalidPhone(ValueError):
    pass


def normalise_phone(text: str) -> str:
    """+62 8xx..., from the forms people write; InvalidPhone otherwise (the message names no digits)."""
    digits = re.sub(r"[\s().-]", "", text)
    found = MOBILE.match(digits)
    if found is None:
        raise InvalidPhone("not an Indonesian mobile number (08..., 628... or +628...)")
    return "+62" + found.group(1)


def masked(phone: str) -> str:
    return "+62 ***" + phone[-3:]


def remember(
    session: Session, keyring: Keyring, contacts: list[tuple[bytes, str, str]], replace: bool = True
) -> None:
    """Keeps (or, with `replace`, replaces) each (family key, number, language), the number sealed and
    bound to its key."""
    now = utcnow()
    rows = {}
    for family_key, phone, language in contacts:
        key = "0x" + family_key.hex()
        sealed = keyring.seal(PURPOSE, WELFARE_CONTACTS.bind(family_key=key), phone.encode())
        rows[key] = {"family_key": key, "ciphertext": sealed, "language": language, "updated_at": now}
    changed = ["ciphertext", "language", "updated_at"] if replace else None
    upsert(session, WelfareContact, list(rows.values()), ["family_key"], changed)


def contact_of(session: Session, keyring: Keyring, family_key: str) -> tuple[str, str] | None:
    """(phone, language) of the family, or None when no number was given."""
    row = session.get(WelfareContact, family_key)
    if row is None:
        return None
    phone = keyring.open(PURPOSE, WELFARE_CONTACTS.bind(family_key=family_key), row.ciphertext).decode()
    return phone, row.language
