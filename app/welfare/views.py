"""Reading welfare programmes, periods and beneficiaries off the ledger as JSON-ready dicts.

State comes from the chain (authoritative, at once). A programme's name and region lists are not
kept in the contract's state, only in its ProgrammeDefined / ProgrammeRulesChanged events, so they
come from the indexer's tables (app/indexer) and are None until the indexer has stored them.
Unknown programmes raise ChainRevert(WelfareUnknownProgramme), answered 404 by the routes."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from web3 import Web3

from app.indexer.models import ChainEvent
from app.ledger.client import ChainClient
from app.ledger.reverts import ChainRevert, ErrorDecoder
from app.ledger.view_calls import call_view, named
from app.protocol import welfare as welfarelib

CONTRACT = "WelfarePrograms"
NOT_ENROLLED = welfarelib.BENEFICIARY_STATUSES.index("none")
NO_APPEAL = welfarelib.APPEAL_STATUSES.index("none")


def topic_of_id(value: int) -> str:
    """An indexed uint as the indexer stores it in `topic1`."""
    return "0x" + f"{value:064x}"


def current_period(chain: ChainClient, decoder: ErrorDecoder, programme_id: int) -> int | None:
    """The programme's current period, None before its first period (or ChainRevert if unknown)."""
    welfare = chain.contract(CONTRACT)
    try:
        return call_view(decoder, welfare.functions.currentPeriod(programme_id))
    except ChainRevert as revert:
        if revert.error == "WelfareProgrammeNotStarted":
            return None
        raise


def raw_programme(chain: ChainClient, decoder: ErrorDecoder, programme_id: int) -> dict[str, Any]:
    welfare = chain.contract(CONTRACT)
    return named(welfare, "getProgramme", call_view(decoder, welfare.functions.getProgramme(programme_id)))


def rules_for(chain: ChainClient, programme_id: int, period: int) -> dict[str, Any]:
    """The rules in force in `period`, with their version number."""
    welfare = chain.contract(CONTRACT)
    raw, version = welfare.functions.rulesFor(programme_id, period).call()
    rules = named(welfare, "rulesFor", raw)
    return {
        "version": version,
        "deciles": welfarelib.deciles_of(rules["decileMask"]),
        "allRegions": rules["allRegions"],
        "componentCap": rules["componentCap"],
        "budgetPerPeriod": rules["budgetPerPeriod"],
        "componentAmounts": list(rules["componentAmounts"]),
    }


def indexed_definitions(session: Session, programme_id: int) -> tuple[str | None, dict[int, list[int]]]:
    """The programme's name and each rules version's region list, as far as the indexer has them."""
    rows = session.scalars(
        select(ChainEvent)
        .where(
            ChainEvent.contract == CONTRACT,
            ChainEvent.event.in_(("ProgrammeDefined", "ProgrammeRulesChanged")),
            ChainEvent.topic1 == topic_of_id(programme_id),
        )
        .order_by(ChainEvent.block_number, ChainEvent.log_index)
    )
    name, regions = None, {}
    for row in rows:
        if row.event == "ProgrammeDefined":
            name, regions[1] = row.args.get("name"), list(row.args.get("regions", []))
        else:
            regions[int(row.args["version"])] = list(row.args.get("regions", []))
    return name, regions


def programme_view(
    chain: ChainClient, decoder: ErrorDecoder, session: Session, programme_id: int
) -> dict[str, Any]:
    data = raw_programme(chain, decoder, programme_id)
    current = current_period(chain, decoder, programme_id)
    in_force = rules_for(chain, programme_id, current or 0)
    pending = None
    if data["pendingVersion"] and data["pendingFrom"] > (current or 0):
        pending = {
            **rules_for(chain, programme_id, data["pendingFrom"]),
            "effectiveFrom": data["pendingFrom"],
        }
    name, regions = indexed_definitions(session, programme_id)
    for rules in filter(None, (in_force, pending)):
        rules["regions"] = None if rules["allRegions"] else regions.get(rules["version"])
    return {
        "programmeId": programme_id,
        "name": name,
        "firstPeriodStart": data["firstPeriodStart"],
        "periodLength": data["periodLength"],
        "currentPeriod": current,
        "rulesVersions": data["versionCount"],
        "batches": data["batchCount"],
        "rules": in_force,
        "pendingRules": pending,
    }


def period_view(chain: ChainClient, decoder: ErrorDecoder, programme_id: int, period: int) -> dict[str, Any]:
    data = raw_programme(chain, decoder, programme_id)
    current = current_period(chain, decoder, programme_id)
    welfare = chain.contract(CONTRACT)
    state = named(welfare, "periodState", welfare.functions.periodState(programme_id, period).call())
    rules = rules_for(chain, programme_id, period)
    starts = data["firstPeriodStart"] + period * data["periodLength"]
    return {
        "programmeId": programme_id,
        "period": period,
        "phase": _phase(period, current),
        "startsAt": starts,
        "endsAt": starts + data["periodLength"],
        "rulesVersion": rules["version"],
        "budget": rules["budgetPerPeriod"],
        "spent": state["spent"],
        "remaining": rules["budgetPerPeriod"] - state["spent"],
        "batches": state["batches"],
        "exhausted": state["exhausted"],
    }


def _phase(period: int, current: int | None) -> str:
    if current is None or period > current:
        return "upcoming"
    return "current" if period == current else "past"


def unpack_components(packed: int) -> list[int]:
    """Beneficiary.components: eight 8-bit counts, component i in bits 8i..8i+7."""
    return [packed >> (8 * i) & 0xFF for i in range(welfarelib.COMPONENTS)]


def beneficiary_view(
    chain: ChainClient, decoder: ErrorDecoder, programme_id: int, key: bytes
) -> dict[str, Any] | None:
    """A beneficiary (or a refused applicant with an appeal) of the programme; None if neither."""
    raw_programme(chain, decoder, programme_id)
    welfare = chain.contract(CONTRACT)
    stored = named(welfare, "getBeneficiary", welfare.functions.getBeneficiary(programme_id, key).call())
    appeal = welfare.functions.appealOf(programme_id, key).call()
    if stored["status"] == NOT_ENROLLED and appeal == NO_APPEAL:
        return None
    current = current_period(chain, decoder, programme_id)
    period = current or 0
    amount, reason = welfare.functions.benefitOf(programme_id, key, period).call()
    return {
        "programmeId": programme_id,
        "beneficiaryKey": Web3.to_hex(key),
        "status": welfarelib.BENEFICIARY_STATUSES[stored["status"]],
        "decile": stored["decile"] or None,
        "region": stored["region"] or None,
        "components": unpack_components(stored["components"]),
        "lastPaidPeriod": stored["paidThrough"] - 1 if stored["paidThrough"] else None,
        "benefit": {
            "period": period,
            "amount": amount,
            "reason": None if reason == welfarelib.REASON["None"] else welfarelib.REASONS[reason],
            "paid": stored["paidThrough"] > period,
        },
        "appeal": welfarelib.APPEAL_STATUSES[appeal],
    }
