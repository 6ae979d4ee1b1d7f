"""The welfare endpoints' request bodies and answers (app/welfare/routes.py).

Answers of writes carry the transaction that did them (WriteReceipt); reads are built by
app/welfare/views.py, enrolment and disbursement outcomes by app/welfare/receipts.py. Amounts are
integer rupiah, times UTC seconds, keys 0x-hex. A refusal's reason is the contract's Reason member
itself ("DecileNotEligible")."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator

from app.api.schemas import HEX32, WriteReceipt
from app.protocol import welfare as welfarelib

BYTES32 = HEX32
MAX_REGIONS = 600  # Indonesia has 514 kabupaten/kota; each listed region is one storage write
PKH_AMOUNTS = welfarelib.pkh_amounts_per_period()[: len(welfarelib.PKH_COMPONENTS)]

Decile = Annotated[int, Field(ge=1, le=10)]
Region = Annotated[int, Field(ge=1, lt=2**32)]
Count = Annotated[int, Field(ge=0, le=255)]
Amount = Annotated[int, Field(ge=0, lt=2**64)]
Key = Annotated[str, Field(pattern=BYTES32)]

# --- bodies ----------------------------------------------------------------------------------------


class Rules(BaseModel):
    """One version of a programme's rules. Amounts are integer rupiah per period."""

    deciles: list[Decile] = Field(
        min_length=1, max_length=10, description="Eligible DTSEN deciles (1-10)", examples=[[1, 2, 3, 4]]
    )
    allRegions: bool = Field(True, description="Every region, or only `regions`", examples=[False])
    regions: list[Region] = Field(
        default_factory=list,
        max_length=MAX_REGIONS,
        description="BPS kabupaten/kota codes covered when allRegions is false",
        examples=[[6302, 6371]],
    )
    componentCap: int = Field(
        ge=1, le=255, description="At most this many component units per family", examples=[4]
    )
    budgetPerPeriod: int = Field(
        ge=1, lt=2**96, description="Rupiah authorised at most per period", examples=[10**13]
    )
    componentAmounts: list[Amount] = Field(
        min_length=1,
        max_length=welfarelib.COMPONENTS,
        description="Rupiah per period per component unit (up to 8 components; 0 = unused)",
        examples=[PKH_AMOUNTS],
    )

    @model_validator(mode="after")
    def _consistent(self):
        if not any(self.componentAmounts):
            raise ValueError("at least one component amount must be above zero")
        if self.allRegions and self.regions:
            raise ValueError("regions are listed only when allRegions is false")
        if not self.allRegions and not self.regions:
            raise ValueError("list the covered regions, or set allRegions")
        return self

    def on_chain(self) -> list:
        amounts = self.componentAmounts + [0] * (welfarelib.COMPONENTS - len(self.componentAmounts))
        rules = (
            welfarelib.deciles_mask(self.deciles),
            self.allRegions,
            self.componentCap,
            self.budgetPerPeriod,
            amounts,
        )
        return [rules, self.regions]


class ProgrammeDefinition(BaseModel):
    budgetLine: int = Field(
        ge=1, lt=2**32, description="The committee's budget line the programme draws on", examples=[1]
    )
    name: str = Field(min_length=1, max_length=100, examples=["PKH 2027"])
    firstPeriodStart: int = Field(
        ge=0, lt=2**64, description="UTC seconds, now or later", examples=[1_798_761_600]
    )
    periodLength: int = Field(
        ge=1, lt=2**32, description="Seconds (a quarter: 7,862,400)", examples=[welfarelib.QUARTER_SECONDS]
    )
    rules: Rules


class BudgetLineProposal(BaseModel):
    """A budget line for the committee to approve: what the welfare admin may then spend."""

    ceilingPerPeriod: int = Field(
        ge=1,
        lt=2**96,
        description="Rupiah per period for all the line's programmes",
        examples=[50_000_000_000],
    )
    maxBenefit: int = Field(
        ge=1, lt=2**64, description="Rupiah per family per period at most", examples=[3_000_000]
    )
    periodLength: int = Field(
        ge=1,
        lt=2**32,
        description="Seconds; every programme on the line",
        examples=[welfarelib.QUARTER_SECONDS],
    )
    exclusive: bool = Field(
        False, description="A family is paid by at most one programme of the line per period"
    )
    epoch: int = Field(0, ge=0, lt=2**64, description="Exclusive lines: UTC seconds of line period 0")

    def on_chain(self) -> list:
        _function, args = welfarelib.approve_budget_line_call(
            self.ceilingPerPeriod, self.maxBenefit, self.periodLength, self.exclusive, self.epoch
        )
        return args


