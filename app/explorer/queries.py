"""What the explorer pages read: indexed events from the database, shaped for display. Plain
functions over a session; nothing here writes."""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import Session

from app.explorer import redflags as redflag_rows
from app.explorer.models import (
    ExplorerEventCount,
    ExplorerSupplier,
    ExplorerSupplierEvent,
    ExplorerTender,
    ExplorerWelfarePeriod,
)
from app.indexer.models import ChainEvent, IndexedBlock
from app.ocds.events import PAUSE_EVENTS, Event, Schedule, announced_ocids, events_of, release_events
from app.ocds.models import OcdsTender
from app.ocds.packages import record
from app.ocds.releases import build_releases, supplier_id
from app.officials.directory import acting_official
from app.protocol import policy as policy_rules
from app.protocol import vocabulary
from app.protocol.bids import tender_id
from app.redflags.engine import default_settings, evaluate
from app.redflags.results import Results

# (contract, event) -> the timeline step it is (a key of i18n's `step.*`); `_step` refines two of
# them by their arguments (a bid opened by the Pokja quorum, a bid nobody opened).
STEPS: dict[tuple[str, str], str] = {
    ("Tenders", "TenderAnnounced"): "announcement",
    ("Tenders", "TenderAmended"): "addendum",
    ("Tenders", "TenderCancelled"): "cancellation",
    ("Tenders", "PokjaAppointed"): "pokja",
    ("Tenders", "BidCommitted"): "commit",
    ("Tenders", "ScoreSheetSealed"): "scores_sealed",
    ("Tenders", "BidRevealed"): "reveal",
    ("Tenders", "BidNotOpenedBySupplier"): "withheld",
    ("Tenders", "BidRejected"): "rejection",
    ("Tenders", "BidDeclaredNonCompliant"): "non_compliance",
    ("Tenders", "PreferenceWithdrawn"): "preference_withdrawn",
    ("Tenders", "ScoreSheetOpened"): "scores_opened",
    ("Tenders", "AwardProposed"): "evaluation",
    ("Tenders", "ObjectionFiled"): "objection",
    ("Tenders", "ObjectionResolved"): "objection_answer",
    ("Tenders", "AppealFiled"): "appeal",
    ("Tenders", "AppealResolved"): "appeal_answer",
    ("Tenders", "TenderAwarded"): "award",
    ("EPurchasing", "OrderPlaced"): "order",
    ("Tenders", "TenderFailed"): "failure",
    ("Tenders", "Paused"): "pause",
    ("Tenders", "PauseTimeCredited"): "resume",
    ("MilestoneEscrow", "EscrowCreated"): "contract",
    ("MilestoneEscrow", "EscrowCountersigned"): "countersign",
    ("MilestoneEscrow", "MilestoneAttested"): "attestation",
    ("MilestoneEscrow", "MilestoneApproved"): "milestone",
    ("MilestoneEscrow", "MilestoneRejected"): "milestone_rejected",
    ("MilestoneEscrow", "DisputeOpened"): "dispute",
    ("MilestoneEscrow", "DisputeResolved"): "dispute",
    ("MilestoneEscrow", "ContractAmended"): "amendment",
    ("MilestoneEscrow", "EscrowCompleted"): "completion",
    ("MilestoneEscrow", "RetentionReleased"): "retention",
    ("MilestoneEscrow", "EscrowTerminated"): "termination",
    ("Payments", "PaymentAuthorized"): "payment_authorized",
    ("Payments", "PaymentSettled"): "payment_settled",
    ("Payments", "PaymentFailed"): "payment_failed",
    ("Payments", "PaymentCancelled"): "payment_cancelled",
}
# The refined steps: BidRevealed in the same transaction as the Pokja member's BidNotOpenedBySupplier
# (a quorum opening), and BidNotOpenedBySupplier with no opener (recorded at evaluation).
QUORUM_OPENING, UNOPENED = "quorum_opening", "unopened"
# Stage groups, for the colour of a timeline entry.
PHASES = {
    "announcement": "tender",
    "addendum": "tender",
    "cancellation": "tender",
    "pokja": "tender",
    "pause": "tender",
    "resume": "tender",
    "commit": "bids",
    "scores_sealed": "bids",
    "reveal": "bids",
    QUORUM_OPENING: "bids",
    "withheld": "bids",
    UNOPENED: "bids",
    "rejection": "bids",
    "non_compliance": "bids",
    "preference_withdrawn": "bids",
    "scores_opened": "bids",
    "evaluation": "award",
    "objection": "award",
    "objection_answer": "award",
    "appeal": "award",
    "appeal_answer": "award",
    "award": "award",
    "failure": "award",
}
# Hashes of documents an event records: (contract, event, argument) -> i18n key `doc.*`.
DOCUMENT_ARGS = {
    ("Tenders", "TenderCancelled", "reasonHash"): "cancellation",
    ("Tenders", "BidRevealed", "bidBondRef"): "bid_bond",
    ("Tenders", "BidDeclaredNonCompliant", "evidenceHash"): "non_compliance",
    ("Tenders", "PreferenceWithdrawn", "evidenceHash"): "preference_withdrawn",
    ("Tenders", "ObjectionFiled", "evidenceHash"): "objection",
    ("Tenders", "ObjectionResolved", "responseHash"): "objection_answer",
    ("Tenders", "AppealFiled", "bondRef"): "appeal_bond",
    ("Tenders", "AppealResolved", "responseHash"): "appeal_answer",
    ("MilestoneEscrow", "EscrowCreated", "termsHash"): "terms",
    ("MilestoneEscrow", "MilestoneAttested", "evidenceHash"): "bast",
}
ZERO_HASH = "0x" + "00" * 32
ZERO_ADDRESS = "0x" + "00" * 20
# A tender's status on its page (i18n `status.*`): the API's ITenders.TenderStatus word, then two
# steps of its contract only the explorer shows.
TENDER_STATUS = vocabulary.enum("ITenders.TenderStatus")
CONTRACTED, PAID = "contracted", "paid"
FINAL = {
    TENDER_STATUS.word("Awarded"),
    TENDER_STATUS.word("Failed"),
    TENDER_STATUS.word("Cancelled"),
    CONTRACTED,
    PAID,
}
CATEGORY = vocabulary.enum("ITenders.Category")
EVALUATION = vocabulary.enum("ITenders.EvaluationMethod")
METHOD = vocabulary.enum("ITenders.Method")
BID_STATUS = vocabulary.enum("ITenders.BidStatus")
REJECT_REASON = vocabulary.enum("ITenders.RejectReason")
NON_COMPLIANCE = vocabulary.enum("ITenders.NonCompliance")
OBJECTION_STATUS = vocabulary.enum("ITenders.ObjectionStatus")
UPHELD_REEVALUATE = OBJECTION_STATUS.code("UpheldReevaluate")
# Who opened a bid (i18n `opened.*`): its supplier in the reveal period, the Pokja quorum after it,
# or nobody (its bid bond claimed).
OPENED_BY_SUPPLIER, OPENED_BY_POKJA, OPENED_BY_NOBODY = "supplier", "pokja", "nobody"
SUPPLIER_EVENTS = (
    "BidCommitted",
    "BidRevealed",
    "BidNotOpenedBySupplier",
    "BidRejected",
    "BidDeclaredNonCompliant",
    "PreferenceWithdrawn",
    "AwardProposed",
    "ObjectionFiled",
    "AppealFiled",
    "TenderAwarded",
)
SUPPLIER_REGISTRY = "SupplierRegistry"
# Tender and contract events a supplier's page lists beside its registry entries.
SUPPLIER_RELATED = ("Tenders", "MilestoneEscrow"), (*SUPPLIER_EVENTS, "EscrowCreated", "EscrowCountersigned")


