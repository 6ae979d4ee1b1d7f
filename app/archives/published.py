"""Imported records as OCDS releases (app/ocds serves them after the chain's own processes): only
records of archives anchored on chain, each marked as imported in its `terangImport` block (the
archive, its on-chain id, the record's index, the anchored root and transaction), so a reader can
prove it with `terang archive verify` or by hashing it again. The block is added when served: the
proven bytes are the stored canonical record without it.

Pages continue after the chain's: a cursor at or above IMPORTED_BASE names an imported record
(archive id and index packed in one integer), below it a chain position (app/ocds/models.py)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import Session

from app.archives.importer import LIVE
from app.archives.models import ANCHORED, Archive, ArchiveRecord

IMPORTED_BASE = 2**62
_INDEX_BITS = 40


def cursor_of(archive_id: int, position: int) -> int:
    return IMPORTED_BASE + (archive_id << _INDEX_BITS) + position


def _after(cursor: int | None) -> tuple[int, int]:
    if cursor is None or cursor < IMPORTED_BASE:
        return (0, -1)
    packed = cursor - IMPORTED_BASE
    return (packed >> _INDEX_BITS, packed & ((1 << _INDEX_BITS) - 1))


def served(canonical: str, archive: Any, position: int) -> dict[str, Any]:
    release = json.loads(canonical)
    mark = release.get("terangImport") if isinstance(release.get("terangImport"), dict) else {}
    release["terangImport"] = {
        **mark,
        "imported": True,
        "archive": archive.name,
        "archiveId": archive.chain_archive_id,
        "recordIndex": position,
        "archiveRoot": archive.root,
        "anchorTransaction": archive.transaction,
    }
    return release


def _query():
    return (
        select(
            ArchiveRecord.archive_id,
            ArchiveRecord.position,
            ArchiveRecord.ocid,
            ArchiveRecord.canonical,
            Archive.name,
            Archive.chain_archive_id,
            Archive.root,
            Archive.transaction,
        )
        .join(Archive, Archive.id == ArchiveRecord.archive_id)
        .where(Archive.status == ANCHORED)
        # Never under the ocid of a process the chain publishes (announced after the import, or
        # imported by an insider as a "past" record of a live tender): the chain's process alone is
        # served under its ocid.
        .where(~exists().where(LIVE.c.ocid == ArchiveRecord.ocid))
    )


def imported_page(session: Session, cursor: int | None, limit: int) -> tuple[list[tuple[int, dict]], bool]:
    """Up to `limit` imported releases after `cursor`, each with its own cursor; and whether more follow."""
    archive_id, position = _after(cursor)
    rows = session.execute(
        _query()
        .where(
            or_(
                ArchiveRecord.archive_id > archive_id,
                and_(ArchiveRecord.archive_id == archive_id, ArchiveRecord.position > position),
            )
        )
        .order_by(ArchiveRecord.archive_id, ArchiveRecord.position)
        .limit(limit + 1)
    ).all()
    found = [
        (cursor_of(row.archive_id, row.position), served(row.canonical, row, row.position)) for row in rows
    ]
    return found[:limit], len(found) > limit


def imported_releases(session: Session, ocid: str) -> list[dict[str, Any]]:
    """Every imported release of `ocid` (anchored archives only), in import order."""
    rows = session.execute(
        _query().where(ArchiveRecord.ocid == ocid).order_by(ArchiveRecord.archive_id, ArchiveRecord.position)
    ).all()
    releases = [served(row.canonical, row, row.position) for row in rows]
    # Only the records that name `ocid` themselves (the stored ocid column is an index, not proven).
    return [release for release in releases if release.get("ocid") == ocid]
