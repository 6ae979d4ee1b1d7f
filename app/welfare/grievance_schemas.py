"""Request and answer bodies of the grievance routes (app/welfare/grievance_routes.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from app.api.schemas import WriteReceipt
from app.welfare.grievances import CATEGORIES

Category = Literal[CATEGORIES]  # type: ignore[valid-type]
State = Literal["received", "registered", "appealed", "decided", "resolved"]
REFERENCE = r"^ADU-[A-Z2-9]{4}-[A-Z2-9]{4}$"


class GrievanceFiling(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "programmeId": 1,
                    "category": "decision",
                    "description": "Keluarga kami ditolak karena desil, padahal kondisi kami sudah berubah.",
                    "nik": "6302014107850001",
                }
            ]
        }
    )
    programmeId: int = Field(
        ge=0, lt=2**32, description="The programme it concerns (0: none in particular)", examples=[1]
    )
    category: Category = Field(
        description="decision: objection to a refusal, suspension or exit (becomes an appeal); payment: aid "
        "not received or short; data: wrong data; conduct: an officer's conduct or an illegal levy; other",
        examples=["decision"],
    )
    description: str = Field(
        min_length=10,
        max_length=2000,
        description="What happened, in the complainant's words (kept off chain; only its hash is anchored)",
        examples=["Keluarga kami ditolak karena desil, padahal kondisi kami sudah berubah."],
    )
    nik: SecretStr | None = Field(
        default=None,
        min_length=16,
        max_length=24,
        description="NIK of the family head, to link the ticket to the family's record (kept keyed only)",
        examples=["6302014107850001"],
    )


class GrievanceTicket(BaseModel):
    reference: str = Field(pattern=REFERENCE, description="Keep it: it is how the ticket is followed")
    category: Category
    programmeId: int
    state: State
    receivedAt: datetime
    dueAt: datetime = Field(description="When it must be resolved by (UTC)")
    overdue: bool
    ticketHash: str = Field(description="SHA-256 of the ticket's canonical form, anchored on chain")
    anchored: bool = Field(description="Whether the chain holds the ticket (registered by a caseworker)")
    appeal: bool = Field(description="Whether it is an objection to a welfare decision (an appeal)")
    upheld: bool | None = Field(default=None, description="For an appeal: whether it was upheld")
    resolution: str | None = Field(default=None, description="The answer, once resolved")
    resolvedAt: datetime | None = None


class GrievanceCase(GrievanceTicket):
    """A ticket as caseworkers see it: with the complainant's words and the family's key."""

    channel: Literal["web", "caseworker"]
    description: str
    familyKey: str | None
    registeredBy: str | None


class GrievanceQueue(BaseModel):
    tickets: list[GrievanceCase]


class OverdueTicket(BaseModel):
    reference: str
    category: Category
    programmeId: int
    state: State
    dueAt: datetime
    daysOverdue: int


class OverdueReport(BaseModel):
    asOf: datetime
    count: int
    tickets: list[OverdueTicket] = Field(description="Longest overdue first; no complainant's words")


class GrievanceDecision(BaseModel):
    upheld: bool = Field(
        description="Whether the objection is upheld (reinstates a suspended or exited family)",
        examples=[True],
    )
    resolution: str = Field(
        min_length=10,
        max_length=2000,
        description="The decision's reasons, for the family",
        examples=["Komponen anak SD terverifikasi; keluarga diusulkan kembali."],
    )


class GrievanceResolution(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"resolution": "Bantuan dibayarkan ulang pada batch berikutnya."}, {}]
        }
    )
    resolution: str | None = Field(
        default=None,
        min_length=10,
        max_length=2000,
        description="The answer, for the complainant; omitted for an appeal, whose decision is its answer",
        examples=["Bantuan dibayarkan ulang pada batch berikutnya."],
    )


class GrievanceActed(WriteReceipt):
    reference: str
    state: State
