"""Events to OCDS 1.1 releases: one release per event that changes what the public can know, holding
only what that event establishes (ocdsmerge compiles them). Mapping: docs/ocds-mapping.md."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from app.ocds.events import Event
from app.protocol import vocabulary
from app.protocol.bids import tender_id

CURRENCY = "IDR"
CATEGORY = vocabulary.enum("ITenders.Category")
METHOD = vocabulary.enum("ITenders.Method")
EVALUATION = vocabulary.enum("ITenders.EvaluationMethod")
REJECT_REASON = vocabulary.enum("ITenders.RejectReason")
OBJECTION_STATUS = vocabulary.enum("ITenders.ObjectionStatus")
OBJECTION_UPHELD_REEVALUATE = OBJECTION_STATUS.code("UpheldReevaluate")
# Our states to OCDS codes, keyed by the vocabulary's words (tests/toolchain/test_vocabulary.py
# checks the keys; the first four map every member).
MAIN_PROCUREMENT_CATEGORY = {
    "goods": "goods",
    "construction": "works",
    "consultancy": "services",
    "other_services": "services",
}
METHOD_DETAILS = {"tender": "Tender", "tender_cepat": "Tender Cepat", "seleksi": "Seleksi"}
AWARD_CRITERIA = {"lowest_price": "priceOnly", "value_system": "ratedCriteria"}
CRITERIA_DETAILS = {
    "lowest_price": "Harga terendah (lowest price)",
    "value_system": "Sistem nilai (technical and price score)",
}
# tender.status (tenderStatus codelist) of each ITenders.TenderStatus a release records.
TENDER_STATUS = {
    "open": "active",
    "award_proposed": "active",
    "awarded": "complete",
    "failed": "unsuccessful",
    "cancelled": "cancelled",
}
# bids.details.status (bidStatus codelist) of each ITenders.BidStatus.
BID_STATUS = {
    "sealed": "pending",
    "valid": "valid",
    "unrevealed": "withdrawn",
    "disqualified": "disqualified",
}
# The bid status a rejection at evaluation leaves, by BidRejected's reason (ITenders.RejectReason).
REJECTED_BID_STATUS = {"unrevealed": BID_STATUS["unrevealed"], "objection_upheld": BID_STATUS["disqualified"]}
# contracts.status (contractStatus codelist) and milestone status of the IMilestoneEscrow states a
# release records.
ESCROW_STATUS = {"awaiting_countersign": "pending", "active": "active", "terminated": "terminated"}
MILESTONE_STATUS = {"pending": "scheduled", "approved": "met"}


def iso(timestamp: int) -> str:
    return datetime.fromtimestamp(timestamp, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def money(amount: int) -> dict[str, Any]:
    return {"amount": amount, "currency": CURRENCY}


def buyer_id(agency_id: int) -> str:
    return f"ID-AGENCY-{agency_id}"


def supplier_id(supplier: int) -> str:
    return f"ID-SUPPLIER-{supplier}"


def bid_id(supplier: int) -> str:
    return f"bid-{supplier}"


def document(
    hash_: str, title: str, timestamp: int, document_type: str = "biddingDocuments"
) -> dict[str, Any]:
    """Documents are published by their keccak-256 hash: whoever holds the file can verify it."""
    return {
        "id": hash_,
        "documentType": document_type,
        "title": title,
        "description": f"keccak-256 of the document: {hash_}",
        "datePublished": iso(timestamp),
    }


class _Tender:
    """What the mapping must remember between events of one ocid."""

    def __init__(self, ocid: str) -> None:
        self.ocid = ocid
        self.tender_id = "0x" + tender_id(ocid).hex()
        self.award_round = 0
        self.bidders: set[int] = set()
        self.agency = 0
        self.payment_milestone: dict[str, int] = {}
        self.supplier = 0


def build_releases(ocid: str, events: list[Event]) -> list[dict[str, Any]]:
    """The releases of `ocid`, oldest first."""
    state = _Tender(ocid)
    releases = []
    for event in events:
        mapped = _MAPPING.get((event.contract, event.name))
        if mapped is None:
            continue
        result = mapped(state, event)
        if result is None:
            continue
        tags, body = result
        if "tender" in body:
            body["tender"] = {"id": state.tender_id, **body["tender"]}  # required in every release
        for contract in body.get("contracts", []):
            contract.setdefault("awardID", _award_id(state))  # required in every release too
        releases.append(
            {
                "ocid": ocid,
                "id": f"{ocid}-{event.block_number}-{event.log_index}",
                "date": iso(event.timestamp),
                "tag": tags,
                "initiationType": "tender",
                **body,
            }
        )
    return releases


# -- tender -----------------------------------------------------------------------------------------
def _announced(state: _Tender, e: Event):
    p = e.args["params"]
    state.agency = p["agencyId"]
    buyer = {"id": buyer_id(p["agencyId"]), "name": f"Agency {p['agencyId']}"}
    eligibility = [
        text
        for flag, text in (
            (p["umkmReserved"], "Reserved for micro and small enterprises (UMKM)."),
            (p["domesticOnly"], "Domestic products only (TKDN + BMP at least the policy minimum)."),
        )
        if flag
    ]
    tender = {
        "title": p["title"],
        "status": TENDER_STATUS["open"],
        "value": money(p["hps"]),
        "procuringEntity": buyer,
        "procurementMethod": "open",
        "procurementMethodDetails": METHOD_DETAILS[METHOD.word(p["method"])],
        "mainProcurementCategory": MAIN_PROCUREMENT_CATEGORY[CATEGORY.word(p["category"])],
        "awardCriteria": AWARD_CRITERIA[EVALUATION.word(p["evaluation"])],
        "awardCriteriaDetails": CRITERIA_DETAILS[EVALUATION.word(p["evaluation"])],
        "submissionMethod": ["electronicSubmission"],
        "submissionMethodDetails": "Sealed bid committed on the ledger, opened in the reveal period",
        "tenderPeriod": {"startDate": iso(e.timestamp), "endDate": iso(p["commitDeadline"])},
        "awardPeriod": {"startDate": iso(p["revealDeadline"])},
        "numberOfTenderers": 0,
        "documents": [document(p["documentHash"], "Dokumen pemilihan", e.timestamp)],
    }
    if eligibility:
        tender["eligibilityCriteria"] = " ".join(eligibility)
    party = {**buyer, "roles": ["buyer", "procuringEntity"]}
    return ["tender"], {"buyer": buyer, "parties": [party], "tender": tender}


def _amended(state: _Tender, e: Event):
    n = e.args["addendumNumber"]
    tender = {
        "tenderPeriod": {"endDate": iso(e.args["commitDeadline"])},
        "awardPeriod": {"startDate": iso(e.args["revealDeadline"])},
        "documents": [document(e.args["documentHash"], f"Adendum {n}", e.timestamp)],
        "amendments": [
            {
                "id": f"addendum-{n}",
                "date": iso(e.timestamp),
                "rationale": f"Addendum {n}: new tender document {e.args['documentHash']}",
            }
        ],
    }
    return ["tenderAmendment"], {"tender": tender}


def _cancelled(state: _Tender, e: Event):
    tender = {
        "status": TENDER_STATUS["cancelled"],
        "documents": [
            document(e.args["reasonHash"], "Cancellation decision", e.timestamp, "cancellationDetails")
        ],
    }
    return ["tenderCancellation"], {"tender": tender}


def _failed(state: _Tender, e: Event):
    body: dict[str, Any] = {"tender": {"status": TENDER_STATUS["failed"]}}
    if state.award_round:
        body["awards"] = [{"id": _award_id(state), "status": "cancelled"}]
    return ["tenderUpdate"], body


# -- bids -------------------------------------------------------------------------------------------
def _tenderer(supplier: int) -> dict[str, Any]:
    return {"id": supplier_id(supplier), "name": f"Supplier {supplier}"}


def _bid(e: Event, status: str, **extra) -> dict[str, Any]:
    supplier = e.args["supplierId"]
    return {"id": bid_id(supplier), "status": status, "tenderers": [_tenderer(supplier)], **extra}


def _committed(state: _Tender, e: Event):
    state.bidders.add(e.args["supplierId"])
    party = {**_tenderer(e.args["supplierId"]), "roles": ["tenderer"]}
    return ["tenderUpdate"], {
        "parties": [party],
        "tender": {"numberOfTenderers": len(state.bidders), "tenderers": [_tenderer(e.args["supplierId"])]},
        "bids": {"details": [_bid(e, BID_STATUS["sealed"], date=iso(e.timestamp))]},
    }


def _revealed(state: _Tender, e: Event):
    return ["tenderUpdate"], {
        "bids": {"details": [_bid(e, BID_STATUS["valid"], value=money(e.args["price"]))]}
    }


def _rejected(state: _Tender, e: Event):
    status = REJECTED_BID_STATUS[REJECT_REASON.word(e.args["reason"])]
    return ["tenderUpdate"], {"bids": {"details": [_bid(e, status)]}}


# -- awards -----------------------------------------------------------------------------------------
def _award_id(state: _Tender) -> str:
    return f"{state.ocid}-award-{state.award_round}"


def _proposed(state: _Tender, e: Event):
    state.award_round += 1
    award = {
        "id": _award_id(state),
        "title": f"Proposed award, round {state.award_round}",
        "status": "pending",
        "date": iso(e.timestamp),
        "value": money(e.args["price"]),
        "suppliers": [_tenderer(e.args["supplierId"])],
        "relatedBid": bid_id(e.args["supplierId"]),
    }
    statistics = [
        {"id": "validBids", "measure": "validBids", "value": e.args["validBids"]},
        {"id": "tenderers", "measure": "bids", "value": e.args["tenderers"]},
    ]
    return ["award"], {"awards": [award], "bids": {"statistics": statistics}}


def _objection_resolved(state: _Tender, e: Event):
    if e.args["outcome"] != OBJECTION_UPHELD_REEVALUATE or not state.award_round:
        return None  # the award stands (or the tender fails, which TenderFailed publishes)
    return ["awardUpdate"], {"awards": [{"id": _award_id(state), "status": "cancelled"}]}


def _awarded(state: _Tender, e: Event):
    state.supplier = e.args["supplierId"]
    party = {**_tenderer(e.args["supplierId"]), "roles": ["tenderer", "supplier"]}
    award = {
        "id": _award_id(state),
        "status": "active",
        "date": iso(e.timestamp),
        "value": money(e.args["value"]),
        "suppliers": [_tenderer(e.args["supplierId"])],
    }
    tender = {"status": TENDER_STATUS["awarded"], "awardPeriod": {"endDate": iso(e.timestamp)}}
    return ["awardUpdate"], {"parties": [party], "awards": [award], "tender": tender}


# -- contract and implementation -------------------------------------------------------------------
def _contract_id(state: _Tender) -> str:
    return f"{state.ocid}-contract"


def _escrow_created(state: _Tender, e: Event):
    contract = {
        "id": _contract_id(state),
        "awardID": _award_id(state),
        "status": ESCROW_STATUS["awaiting_countersign"],
        "value": money(e.args["value"]),
        "documents": [document(e.args["termsHash"], "Contract terms", e.timestamp, "contractSigned")],
        "milestones": [
            {
                "id": f"milestone-{i}",
                "title": f"Termin {i + 1}",
                "type": "delivery",
                "status": MILESTONE_STATUS["pending"],
            }
            for i in range(e.args["milestoneCount"])
        ],
    }
    return ["contract"], {"contracts": [contract]}


def _countersigned(state: _Tender, e: Event):
    contract = {"id": _contract_id(state), "status": ESCROW_STATUS["active"], "dateSigned": iso(e.timestamp)}
    return ["contractUpdate"], {"contracts": [contract]}


def _milestone_approved(state: _Tender, e: Event):
    state.payment_milestone[e.args["paymentId"]] = e.args["index"]
    milestone = {
        "id": f"milestone-{e.args['index']}",
        "status": MILESTONE_STATUS["approved"],
        "dateMet": iso(e.timestamp),
    }
    return ["implementation"], {"contracts": [{"id": _contract_id(state), "milestones": [milestone]}]}


def _contract_amended(state: _Tender, e: Event):
    n = e.args["amendmentNumber"]
    contract = {
        "id": _contract_id(state),
        "value": money(e.args["value"]),
        "amendments": [
            {
                "id": f"amendment-{n}",
                "date": iso(e.timestamp),
                "rationale": f"Addendum {n}: milestone {e.args['index']} amount {e.args['amount']}",
            }
        ],
    }
    return ["contractAmendment"], {"contracts": [contract]}


def _terminated(state: _Tender, e: Event):
    return ["contractTermination"], {
        "contracts": [{"id": _contract_id(state), "status": ESCROW_STATUS["terminated"]}]
    }


def _payment_settled(state: _Tender, e: Event):
    transaction = {
        "id": e.args["id"],
        "source": "Payments ledger",
        "date": iso(e.timestamp),
        "value": money(e.args["amount"]),
        "payer": {"id": buyer_id(state.agency), "name": f"Agency {state.agency}"},
        "payee": _tenderer(state.supplier) if state.supplier else None,
    }
    transaction = {k: v for k, v in transaction.items() if v is not None}
    contract = {"id": _contract_id(state), "implementation": {"transactions": [transaction]}}
    return ["implementation"], {"contracts": [contract]}


_MAPPING = {
    ("Tenders", "TenderAnnounced"): _announced,
    ("Tenders", "TenderAmended"): _amended,
    ("Tenders", "TenderCancelled"): _cancelled,
    ("Tenders", "TenderFailed"): _failed,
    ("Tenders", "BidCommitted"): _committed,
    ("Tenders", "BidRevealed"): _revealed,
    ("Tenders", "BidRejected"): _rejected,
    ("Tenders", "AwardProposed"): _proposed,
    ("Tenders", "ObjectionResolved"): _objection_resolved,
    ("Tenders", "TenderAwarded"): _awarded,
    ("MilestoneEscrow", "EscrowCreated"): _escrow_created,
    ("MilestoneEscrow", "EscrowCountersigned"): _countersigned,
    ("MilestoneEscrow", "MilestoneApproved"): _milestone_approved,
    ("MilestoneEscrow", "ContractAmended"): _contract_amended,
    ("MilestoneEscrow", "EscrowTerminated"): _terminated,
    ("Payments", "PaymentSettled"): _payment_settled,
}
