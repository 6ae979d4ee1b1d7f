"""The committee endpoints' request bodies and answers (app/committee/routes.py).

Answers of writes carry the transaction that did them (WriteReceipt). Times are UTC seconds, each
with its WIB (UTC+7) rendering for people (`...Wib`, ISO 8601); None until it happens."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.api.schemas import ADDRESS, HEX32, WriteReceipt
from app.committee.acts import Act
from app.committee.ledger import STATUS

ProposalStatus = Literal[tuple(w for w in STATUS if w != "none")]


# ------------------------------------------------------------------------------------ bodies


class Proposal(BaseModel):
    """One or more typed acts, executed together, in order, once approved, scheduled and not vetoed."""

    acts: list[Act] = Field(min_length=1, max_length=8, description="The acts, executed in this order")
    descriptionHash: str = Field(
        pattern=HEX32, description="keccak-256 of the proposal's document (its reasons), kept off chain"
    )

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "acts": [{"kind": "unpause", "contract": "Tenders"}],
                    "descriptionHash": "0x" + "5a" * 32,
                }
            ]
        }
    )


class Veto(BaseModel):
    reasonHash: str = Field(pattern=HEX32, description="keccak-256 of the guardian's written reasons")

    model_config = ConfigDict(json_schema_extra={"examples": [{"reasonHash": "0x" + "be" * 32}]})


class PauseRequest(BaseModel):
    contract: str = Field(
        pattern=r"^[A-Za-z][A-Za-z0-9]{0,63}$", description="The contract's name in the deployment"
    )

    model_config = ConfigDict(json_schema_extra={"examples": [{"contract": "Tenders"}]})


# ------------------------------------------------------------------------------------ answers


class DecodedCall(BaseModel):
    target: str = Field(pattern=ADDRESS)
    contract: str | None = Field(description="The target's name in the deployment (None: not one of ours)")
    function: str | None
    args: dict[str, Any] = Field(description="The call's arguments by name (bytes as 0x hex)")
    act: str | None = Field(description="The act kind this call is, when it is one the gateway builds")
    data: str = Field(description="The calldata itself")


class Approval(BaseModel):
    official: str = Field(pattern=ADDRESS)
    agency: int
    blockNumber: int
    transactionHash: str = Field(pattern=HEX32)


class VetoRecord(Approval):
    reasonHash: str = Field(pattern=HEX32)


class Step(BaseModel):
    official: str | None = Field(None, pattern=ADDRESS)
    at: int | None = Field(None, description="UTC seconds")
    atWib: str | None = None
    blockNumber: int
    transactionHash: str = Field(pattern=HEX32)


class ProposalView(BaseModel):
    proposalId: int
    status: ProposalStatus
    proposer: str = Field(pattern=ADDRESS)
    proposerAgency: int
    descriptionHash: str = Field(pattern=HEX32)
    calls: list[DecodedCall]
    approvals: list[Approval] = Field(description="Each approval, by official and the agency it counts for")
    approvingAgencies: list[int]
    threshold: int = Field(description="How many distinct member agencies must approve")
    vetoes: list[VetoRecord]
    scheduledAt: int | None = None
    scheduledAtWib: str | None = None
    executableAt: int | None = Field(None, description="UTC seconds from which execution succeeds")
    executableAtWib: str | None = None
    executed: Step | None = None


class ProposalList(BaseModel):
    proposals: list[ProposalView]
    total: int
    next: int | None = Field(description="The `before` of the next page, or None")


class Proposed(WriteReceipt):
    proposalId: int
    status: Literal["proposed"]
    proposer: str = Field(pattern=ADDRESS)
    agency: int
    calls: list[DecodedCall]


class Approved(WriteReceipt):
    proposalId: int
    official: str = Field(pattern=ADDRESS)
    agency: int


class Scheduled(WriteReceipt):
    proposalId: int
    status: Literal["scheduled"]
    executableAt: int
    executableAtWib: str


class Effect(BaseModel):
    contract: str
    event: str
    args: dict[str, Any] = Field(description="The event's arguments by name (bytes as 0x hex)")


class Executed(WriteReceipt):
    proposalId: int
    status: Literal["executed"]
    official: str = Field(pattern=ADDRESS)
    events: list[Effect] = Field(description="What the executed calls did: their contracts' events, in order")


class Vetoed(WriteReceipt):
    proposalId: int
    status: Literal["vetoed"]
    official: str = Field(pattern=ADDRESS)
    agency: int
    reasonHash: str = Field(pattern=HEX32)


class Paused(WriteReceipt):
    contract: str
    paused: Literal[True]
    official: str = Field(pattern=ADDRESS)
    agency: int


class MemberAgency(BaseModel):
    agencyId: int
    guardian: bool = Field(description="Its officials may veto during the hub's delay (BPK, KPK)")


class CommitteeView(BaseModel):
    address: str = Field(pattern=ADDRESS, description="The Committee contract's address")
    threshold: int = Field(description="How many distinct member agencies a proposal needs")
    agencies: list[MemberAgency] = Field(description="The member agencies, in order of admission")
    proposals: int = Field(description="How many proposals so far (ids run from 1)")
