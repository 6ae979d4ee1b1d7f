"""The money rules (PolicyRegistry): each field of IPolicyRegistry.Policy with its default (the
figures of Perpres 16/2018 as amended by Perpres 12/2021 and 46/2025), its unit, and the
regulation's name for it in Bahasa Indonesia and English. The deployment publishes version 1 from
these defaults (or the deploy config's `policy:` block); the gateway and the explorer label every
version with them. The field order is the contract's (vocabulary.json); a test checks that every
field of the struct is described here and nothing else.

Only the stdlib and the vocabulary are used, so both Python environments can import it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from app.protocol import vocabulary

POLICY = vocabulary.struct("IPolicyRegistry.Policy")
POLICY_ABI = POLICY.abi_type

# What version 1 implements when the deploy config names no source; its keccak256 is the sourceHash.
DEFAULT_SOURCE = "Perpres 16/2018 jo. Perpres 12/2021 jo. Perpres 46/2025"

DAY = 24 * 3600


@dataclass(frozen=True)
class Rule:
    field: str  # the Solidity field name, as the API gives it
    default: int
    unit: str  # rupiah | bps (1/10,000) | ppm (1/1,000,000) | seconds
    label_id: str  # the regulation's name for it, Bahasa Indonesia
    label_en: str
    basis: str  # where the regulation says it


RULES: dict[str, Rule] = {
    rule.field: rule
    for rule in (
        Rule(
            "preferenceHpsThreshold",
            1_000_000_000,
            "rupiah",
            "Ambang HPS preferensi harga dalam negeri",
            "HPS above which the domestic price preference applies",
            "Perpres 16/2018 Ps 67",
        ),
        Rule(
            "preferenceMinTkdnBps",
            2_500,
            "bps",
            "TKDN minimum penawaran untuk preferensi",
            "Minimum offered TKDN for the preference",
            "Perpres 16/2018 Ps 67",
        ),
        Rule(
            "maxPreferenceBps",
            2_500,
            "bps",
            "Preferensi harga tertinggi",
            "Highest price preference",
            "Perpres 16/2018 Ps 67",
        ),
        Rule(
            "domesticOnlyMinBps",
            4_000,
            "bps",
            "TKDN + BMP minimum tender produk dalam negeri",
            "Minimum TKDN + BMP in a domestic-only tender",
            "Perpres 16/2018 Ps 66",
        ),
        Rule(
            "umkmReservationCeiling",
            15_000_000_000,
            "rupiah",
            "Batas nilai paket yang dicadangkan untuk usaha kecil",
            "Highest HPS reserved for small businesses",
            "Perpres 12/2021",
        ),
        Rule(
            "addendumNotice",
            3 * DAY,
            "seconds",
            "Jarak minimum adendum dokumen pemilihan ke batas penawaran",
            "Least time an addendum leaves before the bid deadline",
            "Terang (adendum dokumen pemilihan)",
        ),
        Rule(
            "bidBondHpsThreshold",
            10_000_000_000,
            "rupiah",
            "Ambang HPS jaminan penawaran (konstruksi)",
            "HPS above which construction needs a bid bond",
            "Perpres 16/2018 Ps 30",
        ),
        Rule(
            "bidBondMinBps",
            100,
            "bps",
            "Jaminan penawaran terendah (dari HPS)",
            "Lowest bid bond (share of HPS)",
            "Perpres 16/2018 Ps 30",
        ),
        Rule(
            "bidBondMaxBps",
            300,
            "bps",
            "Jaminan penawaran tertinggi (dari HPS)",
            "Highest bid bond (share of HPS)",
            "Perpres 16/2018 Ps 30",
        ),
        Rule(
            "appealWindow",
            5 * DAY,
            "seconds",
            "Masa sanggah banding setelah jawaban sanggah",
            "Appeal (sanggah banding) window after the objection's answer",
            "Perpres 12/2021; LKPP 12/2021",
        ),
        Rule(
            "quorumOpeningWindow",
            2 * DAY,
            "seconds",
            "Masa pembukaan penawaran oleh kuorum Pokja",
            "Window for the Pokja quorum to open withheld bids",
            "Terang (penawaran tersegel)",
        ),
        Rule(
            "advanceSmallBusinessBps",
            3_000,
            "bps",
            "Uang muka tertinggi, usaha kecil",
            "Highest advance payment, small businesses",
            "Perpres 16/2018 Ps 29",
        ),
        Rule(
            "advanceOtherBps",
            2_000,
            "bps",
            "Uang muka tertinggi, usaha non-kecil dan konsultansi",
            "Highest advance payment, other suppliers and consultancy",
            "Perpres 16/2018 Ps 29",
        ),
        Rule(
            "advanceMultiYearBps",
            1_500,
            "bps",
            "Uang muka tertinggi, kontrak tahun jamak",
            "Highest advance payment, multi-year contracts",
            "Perpres 16/2018 Ps 29",
        ),
        Rule(
            "amendmentCapBps",
            1_000,
            "bps",
            "Tambahan nilai adendum tertinggi (dari harga awal)",
            "Highest value added by amendments (share of the original price)",
            "Perpres 16/2018 Ps 54",
        ),
        Rule(
            "retentionBps",
            500,
            "bps",
            "Retensi (jaminan pemeliharaan)",
            "Retention (maintenance guarantee)",
            "Perpres 16/2018 Ps 53(2)",
        ),
        Rule(
            "penaltyPpmPerDay",
            1_000,
            "ppm",
            "Denda keterlambatan per hari",
            "Late-delivery penalty per day",
            "Perpres 16/2018 Ps 79(4)",
        ),
        Rule(
            "penaltyCapBps",
            500,
            "bps",
            "Batas denda keterlambatan (dari nilai kontrak)",
            "Penalty cap (share of the contract value)",
            "Terang (setara jaminan pelaksanaan)",
        ),
        Rule(
            "performanceBondThreshold",
            200_000_000,
            "rupiah",
            "Ambang nilai kontrak jaminan pelaksanaan",
            "Contract value above which a performance bond is needed",
            "Perpres 16/2018 Ps 33",
        ),
        Rule(
            "performanceBondBps",
            500,
            "bps",
            "Jaminan pelaksanaan (dari nilai kontrak)",
            "Performance bond (share of the contract value)",
            "Perpres 16/2018 Ps 33",
        ),
    )
}

DEFAULTS: dict[str, int] = {name: rule.default for name, rule in RULES.items()}


class PolicyConfigError(ValueError):
    """A policy block names an unknown field or gives a value that is not a whole number."""


def policy_tuple(values: Mapping[str, int]) -> tuple[int, ...]:
    """The Policy struct as the contract takes it (fields in declaration order)."""
    return tuple(int(values[name]) for name in POLICY.names)


def merged(overrides: Mapping[str, Any] | None) -> dict[str, int]:
    """The defaults with `overrides` applied; unknown fields and non-integers refused. The bounds
    are the contract's to check (PolicyRegistry answers a version outside them with its error)."""
    values = dict(DEFAULTS)
    for name, value in (overrides or {}).items():
        if name not in RULES:
            raise PolicyConfigError(f"unknown policy field {name!r}; known: {', '.join(RULES)}")
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise PolicyConfigError(f"policy field {name!r} must be a whole number >= 0, not {value!r}")
        values[name] = value
    return values


def named(values: Sequence[Any]) -> dict[str, int]:
    """A Policy tuple as read from the chain, by field name."""
    return {name: int(value) for name, value in POLICY.named(values).items()}
