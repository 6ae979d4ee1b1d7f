"""What the explorer pages read: indexed events from the database, shaped for display. Plain
functions over a session; nothing here writes."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.explorer.models import ExplorerSupplier, ExplorerSupplierEvent, ExplorerTender, RedFlagResults
from app.indexer.models import ChainEvent
from app.ocds.events import Event, announced_ocids, events_of
from app.ocds.models import OcdsTender
from app.ocds.packages import record
from app.ocds.releases import build_releases, supplier_id
from app.protocol import vocabulary
from app.protocol.bids import tender_id
from app.redflags.engine import default_settings, evaluate
from app.redflags.results import Results

# (contract, event) -> the timeline step it is (a key of i18n's `step.*`).
STEPS: dict[tuple[str, str], str] = {
    ("Tenders", "TenderAnnounced"): "announcement",
    ("Tenders", "TenderAmended"): "addendum",
    ("Tenders", "TenderCancelled"): "cancellation",
    ("Tenders", "EvaluatorsAppointed"): "evaluators",
    ("Tenders", "BidCommitted"): "commit",
    ("Tenders", "BidRevealed"): "reveal",
    ("Tenders", "BidRejected"): "rejection",
    ("Tenders", "TechnicalScoresSubmitted"): "scores",
    ("Tenders", "AwardProposed"): "evaluation",
    ("Tenders", "ObjectionFiled"): "objection",
    ("Tenders", "ObjectionResolved"): "objection_answer",
    ("Tenders", "TenderAwarded"): "award",
    ("Tenders", "TenderFailed"): "failure",
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
# Stage groups, for the colour of a timeline entry.
PHASES = {
    "announcement": "tender",
    "addendum": "tender",
    "cancellation": "tender",
    "evaluators": "tender",
    "commit": "bids",
    "reveal": "bids",
    "rejection": "bids",
    "scores": "bids",
    "evaluation": "award",
    "objection": "award",
    "objection_answer": "award",
    "award": "award",
    "failure": "award",
}
# Hashes of documents an event records: (contract, event, argument) -> i18n key `doc.*`.
DOCUMENT_ARGS = {
    ("Tenders", "TenderCancelled", "reasonHash"): "cancellation",
    ("Tenders", "ObjectionFiled", "evidenceHash"): "objection",
    ("Tenders", "ObjectionResolved", "responseHash"): "objection_answer",
    ("MilestoneEscrow", "EscrowCreated", "termsHash"): "terms",
    ("MilestoneEscrow", "MilestoneAttested", "evidenceHash"): "bast",
}
ZERO_HASH = "0x" + "00" * 32
# A tender's status on its page (i18n `status.*`): the API's ITenders.TenderStatus word, then two
# steps of its contract only the explorer shows.
TENDER_STATUS = vocabulary.enum("ITenders.TenderStatus")
CONTRACTED, PAID = "contracted", "paid"
SUPPLIER_EVENTS = (
    "BidCommitted",
    "BidRevealed",
    "BidRejected",
    "AwardProposed",
    "ObjectionFiled",
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


@dataclass
class Document:
    kind: str
    label_suffix: str
    hash: str
    timestamp: int
    block_number: int


@dataclass
class TenderView:
    ocid: str
    tender_id: str
    title: str = ""
    agency: int | None = None
    hps: int | None = None
    announced_at: int | None = None
    commit_deadline: int | None = None
    reveal_deadline: int | None = None
    status: str = TENDER_STATUS.word("Open")
    winner: int | None = None
    contract_value: int | None = None
    paid: int = 0
    bids: dict[int, int | None] = field(default_factory=dict)  # supplier id -> revealed price
    steps: list[Step] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)


def tender_view(ocid: str, events: list[Event]) -> TenderView | None:
    """A tender's summary, timeline and recorded documents from its events (None if never announced)."""
    if not events or events[0].name != "TenderAnnounced":
        return None
    view = TenderView(ocid, "0x" + tender_id(ocid).hex())
    for n, e in enumerate(events, start=1):
        key = STEPS.get((e.contract, e.name), "other")
        view.steps.append(
            Step(key, PHASES.get(key, "contract" if e.contract != "Payments" else "payment"), e, n)
        )
        _apply(view, e)
        for (contract, name, arg), kind in DOCUMENT_ARGS.items():
            value = e.args.get(arg)
            known = any(
                d.hash == value and d.kind == kind for d in view.documents
            )  # k attestations, one file
            if (e.contract, e.name) == (contract, name) and value and value != ZERO_HASH and not known:
                suffix = f"#{e.args['index'] + 1}" if "index" in e.args else ""
                view.documents.append(Document(kind, suffix, value, e.timestamp, e.block_number))
    return view


