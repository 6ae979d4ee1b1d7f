"""Releases, records and their packages for one ocid or all of them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urljoin

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.ocds.events import announced_ocids, events_of
from app.ocds.models import OcdsTender
from app.ocds.releases import build_releases
from app.ocds.schema import BID_EXTENSION_URL, TERANG_EXTENSION_PATH, merger

PUBLISHER = {"name": "Terang (ledger of Indonesian public procurement)"}
VERSION = "1.1"


def releases_for(session: Session, ocid: str) -> list[dict[str, Any]]:
    return build_releases(ocid, events_of(session, ocid))


def record(ocid: str, releases: list[dict[str, Any]]) -> dict[str, Any]:
    """The record of `ocid`: every release, and the compiled release merged by ocdsmerge."""
    return {"ocid": ocid, "releases": releases, "compiledRelease": merger().create_compiled_release(releases)}


def extensions(uri: str) -> list[str]:
    """The extensions a package at `uri` uses: the bids extension, and Terang's own as served beside
    the package by the same gateway."""
    return [BID_EXTENSION_URL, urljoin(uri, TERANG_EXTENSION_PATH + "extension.json")]


def _package(uri: str, key: str, items: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "uri": uri,
        "version": VERSION,
        "extensions": extensions(uri),
        "publishedDate": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "publisher": PUBLISHER,
        key: items,
    }


def release_package(uri: str, releases: list[dict[str, Any]]) -> dict[str, Any]:
    return _package(uri, "releases", releases)


def record_package(uri: str, records: list[dict[str, Any]]) -> dict[str, Any]:
    return _package(uri, "records", records)


def stored_record(session: Session, ocid: str) -> dict[str, Any] | None:
    """The record of `ocid` from the read model (app/ocds/models.py), None if never announced."""
    row = session.get(OcdsTender, ocid)
    if row is None:
        return None
    return {"ocid": ocid, "releases": row.releases, "compiledRelease": row.compiled}


def stored_page(session: Session, after: int | None, limit: int) -> tuple[list[dict[str, Any]], int | None]:
    """The releases of up to `limit` ocids announced after position `after`, in announcement order,
    from the read model; and the position to continue after (None on the last page)."""
    query = select(OcdsTender.position, OcdsTender.releases).order_by(OcdsTender.position)
    if after is not None:
        query = query.where(OcdsTender.position > after)
    rows = session.execute(query.limit(limit + 1)).all()
    more = len(rows) > limit
    rows = rows[:limit]
    releases = [release for _, page in rows for release in page]
    return releases, (rows[-1][0] if more else None)


def all_releases(session: Session) -> Iterator[dict[str, Any]]:
    """Every release of every announced ocid, ocid by ocid, rebuilt from the indexed events (what
    the read model must equal; the endpoints read stored_page)."""
    for ocid in announced_ocids(session):
        yield from releases_for(session, ocid)
