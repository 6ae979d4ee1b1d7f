"""The replay's figures: per-unit gas, time and memory, the indexer's catch-up, and the extrapolation
to Indonesia's volume on a four-validator QBFT consortium; written to bench/national_replay.json and
the "National replay" section of docs/performance.md (the other sections untouched)."""

from __future__ import annotations

import datetime
import json
import os
import platform
import re
from decimal import Decimal
from pathlib import Path

from bench.replay.chain import BLOCK_GAS
from bench.replay.procurement import BID_KINDS, ESCROW_KINDS, SUPPLIER_KINDS, TENDER_KINDS
from bench.replay.welfare import WELFARE_KINDS

# The consortium the extrapolation assumes: Besu, QBFT, four validators; blocks always full.
GAS_LIMITS = (30_000_000, 50_000_000)
BLOCK_PERIODS = (2, 5)
QUARTER_FAMILIES = (10_000_000, 20_000_000)
YEAR_TENDERS, YEAR_BIDS = 150_000, 1_000_000
SECTION = "## National replay"


def _ratio(a: float, b: float) -> float | None:
    return a / b if b else None


def figures(*, args, counts, year, tally, procurement, quarter, wall, sampler, indexed, head) -> dict:
    def gas(*kinds):
        return tally.gas_of(*kinds)

    escrows = len(procurement.escrow_ids)
    anvil = {
        phase: sampler.peak("anvil", phase)
        for phase in ("deploy", "suppliers", "procurement", "enrol", "pay")
    }
    units = {
        "tender": {
            "count": counts["tenders"],
            "gas": _ratio(gas(*TENDER_KINDS), counts["tenders"]),
            "gas_all_in": _ratio(gas(*TENDER_KINDS, *BID_KINDS, *ESCROW_KINDS), counts["tenders"]),
            "seconds_all_in": _ratio(wall["procurement"], counts["tenders"]),
            "anvil_kib_all_in": _ratio((anvil["procurement"] - anvil["suppliers"]) * 1024, counts["tenders"]),
        },
        "bid": {"count": year.bids, "gas": _ratio(gas(*BID_KINDS), year.bids)},
        "escrow": {"count": escrows, "gas": _ratio(gas(*ESCROW_KINDS), escrows)},
        "family_enrolled": {
            "count": quarter.enrolled,
            "applicants": quarter.applicants,
            "gas_per_applicant": _ratio(gas("enrol"), quarter.applicants),
            "gas": _ratio(gas("enrol"), quarter.enrolled),
            "seconds": _ratio(wall["enrol"], quarter.enrolled),
            "anvil_kib": _ratio((anvil["enrol"] - anvil["procurement"]) * 1024, quarter.enrolled),
        },
        "family_paid": {
            "count": quarter.paid,
            "gas": _ratio(gas(*WELFARE_KINDS[1:]), quarter.paid),
            "seconds": _ratio(wall["pay"], quarter.paid),
            "anvil_kib": _ratio((anvil["pay"] - anvil["enrol"]) * 1024, quarter.paid),
        },
    }
    return {
        "command": command(args),
        "machine": machine(),
        "scale": args.scale,
        "seed": args.seed,
        "cohort": args.cohort,
        "batch": args.batch,
        "database": "PostgreSQL" if args.database_url else "SQLite",
        "volume": {"tenders": counts["tenders"], "bids": year.bids, "families": counts["families"]},
        "suppliers": len(year.suppliers),
        "agencies": len(year.agencies),
        "outcomes": dict(procurement.outcomes),
        "escrows": escrows,
        "milestones_paid": tally.transactions["settle"],
        "welfare": {
            "applicants": quarter.applicants,
            "enrolled": quarter.enrolled,
            "paid": quarter.paid,
            "total_rupiah": quarter.total,
            "batches": quarter.batches,
        },
        "wall_seconds": wall,
        "transactions": dict(tally.transactions),
        "gas": dict(tally.gas),
        "events": dict(tally.events),
        "transactions_total": sum(tally.transactions.values()),
        "events_total": sum(tally.events.values()),
        "blocks": head,
        "units": units,
        "peak_rss_mib": {
            "anvil": sampler.peak("anvil"),
            "replay": sampler.peak("replay"),
            "anvil_by_phase": anvil,
        },
        "indexer": indexed,
        "extrapolation": extrapolation(units),
        "kinds": {
            "tender": TENDER_KINDS,
            "bid": BID_KINDS,
            "escrow": ESCROW_KINDS,
            "supplier": SUPPLIER_KINDS,
            "welfare": WELFARE_KINDS,
        },
    }


