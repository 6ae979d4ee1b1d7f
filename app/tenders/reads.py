"""Reads of the Tenders contract that the tender routes share: a tender, a bid, its Pokja, the commit
events (who bid, and each bid's envelope), and the clock a transaction sent now will meet; plus the
Call that checks a period right before its data reaches the node."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Path
from web3 import Web3
from web3.exceptions import ContractCustomError

from app.api.errors import ApiError
from app.api.writes import Call
from app.ledger.clock import chain_now
from app.ledger.reverts import ChainRevert
from app.ledger.view_calls import named
from app.protocol import bids, vocabulary

OPEN = vocabulary.enum("ITenders.TenderStatus").code("Open")
SEALED = vocabulary.enum("ITenders.BidStatus").code("Sealed")
Ocid = Annotated[
    str, Path(min_length=1, max_length=200, description="OCDS id, e.g. ocds-terang-1001-2026-0001")
]
SupplierIdPath = Annotated[int, Path(ge=1, lt=2**64, description="The bidder's supplier registry id")]


def tender(chain, ocid: str) -> dict:
    """getTender of `ocid` by field name; 404 for a tender the chain does not know."""
    try:
        raw = chain.read("Tenders", "getTender", bids.tender_id(ocid))
    except ContractCustomError:  # TenderUnknown
        raise ApiError(404, "not_found", detail=f"no tender {ocid}") from None
    data = named(chain.contract("Tenders"), "getTender", raw)
    if data["status"] == 0:
        raise ApiError(404, "not_found", detail=f"no tender {ocid}")
    return data


def bid(chain, ocid: str, supplier_id: int) -> dict:
    """getBid by field name (status None: no bid)."""
    raw = chain.read("Tenders", "getBid", bids.tender_id(ocid), supplier_id)
    return named(chain.contract("Tenders"), "getBid", raw)


def pokja(chain, ocid: str) -> tuple[list[str], list[bytes]]:
    """The Pokja's members in order (share index = position + 1) and their X25519 envelope keys."""
    members, keys = chain.read("Tenders", "pokjaOf", bids.tender_id(ocid))
    return [Web3.to_checksum_address(m) for m in members], [bytes(k) for k in keys]


def commits(chain, ocid: str, supplier_id: int | None = None) -> list[dict[str, Any]]:
    """The tender's BidCommitted events in chain order (of one supplier when given), each with its
    `commitment`, `commitSeq`, `replaced` and `envelope` bytes."""
    tenders = chain.contract("Tenders")
    filters: dict[str, Any] = {"tenderId": bids.tender_id(ocid)}
    if supplier_id is not None:
        filters["supplierId"] = supplier_id
    logs = tenders.events.BidCommitted().get_logs(
        argument_filters=filters, from_block=chain.manifest.contracts["Tenders"].block_number
    )
    ordered = sorted(logs, key=lambda log: (log["blockNumber"], log["logIndex"]))
    return [
        {
            "supplierId": log["args"]["supplierId"],
            "commitment": bytes(log["args"]["commitment"]),
            "commitSeq": log["args"]["commitSeq"],
            "replaced": log["args"]["replaced"],
            "envelope": bytes(log["args"]["envelope"]),
        }
        for log in ordered
    ]


def sealed_sheet_of(chain, ocid: str, member: str) -> bytes | None:
    """The hash `member` sealed its score sheet with (its ScoreSheetSealed event), or None."""
    tenders = chain.contract("Tenders")
    logs = tenders.events.ScoreSheetSealed().get_logs(
        argument_filters={"tenderId": bids.tender_id(ocid), "member": member},
        from_block=chain.manifest.contracts["Tenders"].block_number,
    )
    return bytes(logs[-1]["args"]["sealedSheet"]) if logs else None


def bidders(chain, ocid: str) -> list[int]:
    """Every supplier that committed a bid, ascending: the list evaluate and score sheets take."""
    return sorted({commit["supplierId"] for commit in commits(chain, ocid)})


def current_commit(chain, ocid: str, supplier_id: int, sealed_bid: bytes) -> dict[str, Any] | None:
    """The supplier's commit whose commitment, commitSeq and envelope hash to the sealed bid the chain
    holds now (its last one), or None."""
    for commit in reversed(commits(chain, ocid, supplier_id)):
        digest = bids.envelope_hash(commit["envelope"])
        if bids.sealed_bid(commit["commitment"], commit["commitSeq"], digest) == sealed_bid:
            return commit
    return None


@dataclass(frozen=True)
class CallWithBeforeSend(Call):
    """A Call that runs `before_send` when its data is built, i.e. right before the transaction is
    simulated, signed and sent (app/ledger/writes.py); a replayed or followed retry never builds it.
    A ChainRevert raised there is answered like the contract's own refusal and releases the
    Idempotency-Key."""

    before_send: Callable[[], None] = lambda: None

    def data(self) -> bytes:
        self.before_send()
        return super().data()


def in_reveal_period(chain, ocid: str) -> None:
    """Refuses with the contract's own errors outside the reveal period (from the scoring deadline in
    a value-system tender, else the commit deadline, to the reveal deadline): an opening sent then
    would hand the price and salt to the node while bids are meant to stay sealed."""
    current, tender_hex = tender(chain, ocid), Web3.to_hex(bids.tender_id(ocid))
    if current["status"] != OPEN:
        raise ChainRevert("TenderWrongStatus", {"tenderId": tender_hex, "status": current["status"]})
    opens = current["scoringDeadline"] or current["commitDeadline"]
    if not opens <= chain_now(chain) < current["revealDeadline"]:
        raise ChainRevert(
            "TenderNotInRevealPeriod",
            {"tenderId": tender_hex, "opensAt": opens, "closesAt": current["revealDeadline"]},
        )


def reveal_over(chain, ocid: str) -> None:
    """Refuses with the contract's own error before the reveal deadline: a Pokja opening sent then
    would hand a withheld price to the node while the supplier may still open its bid itself."""
    current = tender(chain, ocid)
    if chain_now(chain) < current["revealDeadline"]:
        raise ChainRevert(
            "TenderRevealNotOver",
            {"tenderId": Web3.to_hex(bids.tender_id(ocid)), "revealDeadline": current["revealDeadline"]},
        )
