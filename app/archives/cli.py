"""`terang archive import|verify|list`: a data officer's commands for imported archives.

    import FILE --name NAME --source spse|ocds [--period P] [--officer ADDRESS] [--no-anchor]
        store the records (resumable: the same file under the same name continues where it stopped),
        build the Merkle tree, anchor its root on chain with the officer's own key (signers file)
    verify ARCHIVE [--ocid X | --all] [--file F]
        prove records (from the database, or from F as it is now) against the root read from the
        chain: one line per record; exit 1 naming every record that was changed
    list
        the archives, their roots and anchoring transactions

ARCHIVE is the archive's name or its id on chain. Settings: TERANG_DATABASE_URL, TERANG_RPC_URL,
TERANG_MANIFEST(_DIR), TERANG_SIGNERS_FILE, TERANG_OCID_PREFIX. Every message is one line, Bahasa
Indonesia then English; a mistake exits 1 (2 for a usage error), never with a traceback."""

from __future__ import annotations

import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(
    help="Imported archives with an on-chain integrity proof (docs/guides/legacy-import.en.md).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(1)


class _Bar:
    """One line on stderr, redrawn in place, only on a terminal."""

    def __init__(self) -> None:
        self.enabled = sys.stderr.isatty()
        self.last = 0.0

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.enabled or (time.monotonic() - self.last < 0.2 and done != total):
            return
        self.last = time.monotonic()
        if total:
            filled = int(30 * done / total)
            bar = f"[{'#' * filled}{'.' * (30 - filled)}] {done}/{total} ({100 * done // total}%)"
        else:
            bar = f"{done}"
        label = {"check": "periksa/check", "import": "impor/import", "tree": "pohon/tree level"}[stage]
        sys.stderr.write(f"\r{label}: {bar}\x1b[K")
        sys.stderr.flush()

    def close(self) -> None:
        if self.enabled:
            sys.stderr.write("\n")


def _settings():
    from app.config import settings_or_refusal

    settings = settings_or_refusal("indexer")
    if settings is None:
        raise typer.Exit(2)
    return settings


def _engine(settings):
    from sqlalchemy import inspect

    from app.db.session import make_engine

    engine = make_engine(settings.database_url)
    try:
        if not inspect(engine).has_table("archives"):
            fail("basis data belum dimigrasi: jalankan `terang db upgrade` / database not migrated")
    except Exception as exc:  # noqa: BLE001 - any driver error: one line
        if isinstance(exc, typer.Exit):
            raise
        fail(f"basis data tidak dapat dibuka / cannot open the database: {exc.__class__.__name__}")
    return engine


def _chain(settings):
    from app.archives import chain
    from app.archives.importer import ArchiveError

    try:
        return chain.connected(settings)
    except ArchiveError as exc:
        fail(str(exc))


def _chain_lost(exc: Exception) -> str:
    """One line for a chain call that failed outside the contract's own refusals: the exception's class
    only (a transport error's text may carry the node's URL, and with it an API key)."""
    return (
        f"rantai tidak menjawab / the chain did not answer: {exc.__class__.__name__}; "
        "jalankan lagi / run again"
    )


def _officer(settings, address: str | None):
    from app.archives import chain
    from app.archives.importer import ArchiveError

    try:
        return chain.officer_key(settings, address)
    except ArchiveError as exc:
        fail(str(exc))


@app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="OCDS releases (JSON lines) or an SPSE export (CSV)")],
    name: Annotated[str, typer.Option("--name", help="The archive's name (unique)")],
    source: Annotated[str, typer.Option("--source", help="spse (CSV) or ocds (JSON lines)")],
    period: Annotated[str | None, typer.Option("--period", help="The period it covers, e.g. 2019")] = None,
    officer: Annotated[
        str | None,
        typer.Option("--officer", envvar="TERANG_OFFICER", help="The data officer's account (signers file)"),
    ] = None,
    anchor: Annotated[bool, typer.Option("--anchor/--no-anchor", help="Anchor the root on chain")] = True,
) -> None:
    """Import an archive, build its Merkle tree and anchor the root on chain."""
    from sqlalchemy.exc import SQLAlchemyError

    from app.archives import chain
    from app.archives.importer import ArchiveError, archive_by, import_archive, mark_anchored, mark_anchoring
    from app.archives.models import ANCHORED, ANCHORING

    settings = _settings()
    if source not in ("spse", "ocds"):
        fail(f"--source harus spse atau ocds / --source must be spse or ocds, not {source!r}")
    engine = _engine(settings)
    account = _officer(settings, officer) if anchor else None
    client = _chain(settings) if anchor else None
    bar = _Bar()
    try:
        done = import_archive(engine, file, name, source, settings.ocid_prefix, period, progress=bar)
    except ArchiveError as exc:
        bar.close()
        fail(str(exc))
    except SQLAlchemyError as exc:  # e.g. the same archive imported by two runs at once, a full disk
        bar.close()
        fail(
            f"basis data menolak / the database refused: {exc.__class__.__name__}; jalankan lagi / run again"
        )
    except OSError as exc:  # the file unreadable (permissions, a disk error)
        bar.close()
        fail(f"berkas {file} tidak dapat dibaca / cannot read {file}: {exc.__class__.__name__}")
    bar.close()
    resumed = f", dilanjutkan dari baris {done.resumed_from_line}" if done.resumed_from_line else ""
    typer.echo(
        f"diimpor/imported: {name}: {done.record_count} rekaman/records{resumed}; root 0x{done.root.hex()}"
    )
    if not anchor:
        return
    archive = archive_by(engine, name)
    assert archive is not None
    if archive.status == ANCHORED:
        typer.echo(
            f"sudah ditambatkan/already anchored: arsip #{archive.chain_archive_id}, tx {archive.transaction}"
        )
        return
    try:
        anchored = chain.receipt_of(client, archive.transaction) if archive.status == ANCHORING else None
        if anchored is None:
            anchored = chain.anchor(
                client,
                account,
                archive.kind,
                done.root,
                done.record_count,
                done.metadata_hash,
                on_sent=lambda tx: mark_anchoring(engine, archive.id, tx, account.address),
            )
    except ArchiveError as exc:
        fail(str(exc))
    except Exception as exc:  # noqa: BLE001 - the node gone mid-run, a transport error: one line
        fail(_chain_lost(exc))
    mark_anchored(engine, archive.id, anchored.archive_id, anchored.block_number)
    typer.echo(
        f"ditambatkan/anchored: arsip #{anchored.archive_id} di blok {anchored.block_number}, "
        f"tx {anchored.transaction}"
    )


