"""Importing an archive with flat memory: the source file is read as a stream (once to hash and check
it, once to store it), records and their leaves go to the database in batches, each batch in one
transaction with the archive's progress (its last stored line), and the Merkle tree is built level by
level from the database in chunks. An interrupted import continues where its last batch ended when
the same file is imported again under the same name; another file under that name is refused."""

from __future__ import annotations

import hashlib
import io
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Engine, column, delete, insert, select, table, update

from app.archives.models import ANCHORED, ANCHORING, BUILT, IMPORTING, Archive, ArchiveNode, ArchiveRecord
from app.archives.sources import SOURCE_SYSTEMS, SOURCES, SourceError, records, sha256_of
from app.db.models import utcnow
from app.protocol import merkle
from app.protocol.archives import KINDS, LEAF_FORMAT, LEGACY_PROCESSES, canonical, metadata_hash, record_leaf

BATCH = 2_000  # records per transaction
CHUNK = 4_096  # tree nodes read at once (even, so a pair never straddles two chunks)
NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$"
# The chain's published processes (app/ocds/models.py OcdsTender, named here: app.ocds is a layer up).
LIVE = table("ocds_tenders", column("ocid"))

Progress = Callable[[str, int, int], None]  # (stage, done, total)


class ArchiveError(Exception):
    """An import that cannot go on; the message is one line, Bahasa Indonesia then English."""


@dataclass(frozen=True)
class Imported:
    archive_id: int
    name: str
    record_count: int
    root: bytes
    metadata_hash: bytes
    resumed_from_line: int


def _no_progress(stage: str, done: int, total: int) -> None:
    pass


def import_archive(
    engine: Engine,
    path: Path,
    name: str,
    source: str,
    ocid_prefix: str,
    period: str | None = None,
    kind: int = LEGACY_PROCESSES,
    progress: Progress = _no_progress,
) -> Imported:
    """Stores the records of `path` under archive `name` and builds their tree (not yet anchored)."""
    if not re.match(NAME_PATTERN, name) or name.isdigit():  # digits name an archive by its chain id
        raise ArchiveError(
            f"nama arsip tidak sah {name!r} (huruf, angka, . _ -; bukan angka saja) / "
            "invalid archive name (letters, digits, . _ -; not digits only)"
        )
    if period is not None and not (0 < len(period) <= 64 and period.isprintable()):
        raise ArchiveError("periode tidak sah (1-64 karakter) / invalid period (1-64 printable characters)")
    if source not in SOURCES:
        raise ArchiveError(f"sumber tidak dikenal {source!r} / unknown source: {', '.join(SOURCES)}")
    if not path.is_file():
        raise ArchiveError(f"berkas {path} tidak ada / file {path} does not exist")
    sha = sha256_of(path)
    archive = _archive_named(engine, name)
    if archive is not None and archive.file_sha256 != sha:
        raise ArchiveError(
            f"arsip {name} sudah diimpor dari berkas lain (sha256 {archive.file_sha256[:12]}…) / "
            f"archive {name} was imported from another file; use a new name"
        )
    if archive is None:
        total = _check(engine, path, source, ocid_prefix, progress)
        archive = _create(engine, name, kind, source, path, sha, period)
    else:
        total = None
    resumed_from = archive.lines_done
    if archive.status == IMPORTING:
        _store(engine, archive, path, source, ocid_prefix, progress, total)
        _build_tree(engine, archive.id, progress)
    archive = _archive_named(engine, name)
    assert archive is not None and archive.root is not None and archive.metadata_hash is not None
    return Imported(
        archive.id,
        name,
        archive.record_count,
        bytes.fromhex(archive.root[2:]),
        bytes.fromhex(archive.metadata_hash[2:]),
        resumed_from,
    )


def _archive_named(engine: Engine, name: str) -> Archive | None:
    with engine.connect() as connection:
        row = connection.execute(select(Archive.__table__).where(Archive.name == name)).mappings().first()
    return Archive(**row) if row else None


def archive_by(engine: Engine, name_or_id: str) -> Archive | None:
    """An archive by its name, or by its on-chain id (digits)."""
    with engine.connect() as connection:
        table = Archive.__table__
        if name_or_id.isdigit():
            condition = table.c.chain_archive_id == int(name_or_id)
        else:
            condition = table.c.name == name_or_id
        row = connection.execute(select(table).where(condition)).mappings().first()
    return Archive(**row) if row else None


