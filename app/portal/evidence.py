"""A supplier's sanggah evidence, uploaded through the portal to the document store, so that the
Pokja (and anyone) downloads by its hash the very letter whose keccak-256 the objection records
(GET /documents/{hash}, checked there and in the reader's browser).

`POST /portal/evidence?filename=...&expected=0x...`: the raw file as the body, as
`POST /documents` takes it (same media types and size limit, hashed as it arrives), from the
signed-in supplier's own page (app/portal/relay.py: same-origin fetch with an Idempotency-Key). The
expected hash is required: the browser has hashed the file before it signs, and a body that is not
that file is refused (`document_hash_mismatch`) and not kept."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from app.api.deps import SessionsDep
from app.api.schemas import HEX32
from app.documents.routes import FILENAME, receive
from app.portal.relay import SignedActDep

router = APIRouter(prefix="/portal", tags=["portal"], include_in_schema=False)


@router.post("/evidence", status_code=201)
async def upload_evidence(
    request: Request,
    act: SignedActDep,
    sessions: SessionsDep,
    filename: Annotated[str, Query(pattern=FILENAME)],
    expected: Annotated[str, Query(pattern=HEX32)],
):
    return await receive(request, sessions, act.supplier, filename, expected)