@app.command()
def verify(
    archive: Annotated[str, typer.Argument(help="The archive's name, or its id on chain")],
    ocid: Annotated[str | None, typer.Option("--ocid", help="Prove this ocid's records")] = None,
    all_: Annotated[bool, typer.Option("--all", help="Prove every record")] = False,
    file: Annotated[Path | None, typer.Option("--file", help="Prove this file as it is now")] = None,
    source: Annotated[str | None, typer.Option("--source", help="The file's source (with --file)")] = None,
) -> None:
    """Prove records against the root read from the chain; exit 1 naming each changed record."""
    from sqlalchemy.exc import SQLAlchemyError

    from app.archives import chain
    from app.archives import verify as proofs
    from app.archives.importer import ArchiveError, archive_by

    chosen = sum(bool(x) for x in (ocid, all_, file))
    if chosen != 1:
        typer.echo(
            "error: pilih satu: --ocid X, --all atau --file F / choose one: --ocid, --all or --file", err=True
        )
        raise typer.Exit(2)
    settings = _settings()
    engine = _engine(settings)
    stored = archive_by(engine, archive)
    if stored is None and not (file and archive.isdigit()):
        fail(f"arsip {archive} tidak dikenal / unknown archive {archive}")
    chain_id = stored.chain_archive_id if stored is not None else int(archive)
    if chain_id is None:
        fail(f"arsip {archive} belum ditambatkan di rantai / archive {archive} is not anchored on chain")
    client = _chain(settings)
    failures: list[str] = []

    def report(result) -> None:
        where = f"#{result.position} (baris/line {result.line}) {proofs.shown(result.ocid)}"
        if result.ok:
            typer.echo(f"ok {where}")
        else:
            failures.append(where)
            typer.echo(f"DIUBAH/TAMPERED {where}: {result.why}")

    try:
        on_chain = chain.read(client, chain_id)
        if stored is not None and not proofs.metadata_matches(
            stored, on_chain.metadata_hash, on_chain.record_count, on_chain.kind
        ):
            failures.append("metadata")
            typer.echo(
                f"DIUBAH/TAMPERED metadata arsip {proofs.shown(stored.name)}: tidak cocok dengan "
                "metadataHash di rantai / the stored metadata (archive name, file SHA-256, source, period, "
                "count) does not match the chain's"
            )
        if ocid:
            summary = proofs.verify_ocid(
                engine, stored, ocid, on_chain.root, report, on_chain.kind, on_chain.record_count
            )
        elif all_:
            summary = proofs.verify_all(
                engine, stored, on_chain.root, on_chain.record_count, report, on_chain.kind
            )
        else:
            file_source = source or (stored.source if stored is not None else None)
            if file_source not in ("spse", "ocds"):
                fail("sebutkan --source spse|ocds untuk berkas ini / name the file's --source")
            if not file.is_file():
                fail(f"berkas {file} tidak ada / file {file} does not exist")
            summary = proofs.verify_file(
                engine,
                stored,
                file,
                file_source,
                on_chain.kind,
                settings.ocid_prefix,
                on_chain.root,
                on_chain.record_count,
                report,
            )
    except typer.Exit:
        raise
    except ArchiveError as exc:
        fail(str(exc))
    except SQLAlchemyError as exc:
        fail(f"basis data tidak dapat dibaca / cannot read the database: {exc.__class__.__name__}")
    except Exception as exc:  # noqa: BLE001 - the node gone mid-run, a transport error: one line
        fail(_chain_lost(exc))
    anchored_at = datetime.fromtimestamp(on_chain.anchored_at, timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    label = f"arsip #{chain_id} root 0x{on_chain.root.hex()}"
    anchored_by = f"ditambatkan/anchored {anchored_at} oleh/by {on_chain.officer}"
    if not summary.failed and "metadata" in failures:
        fail(f"metadata {label} tidak cocok / the archive's stored metadata does not match the chain's")
    if summary.failed:
        named = ", ".join(failures[:5]) + (" …" if len(failures) > 5 else "")
        typer.echo(
            f"error: {summary.failed} dari {summary.checked} rekaman tidak cocok dengan {label} / "
            f"{summary.failed} of {summary.checked} records do not match the anchored root: "
            f"{named or 'root differs'}",
            err=True,
        )
        raise typer.Exit(1)
    typer.echo(
        f"terbukti/proven: {summary.checked} rekaman/records cocok dengan/match {label} "
        f"(dari rantai/from chain; {anchored_by})"
    )


@app.command("list")
def list_() -> None:
    """The archives, their roots and anchoring transactions."""
    from sqlalchemy import select

    from app.archives.models import Archive

    engine = _engine(_settings())
    with engine.connect() as connection:
        rows = connection.execute(select(Archive.__table__).order_by(Archive.id)).mappings().all()
    from app.archives.verify import shown

    for row in rows:
        typer.echo(
            shown(
                f"{row['name']}: {row['status']}, {row['record_count']} rekaman/records, "
                f"root {row['root'] or '-'}, "
                f"arsip/archive #{row['chain_archive_id'] or '-'}, tx {row['transaction'] or '-'}"
            )
        )