def _apply(view: TenderView, e: Event) -> None:
    a = e.args
    if e.name == "TenderAnnounced":
        p = a["params"]
        view.title, view.agency, view.hps = p["title"], p["agencyId"], p["hps"]
        view.announced_at, view.commit_deadline, view.reveal_deadline = (
            e.timestamp,
            p["commitDeadline"],
            p["revealDeadline"],
        )
        view.documents.append(Document("tender", "", p["documentHash"], e.timestamp, e.block_number))
    elif e.name == "TenderAmended":
        view.commit_deadline, view.reveal_deadline = a["commitDeadline"], a["revealDeadline"]
        view.documents.append(
            Document("addendum", f"#{a['addendumNumber']}", a["documentHash"], e.timestamp, e.block_number)
        )
    elif e.name == "BidCommitted":
        view.bids.setdefault(a["supplierId"], None)
    elif e.name == "BidRevealed":
        view.bids[a["supplierId"]] = a["price"]
    elif e.name == "AwardProposed":
        view.status = TENDER_STATUS.word("AwardProposed")
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
    """A TenderView (without timeline and documents) from its stored summary."""
    return TenderView(
        ocid,
        s["tender_id"],
        title=s["title"],
        agency=s["agency"],
        hps=s["hps"],
        announced_at=s["announced_at"],
        commit_deadline=s["commit_deadline"],
        reveal_deadline=s["reveal_deadline"],
        status=s["status"],
        winner=s["winner"],
        contract_value=s["contract_value"],
        paid=s["paid"],
        bids={supplier: price for supplier, price in s["bids"]},
    )


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
    total, latest = session.execute(
        select(func.count(ChainEvent.id), func.max(ChainEvent.block_number))
    ).one()
    return {"events": total or 0, "latest_block": latest}


def recent_events(session: Session, limit: int = 15) -> list[ChainEvent]:
    return list(
        session.scalars(
            select(ChainEvent)
            .order_by(ChainEvent.block_number.desc(), ChainEvent.log_index.desc())
            .limit(limit)
        )
    )


def blocks(session: Session, limit: int = 50, before: int | None = None) -> list[dict[str, Any]]:
    """Blocks holding indexed events, newest first: number, hash, timestamp, event count."""
    query = select(
        ChainEvent.block_number, ChainEvent.block_hash, ChainEvent.block_timestamp, func.count(ChainEvent.id)
    ).group_by(ChainEvent.block_number, ChainEvent.block_hash, ChainEvent.block_timestamp)
    if before is not None:
        query = query.where(ChainEvent.block_number < before)
    rows = session.execute(query.order_by(ChainEvent.block_number.desc()).limit(limit))
    return [{"number": n, "hash": h, "timestamp": ts, "events": c} for n, h, ts, c in rows]


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
    rows = session.execute(
        select(ChainEvent.event, func.count(ChainEvent.id))
        .where(ChainEvent.contract == contract)
        .group_by(ChainEvent.event)
        .order_by(func.count(ChainEvent.id).desc())
    )
    return [(name, n) for name, n in rows]


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
            **stats.get(r.args["supplierId"], {"bids": 0, "wins": 0, "value": 0}),
        }
        for r in registered
    ]


