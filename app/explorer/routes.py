"""The explorer's pages, under /explorer: server-rendered, read-only, public. Every page reads the
indexer's tables (and, for blocks and transactions, the node); nothing here signs or writes."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response, StreamingResponse
from fastapi.templating import Jinja2Templates
from hexbytes import HexBytes
from sqlalchemy import and_, or_

from app.api.deps import ReadSessionsDep
from app.committee.acts import decode_call
from app.explorer import archives as archive_queries
from app.explorer import committee as committee_queries
from app.explorer import queries
from app.explorer import redflags as redflag_rows
from app.explorer.charts import bar_chart
from app.explorer.i18n import LANG_COOKIE, TIME_ZONES, ZONE_COOKIE, Locale, locale
from app.indexer.models import ChainEvent
from app.ocds.releases import supplier_id
from app.officials.directory import directory
from app.payments.accounts import history as account_history
from app.plans.models import plan_facts
from app.redflags.results import GROUPS, OCID, TENDERER

HERE = Path(__file__).resolve().parent
STATIC = {p.name: p for p in (HERE / "static").iterdir() if p.suffix in (".css", ".js", ".svg")}
# Libraries copied from their npm packages (static/vendor/<package>/), served as ES modules.
VENDORED = {f"{p.parent.name}/{p.name}": p for p in (HERE / "static" / "vendor").glob("*/*.js")}
MEDIA = {".css": "text/css", ".js": "text/javascript", ".svg": "image/svg+xml"}
HASH = re.compile(r"^0x[0-9a-fA-F]{64}$")
YEAR = 365 * 24 * 3600
TENDERS_PER_PAGE = 50
SUPPLIERS_PER_PAGE = 50
FLAGS_PER_PAGE = 100  # flagged entities per group on the dashboard
CONTRACT_EVENTS_PER_PAGE = 50
SUPPLIER_EVENTS_PER_PAGE = 100
# Block numbers and supplier ids in a path: beyond what the database (and any chain) holds is
# simply not found, never an overflow deep in a query.
LARGEST = 2**63 - 1


def _in_range(number: int | None) -> bool:
    return number is None or 0 <= number <= LARGEST


templates = Jinja2Templates(directory=HERE / "templates")  # autoescapes .html
router = APIRouter(prefix="/explorer", tags=["explorer"], include_in_schema=False)
root = APIRouter(include_in_schema=False)


@root.get("/")
def home_redirect() -> RedirectResponse:
    return RedirectResponse("/explorer/", status_code=307)


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    loc = locale(request)
    chain = getattr(request.app.state, "chain", None)
    followed = chain.manifest.followed() if chain else ()
    names = {c.address.lower(): c.name for c in followed}
    # Which version of a replaced contract an address is (docs/decisions/0024-upgrades.md).
    versions = {c.address.lower(): c.version for c in followed if len(chain.manifest.versions_of(c.name)) > 1}
    response = templates.TemplateResponse(
        request,
        template,
        {
            "loc": loc,
            "t": loc.t,
            "zones": TIME_ZONES,
            "contract_names": names,
            "contract_versions": versions,
            "network": chain.manifest.network if chain else "",
            "chain_id": chain.manifest.chain_id if chain else None,
            **context,
        },
        status_code=status,
        headers={"Content-Language": loc.lang},
    )
    remember(request, response, loc)
    return response


def remember(request: Request, response: Response, loc: Locale) -> None:
    """A language or zone chosen by link is kept for the next pages."""
    if request.query_params.get("lang") == loc.lang:
        response.set_cookie(LANG_COOKIE, loc.lang, max_age=YEAR, samesite="lax")
    if request.query_params.get("tz") == loc.zone:
        response.set_cookie(ZONE_COOKIE, loc.zone, max_age=YEAR, samesite="lax")


def document_rows(view: queries.TenderView, loc: Locale) -> list[dict[str, Any]]:
    """A tender's recorded documents as its pages list them and the document check reads them."""
    return [
        {
            "hash": d.hash.lower(),
            "label": f"{loc.t('doc.' + d.kind)} {d.label_suffix}".strip(),
            "time": d.timestamp,
            "block": d.block_number,
        }
        for d in view.documents
    ]