class EnrollerScope(BaseModel):
    regions: list[Region] = Field(min_length=1, max_length=MAX_REGIONS, examples=[[6302, 6371]])
    inScope: bool = Field(True, description="False takes the regions out of the enroller's scope")


class CancelledLine(BaseModel):
    beneficiaryKey: Annotated[str, Field(pattern=BYTES32)]
    amount: Amount


class BatchCancellation(BaseModel):
    reasonCode: str = Field(pattern=welfarelib.REASON_CODE, examples=["BANK_CLOSED"])
    lines: list[CancelledLine] = Field(
        min_length=1,
        max_length=5000,
        description="All the batch's lines, in order (the contract checks its root)",
    )

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "reasonCode": "BANK_CLOSED",
                    "lines": [
                        {"beneficiaryKey": "0x" + "4b" * 32, "amount": 750_000},
                        {"beneficiaryKey": "0x" + "5c" * 32, "amount": 1_500_000},
                    ],
                }
            ]
        }
    )


class Attributes(BaseModel):
    """A family's non-identifying attributes: what the contract evaluates."""

    decile: Decile = Field(description="DTSEN decile", examples=[2])
    region: Region = Field(description="BPS kabupaten/kota code", examples=[6302])
    components: list[Count] = Field(
        min_length=1,
        max_length=welfarelib.COMPONENTS,
        description="Count per benefit component, in the programme's order (missing ones are 0)",
        examples=[[0, 1, 2, 0, 0, 0, 1]],
    )

    def packed(self) -> list[int]:
        return self.components + [0] * (welfarelib.COMPONENTS - len(self.components))


class Applicant(Attributes):
    nik: SecretStr = Field(
        min_length=16,
        max_length=24,
        description="NIK of the family head (16 digits)",
        examples=["6302014107850001"],
    )
    household: str | None = Field(
        default=None,
        pattern=r"^\s*[A-Za-z0-9][A-Za-z0-9./-]{0,63}\s*$",
        description="The social registry's household identity: when given, the family is enrolled under "
        "its household's key, so no other member can enrol it again, whatever its family card (KK)",
        examples=["KRT-6302-0101"],
    )
    kk: SecretStr | None = Field(
        default=None,
        min_length=16,
        max_length=24,
        description="The family card (KK) number, with a household: kept keyed, as the household's history",
        examples=["6302010101200001"],
    )
    name: SecretStr | None = Field(
        default=None,
        min_length=1,
        max_length=100,
        description="Full name as on the identity card (KTP): kept only as a keyed hash with the NIK, so "
        "the family can check its own status by NIK and name; never stored, logged or put on chain",
        examples=["Siti Aminah"],
    )
    phone: SecretStr | None = Field(
        default=None,
        min_length=10,
        max_length=20,
        description="The family's mobile number for its notices (SMS or WhatsApp): kept sealed off chain, "
        "never logged; enrolment, refusal, suspension, payment and appeal decisions are sent to it",
        examples=["081234567890"],
    )
    language: Literal["id", "en"] = Field(
        default="id",
        description="The language of the family's notices: Bahasa Indonesia (id) or English (en)",
    )


class Enrolment(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "applicants": [
                        {
                            "nik": "6302014107850001",
                            "decile": 2,
                            "region": 6302,
                            "components": [0, 1, 2, 0, 0, 0, 1],
                        }
                    ],
                    "reason": "sanggahan diterima: belum tercatat di DTSEN",
                }
            ]
        }
    )
    applicants: list[Applicant] = Field(
        min_length=1,
        max_length=welfarelib.MAX_BATCH,
        description=f"At most {welfarelib.MAX_BATCH} applicants (one transaction)",
        examples=[
            [{"nik": "6302014107850001", "decile": 2, "region": 6302, "components": [0, 1, 2, 0, 0, 0, 1]}]
        ],
    )
    registryExtract: str | None = Field(
        default=None,
        pattern=r"^[0-9a-f]{64}$",
        description="SHA-256 of the signed social-registry extract these applicants come from (the import "
        "command sends it); without it the enrolment is a hand entry, recorded as such",
        examples=["9f2c" * 16],
    )
    reason: str | None = Field(
        default=None,
        min_length=3,
        max_length=200,
        description="Why a hand entry (e.g. the appeal it answers); public, so name no person",
        examples=["sanggahan diterima: belum tercatat di DTSEN"],
    )


class EntrySource(BaseModel):
    source: Literal["registry", "hand"] = Field(description="How the family was enrolled")
    reference: str = Field(description="The extract's SHA-256, or the hand entry's reason")
    enroller: str = Field(description="The enroller's key")
    transactionHash: str


