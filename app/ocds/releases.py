"""Events to OCDS 1.1 releases: one release per event that changes what the public can know, holding
only what that event establishes (ocdsmerge compiles them). Mapping: docs/ocds-mapping.md."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from app.ocds.events import Event, Schedule
from app.protocol import vocabulary
from app.protocol.bids import tender_id

CURRENCY = "IDR"
CATEGORY = vocabulary.enum("ITenders.Category")
METHOD = vocabulary.enum("ITenders.Method")
EVALUATION = vocabulary.enum("ITenders.EvaluationMethod")
REJECT_REASON = vocabulary.enum("ITenders.RejectReason")
NON_COMPLIANCE = vocabulary.enum("ITenders.NonCompliance")
OBJECTION_STATUS = vocabulary.enum("ITenders.ObjectionStatus")
TENDER_STATES = vocabulary.enum("ITenders.TenderStatus")
ZERO_HASH = "0x" + "00" * 32
ZERO_ADDRESS = "0x" + "00" * 20
# Our states to OCDS codes, keyed by the vocabulary's words (tests/toolchain/test_vocabulary.py
# checks the keys; the first four map every member).
MAIN_PROCUREMENT_CATEGORY = {
    "goods": "goods",
    "construction": "works",
    "consultancy": "services",
    "other_services": "services",
}
METHOD_DETAILS = {
    "tender": "Tender",
    "tender_cepat": "Tender Cepat",
    "seleksi": "Seleksi",
    "e_purchasing": "E-Purchasing (e-Katalog)",
}
# An e-Katalog order: a purchase from LKPP's catalogue, without a competition of its own (the
# catalogue's listing was the competition): OCDS "limited" (docs/decisions/0043-e-purchasing.md).
E_PURCHASING = METHOD.word("EPurchasing")
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
# The bid status a rejection leaves, by BidRejected's reason (ITenders.RejectReason).
REJECTED_BID_STATUS = {
    "unrevealed": BID_STATUS["unrevealed"],
    "objection_upheld": BID_STATUS["disqualified"],
    "non_compliant": BID_STATUS["disqualified"],
}
# bids.details.statusDetails (Terang's extension), Indonesian then English: why a bid is out.
REJECTED_DETAILS = {
    "unrevealed": "Tidak dibuka siapa pun; jaminan penawaran dicairkan (opened by nobody; bid bond claimed)",
    "objection_upheld": "Digugurkan karena sanggah diterima (disqualified: an objection was upheld)",
}
NON_COMPLIANCE_DETAILS = {
    "administrative": "persyaratan administrasi tidak dipenuhi (administrative requirement not met)",
    "technical": "persyaratan teknis tidak dipenuhi (technical requirement not met)",
    "qualification": "tidak lulus pascakualifikasi (failed post-qualification)",
    "below_technical_threshold": "nilai teknis di bawah ambang lulus (technical score below the pass mark)",
    "false_documents": "dokumen atau keterangan palsu (false documents or information)",
    "collusion": "persekongkolan harga atau KKN (price collusion or KKN)",
}
# Who opened a bid (bids.details.openedBy, Terang's extension).
OPENED_BY_TENDERER, OPENED_BY_POKJA, OPENED_BY_NOBODY = "tenderer", "pokjaQuorum", "nobody"
OPENED_BY_DETAILS = {
    OPENED_BY_POKJA: "Tidak dibuka penyedianya; dibuka kuorum Pokja dari amplopnya, jaminan penawaran "
    "dicairkan (withheld by its bidder; opened by the Pokja quorum from its envelope, bid bond claimed)",
}
SUBMISSION_DETAILS = (
    "Sealed bid committed on the ledger with an envelope that a quorum of the Pokja can open; opened by "
    "its bidder in the reveal period, else by the Pokja quorum after it"
)
# Complaints (Terang's extension on awards): states and who answers.
COMPLAINT_PENDING, COMPLAINT_ANSWERED = "pending", "answered"
POKJA, KPA = "Pokja pemilihan (selection committee)", "KPA (budget user, outside the Pokja)"
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


# Party identifiers (organization identifier schemes, not yet registered with org-id.guide): an
# agency by its K/L/PD code as the AgencyDirectory holds it, a supplier by its SupplierRegistry id.
AGENCY_SCHEME, SUPPLIER_SCHEME = "ID-KLPD", "ID-TERANG"


def buyer_party(agency_id: int, name: str | None) -> dict[str, Any]:
    """An agency as a party: its public name (AgencyRegistered on chain), else its code."""
    return {
        "id": buyer_id(agency_id),
        "name": name or f"Agency {agency_id}",
        "identifier": {"scheme": AGENCY_SCHEME, "id": str(agency_id)},
    }


def supplier_party(supplier: int, name: str | None = None) -> dict[str, Any]:
    """A supplier as a party, by its on-chain id. Its business name is not on the chain; `name` is
    the one the SIKaP extract gives (app/ocds/supplier_names.py), once an award has made it public."""
    return {
        "id": supplier_id(supplier),
        "name": name or f"Supplier {supplier}",
        "identifier": {"scheme": SUPPLIER_SCHEME, "id": str(supplier)},
    }


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

    def __init__(self, ocid: str, events: list[Event], supplier_names: dict[int, str]) -> None:
        self.ocid = ocid
        self.tender_id = "0x" + tender_id(ocid).hex()
        self.award_round = 0
        self.bidders: set[int] = set()
        self.agency = 0
        self.bid_bond = 0
        self.status = TENDER_STATES.word("Open")
        self.schedule = Schedule()
        self.prices: dict[int, int] = {}
        self.objection_round: dict[int, int] = {}  # objection id -> the award round it objects to
        self.payment_milestone: dict[str, int] = {}
        self.supplier = 0
        self.title = next((e.args["params"]["title"] for e in events if e.name == "TenderAnnounced"), "")
        # Agencies' public names (AgencyRegistered, app/ocds/events.py agency_events), and the roles
        # each party has had so far: a release repeats them all (ocdsmerge replaces a party's roles).
        self.agency_names = {
            int(e.args["agencyId"]): e.args["name"] for e in events if e.name == "AgencyRegistered"
        }
        self.roles: dict[str, list[str]] = {}
        # Suppliers' business names (SIKaP), published from the award that names the supplier on:
        # what an award announcement makes public, and no earlier (a bidder stays an id).
        self.supplier_names = supplier_names
        self.named: set[int] = set()
        # (transaction, supplier) -> the Pokja member whose opening it was (BidNotOpenedBySupplier
        # with an opener follows the BidRevealed of a quorum opening in the same transaction).
        self.quorum_openers = {
            (e.tx_hash, e.args["supplierId"]): e.args["openedBy"]
            for e in events
            if e.name == "BidNotOpenedBySupplier" and e.args.get("openedBy", ZERO_ADDRESS) != ZERO_ADDRESS
        }

    def party(self, reference: dict[str, Any], *roles: str) -> dict[str, Any]:
        """The party `reference` names, with every role it has had in this process."""
        held = self.roles.setdefault(reference["id"], [])
        held.extend(role for role in roles if role not in held)
        return {**reference, "roles": list(held)}

    def buyer(self) -> dict[str, Any]:
        return buyer_party(self.agency, self.agency_names.get(self.agency))

    def tenderer(self, supplier: int, *roles: str) -> dict[str, Any]:
        """The supplier as a party: a tenderer, and any of `roles`."""
        return self.party(self.supplier_party(supplier), "tenderer", *roles)

    def supplier_party(self, supplier: int) -> dict[str, Any]:
        """The supplier's party, named once an award has named it."""
        return supplier_party(supplier, self.supplier_names.get(supplier) if supplier in self.named else None)

    def reference(self, supplier: int) -> dict[str, Any]:
        """An organization reference to a supplier (its party is in the same release's `parties`)."""
        return {k: v for k, v in self.supplier_party(supplier).items() if k in ("id", "name")}

    @property
    def in_flight(self) -> bool:
        return self.status in (TENDER_STATES.word("Open"), TENDER_STATES.word("AwardProposed"))