def _live_ocid(engine: Engine, ocids: dict[str, int]) -> tuple[str, int] | None:
    """The first of `ocids` (ocid: line) that names a process published from the chain: an imported
    "past" record under a live ocid would be served beside (or, before the announcement, instead of)
    the chain's own."""
    if not ocids:
        return None
    with engine.connect() as connection:
        live = set(connection.execute(select(LIVE.c.ocid).where(LIVE.c.ocid.in_(list(ocids)))).scalars())
    found = sorted((line, ocid) for ocid, line in ocids.items() if ocid in live)
    return (found[0][1], found[0][0]) if found else None


def _check(engine: Engine, path: Path, source: str, ocid_prefix: str, progress: Progress) -> int:
    """Reads the whole file once before anything is stored: a malformed line, or an ocid the chain
    already publishes, refuses the import."""
    count = 0
    pending: dict[str, int] = {}

    def no_live_ocid() -> None:
        live = _live_ocid(engine, pending)
        pending.clear()
        if live is not None:
            ocid, line = live
            raise ArchiveError(
                f"{path.name}: baris {line}: ocid {ocid} adalah proses di rantai / "
                f"line {line}: ocid {ocid} is a process published from the chain"
            )

    with path.open("rb") as stream:
        try:
            for count, record in enumerate(records(stream, source, ocid_prefix), start=1):
                pending.setdefault(record.ocid, record.line)
                if count % BATCH == 0:
                    no_live_ocid()
                    progress("check", count, 0)
        except SourceError as exc:
            raise ArchiveError(f"{path.name}: {exc}") from None
    no_live_ocid()
    if count == 0:
        raise ArchiveError(f"{path.name}: tidak ada rekaman / no records")
    progress("check", count, count)
    return count


def _create(
    engine: Engine, name: str, kind: int, source: str, path: Path, sha: str, period: str | None
) -> Archive:
    with engine.begin() as connection:
        result = connection.execute(
            insert(Archive.__table__).values(
                name=name,
                kind=kind,
                source=source,
                file_name=path.name[:255],
                file_sha256=sha,
                period=period,
                status=IMPORTING,
                lines_done=0,
                record_count=0,
                created_at=utcnow(),
            )
        )
        archive_id = result.inserted_primary_key[0]
    archive = _archive_named(engine, name)
    assert archive is not None and archive.id == archive_id
    return archive


def _store(
    engine: Engine,
    archive: Archive,
    path: Path,
    source: str,
    ocid_prefix: str,
    progress: Progress,
    total: int | None,
) -> None:
    done_lines, position = archive.lines_done, archive.record_count
    batch: list[dict] = []
    stored = _stored_leaves(engine, archive.id, archive.record_count)
    skipped = 0

    def flush(last_line: int) -> None:
        with engine.begin() as connection:
            if batch:
                connection.execute(insert(ArchiveRecord.__table__), batch)
            connection.execute(
                update(Archive.__table__)
                .where(Archive.id == archive.id)
                .values(lines_done=last_line, record_count=position)
            )
        batch.clear()
        progress("import", position, total or 0)

    last = done_lines
    digest = hashlib.sha256()
    with path.open("rb") as file, io.BufferedReader(_Hashing(file, digest)) as stream:
        try:
            for record in records(stream, source, ocid_prefix):
                if record.line <= done_lines:
                    # A resumed import: what an earlier run stored must be this file's records, read
                    # as now (same source and ocid prefix), or the archive would mix two imports.
                    before = next(stored, None)
                    if before is None or before != (
                        skipped,
                        record_leaf(archive.kind, skipped, record.canonical),
                    ):
                        raise ArchiveError(
                            f"{path.name}: baris {record.line}: rekaman yang tersimpan berbeda dari berkas "
                            "(sumber atau awalan ocid lain?); impor dengan nama baru / "
                            f"line {record.line}: the stored record differs from the file; use a new name"
                        )
                    skipped += 1
                    continue
                batch.append(
                    {
                        "archive_id": archive.id,
                        "position": position,
                        "line": record.line,
                        "ocid": record.ocid,
                        "canonical": record.canonical.decode("utf-8"),
                        "leaf": record_leaf(archive.kind, position, record.canonical),
                    }
                )
                position += 1
                last = record.line
                if len(batch) >= BATCH:
                    flush(last)
        except SourceError as exc:  # the file changed since it was checked
            raise ArchiveError(f"{path.name}: {exc}") from None
        while stream.read(1 << 20):  # whatever follows the last record is part of the file too
            pass
    if skipped != archive.record_count or next(stored, None) is not None:
        raise ArchiveError(
            f"{path.name}: rekaman tersimpan tidak sesuai berkas; impor dengan nama baru / "
            "the stored records do not match the file; use a new name"
        )
    if digest.hexdigest() != archive.file_sha256 or (total is not None and position != total):
        # The file was replaced while it was read: what is stored is not the file its SHA-256 names.
        raise ArchiveError(
            f"{path.name}: berkas berubah selama impor; impor dengan nama baru / "
            "the file changed during the import; use a new name"
        )
    flush(last)


