"""Releases, records and their packages for one ocid or all of them."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urljoin

from sqlalchemy import Text, cast, select
from sqlalchemy.orm import Session

from app.archives.published import IMPORTED_BASE, imported_page, imported_releases
from app.ocds.events import announced_ocids, release_events
from app.ocds.models import OcdsTender
from app.ocds.planning import planning_of
from app.ocds.releases import build_releases
from app.ocds.schema import BID_EXTENSION_PATH, TERANG_EXTENSION_PATH, merger
from app.ocds.supplier_names import supplier_names

VERSION = "1.1"
# The package metadata's defaults (app/config.py Settings.ocds_*): what this gateway's packages say
# about their publisher, licence and publication policy (a path: served here, made absolute beside
# the package, see app/ocds/policy.py).
PUBLISHER_NAME = "Terang (ledger of Indonesian public procurement)"
LICENSE = "https://creativecommons.org/licenses/by/4.0/"
POLICY_PATH = "/ocds/publication-policy"


@dataclass(frozen=True)
class Publication:
    """Who publishes and under what terms: the package-level metadata every package carries."""

    publisher_name: str = PUBLISHER_NAME
    publisher_scheme: str | None = None
    publisher_uid: str | None = None
    license: str | None = LICENSE
    policy: str | None = POLICY_PATH

    @classmethod
    def of(cls, settings: Any) -> Publication:
        return cls(
            settings.ocds_publisher_name,
            settings.ocds_publisher_scheme,
            settings.ocds_publisher_uid,
            settings.ocds_license or None,
            settings.ocds_publication_policy or None,
        )

    def publisher(self) -> dict[str, str]:
        publisher = {"name": self.publisher_name}
        if self.publisher_scheme and self.publisher_uid:
            publisher |= {"scheme": self.publisher_scheme, "uid": self.publisher_uid}
        return publisher

    def metadata(self, uri: str) -> dict[str, str]:
        """`license` and `publicationPolicy` as absolute URLs (a path is joined to the package's)."""
        found = {"license": self.license, "publicationPolicy": self.policy}
        return {key: urljoin(uri, value) for key, value in found.items() if value}


DEFAULT = Publication()
PUBLISHER = DEFAULT.publisher()


def releases_for(session: Session, ocid: str) -> list[dict[str, Any]]:
    events = release_events(session, ocid)
    return build_releases(ocid, events, planning_of(session, ocid), supplier_names(session, events))


def record(ocid: str, releases: list[dict[str, Any]]) -> dict[str, Any]:
    """The record of `ocid`: every release, and the compiled release merged by ocdsmerge."""
    return {"ocid": ocid, "releases": releases, "compiledRelease": merger().create_compiled_release(releases)}


def extensions(uri: str) -> list[str]:
    """The extensions a package at `uri` uses, both served beside the package by the same gateway (an
    air-gapped reader reaches them): the bids extension's vendored copy (canonical address:
    BID_EXTENSION_URL) and Terang's own."""
    return [
        urljoin(uri, BID_EXTENSION_PATH + "extension.json"),
        urljoin(uri, TERANG_EXTENSION_PATH + "extension.json"),
    ]


def _package(
    uri: str, key: str, items: list[dict[str, Any]], publication: Publication = DEFAULT
) -> dict[str, Any]:
    return {
        "uri": uri,
        "version": VERSION,
        "extensions": extensions(uri),
        "publishedDate": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "publisher": publication.publisher(),
        **publication.metadata(uri),
        key: items,
    }


def release_package(
    uri: str, releases: list[dict[str, Any]], publication: Publication = DEFAULT
) -> dict[str, Any]:
    return _package(uri, "releases", releases, publication)


def record_package(
    uri: str, records: list[dict[str, Any]], publication: Publication = DEFAULT
) -> dict[str, Any]:
    return _package(uri, "records", records, publication)


def stored_record(session: Session, ocid: str) -> dict[str, Any] | None:
    """The record of `ocid` from the read model (app/ocds/models.py), None if never announced."""
    row = session.get(OcdsTender, ocid)
    if row is None:
        imported = imported_releases(session, ocid)
        return record(ocid, imported) if imported else None
    return {"ocid": ocid, "releases": row.releases, "compiledRelease": row.compiled}


def stored_page(session: Session, after: int | None, limit: int) -> tuple[list[dict[str, Any]], int | None]:
    """The releases of up to `limit` ocids announced after position `after`, in announcement order,
    from the read model; and the position to continue after (None on the last page)."""
    query = select(OcdsTender.position, OcdsTender.releases).order_by(OcdsTender.position)
    if after is not None:
        query = query.where(OcdsTender.position > after)
    rows = _then_imported(session, after, limit, query, lambda release: [release])
    more = len(rows) > limit
    rows = rows[:limit]
    releases = [release for _, page in rows for release in page]
    return releases, (rows[-1][0] if more else None)


def _then_imported(session: Session, after: int | None, limit: int, query, shape: Callable) -> list:
    """Up to `limit` + 1 rows (position, ...): the chain's processes first, then imported records
    (app/archives/published.py), each imported release shaped by `shape` like the chain's rows."""
    rows = session.execute(query.limit(limit + 1)).all() if after is None or after < IMPORTED_BASE else []
    if len(rows) <= limit:
        found, more = imported_page(session, after, limit + 1 - len(rows))
        rows = [*rows, *((cursor, *shape(release)) for cursor, release in found)]
    return rows


# -- packages as text: the stored JSON spliced in, never parsed and re-serialised per request -----
def stored_record_text(session: Session, ocid: str) -> tuple[str, str] | None:
    """The stored releases (a JSON array) and compiled release of `ocid`, as the database holds
    their text; None if never announced."""
    row = session.execute(
        select(cast(OcdsTender.releases, Text), cast(OcdsTender.compiled, Text)).where(
            OcdsTender.ocid == ocid
        )
    ).first()
    if row is None:
        imported = imported_releases(session, ocid)
        if not imported:
            return None
        return json.dumps(imported, ensure_ascii=False), json.dumps(
            record(ocid, imported)["compiledRelease"], ensure_ascii=False
        )
    return (row[0], row[1]) if row is not None else None


def stored_page_text(session: Session, after: int | None, limit: int) -> tuple[list[str], int | None]:
    """stored_page with each ocid's releases as their stored JSON array text."""
    query = select(OcdsTender.position, cast(OcdsTender.releases, Text)).order_by(OcdsTender.position)
    if after is not None:
        query = query.where(OcdsTender.position > after)
    rows = _then_imported(
        session, after, limit, query, lambda release: [json.dumps([release], ensure_ascii=False)]
    )
    more = len(rows) > limit
    rows = rows[:limit]
    return [text for _, text in rows], (rows[-1][0] if more else None)


def stored_records_page_text(session: Session, after: int | None, limit: int) -> tuple[list[str], int | None]:
    """The records of up to `limit` ocids announced after position `after` (each as the text of a
    record: its stored releases and compiled release spliced in), and the position to continue
    after (None on the last page)."""
    query = select(
        OcdsTender.position, OcdsTender.ocid, cast(OcdsTender.releases, Text), cast(OcdsTender.compiled, Text)
    ).order_by(OcdsTender.position)
    if after is not None:
        query = query.where(OcdsTender.position > after)
    rows = _then_imported(
        session,
        after,
        limit,
        query,
        lambda release: [
            release["ocid"],
            json.dumps([release], ensure_ascii=False),
            json.dumps(record(release["ocid"], [release])["compiledRelease"], ensure_ascii=False),
        ],
    )
    more = len(rows) > limit
    rows = rows[:limit]
    return [record_text(ocid, releases, compiled) for _, ocid, releases, compiled in rows], (
        rows[-1][0] if more else None
    )


def release_lines(sessions: Callable[[], Session], page: int) -> Iterator[str]:
    """Every release, a JSON Lines chunk per page of `page` ocids: one short read per page (the
    stream holds no transaction), so memory stays that of one page whatever the publication's size."""
    after = None
    while True:
        with sessions() as session:
            found, after = stored_page(session, after, page)
        yield "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in found)
        if after is None:
            return


def record_lines(sessions: Callable[[], Session], page: int) -> Iterator[str]:
    """Every record (one per ocid) as JSON Lines, a chunk per page of `page` ocids, as release_lines;
    each line is the stored JSON spliced in (stored JSON has no raw newline)."""
    after = None
    while True:
        with sessions() as session:
            found, after = stored_records_page_text(session, after, page)
        yield "".join(text + "\n" for text in found)
        if after is None:
            return


def package_text(uri: str, key: str, items: str, publication: Publication = DEFAULT, **extra: Any) -> str:
    """A package whose `key` holds `items`, the text of a JSON array's elements (comma-separated)."""
    head = json.dumps(_package(uri, key, [], publication), ensure_ascii=False)
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
