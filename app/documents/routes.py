"""Documents over HTTP: officials upload the files whose hashes they put on chain; anyone downloads
them by hash.

POST /documents takes the file as the raw body (its media type as Content-Type, its name as
`?filename=`), hashes it as it arrives and answers its keccak-256: the hash an announcement, an
addendum or an attestation then records. `?expected=` refuses a file that is not the one meant.
GET /documents/{hash} serves the file after checking that its bytes still have that hash: a file
changed in the store is refused (409 `document_corrupted`, logged for the operators), never served
under a hash it no longer has. Readers need not trust that check: the explorer hashes what it
downloads, in the reader's browser, against the hash on chain."""

from __future__ import annotations

import logging
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import FileResponse, JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.exc import IntegrityError
from starlette.concurrency import run_in_threadpool

from app.api.deps import ReadSessionsDep, SessionsDep, require_roles
from app.api.errors import ApiError
from app.api.schemas import HEX32
from app.auth.tokens import Principal
from app.documents.models import StoredDocument
from app.documents.store import DocumentStore, HashCheck

router = APIRouter(prefix="/documents", tags=["documents"])
log = logging.getLogger("terang.documents")
CHECKED = HashCheck()  # each stored file hashed once per state, not on every download
Uploader = Annotated[Principal, Depends(require_roles("AGENCY_OFFICER", "VERIFIER"))]
Hash = Annotated[str, Path(pattern=HEX32, description="keccak-256 of the file, 0x and 64 hex digits")]
# What officials publish: documents, scans, photos of delivered goods, spreadsheets and archives of
# them. Nothing a browser would run (HTML, SVG, scripts).
MEDIA_TYPES = frozenset(
    {
        "application/pdf",
        "image/jpeg",
        "image/png",
        "text/plain",
        "text/csv",
        "application/zip",
        "application/msword",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.ms-excel",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/octet-stream",
    }
)
# A file name as people write them (spaces, dots, dashes, Indonesian letters), no path or control.
FILENAME = r"^[^/\\\x00-\x1f\x7f]{1,200}$"
IMMUTABLE = "public, max-age=31536000, immutable"


class Document(BaseModel):
    hash: str = Field(pattern=HEX32, description="keccak-256 of the file: what the chain records")
    size: int = Field(description="bytes")
    mediaType: str
    filename: str
    url: str = Field(description="where anyone downloads it")


def _store(request: Request) -> DocumentStore:
    return request.app.state.documents


def _media_type(request: Request) -> str:
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type not in MEDIA_TYPES:
        raise ApiError(
            415,
            "unsupported_document_type",
            detail=f"Content-Type must be one of: {', '.join(sorted(MEDIA_TYPES))}",
        )
    return media_type


def _answer(record: StoredDocument) -> dict:
    return {
        "hash": record.hash,
        "size": record.size,
        "mediaType": record.media_type,
        "filename": record.filename,
        "url": f"/documents/{record.hash}",
    }


@router.post(
    "",
    status_code=201,
    response_model=Document,
    summary="Upload a document (the raw file as the body); answers its keccak-256",
    responses={
        200: {"model": Document, "description": "The same file was already stored"},
        413: {"description": "Larger than TERANG_DOCUMENTS_MAX_BYTES (`body_too_large`); nothing is kept"},
        415: {"description": "Not a document type the store accepts (`unsupported_document_type`)"},
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "description": "The file as it is. Send it with its own Content-Type, one of: "
            + ", ".join(sorted(MEDIA_TYPES)),
            # one declared type: generated clients send a file as application/octet-stream
            "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
        }
    },
)
async def upload(
    request: Request,
    principal: Uploader,
    sessions: SessionsDep,
    filename: Annotated[str, Query(pattern=FILENAME, description="the file's name, shown on download")],
    expected: Annotated[
        str | None, Query(pattern=HEX32, description="refuse the file unless it has this keccak-256")
    ] = None,
):
    return await receive(request, sessions, principal, filename, expected)


async def receive(
    request: Request, sessions, principal: Principal, filename: str, expected: str | None
) -> JSONResponse:
    """Stores the request's body as a document (hashed as it arrives, refused unless it has the
    `expected` hash when one is given) and answers it: 201 when new, 200 when already stored. Also
    the way a supplier's sanggah evidence comes in through the portal (app/portal/evidence.py)."""
    media_type = _media_type(request)
    store = _store(request)
    intake = store.intake()
    try:
        async for chunk in request.stream():  # cut at TERANG_DOCUMENTS_MAX_BYTES (app/api/limits.py)
            intake.write(chunk)
        if intake.size == 0:
            raise ApiError(422, "document_empty", detail="the body holds no file")
        await run_in_threadpool(intake.close)  # flushed to disk, off the event loop
        digest = intake.digest()
        if expected is not None and expected.lower() != digest:
            detail = f"the file's keccak-256 is {digest}, not {expected.lower()}"
            raise ApiError(422, "document_hash_mismatch", detail=detail)
    except BaseException:
        intake.discard()
        raise
    digest = await run_in_threadpool(store.keep, intake)
    record, created = await run_in_threadpool(
        _record, sessions, digest, intake.size, media_type, filename, principal
    )
    return JSONResponse(_answer(record), status_code=201 if created else 200)


def _record(sessions, digest: str, size: int, media_type: str, filename: str, principal: Principal):
    """The file's row, made by this upload (True) or an earlier one (False): two uploads of the same
    new file at once both find no row; the second to insert reads the first's."""
    try:
        return _insert(sessions, digest, size, media_type, filename, principal)
    except IntegrityError:
        with sessions() as session:
            record = session.get(StoredDocument, digest)
            session.expunge(record)
            return record, False


def _insert(sessions, digest: str, size: int, media_type: str, filename: str, principal: Principal):
    with sessions.begin() as session:
        record = session.get(StoredDocument, digest)
        if record is not None:
            session.expunge(record)
            return record, False
        record = StoredDocument(
            hash=digest,
            size=size,
            media_type=media_type,
            filename=filename,
            uploaded_by=principal.subject[:200],
            agency=principal.agency,
        )
        session.add(record)
        session.flush()
        session.expunge(record)
        return record, True


@router.head("/{digest}", include_in_schema=False)
@router.get(
    "/{digest}",
    summary="Download a stored document by its keccak-256 (anyone)",
    response_class=FileResponse,
    responses={
        200: {"content": {t: {} for t in sorted(MEDIA_TYPES)}},
        409: {"description": "The stored file no longer has this hash (`document_corrupted`); not served"},
    },
)
def download(request: Request, digest: Hash, sessions: ReadSessionsDep) -> FileResponse:
    digest = digest.lower()
    with sessions() as session:
        record = session.get(StoredDocument, digest)
    path = _store(request).path(digest) if record is not None else None
    if record is None or path is None:
        raise ApiError(404, "document_not_found", detail=f"no stored file has keccak-256 {digest}")
    if not CHECKED.holds(path, digest):
        log.error("stored document %s no longer has its hash: refused, not served", digest)
        raise ApiError(409, "document_corrupted", detail=f"the stored file no longer hashes to {digest}")
    return FileResponse(
        path,
        media_type=record.media_type,
        headers={
            "Cache-Control": IMMUTABLE,
            "ETag": f'"{digest}"',
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(record.filename, safe='')}",
        },
    )