class _Hashing(io.RawIOBase):
    """`file`, read once, with every byte read also fed to `digest`: the records stored are those of
    the bytes hashed, not of a file replaced between hashing and reading."""

    def __init__(self, file: io.BufferedReader, digest) -> None:
        self._file, self._digest = file, digest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self._file.read(len(buffer))
        buffer[: len(data)] = data
        self._digest.update(data)
        return len(data)


def _stored_leaves(engine: Engine, archive_id: int, count: int) -> Iterator[tuple[int, bytes]]:
    """The (position, leaf) of the records stored before this run (positions below `count`), in order,
    CHUNK at a time."""
    after = -1
    while True:
        with engine.connect() as connection:
            rows = [row for row in _chunk(connection, archive_id, 0, after) if row[0] < count]
        if not rows:
            return
        after = rows[-1][0]
        yield from ((int(row[0]), bytes(row[1])) for row in rows)


def _level_size(count: int, level: int) -> int:
    for _ in range(level):
        count = (count + 1) // 2
    return count


def _chunk(connection: Connection, archive_id: int, level: int, after: int) -> list:
    """Up to CHUNK nodes of level `level` after position `after`, in order (level 0: the leaves)."""
    if level == 0:
        table = ArchiveRecord.__table__
        query = select(table.c.position, table.c.leaf).where(table.c.archive_id == archive_id)
    else:
        table = ArchiveNode.__table__
        query = select(table.c.position, table.c.hash).where(
            table.c.archive_id == archive_id, table.c.level == level
        )
    return connection.execute(
        query.where(table.c.position > after).order_by(table.c.position).limit(CHUNK)
    ).all()


def _build_tree(engine: Engine, archive_id: int, progress: Progress) -> None:
    """Levels 1 up, each from the one below a chunk at a time (one transaction reads a chunk and
    writes its parents); the root is the single node of the top level."""
    with engine.begin() as connection:
        archive = (
            connection.execute(select(Archive.__table__).where(Archive.id == archive_id)).mappings().one()
        )
        connection.execute(delete(ArchiveNode.__table__).where(ArchiveNode.archive_id == archive_id))
    count = archive["record_count"]
    level = 0
    with engine.connect() as connection:
        top = bytes(_chunk(connection, archive_id, 0, -1)[0][1])
    while _level_size(count, level) > 1:
        after, position = -1, 0
        while True:
            with engine.begin() as connection:
                rows = _chunk(connection, archive_id, level, after)
                if not rows:
                    break
                after = rows[-1][0]
                up = merkle.parents([bytes(row[1]) for row in rows])
                connection.execute(
                    insert(ArchiveNode.__table__),
                    [
                        {"archive_id": archive_id, "level": level + 1, "position": position + i, "hash": h}
                        for i, h in enumerate(up)
                    ],
                )
            position += len(up)
            top = up[0]
        level += 1
        progress("tree", level, 0)
    metadata = archive_metadata(
        archive["name"], archive["kind"], archive["source"], archive["file_sha256"], archive["period"], count
    )
    with engine.begin() as connection:
        connection.execute(
            update(Archive.__table__)
            .where(Archive.id == archive_id)
            .values(
                status=BUILT,
                root="0x" + top.hex(),
                metadata_json=canonical(metadata).decode("utf-8"),
                metadata_hash="0x" + metadata_hash(metadata).hex(),
            )
        )


def archive_metadata(
    name: str, kind: int, source: str, file_sha256: str, period: str | None, count: int
) -> dict:
    """What the anchored metadataHash is the hash of (its canonical bytes are kept beside it)."""
    return {
        "archive": name,
        "kind": KINDS[kind],
        "sourceSystem": SOURCE_SYSTEMS[source],
        "sourceFileSha256": file_sha256,
        "period": period,
        "recordCount": count,
        "leafFormat": LEAF_FORMAT,
    }


def mark_anchoring(engine: Engine, archive_id: int, transaction: str, officer: str) -> None:
    with engine.begin() as connection:
        connection.execute(
            update(Archive.__table__)
            .where(Archive.id == archive_id)
            .values(status=ANCHORING, transaction=transaction, officer=officer)
        )


def mark_anchored(engine: Engine, archive_id: int, chain_archive_id: int, block_number: int) -> None:
    with engine.begin() as connection:
        connection.execute(
            update(Archive.__table__)
            .where(Archive.id == archive_id)
            .values(
                status=ANCHORED,
                chain_archive_id=chain_archive_id,
                block_number=block_number,
                anchored_at=utcnow(),
            )
        )


def metadata_of(archive: Archive) -> dict:
    return json.loads(archive.metadata_json or "{}")
