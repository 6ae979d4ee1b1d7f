"""Response models of the OCDS publication (app/ocds/routes.py): the package envelopes of OCDS 1.1.
A release or a compiled release is an OCDS 1.1.5 release with the bids extension and Terang's own
extension, passed through as built (app/ocds/releases.py) and documented by those schemas, not
repeated here."""

from __future__ import annotations

from typing import Any, Literal

from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from app.ocds.schema import BID_EXTENSION_URL, RELEASE_SCHEMA_URL, TERANG_EXTENSION_PATH

RELEASE = (
    f"An OCDS release: {RELEASE_SCHEMA_URL} with the bids extension ({BID_EXTENSION_URL}) and Terang's"
    f" extension ({TERANG_EXTENSION_PATH}extension.json on this gateway)"
)


class Publisher(BaseModel):
    name: str
    scheme: str | None = Field(default=None, description="The publisher's identifier scheme (org-id.guide)")
    uid: str | None = Field(default=None, description="The publisher's identifier in that scheme")


class Package(BaseModel):
    uri: str = Field(description="This package's own address")
    version: Literal["1.1"] = Field(description="The OCDS version")
    extensions: list[str] = Field(description="The extensions' extension.json addresses")
    publishedDate: str = Field(description="When the package was made, UTC (2026-01-31T08:00:00Z)")
    publisher: Publisher
    license: str | None = Field(default=None, description="The licence of the data (a URL)")
    publicationPolicy: str | None = Field(
        default=None, description="What is published, when and what is withheld (a URL, served here)"
    )


class Links(BaseModel):
    next: str = Field(description="The next page of this package")


class ReleasePackage(Package):
    """An OCDS release package."""

    releases: list[dict[str, Any]] = Field(description=f"{RELEASE}, oldest first per ocid")
    links: Links | None = Field(default=None, description="Present when more ocids follow this page")


class Record(BaseModel):
    ocid: str
    releases: list[dict[str, Any]] = Field(description=f"Every release of the ocid, oldest first. {RELEASE}")
    compiledRelease: dict[str, Any] = Field(description="The releases merged by the OCDS merge rules")


class RecordPackage(Package):
    """An OCDS record package."""

    records: list[Record]


class PagedRecordPackage(RecordPackage):
    """An OCDS record package, a page of ocids of the whole publication."""

    links: Links | None = Field(default=None, description="Present when more ocids follow this page")


class JsonLinesResponse(StreamingResponse):
    """JSON Lines: one JSON object per line."""

    media_type = "application/x-ndjson"
