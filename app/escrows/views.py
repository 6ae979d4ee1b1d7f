"""Reading a milestone escrow (kontrak termin) off the ledger as plain JSON-ready dicts: status
names, amounts, attestations (who attested in the current round) and each payment's instruction
in Payments. Ids are 0x-hex; amounts integer rupiah; times UTC seconds (None when not yet set).

Used by the escrow routes; a view returns None for an escrow or milestone that does not exist."""

from __future__ import annotations

from typing import Any

from web3 import Web3
from web3.exceptions import ContractCustomError

from app.ledger.client import ChainClient
from app.ledger.view_calls import named
from app.protocol import escrow as escrowlib
from app.protocol import vocabulary

# IMilestoneEscrow's and IPayments' enums as the API says them (by code: ESCROW_STATUS[status]).
ESCROW_STATUS = vocabulary.enum("IMilestoneEscrow.EscrowStatus").words
MILESTONE_STATUS = vocabulary.enum("IMilestoneEscrow.MilestoneStatus").words
DISPUTE_KIND = vocabulary.enum("IMilestoneEscrow.DisputeKind").words
DISPUTE_STATUS = vocabulary.enum("IMilestoneEscrow.DisputeStatus").words
PAYMENT_STATUS = vocabulary.enum("IPayments.PaymentStatus").words
PAYMENT_KINDS = {kind: code for code, kind in enumerate(escrowlib.PAYMENT_KIND.words)}
TENDER_NONE = vocabulary.enum("ITenders.TenderStatus").code("None")
PAYMENT_NONE = vocabulary.enum("IPayments.PaymentStatus").code("None")
ZERO32 = "0x" + "00" * 32


def _hex(value: bytes) -> str:
    return Web3.to_hex(value)


def raw_escrow(chain: ChainClient, escrow_id: str) -> dict[str, Any] | None:
    """The stored Escrow struct by field name, or None when there is no such escrow. An escrow
    signed on a version the committee since replaced is read there (docs/decisions/0024-upgrades.md):
    `contractAddress` and `contractVersion` say which version holds it."""
    for escrow in chain.versions("MilestoneEscrow"):
        try:
            raw = escrow.functions.getEscrow(escrow_id).call()
        except ContractCustomError:  # EscrowUnknown: the only error getEscrow raises
            continue
        deployed = chain.manifest.version_at(escrow.address)
        return {
            **named(escrow, "getEscrow", raw),
            "contractAddress": escrow.address,
            "contractVersion": deployed.version if deployed else 1,
        }
    return None


def holding_contract(chain: ChainClient, data: dict[str, Any]):
    """The version of MilestoneEscrow that holds the escrow `data` was read from."""
    return next(c for c in chain.versions("MilestoneEscrow") if c.address == data["contractAddress"])


def payment_view(
    chain: ChainClient, escrow_id: str, kind: int, index: int = 0, source: str | None = None
) -> dict[str, Any] | None:
    """The Payments instruction of one payment of the escrow, or None if it was never authorised;
    `source`: the version holding the escrow (default: the current one)."""
    source = source or chain.manifest.address("MilestoneEscrow")
    payment_id = escrowlib.payment_id(source, escrow_id, kind, index)
    payments = chain.contract("Payments")
    if payments.functions.statusOf(payment_id).call() == PAYMENT_NONE:  # getInstruction reverts for those
        return None
    data = named(payments, "getInstruction", payments.functions.getInstruction(payment_id).call())
    return {
        "paymentId": _hex(payment_id),
        "status": PAYMENT_STATUS[data["status"]],
        "attempt": data["attempt"],
        "amount": data["amount"],
        "payeeKey": _hex(data["payeeKey"]),
    }


def tender_agency(chain: ChainClient, tender_id: str) -> int | None:
    """The agency of tender `tender_id`, or None when there is no such tender."""
    tenders = chain.contract("Tenders")
    try:
        data = named(tenders, "getTender", tenders.functions.getTender(tender_id).call())
    except ContractCustomError:  # TenderUnknown
        return None
    return data["agencyId"] if data["status"] != TENDER_NONE else None


def supplier_account(chain: ChainClient, supplier_id: int) -> str:
    """The supplier's current key: the only account that may sign for it."""
    registry = chain.contract("SupplierRegistry")
    return named(registry, "getSupplier", registry.functions.getSupplier(supplier_id).call())["account"]