def not_found(request: Request) -> HTMLResponse:
    return render(request, "not_found.html", status=404)


@router.get("/static/{name}")
def static(name: str) -> FileResponse:
    path = STATIC.get(name)
    if path is None:
        return Response(status_code=404)  # type: ignore[return-value]
    return FileResponse(path, media_type=MEDIA[path.suffix], headers={"Cache-Control": "public, max-age=300"})


@router.get("/static/vendor/{package}/{name}")
def vendored(package: str, name: str) -> FileResponse:
    path = VENDORED.get(f"{package}/{name}")
    if path is None:
        return Response(status_code=404)  # type: ignore[return-value]
    return FileResponse(path, media_type=MEDIA[path.suffix], headers={"Cache-Control": "public, max-age=300"})


@router.get("/", response_class=HTMLResponse)
def home(request: Request, sessions: ReadSessionsDep) -> HTMLResponse:
    with sessions() as session:
        counts = queries.counts(session)
        recent = queries.recent_events(session)
        tenders, total = queries.tender_page(session, 1, 8)
        ocids = queries.ocid_of_tender_ids(session, recent)
    return render(
        request,
        "home.html",
        counts=counts,
        recent=recent,
        tenders=tenders,
        ocids=ocids,
        tender_count=total,
    )


# -- tenders ---------------------------------------------------------------------------------------
@router.get("/tenders", response_class=HTMLResponse)
def tender_list(
    request: Request, sessions: ReadSessionsDep, page: Annotated[int, Query(ge=1, le=1_000_000)] = 1
) -> HTMLResponse:
    with sessions() as session:
        tenders, total = queries.tender_page(session, page, TENDERS_PER_PAGE)
    more = page + 1 if page * TENDERS_PER_PAGE < total else None
    return render(request, "tenders.html", tenders=tenders, more=more, previous=page - 1 or None)


@router.get("/tenders/{ocid}", response_class=HTMLResponse)
def tender_page(ocid: str, request: Request, sessions: ReadSessionsDep) -> HTMLResponse:
    with sessions() as session:
        view = queries.tender(session, ocid)
        flags = redflag_rows.flags_of(session, OCID, ocid) if view else {}
        acts = committee_queries.executed_in(session, {s.event.tx_hash for s in view.steps}) if view else {}
        book = directory(session) if view else None
        plan = plan_facts(session, ocid) if view else None  # the RUP package it cites (app/plans)
        imported = archive_queries.imported_process(session, ocid) if view is None else None
    if imported is not None:  # a past process imported from SPSE or an OCDS archive (app/archives)
        return render(request, "imported.html", p=imported)
    if view is None:
        return not_found(request)
    loc = locale(request)
    rows = [(f"{loc.t('col.supplier')} {s}", p) for s, p in view.bids.items() if p is not None]
    chart = (
        bar_chart(
            rows,
            title=loc.t("tender.bids_chart"),
            value_format=loc.rupiah,
            reference=("HPS", view.hps) if view.hps else None,
            highlight=f"{loc.t('col.supplier')} {view.winner}" if view.winner else None,
        )
        if rows
        else None
    )
    documents = document_rows(view, loc)
    return render(
        request,
        "tender.html",
        view=view,
        chart=chart,
        documents=documents,
        flags=flags,
        committee_acts=acts,
        directory=book,
        plan=plan,
    )


# -- blocks and transactions -------------------------------------------------------------------------
@router.get("/blocks", response_class=HTMLResponse)
def block_list(request: Request, sessions: ReadSessionsDep, before: int | None = None) -> HTMLResponse:
    if not _in_range(before):
        return not_found(request)
    with sessions() as session:
        rows = queries.blocks(session, before=before)
    return render(request, "blocks.html", blocks=rows, more=rows[-1]["number"] if len(rows) == 50 else None)