@dataclass
class Step:
    key: str
    phase: str
    event: Event
    index: int  # position in the timeline (1-based)
    detail: dict[str, Any] = field(default_factory=dict)  # what the page says beside the step


@dataclass
class Document:
    kind: str
    label_suffix: str
    hash: str
    timestamp: int
    block_number: int


@dataclass
class TenderView:
    """A tender as its page shows it. Every field but `steps` and `documents` is also its stored
    summary (app/explorer/projection.py), so only JSON-friendly values (no int-keyed dicts)."""

    ocid: str
    tender_id: str
    title: str = ""
    agency: int | None = None
    hps: int | None = None
    category: str | None = None  # ITenders.Category word
    evaluation: str | None = None  # ITenders.EvaluationMethod word
    method: str | None = None  # ITenders.Method word (tender, tender_cepat, seleksi, e_purchasing)
    # An e-Katalog order (OrderPlaced): product_id, catalogue_id, unit_price, quantity, tkdn_bps.
    order: dict[str, Any] | None = None
    bid_bond: int = 0  # jaminan penawaran each bid carries (rupiah)
    policy_version: int | None = None  # the money rules' version in force at announcement
    announced_at: int | None = None
    # Deadlines in wall-clock seconds as they stand (addenda and pauses applied).
    commit_deadline: int | None = None
    scoring_deadline: int | None = None
    reveal_deadline: int | None = None
    objection_deadline: int | None = None
    status: str = TENDER_STATUS.word("Open")
    paused: bool = False  # Tenders is paused now: the tender's clock stands still
    pokja: list[str] = field(default_factory=list)  # members' addresses, in Pokja order
    pokja_quorum: int | None = None
    score_sheets: list[int] = field(default_factory=lambda: [0, 0])  # sealed, opened
    proposed: int | None = None  # the supplier the latest award proposal names (a sanggah may follow)
    winner: int | None = None
    contract_value: int | None = None
    paid: int = 0
    bids: dict[int, int | None] = field(default_factory=dict)  # supplier id -> opened price
    # One entry per bidder, in commit order: supplier, price, status (ITenders.BidStatus word),
    # opened_by (OPENED_BY_*), opener, reason (NonCompliance or RejectReason word), tkdn_bps,
    # bond_claimed, preference_withdrawn, envelope_size.
    bid_details: list[dict[str, Any]] = field(default_factory=list)
    # One entry per objection: id, supplier, award_round, outcome (ObjectionStatus word), appeal
    # (None, or outcome, bond, bond_claimed).
    objections: list[dict[str, Any]] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)