def build_releases(
    ocid: str,
    events: list[Event],
    planning: dict[str, Any] | None = None,
    supplier_names: dict[int, str] | None = None,
) -> list[dict[str, Any]]:
    """The releases of `ocid`, oldest first. `planning`: the procurement plan package the tender
    cites (app/ocds/planning.py), carried by the announcement's release. `supplier_names`: business
    names by supplier id (app/ocds/supplier_names.py), given to a supplier from the award naming it."""
    state = _Tender(ocid, events, supplier_names or {})
    releases = []
    for event in events:
        mapped = _MAPPING.get((event.contract, event.name))
        if mapped is None:
            continue
        result = mapped(state, event)
        if result is None:
            continue
        tags, body = result
        if planning is not None and mapped is _announced:
            tags, body = ["planning", *tags], {"planning": planning, **body}
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
    state.agency, state.bid_bond = p["agencyId"], p.get("bidBond", 0)
    if METHOD.word(p["method"]) == E_PURCHASING:
        return _ordered_announcement(state, e, p)
    state.schedule.announced(p)
    buyer = {k: v for k, v in state.buyer().items() if k != "identifier"}
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
        "submissionMethodDetails": SUBMISSION_DETAILS,
        "tenderPeriod": {"startDate": iso(e.timestamp), "endDate": iso(p["commitDeadline"])},
        "awardPeriod": {"startDate": iso(p["revealDeadline"])},
        "numberOfTenderers": 0,
        "documents": [document(p["documentHash"], "Dokumen pemilihan", e.timestamp)],
    }
    if state.schedule.scoring is not None:
        tender["scoringPeriod"] = {
            "startDate": iso(p["commitDeadline"]),
            "endDate": iso(state.schedule.scoring),
        }
    if state.bid_bond:
        tender["bidBond"] = money(state.bid_bond)
    if eligibility:
        tender["eligibilityCriteria"] = " ".join(eligibility)
    party = state.party(state.buyer(), "buyer", "procuringEntity")
    return ["tender"], {"buyer": buyer, "parties": [party], "tender": tender}


