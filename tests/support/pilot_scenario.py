"""The explorer's pilot: three tenders on a local chain (tests/support/tender_scenario.py), the first
carried on into its contract: escrow created and countersigned, the first milestone attested by two
verifiers (the BAST), approved by the PPK and paid (the treasury records the provider's settlement).
The second and third tenders have one bidder each, close to the HPS, won by the same supplier, so the
red flags have something to find (single bid, HPS proximity, repeated winner).

Documents are hashed the way the contracts record them: keccak-256 of the file's bytes, so a test
can write the file and check it against the ledger."""

from __future__ import annotations

from dataclasses import dataclass

from web3 import Web3

from app.protocol import escrow as escrowlib
from app.protocol.manifest import Manifest
from tests.support.tender_scenario import DAY, HPS, OFFICER, Scenario, TenderRun

VERIFIERS, TREASURY = (8, 9, 10), 11
PREFIX = "ocds-terang-1001-pilot"


def tender_document(ocid: str) -> bytes:
    """The bytes whose keccak-256 tender_scenario records as the tender document of `ocid`."""
    return f"dokumen pemilihan {ocid}".encode()


def bast_document(ocid: str) -> bytes:
    return f"BAST termin 1 {ocid}: panel surya terpasang 100%".encode()


@dataclass
class Pilot:
    contracted: TenderRun  # announced -> awarded -> contract -> milestone paid
    singles: list[TenderRun]
    paid: int


def run_pilot(url: str, manifest: Manifest, prefix: str = PREFIX) -> Pilot:
    scenario = Scenario(url, manifest)
    first = scenario.tender(f"{prefix}-1", {16: 1_850_000_000, 17: 1_790_000_000, 18: 1_900_000_000})
    paid = _contract_and_pay(scenario, first)
    singles = [
        scenario.tender(
            f"{prefix}-{n}",
            {17: HPS - 5_000_000},
            amend=False,
            objection=False,
            title=f"Pengadaan genset IKN paket {n}",
        )
        for n in (2, 3)
    ]
    return Pilot(first, singles, paid)


def _contract_and_pay(scenario: Scenario, run: TenderRun) -> int:
    """Escrow for the award of `run` (two milestones, no advance), milestone 1 attested, approved, settled."""
    winner_index = next(i for i, sid in _dev_suppliers(scenario).items() if sid == run.winner)
    create_escrow(scenario, run.tender_id, run.prices[run.winner])
    scenario.send(scenario.contract("MilestoneEscrow").functions.countersign(run.tender_id), winner_index)
    return deliver_and_pay(scenario, run.tender_id, run.ocid)


def create_escrow(scenario: Scenario, tender_id: bytes, value: int) -> None:
    """The PPK's escrow for an awarded tender: two milestones (60% in 30 days, the rest in 60), no
    advance, 5% retention, two of the scenario's verifiers to attest; it awaits the countersignature."""
    now = scenario.now()
    first = value * 6 // 10
    milestones = [
        (first, 0, now + 30 * DAY, Web3.keccak(text="spesifikasi termin 1")),
        (value - first, 0, now + 60 * DAY, Web3.keccak(text="spesifikasi termin 2")),
    ]
    verifiers = [scenario.accounts[i] for i in VERIFIERS]
    terms = (
        0,
        b"\x00" * 32,
        Web3.keccak(text="jaminan pelaksanaan"),
        500,
        1_000,
        500,
        180 * DAY,
        2,
        verifiers,
        False,  # not multi-year
    )
    scenario.send(
        scenario.contract("MilestoneEscrow").functions.createEscrow(tender_id, terms, milestones), OFFICER
    )


def deliver_and_pay(scenario: Scenario, tender_id: bytes, ocid: str) -> int:
    """Milestone 1 delivered (its BAST attested by two verifiers), approved, and its payment settled
    by the treasury; the amount settled."""
    escrow, payments = scenario.contract("MilestoneEscrow"), scenario.contract("Payments")
    evidence = Web3.keccak(bast_document(ocid))
    delivered = escrow.w3.eth.get_block("latest")["timestamp"]  # the BAST's date: delivered now
    for verifier in VERIFIERS[:2]:
        scenario.send(escrow.functions.attest(tender_id, 0, evidence, delivered), verifier)
    scenario.send(escrow.functions.approveMilestone(tender_id, 0), OFFICER)
    payment = escrowlib.payment_id(escrow.address, tender_id, escrowlib.MILESTONE, 0)
    receipt = scenario.send(
        payments.functions.settle(payment, 0, Web3.keccak(text="xendit-disb-0001")), TREASURY
    )
    (settled,) = payments.events.PaymentSettled().process_receipt(receipt)
    return settled["args"]["amount"]


def deliver_and_reject(scenario: Scenario, tender_id: bytes, reason: str) -> None:
    """Milestone 2 delivered (its BAST attested by two verifiers) and rejected by the PPK for `reason`."""
    escrow = scenario.contract("MilestoneEscrow")
    delivered = escrow.w3.eth.get_block("latest")["timestamp"]
    for verifier in VERIFIERS[:2]:
        scenario.send(
            escrow.functions.attest(tender_id, 1, Web3.keccak(text="BAST termin 2"), delivered), verifier
        )
    scenario.send(escrow.functions.rejectMilestone(tender_id, 1, Web3.keccak(text=reason)), OFFICER)


def _dev_suppliers(scenario: Scenario) -> dict[int, int]:
    return scenario.suppliers()
