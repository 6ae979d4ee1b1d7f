"""Helpers for the insider-attack tests of Tenders (test_tender_eligibility, _stale_signatures,
_quorum_opening, _sealed_scores, _weighted_tkdn, _pause_clock, _noncompliance, _appeal).

They build on the tender kit (tender_fixtures.py): the PPK (`officer`, dev:4) announces and stays
outside the Pokja, so it is both "an officer of the agency who is not a member" and the KPA who
answers appeals; the Pokja is officer2 and two more IKN officers, quorum 2; `pu_officer` is an
officer of another agency; `outsider` holds no role at all.

Blacklisting goes through `blacklist_from_now` only (on the conftest's two-officer `blacklist`),
so a change of the registry's blacklist procedure is one edit. Suppliers that must both sign
(EIP-712) and send transactions themselves come from `keyed_suppliers` (keys known to the test,
funded from the deployer).
"""

from __future__ import annotations

from fractions import Fraction

from brownie import accounts, chain, web3
from eth_account import Account

from app.protocol import bids as bidlib
from tests.contracts.revert_messages import latest_timestamp
from tests.contracts.tender_fixtures import BPS, DAY

ZERO_ADDRESS = "0x0000000000000000000000000000000000000000"
KP_UNIT = BPS * BPS  # TkdnMath: KP in units of 1/10^8
SUPPLIER_KEYS = ("0x" + "b1" * 32, "0x" + "b2" * 32, "0x" + "b3" * 32)
SUPPLIER_LABELS = ("pt-beton-kaltim", "pt-baja-penajam", "pt-karya-samarinda")


# -- the registry acts an insider would use -------------------------------------------------------
def blacklist_from_now(blacklist, supplier_id, days=365):
    """Blacklists `supplier_id` for `days` from (within a minute of) now, through the conftest's
    `blacklist` fixture (one IKN officer proposes, a second confirms), and waits until it is in
    force. The one place the attack tests blacklist a supplier. Returns the confirmation."""
    start = chain.time() + 60  # a proposal may not start in the past: leave the blocks a margin
    confirmed = blacklist(supplier_id, start, start + days * DAY, web3.keccak(text=f"sanksi {supplier_id}"))
    chain.sleep(max(start - chain.time(), 0) + 1)
    chain.mine()
    return confirmed


def certify(tkdn, certifier, product, tkdn_bps, bmp_bps=0, valid_until=None):
    """(Re)issues the TKDN certificate of `product` (a 32-byte id)."""
    valid_until = valid_until or latest_timestamp() + 365 * DAY
    return tkdn.certifyProduct(
        product,
        tkdn_bps,
        bmp_bps,
        valid_until,
        web3.keccak(bytes(product) + b"sertifikat"),
        {"from": certifier},
    )


def revoke(tkdn, certifier, product):
    return tkdn.revokeCertificate(product, web3.keccak(text="sertifikat dicabut"), {"from": certifier})


# -- the clock ---------------------------------------------------------------------------------------
def openings_close_at(kit, tender_id) -> int:
    """When the quorum's opening window after the reveal deadline closes (no pause in between)."""
    return kit.tender(tender_id)["revealDeadline"] + kit.tender(tender_id)["quorumOpeningWindow"]


def to_openings_closed(kit, tender_id):
    """Past the quorum's opening window: the evaluation no longer waits for bids still sealed."""
    kit.sleep_until(openings_close_at(kit, tender_id) + 1)


# -- the pause clock --------------------------------------------------------------------------------
def pause(tenders, guardian):
    return tenders.pause({"from": guardian})


def unpause(tenders, committee, delayed) -> int:
    """Unpauses through the committee's delayed call; returns the seconds the pause lasted."""
    tx = delayed(committee, tenders, "unpause")
    return int(tx.events["PauseTimeCredited"]["pausedSeconds"])


# -- arithmetic of the rules, recomputed here ------------------------------------------------------
def hea(price: int, tkdn_bps: int, preference_bps: int) -> int:
    """HEA = (1 - TKDN x preference) x price, rounded up to a whole rupiah (Perpres 16/2018 Ps 67)."""
    factor = KP_UNIT - tkdn_bps * preference_bps
    return -(-price * factor // KP_UNIT)


def value_score(
    technical_scores: list[int], hea_: int, lowest_hea: int, technical_weight_bps: int
) -> Fraction:
    """Sistem nilai, exactly: wT x mean technical score + wP x 10,000 x lowest HEA / HEA (in bps)."""
    mean = Fraction(sum(technical_scores), len(technical_scores))
    price_score = Fraction(BPS * lowest_hea, hea_)
    return (technical_weight_bps * mean + (BPS - technical_weight_bps) * price_score) / BPS


def recovered_signer(primary_type: str, signature: bytes, **message) -> str:
    """The address the contract recovers from `signature` over the message it sees (bids.digest)."""
    return Account._recover_hash(bidlib.digest(primary_type, **message), signature=signature)


def event_products(event) -> list[tuple[str, int]]:
    """BidRevealed's products as (0x id, shareBps) pairs."""
    return [
        ("0x" + bytes(p[0]).hex() if not isinstance(p[0], str) else p[0].lower(), int(p[1]))
        for p in event["products"]
    ]


def as_pairs(products) -> list[tuple[str, int]]:
    return [("0x" + bytes(p).hex(), int(s)) for p, s in products]


# -- parties ---------------------------------------------------------------------------------------
def keyed_suppliers(active_supplier, deployer) -> list[tuple]:
    """Three verified suppliers whose private keys the test holds and whose accounts hold ETH: they
    sign EIP-712 messages and also send transactions themselves. List of (account, supplier id).
    Call it from a module-scoped fixture (each module deploys its own registry)."""
    suppliers = []
    for key, label in zip(SUPPLIER_KEYS, SUPPLIER_LABELS, strict=True):
        account = accounts.add(key)
        deployer.transfer(account, "10 ether")
        suppliers.append((account, active_supplier(account, label)))
    return suppliers
