"""`terang plans import FILE [--agency ID] --officer 0x…`: the data officer's import of a SIRUP
extract (JSON array or CSV, app/plans/importing.py) straight into TERANG_DATABASE_URL's database, all
rows or none, anchored first on chain with the officer's own key (Archives.anchorArchive, kind
ProcurementPlan: app/plans/anchoring.py). `terang plans verify`: every stored import hashed again
against the root the chain holds, and every current package against its anchored version; exit 1
naming each changed package. Every message is one line; a mistake exits 1, never with a traceback."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(
    help="Procurement plans (RUP) from SIRUP (docs/guides/plans-and-suppliers.en.md).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def plans() -> None:
    """Procurement plans (RUP) from SIRUP: `import` and `verify`."""


def fail(message: str) -> None:
    typer.echo(f"galat/error: {message}", err=True)
    raise typer.Exit(1)


def read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"cannot read {path}: {getattr(exc, 'strerror', None) or exc.__class__.__name__}")
    raise AssertionError  # unreachable


def sessions_of_settings():
    """A session factory on the configured database (migrated: `terang db upgrade`)."""
    from sqlalchemy.exc import SQLAlchemyError

    from app.config import settings_or_refusal
    from app.db.session import make_engine, make_session_factory

    settings = settings_or_refusal("indexer")  # only the database URL (and the NIB key) are used
    if settings is None:
        raise typer.Exit(2)
    try:
        return settings, make_session_factory(make_engine(settings.database_url)), SQLAlchemyError
    except SQLAlchemyError as exc:
        fail(f"database: {exc.__class__.__name__}")
    raise AssertionError  # unreachable


def chain_of(settings):
    from app.archives import chain
    from app.archives.importer import ArchiveError

    try:
        return chain.connected(settings)
    except ArchiveError as exc:
        fail(str(exc))


def officer_key(settings, address: str | None):
    from app.archives import chain
    from app.archives.importer import ArchiveError

    try:
        return chain.officer_key(settings, address)
    except ArchiveError as exc:
        fail(str(exc))


@app.command("import")
def import_file(
    file: Annotated[Path, typer.Argument(help="The SIRUP extract (JSON array or CSV)", show_default=False)],
    agency: Annotated[
        int | None, typer.Option("--agency", min=1, help="The Terang agency of rows naming none")
    ] = None,
    officer: Annotated[
        str | None,
        typer.Option("--officer", envvar="TERANG_OFFICER", help="The data officer's account (signers file)"),
    ] = None,
) -> None:
    """Import (or update) procurement plan packages, anchored on chain; earlier versions are kept."""
    from app.plans import anchoring, importing

    text = read_text(file)
    try:
        rows = importing.parse(text, agency)
    except importing.ImportError_ as exc:
        fail(f"{file}: {exc}")
    agencies = sorted({r.agency_id for r in rows})
    if len(agencies) != 1:
        fail(f"{file}: satu berkas satu instansi / one file, one agency: {', '.join(map(str, agencies))}")
    settings, sessions, database_error = sessions_of_settings()
    account = officer_key(settings, officer)
    client = chain_of(settings)
    sha = anchoring.sha256_text(text)
    prepared = anchoring.prepare(rows, agencies[0], sha)
    try:
        with sessions() as session:  # no package taken over from another agency
            from app.plans.models import plan

            for row in rows:
                known = plan(session, row.kd_rup)
                if known is not None and known.agency_id != row.agency_id:
                    fail(f"{file}: RUP {row.kd_rup} milik instansi / belongs to agency {known.agency_id}")
    except database_error as exc:
        fail(f"database: {exc.__class__.__name__} (is it migrated? terang db upgrade)")
    try:
        anchored = anchoring.anchor(client, account, prepared)
    except anchoring.PlanAnchorError as exc:
        fail(str(exc))
    try:
        with sessions.begin() as session:
            anchoring.store(
                session,
                prepared,
                anchored,
                agency_id=agencies[0],
                file_sha256=sha,
                imported_by=f"cli:{account.address}",
                officer=account.address,
            )
    except database_error as exc:
        fail(f"database: {exc.__class__.__name__} (is it migrated? terang db upgrade)")
    total = f"{sum(r.pagu for r in rows):,}".replace(",", ".")
    typer.echo(
        f"diimpor/imported: {len(rows)} paket RUP, instansi/agencies {agencies[0]}, "
        f"pagu total Rp{total}; ditambatkan/anchored: arsip #{anchored.archive_id}"
    )


@app.command()
def verify() -> None:
    """Prove every stored plan import against the root on chain; exit 1 naming each changed package."""
    from app.plans import anchoring

    settings, sessions, database_error = sessions_of_settings()
    client = chain_of(settings)
    try:
        with sessions() as session:
            checked, findings = anchoring.verify_all(session, client)
    except database_error as exc:
        fail(f"database: {exc.__class__.__name__} (is it migrated? terang db upgrade)")
    for finding in findings:
        typer.echo(f"BERUBAH/CHANGED: impor/import #{finding.import_id} RUP {finding.kd_rup}: {finding.why}")
    if findings:
        typer.echo(f"galat/error: {len(findings)} temuan/findings", err=True)
        raise typer.Exit(1)
    typer.echo(f"terbukti/proven: {checked} impor RUP / plan imports match the chain")


if __name__ == "__main__":
    app()
