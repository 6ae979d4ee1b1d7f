"""Welfare (bansos) helpers shared by the tooling and the gateway: the beneficiary key, programme
figures of docs/domain.md, and the Merkle commitment of a disbursement batch's lines (the same tree
WelfarePrograms builds on chain, so the payment bridge can prove a failed line to Payments.failLines).

The beneficiary key is HMAC-SHA256(secret, "nik:<16 digits>") (app.protocol.identity.keyed_hash): the NIK
encodes region and birth date, so an unkeyed hash would be reversed by enumeration. A family enrolled
by its registry household identity is keyed HMAC-SHA256(secret, "household:<id>") instead, so any
member's application is the same beneficiary. The secret stays with the gateway; only the key
reaches the chain.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass

from eth_abi import encode
from eth_utils import keccak

from app.protocol import merkle, vocabulary
from app.protocol.identity import InvalidIdentifier, keyed_hash

COMPONENTS = 8  # component slots per programme (PKH uses seven)
DECILES_1_TO_4 = sum(1 << d for d in range(1, 5))  # 0x1e

# PKH yearly amounts per component (docs/domain.md), paid in four instalments.
PKH_YEARLY = {
    "pregnant": 3_000_000,
    "early_childhood": 3_000_000,
    "primary_school": 900_000,
    "junior_secondary": 1_500_000,
    "senior_secondary": 2_000_000,
    "severe_disability": 2_400_000,
    "elderly": 2_400_000,
}
PKH_COMPONENTS = tuple(PKH_YEARLY)
PKH_INSTALMENTS = 4
PKH_COMPONENT_CAP = 4
SEMBAKO_PER_MONTH = 200_000
QUARTER_SECONDS = 91 * 24 * 3600  # a quarter, rounded to whole days

# IWelfarePrograms.Reason. The API names a refusal by the Solidity member itself ("DecileNotEligible"),
# not by its snake_case word.
REASONS = vocabulary.enum("IWelfarePrograms.Reason").members
REASON = {name: code for code, name in enumerate(REASONS)}


def beneficiary_key(secret: bytes, nik: str) -> bytes:
    """The on-chain key of the family whose head has this NIK (32 bytes); also a person's key, under
    which the gateway finds the household it belongs to."""
    return keyed_hash(secret, "nik", nik)


HOUSEHOLD_ID = r"[A-Z0-9][A-Z0-9./-]{0,63}"


def household_key(secret: bytes, household_id: str) -> bytes:
    """The on-chain key of a household by the social registry's household identity (32 bytes):
    HMAC-SHA256(secret, "household:<id>"), the same whichever member applies and whatever family
    card (KK) number the household holds, since a KK number changes over a family's life."""
    ident = household_id.strip().upper()
    if not re.fullmatch(HOUSEHOLD_ID, ident):
        raise InvalidIdentifier("household", "expected 1 to 64 of A-Z, 0-9, '.', '/', '-'")
    return hmac.new(secret, f"household:{ident}".encode(), hashlib.sha256).digest()


def pkh_amounts_per_period() -> list[int]:
    """Rupiah per quarterly instalment per PKH component, padded to the contract's eight slots."""
    amounts = [PKH_YEARLY[name] // PKH_INSTALMENTS for name in PKH_COMPONENTS]
    return amounts + [0] * (COMPONENTS - len(amounts))


def sembako_amounts_per_period(months: int = 3) -> list[int]:
    return [SEMBAKO_PER_MONTH * months] + [0] * (COMPONENTS - 1)


def benefit(amounts: list[int], counts: list[int], cap: int) -> int:
    """The contract's rule: at most `cap` component units, highest amounts first (WelfareMath.benefit)."""
    order = sorted(range(COMPONENTS), key=lambda i: (-amounts[i], i))
    total, left = 0, cap
    for i in order:
        if left == 0 or amounts[i] == 0:
            break
        take = min(counts[i], left)
        total += take * amounts[i]
        left -= take
    return total


@dataclass(frozen=True)
class Line:
    index: int
    key: bytes
    amount: int

    def as_tuple(self) -> tuple:
        return (self.index, self.key, self.amount)


def line_leaf(index: int, key: bytes, amount: int) -> bytes:
    return keccak(keccak(encode(["uint256", "bytes32", "uint256"], [index, key, amount])))


def lines_root(lines: list[Line]) -> bytes:
    return merkle.root([line_leaf(*line.as_tuple()) for line in lines])


def line_proof(lines: list[Line], position: int) -> list[bytes]:
    """Proof of lines[position] against lines_root(lines) (OpenZeppelin MerkleProof.verify)."""
    return merkle.proof([line_leaf(*line.as_tuple()) for line in lines], position)


# --- gateway helpers (the welfare REST resources) -------------------------------------------------

# Applicants per enrolment and keys per disbursement in one request: one transaction each. 500 is the
# batch the scale runs use (decision 0005): an enrolment of 500 stays well under a 30M-gas block.
MAX_BATCH = 500
# IWelfarePrograms.BeneficiaryStatus and AppealStatus words, in declaration order.
BENEFICIARY_STATUSES = vocabulary.enum("IWelfarePrograms.BeneficiaryStatus").words
APPEAL_STATUSES = vocabulary.enum("IWelfarePrograms.AppealStatus").words
REASON_CODE = r"^[A-Z0-9_]{1,32}$"  # e.g. GRADUATED, DECEASED, PKH_CONDITION_UNMET


def deciles_mask(deciles: list[int]) -> int:
    """Rules.decileMask of DTSEN deciles 1-10 (bit d set for decile d)."""
    return sum(1 << d for d in set(deciles))


def deciles_of(mask: int) -> list[int]:
    return [d for d in range(1, 11) if mask >> d & 1]


def reason_code(text: str) -> bytes:
    """A short ASCII code as the contract's bytes32, like the Solidity literal `bytes32("GRADUATED")`."""
    raw = text.encode("ascii")
    if not 0 < len(raw) <= 32:
        raise ValueError("a reason code has 1 to 32 ASCII characters")
    return raw.ljust(32, b"\x00")


# Committee acts on WelfarePrograms (through the hub's delay): the function and its arguments, so the
# gateway's routes and the committee's proposals encode them the same way.
def approve_budget_line_call(
    ceiling_per_period: int, max_benefit: int, period_length: int, exclusive: bool = False, epoch: int = 0
) -> tuple[str, list]:
    """approveBudgetLine: a ceiling per period for the line's programmes together, a ceiling per family
    per period, the period length, and whether a family is paid by one programme of the line only."""
    return "approveBudgetLine", [ceiling_per_period, max_benefit, period_length, exclusive, epoch]


def set_budget_ceiling_call(line: int, ceiling_per_period: int, max_benefit: int) -> tuple[str, list]:
    return "setBudgetCeiling", [line, ceiling_per_period, max_benefit]


def set_suspension_notice_call(notice_seconds: int) -> tuple[str, list]:
    """setSuspensionNotice: a lone suspension cuts only periods starting at least this long after it."""
    return "setSuspensionNotice", [notice_seconds]