@router.get("/blocks/{number}", response_class=HTMLResponse)
def block_page(number: int, request: Request, sessions: ReadSessionsDep) -> HTMLResponse:
    if not _in_range(number):
        return not_found(request)
    with sessions() as session:
        events = queries.events_where(session, ChainEvent.block_number == number)
        ocids = queries.ocid_of_tender_ids(session, events)
    block, unreachable = None, False
    try:
        block = request.app.state.chain.web3.eth.get_block(number)
    except Exception:  # a node that is down or pruned: the indexed part still shows
        unreachable = True
    if block is None and not events:
        return not_found(request)
    return render(
        request,
        "block.html",
        number=number,
        block=_plain(block),
        events=events,
        ocids=ocids,
        unreachable=unreachable,
    )


@router.get("/tx/{tx_hash}", response_class=HTMLResponse)
def transaction_page(tx_hash: str, request: Request, sessions: ReadSessionsDep) -> HTMLResponse:
    if not HASH.match(tx_hash):
        return not_found(request)
    tx_hash = tx_hash.lower()
    with sessions() as session:
        events = queries.events_where(session, ChainEvent.tx_hash == tx_hash)
        ocids = queries.ocid_of_tender_ids(session, events)
    tx, receipt, unreachable = None, None, False
    try:
        web3 = request.app.state.chain.web3
        tx, receipt = web3.eth.get_transaction(tx_hash), web3.eth.get_transaction_receipt(tx_hash)
    except Exception:  # unknown to the node, or the node is down
        unreachable = not events
    if tx is None and not events:
        return not_found(request)
    return render(
        request,
        "tx.html",
        tx_hash=tx_hash,
        tx=_plain(tx),
        receipt=_plain(receipt),
        events=events,
        ocids=ocids,
        unreachable=unreachable,
    )


def _plain(value: Any) -> Any:
    """web3's attribute dicts and HexBytes as plain dicts and 0x strings, for templates."""
    if value is None:
        return None
    if isinstance(value, (bytes, HexBytes)):
        return "0x" + bytes(value).hex()
    if hasattr(value, "items"):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


# -- contracts -----------------------------------------------------------------------------------------
@router.get("/contracts", response_class=HTMLResponse)
def contract_list(request: Request, sessions: ReadSessionsDep) -> HTMLResponse:
    contracts = list(request.app.state.chain.manifest.contracts.values())
    with sessions() as session:
        counts = {c.name: sum(n for _, n in queries.event_counts(session, c.name)) for c in contracts}
    return render(request, "contracts.html", contracts=contracts, counts=counts)


@router.get("/contracts/{name}", response_class=HTMLResponse)
def contract_page(
    name: str,
    request: Request,
    sessions: ReadSessionsDep,
    event: str | None = None,
    before: Annotated[int | None, Query(ge=0, le=LARGEST)] = None,
) -> HTMLResponse:
    """A contract's newest events (of one kind with `event`), a page at a time: `before` is the
    position (app/ocds/models.py position_of) of the last event of the previous page."""
    contract = request.app.state.chain.manifest.contracts.get(name)
    if contract is None:
        return not_found(request)
    conditions = [ChainEvent.contract == name] + ([ChainEvent.event == event] if event else [])
    if before is not None:
        block, index = divmod(before, 1_000_000)
        conditions.append(
            or_(
                ChainEvent.block_number < block,
                and_(ChainEvent.block_number == block, ChainEvent.log_index < index),
            )
        )
    with sessions() as session:
        kinds = queries.event_counts(session, name)
        events = queries.events_where(session, *conditions, limit=CONTRACT_EVENTS_PER_PAGE, newest_first=True)
        ocids = queries.ocid_of_tender_ids(session, events)
    older = (
        events[-1].block_number * 1_000_000 + events[-1].log_index
        if len(events) == CONTRACT_EVENTS_PER_PAGE
        else None
    )
    chart = bar_chart(kinds, title=locale(request).t("contract.by_event")) if kinds else None
    return render(
        request,
        "contract.html",
        contract=contract,
        versions=request.app.state.chain.manifest.versions_of(name),
        kinds=kinds,
        events=events,
        ocids=ocids,
        chart=chart,
        selected=event,
        older=older,
    )


