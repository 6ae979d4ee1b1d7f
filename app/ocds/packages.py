"""Releases, records and their packages for one ocid or all of them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urljoin

from sqlalchemy import Text, cast, select
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


# -- packages as text: the stored JSON spliced in, never parsed and re-serialised per request -----
def stored_record_text(session: Session, ocid: str) -> tuple[str, str] | None:
    """The stored releases (a JSON array) and compiled release of `ocid`, as the database holds
    their text; None if never announced."""
    row = session.execute(
        select(cast(OcdsTender.releases, Text), cast(OcdsTender.compiled, Text)).where(
            OcdsTender.ocid == ocid
        )
    ).first()
    return (row[0], row[1]) if row is not None else None


def stored_page_text(session: Session, after: int | None, limit: int) -> tuple[list[str], int | None]:
    """stored_page with each ocid's releases as their stored JSON array text."""
    query = select(OcdsTender.position, cast(OcdsTender.releases, Text)).order_by(OcdsTender.position)
    if after is not None:
        query = query.where(OcdsTender.position > after)
    rows = session.execute(query.limit(limit + 1)).all()
    more = len(rows) > limit
    rows = rows[:limit]
    return [text for _, text in rows], (rows[-1][0] if more else None)


def package_text(uri: str, key: str, items: str, **extra: Any) -> str:
    """A package whose `key` holds `items`, the text of a JSON array's elements (comma-separated)."""
    head = json.dumps(_package(uri, key, []), ensure_ascii=False)
    tail = "".join(f",{json.dumps(k)}:{json.dumps(v, ensure_ascii=False)}" for k, v in extra.items())
    return f"{head[: -len('[]}')]}[{items}]{tail}}}"


def array_items(arrays: list[str]) -> str:
    """The elements of JSON arrays (their text) as one comma-separated list."""
    inner = (text.strip()[1:-1].strip() for text in arrays)
    return ",".join(part for part in inner if part)


def record_text(ocid: str, releases: str, compiled: str) -> str:
    named = json.dumps(ocid, ensure_ascii=False)
    return f'{{"ocid":{named},"releases":{releases},"compiledRelease":{compiled}}}'


def all_releases(session: Session) -> Iterator[dict[str, Any]]:
    """Every release of every announced ocid, ocid by ocid, rebuilt from the indexed events (what
    the read model must equal; the endpoints read stored_page)."""
    for ocid in announced_ocids(session):
        yield from releases_for(session, ocid)
