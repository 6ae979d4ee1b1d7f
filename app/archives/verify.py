"""Proving records against the root anchored on chain. Nothing the database holds is trusted: each
record's leaf is hashed again from its canonical bytes, and either led up its stored proof (one
record) or, for a whole archive or file, folded into a root with flat memory (app/protocol/merkle.py
StreamingRoot) and compared with the chain's. A record is named when its bytes no longer give its
leaf; when the root differs though no stored leaf does (the leaves were altered too), every record
is proven one by one against the chain's root along the stored tree."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from eth_utils import keccak
from sqlalchemy import Engine, select

from app.archives.importer import ArchiveError
from app.archives.models import Archive, ArchiveNode, ArchiveRecord
from app.archives.sources import SourceError, records
from app.protocol import merkle
from app.protocol.archives import KINDS, record_leaf

CHUNK = 2_000


@dataclass(frozen=True)
class Result:
    position: int
    ocid: str
    line: int
    ok: bool
    why: str = ""


@dataclass(frozen=True)
class Summary:
    checked: int
    failed: int
    root_matches: bool


Report = Callable[[Result], None]


def shown(text: object) -> str:
    """`text` safe for a terminal: a stored value (an ocid, a name) an insider could fill with control
    characters (a carriage return and an erase-line escape would print "ok" over "TAMPERED") or bidi
    overrides is shown escaped."""
    value = str(text)
    return value if value.isprintable() else value.encode("unicode_escape").decode("ascii")


def metadata_matches(
    archive: Archive,
    chain_metadata_hash: bytes,
    chain_count: int | None = None,
    chain_kind: int | None = None,
) -> bool:
    """Whether the stored metadata (its canonical bytes) still hashes to the anchored metadataHash, and
    names this archive (and the chain's count and kind): an archive renamed in the database to pass
    another anchored archive off as it names the other one in its metadata."""
    text = archive.metadata_json or ""
    if keccak(text.encode("utf-8")) != chain_metadata_hash:
        return False
    try:
        metadata = json.loads(text)
    except ValueError:
        return False
    if not isinstance(metadata, dict) or metadata.get("archive") != archive.name:
        return False
    if chain_count is not None and metadata.get("recordCount") != chain_count:
        return False
    return chain_kind is None or (0 <= chain_kind < len(KINDS) and metadata.get("kind") == KINDS[chain_kind])


def _level_sizes(count: int) -> list[int]:
    sizes = [count]
    while sizes[-1] > 1:
        sizes.append((sizes[-1] + 1) // 2)
    return sizes


def _ocid_of(canonical: str) -> str | None:
    """The ocid the record itself names (the stored `ocid` column is only an index, not proven)."""
    try:
        release = json.loads(canonical)
    except ValueError:
        return None
    ocid = release.get("ocid") if isinstance(release, dict) else None
    return ocid if isinstance(ocid, str) else None


def _bound(result: Result, canonical: str) -> Result:
    """`result`, failed when the record's own ocid is not the one it is stored (and found) under."""
    if result.ok and _ocid_of(canonical) != result.ocid:
        return replace(result, ok=False, why=f"stored under {result.ocid}, but the record is another ocid's")
    return result


def stored_proof(engine: Engine, archive: Archive, position: int, count: int | None = None) -> list[bytes]:
    """The siblings of record `position` up the stored tree (level 0: the stored leaves) of `count`
    records (the chain's; the stored count by default)."""
    siblings = []
    with engine.connect() as connection:
        for level, size in enumerate(_level_sizes(archive.record_count if count is None else count)[:-1]):
            sibling = position ^ 1
            if sibling < size:
                if level == 0:
                    query = select(ArchiveRecord.leaf).where(
                        ArchiveRecord.archive_id == archive.id, ArchiveRecord.position == sibling
                    )
                else:
                    query = select(ArchiveNode.hash).where(
                        ArchiveNode.archive_id == archive.id,
                        ArchiveNode.level == level,
                        ArchiveNode.position == sibling,
                    )
                found = connection.execute(query).scalar()
                siblings.append(bytes(found) if found is not None else b"\x00" * 32)
            position //= 2
    return siblings


def _prove(
    engine: Engine,
    archive: Archive,
    row,
    chain_root: bytes,
    kind: int | None = None,
    count: int | None = None,
) -> Result:
    kind = archive.kind if kind is None else kind
    if not 0 <= row.position < (archive.record_count if count is None else count):
        return Result(row.position, row.ocid, row.line, False, "no such index under the anchored root")
    leaf = record_leaf(kind, row.position, row.canonical.encode("utf-8"))
    ok = merkle.verify(leaf, stored_proof(engine, archive, row.position, count), chain_root)
    result = Result(row.position, row.ocid, row.line, ok, "" if ok else "not under the anchored root")
    return _bound(result, row.canonical)


def verify_ocid(
    engine: Engine,
    archive: Archive,
    ocid: str,
    chain_root: bytes,
    report: Report,
    kind: int | None = None,
    count: int | None = None,
) -> Summary:
    """The stored records of `ocid`, each along its stored proof to the chain's root; `kind` and
    `count` are the chain's (the stored archive's by default)."""
    with engine.connect() as connection:
        rows = connection.execute(
            select(ArchiveRecord.position, ArchiveRecord.ocid, ArchiveRecord.line, ArchiveRecord.canonical)
            .where(ArchiveRecord.archive_id == archive.id, ArchiveRecord.ocid == ocid)
            .order_by(ArchiveRecord.position)
        ).all()
    if not rows:
        raise ArchiveError(f"arsip {archive.name} tidak memuat ocid {ocid} / archive holds no ocid {ocid}")
    failed = 0
    for row in rows:
        result = _prove(engine, archive, row, chain_root, kind, count)
        failed += not result.ok
        report(result)
    return Summary(len(rows), failed, failed == 0)


def _stored_rows(engine: Engine, archive_id: int) -> Iterator:
    """The archive's records in order, CHUNK at a time, each chunk on a connection of its own (so
    no transaction stays open between chunks)."""
    after = -1
    while True:
        with engine.connect() as connection:
            rows = connection.execute(
                select(
                    ArchiveRecord.position,
                    ArchiveRecord.ocid,
                    ArchiveRecord.line,
                    ArchiveRecord.canonical,
                    ArchiveRecord.leaf,
                )
                .where(ArchiveRecord.archive_id == archive_id, ArchiveRecord.position > after)
                .order_by(ArchiveRecord.position)
                .limit(CHUNK)
            ).all()
        if not rows:
            return
        after = rows[-1].position
        yield from rows


def verify_all(
    engine: Engine,
    archive: Archive,
    chain_root: bytes,
    chain_count: int,
    report: Report,
    kind: int | None = None,
) -> Summary:
    kind = archive.kind if kind is None else kind
    tree = merkle.StreamingRoot()
    failed = 0
    for row in _stored_rows(engine, archive.id):
        if row.position != tree.count:
            raise ArchiveError(f"rekaman #{tree.count} hilang / record #{tree.count} is missing")
        leaf = record_leaf(kind, row.position, row.canonical.encode("utf-8"))
        tree.add(leaf)
        ok = leaf == bytes(row.leaf)
        result = _bound(
            Result(row.position, row.ocid, row.line, ok, "" if ok else "changed since the import"),
            row.canonical,
        )
        failed += not result.ok
        report(result)
    root_matches = tree.count == chain_count and tree.root() == chain_root
    if not root_matches and failed == 0:
        # The stored leaves were changed with the records (or records added or removed): prove each.
        for row in _stored_rows(engine, archive.id):
            result = _prove(engine, archive, row, chain_root, kind, chain_count)
            if not result.ok:
                failed += 1
                report(result)
    if not root_matches:
        failed = max(failed, 1)  # never "proven" under a root the records do not give
    return Summary(tree.count, failed, root_matches)


def verify_file(
    engine: Engine | None,
    archive: Archive | None,
    path: Path,
    source: str,
    kind: int,
    ocid_prefix: str,
    chain_root: bytes,
    chain_count: int,
    report: Report,
) -> Summary:
    """The file as it is now against the chain's root; with the stored archive, each record whose
    leaf differs from the one stored at the import is named."""
    stored = _stored_rows(engine, archive.id) if engine is not None and archive is not None else iter(())
    tree = merkle.StreamingRoot()
    failed = 0
    try:
        with path.open("rb") as stream:
            for record in records(stream, source, ocid_prefix):
                position = tree.count
                leaf = record_leaf(kind, position, record.canonical)
                tree.add(leaf)
                before = next(stored, None)
                ok = before is None or bytes(before.leaf) == leaf
                failed += not ok
                report(
                    Result(position, record.ocid, record.line, ok, "" if ok else "differs from the import")
                )
    except SourceError as exc:
        raise ArchiveError(f"{path.name}: {exc}") from None
    except OSError as exc:  # unreadable (permissions, a disk error)
        raise ArchiveError(
            f"{path.name}: tidak dapat dibaca / cannot be read: {exc.__class__.__name__}"
        ) from None
    root_matches = tree.count == chain_count and tree.root() == chain_root
    if not root_matches and failed == 0:
        failed = 1  # a record missing, added or changed where no stored copy tells which
    return Summary(tree.count, failed, root_matches)