def _supplier_stats(session: Session) -> dict[int, dict[str, int]]:
    stats: dict[int, dict[str, int]] = defaultdict(lambda: {"bids": 0, "wins": 0, "value": 0})
    seen: set[tuple[str, int]] = set()
    for r in events_where(
        session, ChainEvent.contract == "Tenders", ChainEvent.event.in_(("BidCommitted", "TenderAwarded"))
    ):
        s = r.args["supplierId"]
        if r.event == "BidCommitted" and (r.topic1, s) not in seen:
            seen.add((r.topic1, s))
            stats[s]["bids"] += 1
        elif r.event == "TenderAwarded":
            stats[s]["wins"] += 1
            stats[s]["value"] += r.args["value"]
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
        **_supplier_stats(session).get(supplier, {"bids": 0, "wins": 0, "value": 0}),
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


def stored_supplier_history(session: Session, supplier: int) -> dict[str, Any] | None:
    """supplier_history from the read model: the supplier's row and one indexed join for its events."""
    row = session.get(ExplorerSupplier, supplier)
    if row is None:
        return None
    link = ExplorerSupplierEvent
    events = session.scalars(
        select(ChainEvent)
        .join(link, link.event_id == ChainEvent.id)
        .where(link.supplier_id == supplier)
        .order_by(link.block_number, link.log_index)
    )
    header = {k: v for k, v in row.summary.items() if k != "registered_at"}
    return {**header, "ocds_id": supplier_id(supplier), "events": list(events)}


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
    return {
        "id": supplier,
        "umkm": registered.args.get("umkm"),
        "region": registered.args.get("regionCode"),
        "agency": registered.args.get("agencyId"),
        "registered_at": registered.block_timestamp if registered.event == "SupplierRegistered" else None,
        "bids": len(tenders),
        "wins": len(awards),
        "value": sum(e.args["value"] for e in awards),
    }


# -- welfare -------------------------------------------------------------------------------------------
# Arguments that could identify a person are never shown, whatever the welfare contract emits.
PERSONAL_ARGS = ("beneficiary", "beneficiaryKey", "nik", "account", "recipient", "payeeKey", "leaf", "proof")


def welfare_aggregates(session: Session, contract: str = "WelfarePrograms") -> list[dict[str, Any]]:
    """Per programme (the events' first indexed argument) and period: event counts by kind and the sums
    of amount-like arguments. Beneficiary-level arguments are dropped before anything is counted."""
    groups: dict[tuple[str, Any], dict[str, Any]] = {}
    for r in events_where(session, ChainEvent.contract == contract):
        args = {k: v for k, v in r.args.items() if not any(p.lower() in k.lower() for p in PERSONAL_ARGS)}
        programme = args.get("programmeId", args.get("programId"))
        if programme is None:
            # Per-beneficiary events without a programme (BenefitAuthorized): their batch's
            # BatchDisbursed carries the totals, and their only topic is a beneficiary key.
            continue
        period = args.get("period", args.get("periodId", "–"))
        group = groups.setdefault(
            (str(programme), period),
            {
                "programme": programme,
                "period": period,
                "events": Counter(),
                "sums": Counter(),
                "first": r.block_timestamp,
            },
        )
        group["events"][r.event] += 1
        for k, v in args.items():
            if (
                isinstance(v, int)
                and not isinstance(v, bool)
                and any(w in k.lower() for w in ("amount", "total", "count"))
            ):
                group["sums"][k] += v
    return list(groups.values())


# -- red flags -------------------------------------------------------------------------------------------
def compiled_releases(session: Session) -> list[dict[str, Any]]:
    """One OCDS compiled release per announced ocid: what app.redflags reads."""
    out = []
    for ocid in announced_ocids(session):
        releases = build_releases(ocid, events_of(session, ocid))
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
    """The red flags the projection last computed (Cardinal's JSON) and how many processes it read."""
    row = session.get(RedFlagResults, "main")
    return (row.results_json, row.analysed) if row is not None else ("{}", 0)


def stored_red_flags(session: Session) -> tuple[dict[str, dict[str, dict[str, float]]], int]:
    """stored_red_flags_json, parsed (NaN and infinities are null, as Cardinal prints them)."""
    text, analysed = stored_red_flags_json(session)
    return json.loads(text), analysed
