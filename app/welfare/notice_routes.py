"""`GET /welfare/notices`: what was sent to families and what was not (caseworkers and welfare
admins): each notice's kind, programme, state, attempts and last error, never the number or text,
so a caseworker reaches a family its notice did not (unreachable, failed) another way."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from app.api.deps import ReadSessionsDep, require_roles
from app.auth.tokens import Principal
from app.welfare import notices
from app.welfare.schemas import BYTES32

router = APIRouter(prefix="/welfare", tags=["welfare"])
Caseworker = Annotated[Principal, Depends(require_roles("ENROLLER", "WELFARE_ADMIN"))]
NoticeState = Literal["pending", "sent", "failed", "unreachable"]


class FamilyNotice(BaseModel):
    id: int
    familyKey: str
    programmeId: int
    kind: str = Field(
        description="enrolled, refused, suspended, reinstated, exited, paid, appeal_upheld or ..."
    )
    state: NoticeState
    attempts: int
    lastError: str | None
    createdAt: datetime
    sentAt: datetime | None


class FamilyNotices(BaseModel):
    counts: dict[str, int] = Field(description="Notices per state, all families")
    notices: list[FamilyNotice] = Field(description="Newest first")


@router.get(
    "/notices", response_model=FamilyNotices, summary="Notices to families and their delivery (caseworker)"
)
def list_notices(
    _principal: Caseworker,
    sessions: ReadSessionsDep,
    state: Annotated[NoticeState | None, Query(description="Only notices in this state")] = None,
    family: Annotated[str | None, Query(pattern=BYTES32, description="Only this family's (its key)")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
):
    with sessions() as session:
        rows = notices.listing(session, state, family, limit)
        return {
            "counts": notices.counts(session),
            "notices": [
                {
                    "id": n.id,
                    "familyKey": n.family_key,
                    "programmeId": n.programme_id,
                    "kind": n.kind,
                    "state": n.state,
                    "attempts": n.attempts,
                    "lastError": n.last_error,
                    "createdAt": n.created_at,
                    "sentAt": n.sent_at,
                }
                for n in rows
            ],
        }
