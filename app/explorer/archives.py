"""The explorer's view of imported archives (app/archives): every anchored archive with its root,
record count and anchoring transaction, and one imported process (its releases, marked as imported,
each with the archive and index that prove it)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.archives.importer import metadata_of
from app.archives.models import ANCHORED, Archive
from app.archives.published import imported_releases
from app.protocol.archives import KINDS


@dataclass(frozen=True)
class ArchiveRow:
    name: str
    kind: str
    source_system: str
    period: str | None
    record_count: int
    root: str
    chain_archive_id: int
    transaction: str
    block_number: int
    file_sha256: str
    metadata_hash: str


def anchored_archives(session: Session) -> list[ArchiveRow]:
    archives = session.scalars(select(Archive).where(Archive.status == ANCHORED).order_by(Archive.id))
    return [
        ArchiveRow(
            a.name,
            KINDS[a.kind],
            metadata_of(a).get("sourceSystem", a.source.upper()),
            a.period,
            a.record_count,
            a.root or "",
            a.chain_archive_id or 0,
            a.transaction or "",
            a.block_number or 0,
            a.file_sha256,
            a.metadata_hash or "",
        )
        for a in archives
    ]


@dataclass(frozen=True)
class ImportedProcess:
    ocid: str
    title: str
    buyer: str
    value: int | None
    status: str
    date: str
    releases: list[dict[str, Any]]


def _amount(value: Any) -> int | None:
    amount = value.get("amount") if isinstance(value, dict) else None
    return int(amount) if isinstance(amount, (int, float)) else None


def imported_process(session: Session, ocid: str) -> ImportedProcess | None:
    releases = imported_releases(session, ocid)
    if not releases:
        return None
    latest = releases[-1]
    tender = latest.get("tender") if isinstance(latest.get("tender"), dict) else {}
    buyer = latest.get("buyer") if isinstance(latest.get("buyer"), dict) else {}
    return ImportedProcess(
        ocid,
        str(tender.get("title") or ocid),
        str(buyer.get("name") or "–"),
        _amount(tender.get("value")),
        str(tender.get("status") or "–"),
        str(latest.get("date") or "–"),
        releases,
    )
