"""Fixtures for the Payments and MilestoneEscrow tests (imported by tests/contracts/conftest.py).

`award` runs one tender to a final award (one bidder, Rp1 miliar) per module; `ekit` creates and
countersigns escrows from it with sensible default terms (overridable per test) and drives
milestones: attest by k verifiers, approve, reject, settle.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from brownie import accounts, chain, web3
from hexbytes import HexBytes

from app.protocol import escrow as escrowlib
from app.protocol import vocabulary

DAY = 24 * 3600
VALUE = 1_000_000_000  # the winning price of the `award` fixture (rupiah)
VERIFIER_INDEXES = (8, 9, 10)  # deploy/local.yaml: VERIFIER
TREASURY_INDEX = 11

# IMilestoneEscrow enums, looked up by name in the contracts' vocabulary
E_NONE, E_AWAITING, E_ACTIVE, E_COMPLETED, E_TERMINATED = vocabulary.enum(
    "IMilestoneEscrow.EscrowStatus"
).codes("None", "AwaitingCountersign", "Active", "Completed", "Terminated")
M_PENDING, M_ATTESTED, M_APPROVED, M_REJECTED, M_DISPUTED, M_UPHELD = vocabulary.enum(
    "IMilestoneEscrow.MilestoneStatus"
).codes("Pending", "Attested", "Approved", "Rejected", "Disputed", "RejectionUpheld")
D_NONE, D_REJECTION, D_PENALTY = vocabulary.enum("IMilestoneEscrow.DisputeKind").codes(
    "None", "Rejection", "Penalty"
)
DS_NONE, DS_OPEN, DS_UPHELD, DS_OVERTURNED = vocabulary.enum("IMilestoneEscrow.DisputeStatus").codes(
    "None", "Open", "Upheld", "Overturned"
)
K_ADVANCE, K_MILESTONE, K_RETENTION, K_PENALTY_REFUND = escrowlib.PAYMENT_KIND.codes(
    "Advance", "Milestone", "Retention", "PenaltyRefund"
)
# IPayments enums
P_MILESTONE, P_RETENTION, P_ADVANCE, P_WELFARE = vocabulary.enum("IPayments.Purpose").codes(
    "Milestone", "Retention", "Advance", "Welfare"
)
S_NONE, S_AUTHORIZED, S_SETTLED, S_FAILED, S_CANCELLED = vocabulary.enum("IPayments.PaymentStatus").codes(
    "None", "Authorized", "Settled", "Failed", "Cancelled"
)


def now() -> int:
    """The chain's time now: a freshly mined block's timestamp (brownie's clock and the node's drift
    apart across snapshots; an evidence date must not be later than the attesting block)."""
    chain.mine()
    return chain[-1].timestamp


def h(label: str) -> bytes:
    return bytes(web3.keccak(text=label))


def hx(value) -> bytes:
    """bytes of a bytes32 as brownie returns it (a 0x string) or as web3 gives it."""
    return bytes(HexBytes(value))


@dataclass
class Award:
    tender_id: bytes
    supplier: object
    supplier_id: int
    value: int


@dataclass
class EscrowKit:
    escrow: object
    payments: object
    award: Award
    officer: object
    verifiers: list
    treasury: object

    def terms(self, **overrides) -> tuple:
        values = {
            "advanceAmount": 200_000_000,
            "advanceGuaranteeRef": h("jaminan uang muka"),
            "performanceBondRef": h("jaminan pelaksanaan"),
            "retentionBps": 500,
            "penaltyPpmPerDay": 1_000,
            "penaltyCapBps": 500,
            "maintenancePeriod": 180 * DAY,
            "quorum": 2,
            "verifiers": [str(v) for v in self.verifiers],
            "multiYear": False,
        }
        values.update(overrides)
        return tuple(values.values())

    def milestones(self, amounts=(300_000_000, 300_000_000, 400_000_000), start=None) -> list[tuple]:
        start = start or chain.time()
        return [
            (amount, 0, start + 30 * DAY * (i + 1), h(f"termin {i + 1}")) for i, amount in enumerate(amounts)
        ]

    def create(self, terms=None, milestones=None, by=None):
        terms = terms or self.terms()
        milestones = milestones if milestones is not None else self.milestones()
        tx = self.escrow.createEscrow(self.award.tender_id, terms, milestones, {"from": by or self.officer})
        return tx

    def signed(self, **term_overrides):
        """Created and countersigned; returns the escrow id."""
        tx = self.create(terms=self.terms(**term_overrides) if term_overrides else None)
        escrow_id = tx.events["EscrowCreated"]["escrowId"]
        self.escrow.countersign(escrow_id, {"from": self.award.supplier})
        return escrow_id

    def attest(self, escrow_id, index, count=2, delivered=None, verifiers=None):
        """`count` verifiers attest milestone `index`, each with the evidence date `delivered`
        (default: the time of a freshly mined block, i.e. delivery now)."""
        delivered = delivered if delivered is not None else now()
        tx = None
        for verifier in (verifiers or self.verifiers)[:count]:
            tx = self.escrow.attest(escrow_id, index, h(f"BAST {index}"), delivered, {"from": verifier})
        return tx

    def approve(self, escrow_id, index):
        return self.escrow.approveMilestone(escrow_id, index, {"from": self.officer})

    def deliver(self, escrow_id, index):
        self.attest(escrow_id, index)
        return self.approve(escrow_id, index)

    def attempt(self, payment_id) -> int:
        """The instruction's current attempt (0 when it is unknown: the ledger then refuses anyway)."""
        if self.payments.statusOf(payment_id) == 0:
            return 0
        return int(self.payments.getInstruction(payment_id)["attempt"])

    def settle(self, payment_id, ref="xendit-payout-1"):
        return self.payments.settle(payment_id, self.attempt(payment_id), h(ref), {"from": self.treasury})

    def payment_id(self, escrow_id, kind, index=0):
        return escrowlib.payment_id(self.escrow.address, escrow_id, kind, index)

    def sign(
        self, escrow_id, signer=None, nonce=None, deadline=None, chain_id=None, contract=None, terms_hash=None
    ):
        signer = signer or self.award.supplier
        return escrowlib.sign_countersign(
            signer.private_key,
            chain_id=chain_id if chain_id is not None else web3.eth.chain_id,
            verifying_contract=contract or self.escrow.address,
            escrow_id=escrow_id,
            terms_hash=terms_hash or self.escrow.getEscrow(escrow_id)["termsHash"],
            nonce=self.escrow.nonces(signer) if nonce is None else nonce,
            deadline=deadline if deadline is not None else chain.time() + DAY,
        )

    def sign_dispute(self, escrow_id, index, evidence, signer=None, nonce=None, deadline=None, chain_id=None):
        signer = signer or self.award.supplier
        return escrowlib.sign_open_dispute(
            signer.private_key,
            chain_id=chain_id if chain_id is not None else web3.eth.chain_id,
            verifying_contract=self.escrow.address,
            escrow_id=escrow_id,
            index=index,
            evidence_hash=evidence,
            nonce=self.escrow.nonces(signer) if nonce is None else nonce,
            deadline=deadline if deadline is not None else chain.time() + DAY,
        )