# -- suppliers -----------------------------------------------------------------------------------------
@router.get("/suppliers", response_class=HTMLResponse)
def supplier_list(
    request: Request, sessions: ReadSessionsDep, page: Annotated[int, Query(ge=1, le=1_000_000)] = 1
) -> HTMLResponse:
    with sessions() as session:
        rows, total = queries.supplier_page(session, page, SUPPLIERS_PER_PAGE)
    more = page + 1 if page * SUPPLIERS_PER_PAGE < total else None
    return render(request, "suppliers.html", suppliers=rows, more=more, previous=page - 1 or None)


@router.get("/suppliers/{supplier}", response_class=HTMLResponse)
def supplier_page(
    supplier: int,
    request: Request,
    sessions: ReadSessionsDep,
    before: Annotated[int | None, Query(ge=0, le=LARGEST)] = None,
) -> HTMLResponse:
    """A supplier's summary and its newest events, a page at a time (`before`: as on the contract
    pages, the position of the oldest event of the page after)."""
    if not _in_range(supplier):
        return not_found(request)
    with sessions() as session:
        history = queries.stored_supplier_history(session, supplier, SUPPLIER_EVENTS_PER_PAGE, before)
        ocids = queries.ocid_of_tender_ids(session, history["events"] if history else ())
        flags = redflag_rows.flags_of(session, TENDERER, supplier_id(supplier))
    if history is None:
        return not_found(request)
    return render(
        request,
        "supplier.html",
        s=history,
        ocids=ocids,
        flags=flags,
        steps=queries.STEPS,
        zero_address=queries.ZERO_ADDRESS,
        non_compliance=queries.NON_COMPLIANCE,
    )


# -- imported archives (app/archives) -----------------------------------------------------------------
@router.get("/archives", response_class=HTMLResponse)
def archive_list(request: Request, sessions: ReadSessionsDep) -> HTMLResponse:
    with sessions() as session:
        archives = archive_queries.anchored_archives(session)
    return render(request, "archives.html", archives=archives)


# -- money rules (policy versions) ---------------------------------------------------------------------
@router.get("/policies", response_class=HTMLResponse)
def policy_list(request: Request, sessions: ReadSessionsDep) -> HTMLResponse:
    with sessions() as session:
        versions = queries.policy_versions(session)
    return render(
        request, "policies.html", versions=versions, current=versions[-1].version if versions else None
    )


@router.get("/policies/{version}", response_class=HTMLResponse)
def policy_page(version: int, request: Request, sessions: ReadSessionsDep) -> HTMLResponse:
    with sessions() as session:
        versions = queries.policy_versions(session)
    chosen = next((v for v in versions if v.version == version), None)
    if chosen is None:
        return not_found(request)
    return render(request, "policy.html", v=chosen, current=versions[-1].version, fmt=_policy_value)


def _policy_value(loc, unit: str, value: int) -> str:
    """A figure as its unit reads: rupiah, percent (from bps or ppm), days and hours."""
    if unit == "rupiah":
        return loc.rupiah(value)
    if unit in ("bps", "ppm"):
        percent = value / (100 if unit == "bps" else 10_000)
        text = f"{percent:g}%"
        return text.replace(".", ",") if loc.lang == "id" else text
    days, rest = divmod(value, 24 * 3600)
    hours, seconds = divmod(rest, 3600)
    parts = [f"{days} {loc.t('unit.days')}"] if days else []
    parts += [f"{hours} {loc.t('unit.hours')}"] if hours else []
    parts += [f"{seconds} {loc.t('detail.seconds')}"] if seconds or not parts else []
    return " ".join(parts)


# -- payout accounts --------------------------------------------------------------------------------
@router.get("/payees/{payee_key}/accounts", response_class=HTMLResponse)
def payee_accounts(payee_key: str, request: Request, sessions: ReadSessionsDep) -> HTMLResponse:
    """A payee's payout account versions (app/payments/accounts.py): who proposed and who decided
    each, from when it is effective; numbers masked, no holder's name."""
    if not HASH.match(payee_key):
        return not_found(request)
    with sessions() as session:
        versions = account_history(session, payee_key)
    if not versions:
        return not_found(request)
    for v in versions:  # the template shows times in the reader's zone (WIB by default)
        for name in ("proposedAt", "decidedAt", "effectiveFrom", "revokedAt"):
            v[name] = int(v[name].timestamp()) if v[name] is not None else None
    return render(request, "payee_accounts.html", payee_key=payee_key.lower(), versions=versions)


