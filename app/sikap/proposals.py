"""National blacklist entries (SIKaP) against the registry: which registered suppliers, by their
keyed NIB hash on chain, have an entry not over yet, whether the registry's own blacklist already
covers it, and the blacklist proposal that would carry it on chain. Proposing is an officer's act
(POST /suppliers/{id}/blacklist-proposals), and it takes effect only when a second officer of the
same agency confirms it (SupplierRegistry.confirmBlacklist): nothing here proposes or confirms."""

from __future__ import annotations

from sqlalchemy.orm import Session
from web3 import Web3

from app.ledger.view_calls import named
from app.sikap.models import blacklist

MAX_PERIOD = 731 * 86400  # SupplierRegistry: a sanction lasts at most 2 years
LEAD_SECONDS = 600  # a proposal starts this long after the comparison: never backdated on chain


def reason_hash(reason: str) -> str:
    return Web3.to_hex(Web3.keccak(text=f"SIKaP daftar hitam: {reason}"))


def matches(chain, session: Session, now: int) -> list[dict]:
    entries: dict[str, list] = {}
    for entry in blacklist(session):
        if entry.end > now:
            entries.setdefault(entry.nib_hash, []).append(entry)
    if not entries:
        return []
    registry = chain.contract("SupplierRegistry")
    found = []
    for supplier_id in range(1, chain.read("SupplierRegistry", "supplierCount") + 1):
        record = named(registry, "getSupplier", chain.read("SupplierRegistry", "getSupplier", supplier_id))
        for entry in entries.get(Web3.to_hex(record["nibHash"]), []):
            start = max(entry.start, now + LEAD_SECONDS)
            end = min(entry.end, start + MAX_PERIOD)
            # on chain already: the registry's period reaches from (about) the entry's start, or from
            # a confirmation soon after the comparison, to the entry's end (or the 2 years it may last)
            covered = record["blacklistStart"] <= start and record["blacklistEnd"] >= end
            found.append(
                {
                    "supplierId": supplier_id,
                    "start": entry.start,
                    "end": entry.end,
                    "reasonHash": reason_hash(entry.reason),
                    "onChain": covered,
                    "proposal": None
                    if covered or end <= start
                    else {"start": start, "end": end, "reasonHash": reason_hash(entry.reason)},
                }
            )
    return found
