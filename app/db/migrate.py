"""Apply the Alembic migrations: `python -m app.db.migrate` (uses TERANG_DATABASE_URL)."""

from __future__ import annotations

import functools
import sys
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Migrates the database at `url` to `revision`. Up to the head, a database already there is
    left alone after one read of its version: loading the migration scripts took 12 ms of a 73 ms
    gateway start, and the tests start a gateway for almost every test."""
    if revision == "head" and current_revision(url) == head_revision():
        return
    command.upgrade(alembic_config(url), revision)


@functools.cache
def head_revision() -> str | None:
    return ScriptDirectory(str(MIGRATIONS)).get_current_head()


def current_revision(url: str) -> str | None:
    """The revision the database records (None: none yet, or it cannot be read)."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    except SQLAlchemyError:
        return None
    finally:
        engine.dispose()


if __name__ == "__main__":
    from app.config import get_settings

    upgrade(get_settings().database_url)
    sys.exit(0)
