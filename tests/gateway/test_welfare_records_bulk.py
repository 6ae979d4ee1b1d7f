"""What an enrolment keeps off chain for its families (households, family cards, keyed names, sealed
numbers) is written in one statement per table, on SQLite and on PostgreSQL alike: a later enrolment
moves a person to another household and replaces a name and a number, while a family card keeps the
household and the time it was first seen."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.config import Settings
from app.db.migrate import upgrade
from app.db.session import make_engine, make_session_factory
from app.keyring.keyring import keyring_for
from app.welfare import contacts, households, name_checks
from tests.support.postgres import postgres_bin, postgres_server

SECRET = b"k" * 32
ANI, BUDI = b"\x01" * 32, b"\x02" * 32
HOME, MOVED = b"\x0a" * 32, b"\x0b" * 32
CARD = b"\x0c" * 32


def _story(url: str, keyring_file) -> None:
    upgrade(url)
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    keyring = keyring_for(Settings(keyring_file=keyring_file))
    try:
        with sessions.begin() as session:
            households.remember(session, [(ANI, HOME, CARD), (BUDI, HOME, None)])
            name_checks.remember(session, SECRET, [(ANI, "Ani Suryani"), (BUDI, "Budi")])
            contacts.remember(session, keyring, [(HOME, "+6281234567801", "id")])
        with sessions.begin() as session:  # a later enrolment: ani's household, name and number change
            households.remember(session, [(ANI, MOVED, CARD)])
            name_checks.remember(session, SECRET, [(ANI, "Ani Suryani Putri")])
            contacts.remember(session, keyring, [(HOME, "+6281234567899", "en")])
        with sessions() as session:
            assert households.beneficiary_key_of(session, ANI) == MOVED
            assert households.beneficiary_key_of(session, BUDI) == HOME
            assert [key for key, _ in households.cards_of(session, HOME)] == ["0x" + CARD.hex()]
            assert name_checks.matches(session, SECRET, ANI, "ANI SURYANI PUTRI")
            assert not name_checks.matches(session, SECRET, ANI, "Ani Suryani")
            assert contacts.contact_of(session, keyring, "0x" + HOME.hex()) == ("+6281234567899", "en")
            rows = session.execute(select(contacts.WelfareContact.ciphertext)).scalars().all()
            assert len(rows) == 1 and "6281234567899" not in rows[0]
    finally:
        engine.dispose()


def test_on_sqlite(tmp_path):
    _story(f"sqlite:///{tmp_path / 'gateway.db'}", tmp_path / "keyring.json")


@pytest.mark.skipif(postgres_bin() is None, reason="PostgreSQL is not installed (Debian: postgresql)")
def test_on_postgresql(tmp_path):
    with postgres_server() as url:
        _story(url, tmp_path / "keyring.json")
