"""One statement that inserts many rows and, for a key already present, updates the named columns
(or leaves the row as it is): INSERT ... ON CONFLICT, in the dialect of the session's database
(SQLite and PostgreSQL, the two the gateway runs on). A batch of 500 rows is one round trip instead
of a SELECT and a write per row."""

from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def upsert(
    session: Session, model, rows: list[dict], keys: list[str], update: list[str] | None = None
) -> None:
    """Inserts `rows`; on a conflict on `keys`, sets the `update` columns from the new row (none:
    the stored row stays)."""
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    if dialect not in INSERTS:
        raise NotImplementedError(f"no upsert for {dialect}")
    statement = INSERTS[dialect](model)
    if update:
        statement = statement.on_conflict_do_update(
            index_elements=keys, set_={column: statement.excluded[column] for column in update}
        )
    else:
        statement = statement.on_conflict_do_nothing(index_elements=keys)
    session.execute(statement, rows)  # executemany: one compiled statement, the rows as parameters
