"""The replay's synthetic year of procurement, reproducible from a seed: agencies (ministries,
provinces, cities) with their officials, a supplier pool, and tenders with a skewed number of bidders
(many with 1-3, few with 10+), prices against the HPS (most 80-100%), sanggah and failures."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

from eth_utils import keccak, to_checksum_address

# (agency id, name, weight): a few large spenders, a long tail of regional governments. Ids of
# ministries 4xxx, provinces 50xx (BPS province code), cities 6xxxxx (BPS kabupaten/kota code).
AGENCIES = (
    (4001, "Kementerian Kesehatan", 14),
    (4002, "Kementerian Pendidikan Dasar dan Menengah", 12),
    (4003, "Kementerian Perhubungan", 10),
    (4004, "Kementerian Agama", 8),
    (4005, "Kepolisian Negara Republik Indonesia", 8),
    (5011, "Pemerintah Provinsi Aceh", 4),
    (5031, "Pemerintah Provinsi DKI Jakarta", 9),
    (5032, "Pemerintah Provinsi Jawa Barat", 8),
    (5035, "Pemerintah Provinsi Jawa Timur", 7),
    (5051, "Pemerintah Provinsi Bali", 3),
    (5063, "Pemerintah Provinsi Kalimantan Selatan", 3),
    (5073, "Pemerintah Provinsi Sulawesi Selatan", 4),
    (5094, "Pemerintah Provinsi Papua", 3),
    (603273, "Pemerintah Kota Bandung", 3),
    (603578, "Pemerintah Kota Surabaya", 4),
    (607371, "Pemerintah Kota Makassar", 2),
    (606371, "Pemerintah Kota Banjarmasin", 2),
    (605171, "Pemerintah Kota Denpasar", 2),
)
CATEGORIES = {"Goods": 45, "Construction": 22, "Consultancy": 10, "OtherServices": 23}
REGIONS = (1101, 1271, 3171, 3273, 3374, 3578, 5171, 5301, 6302, 6371, 7371, 8171, 9471)
MIN_BIDDERS = 0.03  # share of tenders nobody bids on (they fail)
QUORUM_THREE = 0.20  # share of tenders that need three valid bids (fewer: the tender fails)
UNREVEALED = 0.04  # share of bids their supplier never opens (recorded unopened at evaluation)
OBJECTED = 0.12  # share of proposed awards with at least two bids that get a sanggah
UPHELD = 0.15  # share of sanggah upheld (the tender fails and is re-tendered)
MILESTONES = {1: 40, 2: 25, 3: 20, 4: 15}  # milestones per contract (termin)


def account(seed: int, label: str) -> str:
    """A generated account (officials, suppliers): anvil impersonates it, no key exists."""
    return to_checksum_address(keccak(text=f"terang-replay:{seed}:{label}")[-20:])


@dataclass(frozen=True)
class Agency:
    id: int
    name: str
    weight: int
    ppk: str  # announces, appoints the Pokja, signs and approves contracts
    pokja: tuple[str, str, str]  # quorum 2
    verifiers: tuple[str, str, str]  # PPHP: attest deliveries, quorum 2


@dataclass
class Tender:
    serial: int
    ocid: str
    agency: Agency
    category: str
    hps: int
    min_valid_bids: int
    bidders: list[int]  # indexes into the supplier pool
    prices: list[int]  # per bidder, rupiah, <= hps
    revealed: list[bool]  # per bidder
    objection: bool  # a losing bidder files a sanggah if the award is proposed
    upheld: bool  # ... and the Pokja upholds it (the tender fails)
    milestones: int
    # filled in by the replay
    supplier_ids: list[int] = field(default_factory=list)
    outcome: str = ""  # "awarded" or "failed"


@dataclass
class Year:
    seed: int
    agencies: list[Agency]
    suppliers: list[str]
    tenders: list[Tender]

    @property
    def bids(self) -> int:
        return sum(len(t.bidders) for t in self.tenders)


def agencies(seed: int) -> list[Agency]:
    out = []
    for agency_id, name, weight in AGENCIES:

        def acct(label: str, agency_id: int = agency_id) -> str:
            return account(seed, f"{agency_id}:{label}")

        out.append(
            Agency(
                agency_id,
                name,
                weight,
                acct("ppk"),
                (acct("pokja1"), acct("pokja2"), acct("pokja3")),
                (acct("pphp1"), acct("pphp2"), acct("pphp3")),
            )
        )
    return out


def bidder_counts(rng: random.Random, tenders: int, bids: int, ceiling: int) -> list[int]:
    """Skewed counts summing to `bids`: 1 + lognormal (median ~3, long tail), a few tenders with none."""
    counts = [
        0 if rng.random() < MIN_BIDDERS else min(ceiling, 1 + int(rng.lognormvariate(0.7, 1.44)))
        for _ in range(tenders)
    ]
    # Nudge the total to `bids` exactly, one bid at a time on random tenders that can take it.
    while sum(counts) != bids:
        i = rng.randrange(tenders)
        if sum(counts) < bids and 0 < counts[i] < ceiling:
            counts[i] += 1
        elif sum(counts) > bids and counts[i] > 1:
            counts[i] -= 1
    return counts


def price_share(rng: random.Random) -> float:
    """Offer / HPS: most offers 80-100% of the HPS, a tail of aggressive ones down to 60%."""
    if rng.random() < 0.88:
        return 0.80 + 0.20 * rng.betavariate(2.5, 1.4)
    return rng.uniform(0.60, 0.80)


def hps(rng: random.Random, category: str) -> int:
    """HPS in rupiah, lognormal around Rp600 juta (construction larger), kept under the bid-bond
    threshold of the policy (Rp10 miliar) so no tender needs a jaminan penawaran."""
    median = 1_500_000_000 if category == "Construction" else 600_000_000
    value = rng.lognormvariate(math.log(median), 1.0)
    return int(min(max(value, 50_000_000), 9_900_000_000)) // 1000 * 1000


def year(seed: int, tenders: int, bids: int) -> Year:
    rng = random.Random(seed)
    pool = agencies(seed)
    supplier_count = max(40, tenders // 2)
    suppliers = [account(seed, f"supplier:{i}") for i in range(supplier_count)]
    # Some suppliers bid far more often than others (Zipf-like activity).
    activity = [1 / (i + 1) ** 0.8 for i in range(supplier_count)]
    ceiling = min(40, supplier_count)
    counts = bidder_counts(rng, tenders, bids, ceiling)
    weights = [a.weight for a in pool]
    categories, category_weights = list(CATEGORIES), list(CATEGORIES.values())
    out = []
    for serial, count in enumerate(counts):
        agency = rng.choices(pool, weights=weights)[0]
        category = rng.choices(categories, weights=category_weights)[0]
        ceiling_price = hps(rng, category)
        chosen: list[int] = []
        while len(chosen) < count:
            pick = rng.choices(range(supplier_count), weights=activity)[0]
            if pick not in chosen:
                chosen.append(pick)
        prices = [int(ceiling_price * price_share(rng)) // 1000 * 1000 for _ in chosen]
        out.append(
            Tender(
                serial=serial,
                ocid=f"ocds-terang-{agency.id}-replay-{seed}-{serial:07d}",
                agency=agency,
                category=category,
                hps=ceiling_price,
                min_valid_bids=3 if rng.random() < QUORUM_THREE else 1,
                bidders=chosen,
                prices=prices,
                revealed=[rng.random() >= UNREVEALED for _ in chosen],
                objection=rng.random() < OBJECTED,
                upheld=rng.random() < UPHELD,
                milestones=rng.choices(list(MILESTONES), weights=list(MILESTONES.values()))[0],
            )
        )
    return Year(seed, pool, suppliers, out)
