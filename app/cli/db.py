"""`terang db upgrade|current|history`: the packaged Alembic migrations (app/db/migrate.py) on
TERANG_DATABASE_URL's database."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

app = typer.Typer(help="The database's migrations (TERANG_DATABASE_URL).", no_args_is_help=True)


def _database_url() -> str:
    from app.config import settings_or_refusal

    settings = settings_or_refusal("indexer")  # only the URL is used, no secret: one line if wrong
    if settings is None:
        raise typer.Exit(2)
    return settings.database_url


@app.command()
def upgrade(revision: Annotated[str, typer.Argument(help="the revision to migrate to")] = "head") -> None:
    """Migrate the database to REVISION (default: the newest)."""
    from app.db.migrate import MigrationError, checked_upgrade, shown_url

    url = _database_url()
    try:
        at = checked_upgrade(url, revision)
    except MigrationError as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise typer.Exit(1) from None
    print(f"{shown_url(url)}: at revision {at or 'none'}")


@app.command()
def current() -> None:
    """The revision the database is at, and whether it is the newest."""
    from app.db.migrate import MigrationError, checked_current, head_revision

    try:
        at = checked_current(_database_url())
    except MigrationError as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise typer.Exit(1) from None
    head = head_revision()
    print(f"{at or 'none'} ({'head' if at == head else f'head is {head}'})")


@app.command()
def history() -> None:
    """Every migration, newest first (reads no database)."""
    from app.db.migrate import history as revisions

    print("\n".join(revisions()))