def tender_view(ocid: str, events: list[Event]) -> TenderView | None:
    """A tender's summary, timeline and recorded documents from its events (None if never announced).
    Pauses of Tenders show (and move the deadlines) only while the tender is in flight."""
    if not events or events[0].name != "TenderAnnounced":
        return None
    view = TenderView(ocid, "0x" + tender_id(ocid).hex())
    schedule = Schedule()
    state = _ViewState()
    openers = _quorum_openers(events)
    for e in events:
        if e.name in PAUSE_EVENTS and (e.contract != "Tenders" or view.status in FINAL):
            continue
        if e.name == "TenderPolicyBound":  # shown in the summary, beside the announcement it belongs to
            view.policy_version = e.args["policyVersion"]
            continue
        key = _step(e, openers)
        detail = _apply(view, schedule, state, e)
        official = acting_official(e.args)  # the person who acted, named by the event (decision 0019)
        if official is not None:
            detail = {**detail, "official": official}
        if key == QUORUM_OPENING:
            detail["by"] = openers[(e.tx_hash, e.args["supplierId"])]
        phase = PHASES.get(key, "contract" if e.contract != "Payments" else "payment")
        view.steps.append(Step(key, phase, e, len(view.steps) + 1, detail))
        _documents(view, e)
    view.commit_deadline, view.scoring_deadline = schedule.commit, schedule.scoring
    view.reveal_deadline, view.objection_deadline = schedule.reveal, schedule.objection
    return view


def _documents(view: TenderView, e: Event) -> None:
    for (contract, name, arg), kind in DOCUMENT_ARGS.items():
        if (e.contract, e.name) != (contract, name):
            continue
        value = e.args.get(arg)
        known = any(d.hash == value and d.kind == kind for d in view.documents)  # k attestations, one file
        if not value or value == ZERO_HASH or known:
            continue
        if "objectionId" in e.args:
            suffix = f"#{e.args['objectionId']}"
        elif "supplierId" in e.args:
            suffix = f"({supplier_id(e.args['supplierId'])})"
        else:
            suffix = f"#{e.args['index'] + 1}" if "index" in e.args else ""
        view.documents.append(Document(kind, suffix, value, e.timestamp, e.block_number))


def _quorum_openers(events: list[Event]) -> dict[tuple[str, int], str]:
    """(transaction, supplier id) -> the Pokja member who opened that bid in that transaction: its
    BidRevealed is followed there by the member's BidNotOpenedBySupplier."""
    return {
        (e.tx_hash, e.args["supplierId"]): e.args["openedBy"]
        for e in events
        if e.name == "BidNotOpenedBySupplier" and e.args.get("openedBy", ZERO_ADDRESS) != ZERO_ADDRESS
    }


def _step(e: Event, openers: dict[tuple[str, int], str]) -> str:
    if e.name == "BidNotOpenedBySupplier" and e.args.get("openedBy", ZERO_ADDRESS) == ZERO_ADDRESS:
        return UNOPENED
    if e.name == "BidRevealed" and (e.tx_hash, e.args.get("supplierId")) in openers:
        return QUORUM_OPENING
    return STEPS.get((e.contract, e.name), "other")


@dataclass
class _ViewState:
    """What tender_view remembers between events beyond the view itself."""

    award_round: int = 0
    bids: dict[int, dict[str, Any]] = field(default_factory=dict)
    objections: dict[int, dict[str, Any]] = field(default_factory=dict)


def _bid(view: TenderView, state: _ViewState, supplier: int) -> dict[str, Any]:
    bid = state.bids.get(supplier)
    if bid is None:
        bid = {
            "supplier": supplier,
            "price": None,
            "status": BID_STATUS.word("Sealed"),
            "opened_by": None,
            "opener": None,
            "reason": None,
            "tkdn_bps": None,
            "bond_claimed": 0,
            "preference_withdrawn": False,
            "envelope_size": None,
        }
        state.bids[supplier] = bid
        view.bid_details.append(bid)
    return bid


