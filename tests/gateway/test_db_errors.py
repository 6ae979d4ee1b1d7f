"""A database error's text never carries the values of the statement that failed: such text reaches
the log and the health endpoint, and a row may hold a keyed identifier or a sealed secret."""

from __future__ import annotations

import pytest
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from app.db.migrate import upgrade
from app.db.session import make_engine, write_transaction
from app.ledger.models import IdempotencyRecord
from tests.support.postgres import postgres_bin, postgres_server

MARKER = "value-that-must-not-reach-a-log"


def _duplicate_insert(url: str) -> str:
    upgrade(url)
    engine = make_engine(url)
    row = {"principal": MARKER, "key": MARKER, "fingerprint": "f" * 64}
    with write_transaction(engine) as connection:
        connection.execute(insert(IdempotencyRecord.__table__).values(**row))
    with pytest.raises(IntegrityError) as refused, write_transaction(engine) as connection:
        connection.execute(insert(IdempotencyRecord.__table__).values(**row))
    engine.dispose()
    return str(refused.value)


def test_a_sqlite_error_names_the_statement_not_its_values(tmp_path):
    text = _duplicate_insert(f"sqlite:///{tmp_path / 'gateway.db'}")
    assert "idempotency_records" in text and MARKER not in text


@pytest.mark.skipif(postgres_bin() is None, reason="PostgreSQL binaries not installed")
def test_a_postgresql_error_names_the_statement_not_its_values():
    with postgres_server() as url:
        text = _duplicate_insert(url)
    assert "idempotency_records" in text and MARKER not in text