def _ordered_announcement(state: _Tender, e: Event, p: dict[str, Any]):
    """An e-Katalog order, recorded already awarded: no tender period, no sealed bids."""
    buyer = {k: v for k, v in state.buyer().items() if k != "identifier"}
    tender = {
        "title": p["title"],
        "status": TENDER_STATUS["open"],
        "value": money(p["hps"]),
        "procuringEntity": buyer,
        "procurementMethod": "limited",
        "procurementMethodDetails": METHOD_DETAILS[E_PURCHASING],
        "mainProcurementCategory": MAIN_PROCUREMENT_CATEGORY[CATEGORY.word(p["category"])],
        "awardCriteria": "priceOnly",
        "awardCriteriaDetails": "Harga katalog elektronik (e-Katalog catalogue price)",
        "submissionMethod": ["electronicSubmission"],
        "numberOfTenderers": 1,
        "documents": [document(p["documentHash"], "Surat pesanan (order document)", e.timestamp)],
    }
    party = state.party(state.buyer(), "buyer", "procuringEntity")
    return ["tender"], {"buyer": buyer, "parties": [party], "tender": tender}


def _order_placed(state: _Tender, e: Event):
    """The order's item: the catalogue product, its unit price and quantity (its TKDN is the one bid's,
    the provider's listing)."""
    a = e.args
    item = {
        "id": "1",
        "description": state.title or a["productId"],
        "classification": {"scheme": "e-Katalog", "id": a["productId"]},
        "quantity": a["quantity"],
        "unit": {"name": "unit", "value": money(a["unitPrice"])},
    }
    return ["tenderUpdate"], {"tender": {"items": [item]}}


def _periods(state: _Tender) -> dict[str, Any]:
    """The tender's periods as its schedule now stands."""
    s = state.schedule
    periods: dict[str, Any] = {
        "tenderPeriod": {"endDate": iso(s.commit)},
        "awardPeriod": {"startDate": iso(s.reveal)},
    }
    if s.scoring is not None:
        periods["scoringPeriod"] = {"startDate": iso(s.commit), "endDate": iso(s.scoring)}
    return periods