@pytest.fixture(scope="module")
def payments(suite):
    return suite.contracts["Payments"]


@pytest.fixture(scope="module")
def escrow(suite):
    return suite.contracts["MilestoneEscrow"]


@pytest.fixture(scope="session")
def verifiers():
    return [accounts[i] for i in VERIFIER_INDEXES]


@pytest.fixture(scope="session")
def treasury():
    return accounts[TREASURY_INDEX]


@pytest.fixture(scope="module")
def award(kit, active_supplier):
    """A final award of an IKN tender to a relayer-signing supplier (its key holds no ETH until
    funded here, and signs the countersignature)."""
    supplier = accounts.add("0x" + "e5" * 32)
    accounts[0].transfer(supplier, "10 ether")
    supplier_id = active_supplier(supplier, "pt-bangun-nusantara")
    tender_id = kit.announce(ocid="ocds-terang-1001-escrow-1")
    bid = kit.commit(supplier, supplier_id, tender_id, VALUE)
    kit.to_reveal(tender_id)
    kit.reveal(tender_id, bid)
    kit.to_evaluation(tender_id)
    kit.evaluate(tender_id)
    kit.to_award(tender_id)
    kit.tenders.finalizeAward(tender_id, {"from": accounts[19]})
    return Award(tender_id=tender_id, supplier=supplier, supplier_id=supplier_id, value=VALUE)


@pytest.fixture(scope="module")
def ekit(escrow, payments, award, officer, verifiers, treasury):
    return EscrowKit(
        escrow=escrow, payments=payments, award=award, officer=officer, verifiers=verifiers, treasury=treasury
    )