def extrapolation(units: dict) -> list[dict]:
    """Hours of chain time at full blocks, from the measured gas per unit."""
    pay = units["family_paid"]["gas"] or 0
    enrol = units["family_enrolled"]["gas"] or 0
    year_gas = (
        YEAR_TENDERS * (units["tender"]["gas_all_in"] or 0)
        - YEAR_TENDERS
        * ((units["bid"]["gas"] or 0) * units["bid"]["count"] / max(units["tender"]["count"], 1))
        + YEAR_BIDS * (units["bid"]["gas"] or 0)
    )
    rows = []
    for limit in GAS_LIMITS:
        for period in BLOCK_PERIODS:
            per_hour = limit * 3600 / period
            row = {"block_gas_limit": limit, "block_period_s": period}
            for families in QUARTER_FAMILIES:
                row[f"pay_{families}_hours"] = families * pay / per_hour
                row[f"enrol_{families}_hours"] = families * enrol / per_hour
            row["procurement_year_hours"] = year_gas / per_hour
            rows.append(row)
    return rows


def command(args) -> str:
    parts = [".venv-app/bin/python bench/national_replay.py"]
    parts.append("--full" if args.scale == 1.0 else f"--scale {plain(args.scale)}")
    parts.append(f"--seed {args.seed}")
    if args.database_url:
        parts.append("--database-url <PostgreSQL URL>")
    return " ".join(parts)


def plain(scale: float) -> str:
    """0.00004, not 4e-05."""
    return f"{Decimal(repr(scale)):f}"


def machine() -> str:
    return (
        f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()},"
        f" {datetime.date.today().isoformat()}"
    )


def summary(f: dict) -> str:
    u = f["units"]
    return (
        f"{f['volume']['tenders']:,} tenders ({f['outcomes']}), {f['volume']['bids']:,} bids, "
        f"{f['escrows']:,} escrows, {f['welfare']['enrolled']:,} families enrolled,"
        f" {f['welfare']['paid']:,} paid; "
        f"{f['transactions_total']:,} transactions, {f['events_total']:,} events, {f['blocks']:,} blocks; "
        f"gas/tender {u['tender']['gas_all_in']:,.0f} all-in, gas/bid {u['bid']['gas']:,.0f}, "
        f"gas/family enrolled {u['family_enrolled']['gas']:,.0f}, paid {u['family_paid']['gas']:,.0f}; "
        f"indexer {f['indexer']['events'] / f['indexer']['seconds']:,.0f} events/s, "
        f"peak {f['indexer']['peak_kib'] / 1024:,.0f} MiB, database {f['indexer']['database_mib']:,.0f} MiB; "
        + "wall seconds "
        + ", ".join(f"{k} {v:,.0f}" for k, v in f["wall_seconds"].items())
    )


def _n(value, digits: int = 0) -> str:
    return "n/a" if value is None else f"{value:,.{digits}f}"


