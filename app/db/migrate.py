"""The database's Alembic migrations, packaged with the gateway (app/db/migrations).

    terang db upgrade [REVISION]     # or `python -m app.db.migrate [REVISION]`; default: head
    terang db current                # the revision the database records
    terang db history                # every revision, newest first

The database is TERANG_DATABASE_URL's. Outside local/test the gateway never migrates by itself:
operators run `terang db upgrade` once per release. Operators using Alembic directly have the
repository's alembic.ini (the same migrations)."""

from __future__ import annotations

import argparse
import functools
import sys
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.pool import NullPool

# Inside the package, so an installed wheel carries its migrations (pyproject.toml package-data).
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


class MigrationError(Exception):
    """A migration command that could not run, in one line (no password, no traceback)."""


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


def history() -> list[str]:
    """Every revision, newest first: `<revision>  <message>` (the head marked)."""
    head = head_revision()
    lines = []
    for script in ScriptDirectory(str(MIGRATIONS)).walk_revisions():
        mark = "  (head)" if script.revision == head else ""
        title = (script.doc or "").splitlines()[0] if script.doc else ""
        lines.append(f"{script.revision}  {title}{mark}")
    return lines


def shown_url(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "TERANG_DATABASE_URL"


def checked_upgrade(url: str, revision: str = "head") -> str | None:
    """upgrade(), its failures as MigrationError; returns the revision the database is then at."""
    try:
        database = make_url(url).database
        if url.startswith("sqlite") and database and database != ":memory:":  # as make_engine does
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        upgrade(url, revision)
        engine = create_engine(url, poolclass=NullPool)
        try:
            with engine.connect() as connection:
                return MigrationContext.configure(connection).get_current_revision()
        finally:
            engine.dispose()
    except ArgumentError:
        raise MigrationError("TERANG_DATABASE_URL is not a database URL") from None
    except CommandError as exc:
        raise MigrationError(f"cannot migrate to {revision!r}: {str(exc).splitlines()[0]}") from None
    except SQLAlchemyError as exc:
        cause = str(exc.orig if getattr(exc, "orig", None) else exc).splitlines()[0]
        raise MigrationError(f"cannot migrate {shown_url(url)}: {cause}") from None


def checked_current(url: str) -> str | None:
    try:
        make_url(url)
    except ArgumentError:
        raise MigrationError("TERANG_DATABASE_URL is not a database URL") from None
    database = make_url(url).database
    if url.startswith("sqlite") and database and database != ":memory:" and not Path(database).exists():
        return None  # reading would create the file
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    except SQLAlchemyError as exc:
        cause = str(exc.orig if getattr(exc, "orig", None) else exc).splitlines()[0]
        raise MigrationError(f"cannot read {shown_url(url)}: {cause}") from None
    finally:
        engine.dispose()


def main(argv: list[str] | None = None, prog: str = "python -m app.db.migrate") -> int:
    parser = argparse.ArgumentParser(
        prog=prog, description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "revision", nargs="?", default="head", help="the revision to migrate to (default: head)"
    )
    args = parser.parse_args(argv)  # --help prints and exits here, before any database is touched
    from app.config import settings_or_refusal

    # only the database URL is used, no secret: checked as the indexer's settings are (one line if wrong)
    settings = settings_or_refusal("indexer")
    if settings is None:
        return 2
    try:
        at = checked_upgrade(settings.database_url, args.revision)
    except MigrationError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"{shown_url(settings.database_url)}: at revision {at or 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