class HandEntries(BaseModel):
    programmeId: int
    entries: list[dict] = Field(description="Families enrolled by hand, newest first: key, reason, enroller")


class NikLookup(BaseModel):
    nik: SecretStr = Field(min_length=16, max_length=24, examples=["6302014107850001"])


class StatusChange(BaseModel):
    reasonCode: str = Field(
        pattern=welfarelib.REASON_CODE,
        description="Short code kept on chain (up to 32 of A-Z, 0-9, _)",
        examples=["PKH_CONDITION_UNMET"],
    )


class RegistryExit(BaseModel):
    household: str = Field(
        pattern=r"^\s*[A-Za-z0-9][A-Za-z0-9./-]{0,63}\s*$",
        description="The social registry's household identity the family was enrolled under",
        examples=["KRT-6302-0101"],
    )
    reasonCode: Literal["DECEASED", "MOVED"] = Field(
        description="Why the registry update removes the family: its head died (DECEASED) or it moved "
        "away (MOVED)",
        examples=["DECEASED"],
    )
    registryExtract: str = Field(
        pattern=r"^[0-9a-f]{64}$",
        description="SHA-256 of the signed registry update this exit comes from",
        examples=["4b1e" * 16],
    )


class AppealFiling(BaseModel):
    groundsHash: str = Field(
        pattern=BYTES32,
        description="Hash of the objection document held off chain",
        examples=["0x" + "a1" * 32],
    )


class AppealResolution(BaseModel):
    upheld: bool = Field(examples=[True])
    decisionHash: str = Field(
        pattern=BYTES32,
        description="Hash of the decision document held off chain",
        examples=["0x" + "d3" * 32],
    )


class Disbursement(BaseModel):
    beneficiaryKeys: list[Key] = Field(
        min_length=1,
        max_length=welfarelib.MAX_BATCH,
        description=f"At most {welfarelib.MAX_BATCH} keys (one batch, one payment instruction)",
        examples=[["0x" + "5e" * 32]],
    )


# --- answers ---------------------------------------------------------------------------------------

Bytes32 = Annotated[str, Field(pattern=BYTES32)]
BeneficiaryKeyField = Annotated[
    str, Field(pattern=BYTES32, description="HMAC-SHA256 of the NIK under the gateway's secret")
]
# IWelfarePrograms.Reason members but None (which the answers give as null).
Reason = Literal[tuple(r for r in welfarelib.REASONS if r != "None")]
BeneficiaryStatus = Literal[tuple(welfarelib.BENEFICIARY_STATUSES)]
AppealStatus = Literal[tuple(welfarelib.APPEAL_STATUSES)]


class RulesVersion(BaseModel):
    """A version of a programme's rules as the chain holds it."""

    version: int = Field(description="1 for the rules the programme was defined with")
    deciles: list[int] = Field(description="Eligible DTSEN deciles")
    allRegions: bool
    componentCap: int
    budgetPerPeriod: int
    componentAmounts: list[int] = Field(description="Rupiah per period per component unit (8 slots)")
    regions: list[int] | None = Field(
        description="Covered BPS codes; None with allRegions, or until the indexer has the version's event"
    )


class PendingRules(RulesVersion):
    effectiveFrom: int = Field(description="The period from which these rules apply")


class Programme(BaseModel):
    programmeId: int
    name: str | None = Field(description="From the ProgrammeDefined event; None until the indexer has it")
    firstPeriodStart: int
    periodLength: int = Field(description="Seconds")
    currentPeriod: int | None = Field(description="None before the first period starts")
    rulesVersions: int = Field(description="Rules versions defined so far")
    batches: int = Field(description="Disbursement batches so far")
    rules: RulesVersion = Field(description="The rules in force in the current (or first) period")
    pendingRules: PendingRules | None = Field(description="A change applied to a later period")


class ProgrammePeriod(BaseModel):
    programmeId: int
    period: int
    phase: Literal["upcoming", "current", "past"]
    startsAt: int
    endsAt: int
    rulesVersion: int
    budget: int
    spent: int
    remaining: int
    batches: int
    exhausted: bool = Field(description="The budget ran out: later keys are skipped (BudgetExhausted)")


class Benefit(BaseModel):
    """The benefit for the current period (period 0 before the programme starts)."""

    period: int
    amount: int = Field(description="Rupiah due under the rules in force; 0 when not eligible")
    reason: Reason | None = Field(description="Why nothing is due; None when an amount is")
    paid: bool