def milestone_view(
    chain: ChainClient, escrow_id: str, data: dict[str, Any], index: int, verifiers: list[str] | None = None
) -> dict[str, Any] | None:
    """Milestone `index` of the escrow whose stored struct is `data`; None if out of range."""
    if not 0 <= index < data["milestoneCount"]:
        return None
    escrow = holding_contract(chain, data)
    m = named(escrow, "getMilestone", escrow.functions.getMilestone(escrow_id, index).call())
    if verifiers is None:
        verifiers = escrow.functions.verifiersOf(escrow_id).call()
    return {
        "index": index,
        "status": MILESTONE_STATUS[m["status"]],
        "amount": m["amount"],
        "dueDate": m["dueDate"],
        "deliverableHash": _hex(m["deliverableHash"]),
        # The latest evidence date attested in the current round: the delivery date once attested.
        "deliveredAt": m["deliveredAt"] or None,
        "attestations": m["attestations"],
        "quorum": data["quorum"],
        "attestedBy": [v for i, v in enumerate(verifiers) if m["attestedMask"] >> i & 1],
        "penalty": m["penalty"],
        "penaltyDispute": DISPUTE_STATUS[m["penaltyDispute"]],
        "payment": payment_view(chain, escrow_id, escrowlib.MILESTONE, index, escrow.address),
        "penaltyRefund": payment_view(chain, escrow_id, escrowlib.PENALTY_REFUND, index, escrow.address),
    }


def disputable(escrow_status: str, milestone: dict[str, Any]) -> str | None:
    """What the supplier may dispute of `milestone` (a milestone_view) now, as openDispute decides:
    "rejection" while it stands rejected, "penalty" once after an approval with a penalty; else None."""
    if escrow_status not in ("active", "completed"):
        return None
    if milestone["status"] == "rejected":
        return "rejection"
    if milestone["status"] == "approved" and milestone["penalty"] and milestone["penaltyDispute"] == "none":
        return "penalty"
    return None


def escrow_view(chain: ChainClient, escrow_id: str) -> dict[str, Any] | None:
    """The escrow with its terms, ledger totals, payments and every milestone; None if unknown."""
    data = raw_escrow(chain, escrow_id)
    if data is None:
        return None
    escrow = holding_contract(chain, data)
    account = supplier_account(chain, data["supplierId"])
    verifiers = escrow.functions.verifiersOf(escrow_id).call()
    status = ESCROW_STATUS[data["status"]]
    completed = data["completedAt"]
    return {
        "escrowId": escrow_id.lower(),
        "contractAddress": data["contractAddress"],
        "contractVersion": data["contractVersion"],
        "status": status,
        "agencyId": data["agencyId"],
        "supplierId": data["supplierId"],
        "supplierAccount": account,
        # What the supplier signs next (EIP-712 Countersign), while the contract awaits it.
        "countersignNonce": (
            escrow.functions.nonces(account).call() if status == "awaiting_countersign" else None
        ),
        "termsHash": _hex(data["termsHash"]),
        "value": data["value"],
        "originalValue": data["originalValue"],
        "policyVersion": data["policyVersion"],
        "multiYear": data["multiYear"],
        "authorized": data["authorized"],
        "penalties": data["penalties"],
        "remaining": escrow.functions.remaining(escrow_id).call(),
        "retentionBps": data["retentionBps"],
        "retentionHeld": data["retentionHeld"],
        "retentionReleased": data["retentionReleased"],
        "retentionReleasableAt": completed + data["maintenancePeriod"] if completed else None,
        "penaltyPpmPerDay": data["penaltyPpmPerDay"],
        "penaltyCapBps": data["penaltyCapBps"],
        "maintenancePeriod": data["maintenancePeriod"],
        "advanceAmount": data["advanceAmount"],
        "advanceOutstanding": data["advanceOutstanding"],
        "advanceGuaranteeRef": _hex(data["advanceGuaranteeRef"]),
        "performanceBondRef": _hex(data["performanceBondRef"]),
        "quorum": data["quorum"],
        "verifiers": verifiers,
        "signedAt": data["signedAt"] or None,
        "completedAt": completed or None,
        "amendments": data["amendmentCount"],
        "approvedMilestones": data["approvedCount"],
        "advancePayment": payment_view(chain, escrow_id, escrowlib.ADVANCE, 0, escrow.address),
        "retentionPayment": payment_view(chain, escrow_id, escrowlib.RETENTION, 0, escrow.address),
        "milestones": [
            milestone_view(chain, escrow_id, data, i, verifiers) for i in range(data["milestoneCount"])
        ],
    }
