"""The synthetic PKH population, reproducible from a seed (no chain, no brownie): families with a
realistic DTSEN decile and PKH component mix, and each as the contract's Applicant tuple under a keyed
hash of its NIK. Used by scripts/welfare_population.py (brownie) and bench/national_replay.py (web3).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass

from app.protocol import welfare as welfarelib

# DTSEN deciles of registered applicants (most registrations come from the poorest deciles; the rest
# are refused with DecileNotEligible).
DECILE_WEIGHTS = {1: 25, 2: 22, 3: 20, 4: 18, 5: 8, 6: 4, 7: 2, 8: 1}
# Distribution of the count of each PKH component per family (count: weight), in the order of docs/domain.md.
COMPONENT_COUNTS = {
    "pregnant": {0: 97, 1: 3},
    "early_childhood": {0: 65, 1: 28, 2: 7},
    "primary_school": {0: 45, 1: 35, 2: 17, 3: 3},
    "junior_secondary": {0: 75, 1: 22, 2: 3},
    "senior_secondary": {0: 78, 1: 20, 2: 2},
    "severe_disability": {0: 97, 1: 3},
    "elderly": {0: 83, 1: 15, 2: 2},
}
# Kabupaten/kota codes (BPS) the synthetic families live in.
REGIONS = (1101, 1271, 3171, 3273, 3374, 3578, 5171, 5301, 6302, 6303, 6371, 7371, 8171, 9471)


@dataclass(frozen=True)
class Family:
    nik: str  # stays in this process
    decile: int
    region: int
    components: tuple[int, ...]


def _pick(rng: random.Random, weights: dict[int, int]) -> int:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def synthetic_population(size: int, seed: int) -> list[Family]:
    """`size` families with a realistic decile and component mix, reproducible from `seed`."""
    return list(families(size, seed))


def families(size: int, seed: int) -> Iterator[Family]:
    """The same families one at a time (a national population need not be held in memory)."""
    rng = random.Random(seed)  # noqa: S311 (synthetic data, reproducible on purpose)
    for serial in range(size):
        region = rng.choice(REGIONS)
        day = rng.randint(1, 28) + (40 if rng.random() < 0.6 else 0)  # NIK adds 40 for women
        nik = f"{region}{rng.randint(1, 30):02d}{day:02d}{rng.randint(1, 12):02d}{rng.randint(50, 99):02d}"
        nik += f"{serial % 10_000:04d}"
        counts = tuple(_pick(rng, COMPONENT_COUNTS[name]) for name in welfarelib.PKH_COMPONENTS) + (0,)
        yield Family(nik, _pick(rng, DECILE_WEIGHTS), region, counts)


def applicant(secret: bytes, family: Family) -> tuple:
    return (
        welfarelib.beneficiary_key(secret, family.nik),
        family.decile,
        family.region,
        list(family.components),
    )