class Beneficiary(BaseModel):
    programmeId: int
    beneficiaryKey: BeneficiaryKeyField
    status: BeneficiaryStatus = Field(description="none: a refused applicant with an appeal")
    decile: int | None
    region: int | None
    components: list[int] = Field(description="Count per benefit component (8 slots)")
    lastPaidPeriod: int | None
    benefit: Benefit
    appeal: AppealStatus
    entry: EntrySource | None = Field(
        default=None,
        description="How the family was enrolled (registry extract or hand entry), when recorded",
    )


class ProgrammeDefined(WriteReceipt):
    programmeId: int
    name: str
    firstPeriodStart: int
    periodLength: int


class ScopeSet(WriteReceipt):
    programmeId: int
    enroller: str
    regions: list[int]
    inScope: bool


class SuspensionConfirmed(WriteReceipt):
    programmeId: int
    beneficiaryKey: BeneficiaryKeyField
    effectiveFrom: int = Field(description="The period the suspension cuts from")


class BatchRetried(WriteReceipt):
    batchId: Bytes32
    attempt: int


class BatchCancelled(WriteReceipt):
    batchId: Bytes32
    restoredLines: int
    restoredAmount: int = Field(description="Rupiah back in the period's budget")


class ApplicantOutcome(BaseModel):
    index: int = Field(description="The applicant's position in the request")
    beneficiaryKey: BeneficiaryKeyField
    enrolled: bool
    reason: Reason | None = Field(description="Why the applicant was refused; None when enrolled")


class Enrolled(WriteReceipt):
    programmeId: int
    enrolled: int
    refused: int
    applicants: list[ApplicantOutcome] = Field(description="One per applicant, in request order")


class BeneficiaryUpdated(WriteReceipt):
    programmeId: int
    beneficiaryKey: BeneficiaryKeyField
    eligible: bool
    reason: Reason | None = Field(description="Why the new attributes are not eligible; None when they are")


class _StatusChanged(WriteReceipt):
    programmeId: int
    beneficiaryKey: BeneficiaryKeyField
    reasonCode: str


class Suspended(_StatusChanged):
    status: Literal["suspended"]
    effectiveFrom: int = Field(
        description="The first period the suspension cuts; the current one once a second official confirms"
    )


class Reinstated(_StatusChanged):
    status: Literal["active"]


class Exited(_StatusChanged):
    status: Literal["exited"]


class AppealFiled(WriteReceipt):
    programmeId: int
    beneficiaryKey: BeneficiaryKeyField
    appeal: Literal["open"]


class AppealResolved(WriteReceipt):
    programmeId: int
    beneficiaryKey: BeneficiaryKeyField
    appeal: Literal["upheld", "rejected"]
    status: BeneficiaryStatus = Field(description="The beneficiary's status after the resolution")


class DisbursedLine(BaseModel):
    index: int = Field(description="The line's index in the batch (its Merkle leaf)")
    beneficiaryKey: BeneficiaryKeyField
    amount: int


class SkippedKey(BaseModel):
    beneficiaryKey: BeneficiaryKeyField
    reason: Reason


class Disbursed(WriteReceipt):
    programmeId: int
    period: int
    batchId: Bytes32 | None = Field(description="None when no line was paid")
    paymentInstructionId: Bytes32 | None = Field(description="The Payments instruction: the batch id")
    lineCount: int
    amount: int = Field(description="The batch's total")
    linesRoot: Bytes32 | None = Field(description="Merkle root of the lines; None when no line was paid")
    lines: list[DisbursedLine]
    skipped: list[SkippedKey] = Field(description="Keys not paid, each with the reason")


class StatusQuery(BaseModel):
    nik: SecretStr = Field(min_length=16, max_length=24, description="The NIK the family was enrolled by")
    name: SecretStr = Field(min_length=1, max_length=100, description="The full name on the identity card")

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"nik": "6302014107850001", "name": "Siti Aminah"}]}
    )


class ProgrammeStanding(BaseModel):
    programmeId: int
    programme: str = Field(description="The programme's name")
    status: Literal["active", "suspended", "exited", "refused"]
    reason: str | None = Field(
        description="Why, for refused (a Reason of the contract), suspended or exited (the reason code)"
    )
    appeal: Literal[tuple(welfarelib.APPEAL_STATUSES)]
    period: int | None = Field(description="The current period, while active")
    paidThisPeriod: bool | None = Field(description="Whether the current period is paid, while active")
    nextPeriodStart: int | None = Field(
        description="UTC seconds: when the next period starts (before the programme starts: its first), "
        "while active"
    )


class FamilyStatus(BaseModel):
    """The same answer, found false and no programme, for an unknown NIK and for a wrong name."""

    found: bool
    programmes: list[ProgrammeStanding]