def _amended(state: _Tender, e: Event):
    n = e.args["addendumNumber"]
    state.schedule.amended(e.args["commitDeadline"], e.args["revealDeadline"])
    tender = {
        **_periods(state),
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


def _pause_credited(state: _Tender, e: Event):
    """A pause of Tenders ended: the windows of a tender in flight that were open when it began are
    extended by its length (the contract keeps deadlines in active time)."""
    seconds = e.args["pausedSeconds"]
    if not state.in_flight or not state.schedule.credit(e.timestamp, seconds):
        return None
    amendment = {
        "id": f"pause-{e.block_number}-{e.log_index}",
        "date": iso(e.timestamp),
        "rationale": f"Tenders was paused for {seconds} seconds; every deadline still ahead when the "
        "pause began moved by as much",
    }
    return ["tenderAmendment"], {"tender": {**_periods(state), "amendments": [amendment]}}


def _pokja(state: _Tender, e: Event):
    members = [
        {"id": str(n), "address": address.lower(), "encryptionKey": key.lower()}
        for n, (address, key) in enumerate(zip(e.args["members"], e.args["encryptionKeys"], strict=True), 1)
    ]
    quorum = e.args["quorum"]
    tender = {
        "pokja": {"quorum": quorum, "members": members},
        "submissionMethodDetails": f"{SUBMISSION_DETAILS} (any {quorum} of its {len(members)} members)",
    }
    return ["tenderUpdate"], {"tender": tender}


def _cancelled(state: _Tender, e: Event):
    state.status = TENDER_STATES.word("Cancelled")
    tender = {
        "status": TENDER_STATUS["cancelled"],
        "documents": [
            document(e.args["reasonHash"], "Cancellation decision", e.timestamp, "cancellationDetails")
        ],
    }
    return ["tenderCancellation"], {"tender": tender}


def _failed(state: _Tender, e: Event):
    state.status = TENDER_STATES.word("Failed")
    body: dict[str, Any] = {"tender": {"status": TENDER_STATUS["failed"]}}
    if state.award_round:
        body["awards"] = [{"id": _award_id(state), "status": "cancelled"}]
    return ["tenderUpdate"], body


# -- bids -------------------------------------------------------------------------------------------
def _bid(state: _Tender, e: Event, status: str, **extra) -> dict[str, Any]:
    supplier = e.args["supplierId"]
    return {"id": bid_id(supplier), "status": status, "tenderers": [state.reference(supplier)], **extra}


def _committed(state: _Tender, e: Event):
    state.bidders.add(e.args["supplierId"])
    return ["tenderUpdate"], {
        "parties": [state.tenderer(e.args["supplierId"])],
        "tender": {
            "numberOfTenderers": len(state.bidders),
            "tenderers": [state.reference(e.args["supplierId"])],
        },
        "bids": {"details": [_bid(state, e, BID_STATUS["sealed"], date=iso(e.timestamp))]},
    }


def _revealed(state: _Tender, e: Event):
    supplier = e.args["supplierId"]
    state.prices[supplier] = e.args["price"]
    opener = state.quorum_openers.get((e.tx_hash, supplier))
    extra: dict[str, Any] = {
        "value": money(e.args["price"]),
        "evaluatedValue": money(e.args["hea"]),
        "tkdnBps": e.args["tkdnBps"],
        "openedBy": OPENED_BY_POKJA if opener else OPENED_BY_TENDERER,
    }
    products = [{"id": p["productId"], "shareBps": p["shareBps"]} for p in e.args.get("products", [])]
    if products:  # an empty array is an empty field to OCDS's review tools
        extra["products"] = products
    if opener:
        extra["openedByMember"] = opener.lower()
    bond_ref = e.args.get("bidBondRef", ZERO_HASH)
    if bond_ref != ZERO_HASH:
        extra["bidBond"] = {"reference": bond_ref, "value": money(state.bid_bond), "status": "submitted"}
        extra["documents"] = [document(bond_ref, "Jaminan penawaran (bid bond)", e.timestamp, "bidBond")]
    return ["tenderUpdate"], {
        "parties": [state.tenderer(supplier)],
        "bids": {"details": [_bid(state, e, BID_STATUS["valid"], **extra)]},
    }


def _not_opened_by_supplier(state: _Tender, e: Event):
    """The bidder did not open its own bid: opened by the Pokja quorum (the BidRevealed before it in
    the same transaction published the opening) or by nobody; its bid bond, if any, is claimed."""
    opener = e.args["openedBy"] if e.args["openedBy"] != ZERO_ADDRESS else None
    claimed = e.args["bidBondClaimed"]
    bid: dict[str, Any] = {
        "id": bid_id(e.args["supplierId"]),
        "openedBy": OPENED_BY_POKJA if opener else OPENED_BY_NOBODY,
    }
    if opener:
        bid["statusDetails"] = OPENED_BY_DETAILS[OPENED_BY_POKJA]
    if claimed:
        bid["bidBond"] = {"value": money(claimed), "status": "claimed"}
    return ["tenderUpdate"], {"bids": {"details": [bid]}}


def _non_compliant(state: _Tender, e: Event):
    reason = NON_COMPLIANCE.word(e.args["reason"])
    bid = _bid(
        state,
        e,
        BID_STATUS["disqualified"],
        statusDetails=f"Gugur: {NON_COMPLIANCE_DETAILS[reason]}",
        nonCompliance={"reason": reason, "date": iso(e.timestamp)},
    )
    if e.args["evidenceHash"] != ZERO_HASH:
        bid["documents"] = [
            document(
                e.args["evidenceHash"],
                "Berita acara gugur (non-compliance record)",
                e.timestamp,
                "evaluationReports",
            )
        ]
    return ["tenderUpdate"], {"parties": [state.tenderer(e.args["supplierId"])], "bids": {"details": [bid]}}


def _preference_withdrawn(state: _Tender, e: Event):
    supplier = e.args["supplierId"]
    bid: dict[str, Any] = {"id": bid_id(supplier), "domesticPreferenceWithdrawn": True}
    if supplier in state.prices:
        bid["evaluatedValue"] = money(state.prices[supplier])
    if e.args["evidenceHash"] != ZERO_HASH:
        bid["documents"] = [
            document(
                e.args["evidenceHash"],
                "Dasar pencabutan preferensi (preference withdrawn)",
                e.timestamp,
                "evaluationReports",
            )
        ]
    return ["tenderUpdate"], {"bids": {"details": [bid]}}


def _rejected(state: _Tender, e: Event):
    reason = REJECT_REASON.word(e.args["reason"])
    if reason == REJECT_REASON.word("NonCompliant"):
        return None  # BidDeclaredNonCompliant, just before it, published the disqualification
    body: dict[str, Any] = {
        "parties": [state.tenderer(e.args["supplierId"])],
        "bids": {
            "details": [_bid(state, e, REJECTED_BID_STATUS[reason], statusDetails=REJECTED_DETAILS[reason])]
        },
    }
    if reason == REJECT_REASON.word("ObjectionUpheld") and state.award_round:
        # An upheld objection (or appeal) voids the proposed award; the tender is evaluated again.
        state.status = TENDER_STATES.word("Open")
        body["awards"] = [{"id": _award_id(state), "status": "cancelled"}]
        tags = ["tenderUpdate", "awardUpdate"]
        return tags, body
    return ["tenderUpdate"], body


# -- awards -----------------------------------------------------------------------------------------
def _award_id(state: _Tender) -> str:
    return f"{state.ocid}-award-{state.award_round}"


def _proposed(state: _Tender, e: Event):
    state.named.add(e.args["supplierId"])
    state.award_round += 1
    state.status = TENDER_STATES.word("AwardProposed")
    award = {
        "id": _award_id(state),
        "title": f"Proposed award, round {state.award_round}",
        "status": "pending",
        "date": iso(e.timestamp),
        "value": money(e.args["price"]),
        "suppliers": [state.reference(e.args["supplierId"])],
        "relatedBid": bid_id(e.args["supplierId"]),
    }
    statistics = [
        {"id": "validBids", "measure": "validBids", "value": e.args["validBids"]},
        {"id": "tenderers", "measure": "bids", "value": e.args["tenderers"]},
    ]
    parties = [state.tenderer(e.args["supplierId"])]
    return ["award"], {"parties": parties, "awards": [award], "bids": {"statistics": statistics}}


def _complaint(state: _Tender, objection_id: int, **fields) -> dict[str, Any]:
    """An award release carrying one complaint (objection) of the award it objects to."""
    round_ = state.objection_round.get(objection_id, state.award_round)
    award = {
        "id": f"{state.ocid}-award-{round_}",
        "complaints": [{"id": f"objection-{objection_id}", **fields}],
    }
    return {"awards": [award]}


def _objection_filed(state: _Tender, e: Event):
    objection_id, supplier = e.args["objectionId"], e.args["supplierId"]
    state.objection_round[objection_id] = state.award_round
    fields: dict[str, Any] = {
        "status": COMPLAINT_PENDING,
        "dateSubmitted": iso(e.timestamp),
        "author": state.reference(supplier),
        "reviewBody": POKJA,
    }
    if e.args["evidenceHash"] != ZERO_HASH:
        fields["documents"] = [
            document(e.args["evidenceHash"], "Sanggah (objection)", e.timestamp, "complaints")
        ]
    return ["awardUpdate"], {
        "parties": [state.tenderer(supplier)],
        **_complaint(state, objection_id, **fields),
    }


def _objection_resolved(state: _Tender, e: Event):
    fields: dict[str, Any] = {
        "status": COMPLAINT_ANSWERED,
        "outcome": OBJECTION_STATUS.word(e.args["outcome"]),
        "dateDecided": iso(e.timestamp),
    }
    if e.args["responseHash"] != ZERO_HASH:
        fields["documents"] = [
            document(e.args["responseHash"], "Jawaban sanggah (answer)", e.timestamp, "complaints")
        ]
    return ["awardUpdate"], _complaint(state, e.args["objectionId"], **fields)


def _appeal_filed(state: _Tender, e: Event):
    appeal: dict[str, Any] = {
        "status": COMPLAINT_PENDING,
        "dateSubmitted": iso(e.timestamp),
        "reviewBody": KPA,
        "bond": money(e.args["bond"]),
        "documents": [
            document(e.args["bondRef"], "Jaminan sanggah banding (appeal bond)", e.timestamp, "appealBond")
        ],
    }
    return ["awardUpdate"], _complaint(state, e.args["objectionId"], appeal=appeal)


def _appeal_resolved(state: _Tender, e: Event):
    appeal: dict[str, Any] = {
        "status": COMPLAINT_ANSWERED,
        "outcome": OBJECTION_STATUS.word(e.args["outcome"]),
        "dateDecided": iso(e.timestamp),
        "bondClaimed": money(e.args["bondClaimed"]),
    }
    if e.args["responseHash"] != ZERO_HASH:
        appeal["documents"] = [
            document(
                e.args["responseHash"], "Jawaban sanggah banding (appeal answer)", e.timestamp, "complaints"
            )
        ]
    return ["awardUpdate"], _complaint(state, e.args["objectionId"], appeal=appeal)


def _awarded(state: _Tender, e: Event):
    state.named.add(e.args["supplierId"])
    state.supplier = e.args["supplierId"]
    state.status = TENDER_STATES.word("Awarded")
    party = state.tenderer(e.args["supplierId"], "supplier")
    award = {
        "id": _award_id(state),
        "status": "active",
        "date": iso(e.timestamp),
        "value": money(e.args["value"]),
        "suppliers": [state.reference(e.args["supplierId"])],
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
        # A URI, as OCDS wants: the Payments ledger's instruction (GET /instructions/<id> at the gateway)
        "source": f"urn:terang:payment:{e.args['id']}",
        "date": iso(e.timestamp),
        "value": money(e.args["amount"]),
        "payer": {k: v for k, v in state.buyer().items() if k in ("id", "name")},
        "payee": state.reference(state.supplier) if state.supplier else None,
    }
    transaction = {k: v for k, v in transaction.items() if v is not None}
    contract = {"id": _contract_id(state), "implementation": {"transactions": [transaction]}}
    parties = [state.party(state.buyer(), "payer")]
    if state.supplier:
        parties.append(state.tenderer(state.supplier, "payee"))
    return ["implementation"], {"parties": parties, "contracts": [contract]}


_MAPPING = {
    ("Tenders", "TenderAnnounced"): _announced,
    ("Tenders", "TenderAmended"): _amended,
    ("Tenders", "TenderCancelled"): _cancelled,
    ("Tenders", "PokjaAppointed"): _pokja,
    ("Tenders", "PauseTimeCredited"): _pause_credited,
    ("Tenders", "TenderFailed"): _failed,
    ("Tenders", "BidCommitted"): _committed,
    ("Tenders", "BidRevealed"): _revealed,
    ("Tenders", "BidNotOpenedBySupplier"): _not_opened_by_supplier,
    ("Tenders", "BidDeclaredNonCompliant"): _non_compliant,
    ("Tenders", "PreferenceWithdrawn"): _preference_withdrawn,
    ("Tenders", "BidRejected"): _rejected,
    ("Tenders", "AwardProposed"): _proposed,
    ("Tenders", "ObjectionFiled"): _objection_filed,
    ("Tenders", "ObjectionResolved"): _objection_resolved,
    ("Tenders", "AppealFiled"): _appeal_filed,
    ("Tenders", "AppealResolved"): _appeal_resolved,
    ("Tenders", "TenderAwarded"): _awarded,
    ("EPurchasing", "OrderPlaced"): _order_placed,
    ("MilestoneEscrow", "EscrowCreated"): _escrow_created,
    ("MilestoneEscrow", "EscrowCountersigned"): _countersigned,
    ("MilestoneEscrow", "MilestoneApproved"): _milestone_approved,
    ("MilestoneEscrow", "ContractAmended"): _contract_amended,
    ("MilestoneEscrow", "EscrowTerminated"): _terminated,
    ("Payments", "PaymentSettled"): _payment_settled,
}