def section(f: dict) -> str:
    u, w, ix, k = f["units"], f["wall_seconds"], f["indexer"], f["kinds"]
    enrolled, paid = u["family_enrolled"], u["family_paid"]

    def txs(*kinds: str) -> int:
        return sum(f["transactions"].get(kind, 0) for kind in kinds)

    full = f["scale"] == 1.0
    lines = [
        SECTION,
        "",
        "A year of procurement and a welfare quarter, generated from a seed and driven through the real",
        "contracts on a fresh anvil, then caught up by the real indexer (with the gateway's read models) in",
        f"a fresh process, measured by `{f['command']}` (written by the script, not by hand).",
        f"Scale measured: {plain(f['scale'])} of a national year"
        + (
            "."
            if full
            else " (a year is 150,000 tenders, 1,000,000 bids, 10,000,000 families); the"
            " extrapolation below scales the gas measured at this scale."
        ),
        "Transactions are sent in pipelined JSON-RPC batches with automine off (anvil signs for its dev",
        "accounts and impersonates the generated officials and suppliers); tenders run in cohorts of"
        f" {f['cohort']:,} sharing one timeline moved by time travel; enrol and disburse carry"
        f" {f['batch']} families each. Blocks hold up to {BLOCK_GAS // 1_000_000}M gas: anvil"
        " recomputes the whole state root at every block, so consortium-sized blocks would make the"
        " block count, not the transactions, set the replay's time; the extrapolation below uses"
        " consortium-sized blocks.",
        "",
        f"Machine: {f['machine']}. Database: {f['database']}.",
        "",
        "| what | count | transactions | gas per unit | wall seconds | per second |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
        f"| tenders (all-in: bids, sanggah, award, escrow, milestones) | {u['tender']['count']:,} |"
        f" {txs(*k['tender'], *k['bid'], *k['escrow']):,} | {_n(u['tender']['gas_all_in'])} |"
        f" {_n(w['procurement'], 1)} | {_n(u['tender']['count'] / w['procurement'], 2)} |",
        f"| - tender lifecycle only (announce .. award) | {u['tender']['count']:,} |"
        f" {txs(*k['tender']):,} | {_n(u['tender']['gas'])} | | |",
        f"| - bids (commit with envelope, reveal) | {u['bid']['count']:,} |"
        f" {txs(*k['bid']):,} | {_n(u['bid']['gas'])} | | |",
        f"| - escrows (create .. last milestone settled) | {u['escrow']['count']:,} |"
        f" {txs(*k['escrow']):,} | {_n(u['escrow']['gas'])} | | |",
        f"| families enrolled (of {enrolled['applicants']:,} applicants) | {enrolled['count']:,} |"
        f" {txs('enrol'):,} | {_n(enrolled['gas'])} | {_n(w['enrol'], 1)} |"
        f" {_n(enrolled['count'] / w['enrol'])} |",
        f"| families paid (disburse + settle) | {paid['count']:,} | {txs('disburse', 'settle_batch'):,} |"
        f" {_n(paid['gas'])} | {_n(w['pay'], 1)} | {_n(paid['count'] / w['pay'])} |",
        "",
        f"Outcomes: {f['outcomes'].get('awarded', 0):,} tenders awarded,"
        f" {f['outcomes'].get('failed', 0):,} failed (no or too few valid bids, sanggah upheld);"
        f" {f['escrows']:,} escrows, {f['milestones_paid']:,} milestone payments settled;"
        f" {f['suppliers']:,} suppliers, {f['agencies']} agencies besides the pilot's."
        f" Paid Rp{f['welfare']['total_rupiah']:,} to {f['welfare']['paid']:,} families in"
        f" {f['welfare']['batches']:,} batches.",
        f"Chain: {f['transactions_total']:,} transactions, {f['events_total']:,} events,"
        f" {f['blocks']:,} blocks.",
        "",
        "Memory: anvil grew by"
        f" {_n(u['tender']['anvil_kib_all_in'], 1)} KiB per tender (all-in),"
        f" {_n(u['family_enrolled']['anvil_kib'], 2)} KiB per family enrolled and"
        f" {_n(u['family_paid']['anvil_kib'], 2)} KiB per family paid; peak RSS anvil"
        f" {f['peak_rss_mib']['anvil']:,.0f} MiB, the replay driver {f['peak_rss_mib']['replay']:,.0f} MiB.",
        "",
        f"Indexer catch-up of the whole replay: {ix['events']:,} events in {ix['seconds']:,.1f} s ="
        f" {ix['events'] / ix['seconds']:,.0f} events/s, {ix['batches']:,} batches, peak RSS"
        f" {ix['peak_kib'] / 1024:,.0f} MiB, database {ix['database_mib']:,.0f} MiB after indexing.",
        "Resident memory during catch-up (events: MiB): "
        + ", ".join(f"{n:,}: {kib / 1024:.0f}" for n, kib in ix["samples"])
        + "."
        + (f" Catch-up measured again by `{ix['command']}`." if "command" in ix else ""),
        "",
    ]
    if "gateway" in f:
        lines += [gateway_line(f["gateway"]), ""]
    lines += [
        "Extrapolation to Indonesia's volume on a four-validator QBFT consortium (Besu), from the gas per",
        "unit measured above: hours of chain time with every block full (no other traffic), block gas limit",
        "and period as stated. A welfare quarter pays 10 or 20 million families (enrolment happens once,",
        "then only changes); a procurement year is 150,000 tenders and 1,000,000 bids, all-in.",
        "",
        "| block gas | period | pay 10M families | pay 20M | enrol 10M | enrol 20M | procurement year |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in f["extrapolation"]:
        lines.append(
            f"| {r['block_gas_limit'] // 1_000_000}M | {r['block_period_s']} s |"
            f" {r['pay_10000000_hours']:,.1f} h | {r['pay_20000000_hours']:,.1f} h |"
            f" {r['enrol_10000000_hours']:,.1f} h | {r['enrol_20000000_hours']:,.1f} h |"
            f" {r['procurement_year_hours']:,.1f} h |"
        )
    lines.append("")
    return "\n".join(lines)


def gateway_line(g: dict) -> str:
    if "refused" in g:
        return (
            f"Through the real gateway (`python -m app`, SQLite, its indexer off): the sample of"
            f" {g['tenders']:,} tenders and {g['bids']:,} bids stopped at a refusal: {g['refused']}"
        )
    return (
        f"Through the real gateway (`python -m app`, SQLite, its indexer off), reported apart from the"
        f" direct path: a sample of {g['tenders']:,} tenders (the pilot agency's, announced with their"
        f" Pokja) and their {g['bids']:,} bids, each an EIP-712-signed commit relayed by"
        f" `POST /tenders/{{ocid}}/bids/commitments` and answered once confirmed, in blocks sealed every"
        f" {g.get('block_period', 0)} s: {g['requests']:,}"
        " requests in"
        f" {g['seconds']:,.1f} s ({g['rate']:,.1f} bids/s), median {g['p50_ms']:,.0f} ms, p99"
        f" {g['p99_ms']:,.0f} ms per request; gateway peak RSS {g['gateway_peak_rss_mib']:,.0f} MiB."
    )


def write(f: dict, doc: Path, record: Path) -> None:
    record.write_text(json.dumps(f, indent=2, default=str) + "\n")
    write_section(f, doc)


def write_section(f: dict, doc: Path) -> None:
    text = doc.read_text() if doc.exists() else "# Performance\n\nMeasured by commands, never by hand.\n"
    body = section(f)
    pattern = re.compile(r"^## National replay\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(text):
        text = pattern.sub(lambda _: body + "\n", text).rstrip("\n") + "\n"
    else:
        text = text.rstrip("\n") + "\n\n" + body
    doc.write_text(text)