def _apply(view: TenderView, schedule: Schedule, state: _ViewState, e: Event) -> dict[str, Any]:
    """Applies one event to the view; returns what its timeline step says beside its name."""
    a = e.args
    if e.contract == "Tenders" and e.name == "Paused":
        view.paused = True
        return {"by": a.get("account")}
    if e.contract == "Tenders" and e.name == "PauseTimeCredited":
        view.paused = False
        schedule.credit(e.timestamp, a["pausedSeconds"])
        return {"seconds": a["pausedSeconds"]}
    if e.name == "TenderAnnounced":
        p = a["params"]
        view.title, view.agency, view.hps = p["title"], p["agencyId"], p["hps"]
        view.category, view.evaluation = CATEGORY.word(p["category"]), EVALUATION.word(p["evaluation"])
        view.method = METHOD.word(p["method"])
        view.bid_bond = p.get("bidBond", 0)
        view.announced_at = e.timestamp
        schedule.announced(p)
        view.documents.append(Document("tender", "", p["documentHash"], e.timestamp, e.block_number))
    elif e.contract == "EPurchasing" and e.name == "OrderPlaced":
        view.order = {
            "product_id": a["productId"],
            "catalogue_id": a["catalogueId"],
            "unit_price": a["unitPrice"],
            "quantity": a["quantity"],
            "tkdn_bps": a["tkdnBps"],
        }
        return {"by": a["officer"], "quantity": a["quantity"], "unit_price": a["unitPrice"]}
    elif e.name == "TenderAmended":
        schedule.amended(a["commitDeadline"], a["revealDeadline"])
        view.documents.append(
            Document("addendum", f"#{a['addendumNumber']}", a["documentHash"], e.timestamp, e.block_number)
        )
    elif e.name == "PokjaAppointed":
        view.pokja, view.pokja_quorum = list(a["members"]), a["quorum"]
        return {"members": list(a["members"]), "quorum": a["quorum"], "by": a["officer"]}
    elif e.name == "BidCommitted":
        view.bids.setdefault(a["supplierId"], None)
        bid = _bid(view, state, a["supplierId"])
        bid["envelope_size"] = a.get("envelopeSize")
        return {"envelope_size": a.get("envelopeSize"), "replaced": a.get("replaced")}
    elif e.name == "ScoreSheetSealed":
        view.score_sheets = [view.score_sheets[0] + 1, view.score_sheets[1]]
        return {"member": a["member"]}
    elif e.name == "ScoreSheetOpened":
        view.score_sheets = [view.score_sheets[0], view.score_sheets[1] + 1]
        return {"member": a["member"], "scores": list(zip(a["supplierIds"], a["scoresBps"], strict=True))}
    elif e.name == "BidRevealed":
        view.bids[a["supplierId"]] = a["price"]
        bid = _bid(view, state, a["supplierId"])
        bid.update(
            price=a["price"],
            status=BID_STATUS.word("Valid"),
            opened_by=OPENED_BY_SUPPLIER,
            tkdn_bps=a["tkdnBps"],
        )
        return {"tkdn_bps": a["tkdnBps"], "hea": a["hea"]}
    elif e.name == "BidNotOpenedBySupplier":
        bid = _bid(view, state, a["supplierId"])
        opener = a["openedBy"] if a["openedBy"] != ZERO_ADDRESS else None
        bid.update(
            opened_by=OPENED_BY_POKJA if opener else OPENED_BY_NOBODY,
            opener=opener,
            bond_claimed=a["bidBondClaimed"],
        )
        return {"by": opener, "bond": a["bidBondClaimed"]}
    elif e.name == "BidDeclaredNonCompliant":
        reason = NON_COMPLIANCE.word(a["reason"])
        _bid(view, state, a["supplierId"]).update(status=BID_STATUS.word("Disqualified"), reason=reason)
        return {"reason": reason, "by": a["officer"]}
    elif e.name == "PreferenceWithdrawn":
        _bid(view, state, a["supplierId"])["preference_withdrawn"] = True
        return {"by": a["officer"]}
    elif e.name == "BidRejected":
        reason = REJECT_REASON.word(a["reason"])
        bid = _bid(view, state, a["supplierId"])
        if reason == REJECT_REASON.word("Unrevealed"):
            bid["status"] = BID_STATUS.word("Unrevealed")
        else:
            bid["status"] = BID_STATUS.word("Disqualified")
        bid["reason"] = bid["reason"] or reason
        if reason == REJECT_REASON.word("ObjectionUpheld"):  # the proposed award is void: evaluated again
            view.status, schedule.objection = TENDER_STATUS.word("Open"), None
        return {"reason": reason}
    elif e.name == "AwardProposed":
        state.award_round += 1
        view.status, view.proposed = TENDER_STATUS.word("AwardProposed"), a["supplierId"]
        schedule.objection = a["objectionDeadline"]
        return {"round": state.award_round}
    elif e.name == "ObjectionFiled":
        objection = {
            "id": a["objectionId"],
            "supplier": a["supplierId"],
            "award_round": state.award_round,
            "outcome": OBJECTION_STATUS.word("Open"),
            "appeal": None,
        }
        state.objections[a["objectionId"]] = objection
        view.objections.append(objection)
    elif e.name == "ObjectionResolved":
        outcome = OBJECTION_STATUS.word(a["outcome"])
        if a["objectionId"] in state.objections:
            state.objections[a["objectionId"]]["outcome"] = outcome
        return {"outcome": outcome, "by": a["officer"]}
    elif e.name == "AppealFiled":
        appeal = {"outcome": OBJECTION_STATUS.word("Open"), "bond": a["bond"], "bond_claimed": 0}
        if a["objectionId"] in state.objections:
            state.objections[a["objectionId"]]["appeal"] = appeal
        return {"bond": a["bond"]}
    elif e.name == "AppealResolved":
        outcome = OBJECTION_STATUS.word(a["outcome"])
        objection = state.objections.get(a["objectionId"])
        if objection is not None and objection["appeal"] is not None:
            objection["appeal"].update(outcome=outcome, bond_claimed=a["bondClaimed"])
        return {"outcome": outcome, "by": a["officer"], "bond_claimed": a["bondClaimed"]}
    elif e.name == "TenderAwarded":
        view.status = TENDER_STATUS.word("Awarded")
        view.winner, view.contract_value = a["supplierId"], a["value"]
    elif e.name == "TenderFailed":
        view.status = TENDER_STATUS.word("Failed")
    elif e.name == "TenderCancelled":
        view.status = TENDER_STATUS.word("Cancelled")
    elif e.name == "EscrowCreated":
        view.status, view.contract_value = CONTRACTED, a["value"]
    elif e.name == "PaymentSettled":
        view.status, view.paid = PAID, view.paid + a["amount"]
    return {}