# -- welfare -----------------------------------------------------------------------------------------
@router.get("/welfare", response_class=HTMLResponse)
def welfare(request: Request, sessions: ReadSessionsDep) -> HTMLResponse:
    deployed = "WelfarePrograms" in request.app.state.chain.manifest.contracts
    groups, book = [], None
    if deployed:
        with sessions() as session:
            groups = queries.stored_welfare_periods(session)
            book = directory(session)
    return render(request, "welfare.html", deployed=deployed, groups=groups, directory=book)


# -- committee -------------------------------------------------------------------------------------------
@router.get("/committee", response_class=HTMLResponse)
def committee_list(request: Request, sessions: ReadSessionsDep) -> HTMLResponse:
    deployed = "Committee" in request.app.state.chain.manifest.contracts
    with sessions() as session:
        proposals = committee_queries.proposals(session) if deployed else []
    return render(request, "committee.html", deployed=deployed, proposals=proposals)


@router.get("/committee/{proposal_id}", response_class=HTMLResponse)
def committee_proposal(proposal_id: int, request: Request, sessions: ReadSessionsDep) -> HTMLResponse:
    if not _in_range(proposal_id):
        return not_found(request)
    with sessions() as session:
        found = committee_queries.proposal(session, proposal_id)
    if found is None:
        return not_found(request)
    calls, unreachable = [], False
    chain = request.app.state.chain
    try:
        raw = found.calls or chain.contract("Committee").functions.proposalCalls(proposal_id).call()
        for call in raw:
            target, data = (call["target"], call["data"]) if isinstance(call, dict) else call
            calls.append(decode_call(chain, target, data))
    except Exception:  # the node is down: the indexed history still shows
        unreachable = True
    return render(request, "proposal.html", p=found, calls=calls, unreachable=unreachable)


# -- red flags -------------------------------------------------------------------------------------------
@router.get("/redflags", response_class=HTMLResponse)
def red_flags(
    request: Request,
    sessions: ReadSessionsDep,
    group: Annotated[str | None, Query(pattern="^(" + "|".join(GROUPS) + ")$")] = None,
    after: Annotated[str | None, Query(max_length=255)] = None,
) -> HTMLResponse:
    """Counts per indicator and group, and a page of flagged entities per group (all groups, or
    the next page of one: `group`, `after`), read from the rows: the page costs the same however
    many processes are flagged."""
    with sessions() as session:
        per_code, per_group = redflag_rows.counts(session)
        analysed = redflag_rows.analysed(session)
        shown = [group] if group else list(per_group)
        pages = {
            g: redflag_rows.entity_page(session, g, after if group else None, FLAGS_PER_PAGE) for g in shown
        }
        titles = queries.titles_of(session, pages[OCID][0] if OCID in pages else ())
    loc = locale(request)
    by_code = sorted(per_code.items())
    chart_codes = (
        bar_chart(
            [(f"{c} {loc.indicator(c)}", n) for c, n in by_code],
            title=loc.t("flags.by_indicator"),
            label_width=300,
        )
        if by_code
        else None
    )
    chart_groups = (
        bar_chart([(loc.t("group." + g), n) for g, n in per_group.items()], title=loc.t("flags.by_group"))
        if per_group
        else None
    )
    return render(
        request,
        "redflags.html",
        results={g: entities for g, (entities, _) in pages.items()},
        more={g: following for g, (_, following) in pages.items() if following is not None},
        per_group=per_group,
        analysed=analysed,
        chart_codes=chart_codes,
        chart_groups=chart_groups,
        titles=titles,
    )


@router.get("/redflags.json")
def red_flags_json(sessions: ReadSessionsDep) -> StreamingResponse:
    """The dashboard's data as `python -m app.redflags` prints it (Cardinal's output shape),
    streamed from the rows a bounded page at a time."""
    return StreamingResponse(redflag_rows.json_chunks(sessions), media_type="application/json")