def tender(session: Session, ocid: str) -> TenderView | None:
    return tender_view(ocid, events_of(session, ocid))


def tenders(session: Session) -> list[TenderView]:
    """Every announced tender, newest first, rebuilt from the whole history (what the read model
    must equal; the pages read tender_page instead)."""
    views = (tender(session, ocid) for ocid in announced_ocids(session))
    return [v for v in reversed(list(views)) if v is not None]


def tender_page(session: Session, page: int = 1, per_page: int = 50) -> tuple[list[TenderView], int]:
    """One page of announced tenders, newest first, from the read model, and how many there are."""
    rows = session.scalars(
        select(ExplorerTender)
        .order_by(ExplorerTender.position.desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
    )
    total = session.scalar(select(func.count()).select_from(ExplorerTender)) or 0
    return [from_summary(r.ocid, r.summary) for r in rows], total


def from_summary(ocid: str, s: dict[str, Any]) -> TenderView:
    """A TenderView (without timeline and documents) from its stored summary (summary_of)."""
    known = {f.name for f in dataclasses.fields(TenderView)} - {"ocid", "steps", "documents"}
    values = {k: v for k, v in s.items() if k in known}
    values["bids"] = {supplier: price for supplier, price in s["bids"]}
    return TenderView(ocid, **values)


def summary_of(view: TenderView) -> dict[str, Any]:
    """What the lists show of a TenderView, stored per tender: every field but its ocid (the key),
    timeline and documents (read per tender page); bids as [supplier, price] pairs (JSON keys are
    strings)."""
    values = {
        f.name: getattr(view, f.name)
        for f in dataclasses.fields(TenderView)
        if f.name not in ("ocid", "steps", "documents")
    }
    values["bids"] = [[supplier, price] for supplier, price in view.bids.items()]
    return copy.deepcopy(values)


def titles_of(session: Session, ocids: Iterable[str]) -> dict[str, str]:
    wanted = sorted(set(ocids))
    if not wanted:
        return {}
    rows = session.execute(
        select(ExplorerTender.ocid, ExplorerTender.title).where(ExplorerTender.ocid.in_(wanted))
    )
    return {ocid: title for ocid, title in rows}


# -- blocks, transactions, contracts -----------------------------------------------------------------
def counts(session: Session) -> dict[str, Any]:
    """Indexed events in all (the read model's counts) and the latest block holding one."""
    total = session.scalar(select(func.sum(ExplorerEventCount.count)))
    latest = session.scalar(select(func.max(ChainEvent.block_number)))
    return {"events": int(total or 0), "latest_block": latest}


@dataclass
class PolicyVersionView:
    """A version of the money rules as PolicyPublished recorded it."""

    version: int
    source_hash: str
    officer: str | None
    published_at: int
    block_number: int
    tx_hash: str
    policy: dict[str, int]

    def rules(self) -> list[tuple[policy_rules.Rule, int]]:
        """Each rule with its value, in the contract's field order."""
        return [
            (rule, int(self.policy[name])) for name, rule in policy_rules.RULES.items() if name in self.policy
        ]


def policy_versions(session: Session) -> list[PolicyVersionView]:
    """Every published version of the money rules, oldest first (from the indexed events)."""
    rows = session.scalars(
        select(ChainEvent)
        .where(ChainEvent.contract == "PolicyRegistry", ChainEvent.event == "PolicyPublished")
        .order_by(ChainEvent.block_number, ChainEvent.log_index)
    )
    return [
        PolicyVersionView(
            version=int(r.args["version"]),
            source_hash=str(r.args["sourceHash"]),
            officer=r.args.get("officer"),
            published_at=r.block_timestamp or 0,
            block_number=r.block_number,
            tx_hash=r.tx_hash,
            policy={k: int(v) for k, v in dict(r.args["policy"]).items()},
        )
        for r in rows
    ]


def recent_events(session: Session, limit: int = 15) -> list[ChainEvent]:
    return list(
        session.scalars(
            select(ChainEvent)
            .order_by(ChainEvent.block_number.desc(), ChainEvent.log_index.desc())
            .limit(limit)
        )
    )


def blocks(session: Session, limit: int = 50, before: int | None = None) -> list[dict[str, Any]]:
    """Blocks holding indexed events, newest first: number, hash, timestamp, event count. The blocks
    come from the indexer's block table and the counts from the events' position index (grouping
    every event by block and hash would read the whole history)."""
    holding = exists().where(ChainEvent.block_number == IndexedBlock.number)
    query = select(IndexedBlock.number, IndexedBlock.hash, IndexedBlock.timestamp).where(holding)
    if before is not None:
        query = query.where(IndexedBlock.number < before)
    found = session.execute(query.order_by(IndexedBlock.number.desc()).limit(limit)).all()
    if not found:
        return []
    counted = dict(
        session.execute(
            select(ChainEvent.block_number, func.count())
            .where(ChainEvent.block_number.in_([n for n, _, _ in found]))
            .group_by(ChainEvent.block_number)
        ).all()
    )
    return [{"number": n, "hash": h, "timestamp": ts, "events": counted[n]} for n, h, ts in found]


def events_where(
    session: Session, *conditions, limit: int | None = None, newest_first: bool = False
) -> list[ChainEvent]:
    order = (
        (ChainEvent.block_number.desc(), ChainEvent.log_index.desc())
        if newest_first
        else (ChainEvent.block_number, ChainEvent.log_index)
    )
    query = select(ChainEvent).where(*conditions).order_by(*order)
    if limit:
        query = query.limit(limit)
    return list(session.scalars(query))


def event_counts(session: Session, contract: str) -> list[tuple[str, int]]:
    """(event, how many) of one contract, most frequent first, from the read model."""
    rows = session.execute(
        select(ExplorerEventCount.event, ExplorerEventCount.count)
        .where(ExplorerEventCount.contract == contract, ExplorerEventCount.count > 0)
        .order_by(ExplorerEventCount.count.desc(), ExplorerEventCount.event)
    )
    return [(name, int(n)) for name, n in rows]


def indexed_event_counts(session: Session, upto: int | None = None, after: int | None = None) -> dict:
    """(contract, event) -> how many indexed events in (after, upto], counted in chain_events (what
    the read model must equal, and what the projection adds batch by batch)."""
    query = select(ChainEvent.contract, ChainEvent.event, func.count()).group_by(
        ChainEvent.contract, ChainEvent.event
    )
    if upto is not None:
        query = query.where(ChainEvent.block_number <= upto)
    if after is not None:
        query = query.where(ChainEvent.block_number > after)
    return {(c, e): n for c, e, n in session.execute(query)}


def ocid_of_tender_ids(session: Session, events: Iterable[ChainEvent] = ()) -> dict[str, str]:
    """tender id (0x hex) -> ocid for the tender ids `events` carry (as topic or in an argument),
    to link any event about a tender to its page: one indexed query over the read model."""
    candidates = set()
    for e in events:
        if e.topic1:
            candidates.add(e.topic1)
        candidates.update(_hashes(e.args))
    if not candidates:
        return {}
    rows = session.execute(
        select(OcdsTender.tender_id, OcdsTender.ocid).where(OcdsTender.tender_id.in_(sorted(candidates)))
    )
    return {tender: ocid for tender, ocid in rows}


def _hashes(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        if len(value) == 66 and value.startswith("0x"):
            yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _hashes(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from _hashes(v)


# -- suppliers -----------------------------------------------------------------------------------------
def suppliers(session: Session) -> list[dict[str, Any]]:
    """Registered suppliers with how many tenders they bid in and won, rebuilt from the whole history
    (what the read model must equal; the list reads supplier_page instead)."""
    registered = events_where(
        session, ChainEvent.contract == "SupplierRegistry", ChainEvent.event == "SupplierRegistered"
    )
    stats = _supplier_stats(session)
    return [
        {
            "id": r.args["supplierId"],
            "umkm": r.args.get("umkm"),
            "region": r.args.get("regionCode"),
            "agency": r.args.get("agencyId"),
            "registered_at": r.block_timestamp,
            **stats.get(r.args["supplierId"], NO_STATS),
        }
        for r in registered
    ]


NO_STATS = {"bids": 0, "wins": 0, "value": 0, "withheld": 0, "non_compliant": 0}


def _supplier_stats(session: Session) -> dict[int, dict[str, int]]:
    """Per supplier: tenders bid in, won, value won, bids it did not open itself (opened by the
    Pokja quorum or by nobody), bids declared non-compliant."""
    stats: dict[int, dict[str, int]] = defaultdict(lambda: dict(NO_STATS))
    seen: set[tuple[str, int]] = set()
    counted = ("BidCommitted", "TenderAwarded", "BidNotOpenedBySupplier", "BidDeclaredNonCompliant")
    for r in events_where(session, ChainEvent.contract == "Tenders", ChainEvent.event.in_(counted)):
        s = r.args["supplierId"]
        if r.event == "BidCommitted" and (r.topic1, s) not in seen:
            seen.add((r.topic1, s))
            stats[s]["bids"] += 1
        elif r.event == "TenderAwarded":
            stats[s]["wins"] += 1
            stats[s]["value"] += r.args["value"]
        elif r.event == "BidNotOpenedBySupplier":
            stats[s]["withheld"] += 1
        elif r.event == "BidDeclaredNonCompliant":
            stats[s]["non_compliant"] += 1
    return stats


def supplier_history(session: Session, supplier: int) -> dict[str, Any] | None:
    """A supplier's registry entries and every tender and contract event naming it, in chain order,
    rebuilt from the whole history (what stored_supplier_history must equal)."""
    own = [
        r
        for r in events_where(session, ChainEvent.contract == "SupplierRegistry")
        if r.args.get("supplierId") == supplier
    ]
    if not own:
        return None
    related = [
        r
        for r in events_where(
            session,
            ChainEvent.contract.in_(SUPPLIER_RELATED[0]),
            ChainEvent.event.in_(SUPPLIER_RELATED[1]),
        )
        if r.args.get("supplierId") == supplier
    ]
    registered = next((r for r in own if r.event == "SupplierRegistered"), own[0])
    return {
        "id": supplier,
        "ocds_id": supplier_id(supplier),
        "umkm": registered.args.get("umkm"),
        "region": registered.args.get("regionCode"),
        "agency": registered.args.get("agencyId"),
        "events": sorted(own + related, key=lambda r: (r.block_number, r.log_index)),
        **_supplier_stats(session).get(supplier, NO_STATS),
    }


def supplier_page(session: Session, page: int = 1, per_page: int = 50) -> tuple[list[dict[str, Any]], int]:
    """One page of registered suppliers in registration order, from the read model, and how many
    there are."""
    registered = ExplorerSupplier.position.is_not(None)
    rows = session.scalars(
        select(ExplorerSupplier.summary)
        .where(registered)
        .order_by(ExplorerSupplier.position)
        .offset((page - 1) * per_page)
        .limit(per_page)
    )
    total = session.scalar(select(func.count()).select_from(ExplorerSupplier).where(registered)) or 0
    return list(rows), total


def stored_supplier_history(
    session: Session, supplier: int, limit: int | None = None, before: int | None = None
) -> dict[str, Any] | None:
    """supplier_history from the read model: the supplier's row and one indexed join for its events.

    `limit`: only the newest that many events before the position `before` (block * 1,000,000 + log
    index, as on the contract pages), still in chain order, and `older` the position to ask for the
    page before them (None when there is none). A supplier active for years names thousands of
    events: one page of them costs the same whatever the history."""
    row = session.get(ExplorerSupplier, supplier)
    if row is None:
        return None
    link = ExplorerSupplierEvent
    query = select(ChainEvent).join(link, link.event_id == ChainEvent.id).where(link.supplier_id == supplier)
    if before is not None:
        block, index = divmod(before, 1_000_000)
        query = query.where(
            or_(link.block_number < block, and_(link.block_number == block, link.log_index < index))
        )
    older = None
    if limit is None:
        events = list(session.scalars(query.order_by(link.block_number, link.log_index)))
    else:
        newest = list(
            session.scalars(query.order_by(link.block_number.desc(), link.log_index.desc()).limit(limit + 1))
        )
        if len(newest) > limit:
            newest = newest[:limit]
            older = newest[-1].block_number * 1_000_000 + newest[-1].log_index
        events = newest[::-1]
    header = {k: v for k, v in row.summary.items() if k != "registered_at"}
    return {**header, "ocds_id": supplier_id(supplier), "events": events, "older": older}


def supplier_of(contract: str, event: str, args: dict[str, Any]) -> int | None:
    """The supplier an event belongs to on the supplier pages (None: it is on none of them)."""
    contracts, events = SUPPLIER_RELATED
    if contract != SUPPLIER_REGISTRY and (contract not in contracts or event not in events):
        return None
    supplier = args.get("supplierId")
    return supplier if isinstance(supplier, int) else None


def supplier_summary(supplier: int, events: list[ChainEvent]) -> dict[str, Any] | None:
    """A supplier's row (registry entry, bids, wins, awarded value) from the events naming it, in
    chain order; None if the registry never named it."""
    own = [e for e in events if e.contract == SUPPLIER_REGISTRY]
    if not own:
        return None
    registered = next((e for e in own if e.event == "SupplierRegistered"), own[0])
    tenders = {e.topic1 for e in events if e.contract == "Tenders" and e.event == "BidCommitted"}
    awards = [e for e in events if e.contract == "Tenders" and e.event == "TenderAwarded"]
    withheld = [e for e in events if e.contract == "Tenders" and e.event == "BidNotOpenedBySupplier"]
    gugur = [e for e in events if e.contract == "Tenders" and e.event == "BidDeclaredNonCompliant"]
    return {
        "id": supplier,
        "umkm": registered.args.get("umkm"),
        "region": registered.args.get("regionCode"),
        "agency": registered.args.get("agencyId"),
        "registered_at": registered.block_timestamp if registered.event == "SupplierRegistered" else None,
        "bids": len(tenders),
        "wins": len(awards),
        "value": sum(e.args["value"] for e in awards),
        "withheld": len(withheld),
        "non_compliant": len(gugur),
    }


# -- welfare -------------------------------------------------------------------------------------------
# Arguments that could identify a person are never shown, whatever the welfare contract emits.
PERSONAL_ARGS = ("beneficiary", "beneficiaryKey", "nik", "account", "recipient", "payeeKey", "leaf", "proof")


def welfare_aggregates(session: Session, contract: str = "WelfarePrograms") -> list[dict[str, Any]]:
    """Per programme (the events' first indexed argument) and period: event counts by kind and the sums
    of amount-like arguments, rebuilt from the whole history (what the read model must equal; the page
    reads stored_welfare_periods). Beneficiary-level arguments are dropped before anything is counted."""
    groups: dict[tuple[str, Any], dict[str, Any]] = {}
    fold_welfare(groups, events_where(session, ChainEvent.contract == contract))
    return list(groups.values())


def welfare_key(group: dict[str, Any]) -> str:
    """The stored row's key of a (programme, period) group."""
    return json.dumps([str(group["programme"]), group["period"]], ensure_ascii=False)


def fold_welfare(
    groups: dict[tuple[str, Any], dict[str, Any]],
    rows: Iterable[ChainEvent],
    firsts: dict[tuple[str, Any], int] | None = None,
) -> None:
    """Adds welfare events, in chain order, to `groups`; `firsts` gets each new group's first event
    position (app/ocds/models.py position_of)."""
    for r in rows:
        args = {k: v for k, v in r.args.items() if not any(p.lower() in k.lower() for p in PERSONAL_ARGS)}
        programme = args.get("programmeId", args.get("programId"))
        if programme is None:
            # Per-beneficiary events without a programme (BenefitAuthorized): their batch's
            # BatchDisbursed carries the totals, and their only topic is a beneficiary key.
            continue
        period = args.get("period", args.get("periodId", "–"))
        key = (str(programme), period)
        group = groups.setdefault(
            key,
            {
                "programme": programme,
                "period": period,
                "events": Counter(),
                "sums": Counter(),
                "officials": Counter(),  # who acted: the admins and enrollers the events name
                "first": r.block_timestamp,
            },
        )
        if firsts is not None:
            firsts.setdefault(key, r.block_number * 1_000_000 + r.log_index)
        group["events"][r.event] += 1
        official = acting_official(args)
        if official is not None:
            group["officials"][official] += 1
        for k, v in args.items():
            if (
                isinstance(v, int)
                and not isinstance(v, bool)
                and any(w in k.lower() for w in ("amount", "total", "count"))
            ):
                group["sums"][k] += v


def stored_welfare_periods(session: Session) -> list[dict[str, Any]]:
    """welfare_aggregates from the read model: one row per programme and period, in order of their
    first event."""
    rows = session.scalars(select(ExplorerWelfarePeriod.summary).order_by(ExplorerWelfarePeriod.position))
    return [as_welfare_group(summary) for summary in rows]


def as_welfare_group(summary: dict[str, Any]) -> dict[str, Any]:
    """A stored summary with its counters as Counters again (what welfare_aggregates gives)."""
    return {**summary, **{k: Counter(summary[k]) for k in ("events", "sums", "officials")}}


# -- red flags -------------------------------------------------------------------------------------------
def compiled_releases(session: Session) -> list[dict[str, Any]]:
    """One OCDS compiled release per announced ocid: what app.redflags reads."""
    out = []
    for ocid in announced_ocids(session):
        releases = build_releases(ocid, release_events(session, ocid))
        if releases:
            out.append(record(ocid, releases)["compiledRelease"])
    return out


def red_flag_results(session: Session) -> tuple[Results, int]:
    """app.redflags (every indicator, defaults) over this gateway's own OCDS output, and how many
    contracting processes it read."""
    releases = compiled_releases(session)
    return evaluate(releases, default_settings()), len(releases)


def red_flags(session: Session) -> tuple[dict[str, dict[str, dict[str, float]]], int]:
    """The results in Cardinal's shape (`{"OCID": {ocid: {code: value}}, ...}`)."""
    results, analysed = red_flag_results(session)
    return results.as_dict(), analysed


def stored_red_flags_json(session: Session) -> tuple[str, int]:
    """The red flags the projection keeps (app/explorer/redflags.py), in Cardinal's JSON, and how
    many processes they were computed over."""
    text = "".join(redflag_rows.json_chunks(lambda: contextlib.nullcontext(session)))
    return text, redflag_rows.analysed(session)


def stored_red_flags(session: Session) -> tuple[dict[str, dict[str, dict[str, float]]], int]:
    """stored_red_flags_json, parsed (NaN and infinities are null, as Cardinal prints them)."""
    text, analysed = stored_red_flags_json(session)
    return json.loads(text), analysed
