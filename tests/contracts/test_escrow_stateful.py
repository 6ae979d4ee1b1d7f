"""Stateful property test: random sequences of attest / approve / reject / dispute / resolve /
settle / fail / retry / amend (up to the policy's cap and beyond) / replace a verifier / pause and
unpause / release / time jumps on one signed escrow, checked against a Python model after every
step.

Invariants: authorised + penalties + remaining == value (after amendments), and remaining equals
the model's unpaid milestones + retention held - advance outstanding; settled <= authorised; no
instruction settled twice; retention released only after the maintenance period; no payment
without k attestations by verifiers seated when they attested (a replaced verifier's open
attestations are dropped); the value never exceeds the original value + the amendment cap; the
seats are the model's.

CI runs 200 examples on anvil (20 on ganache, see budget.py); TERANG_DEEP=1 runs 2,000 with longer sequences.
"""

from __future__ import annotations

import os

import brownie
from brownie import accounts, chain
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from app.protocol.roles import role_id
from tests.contracts import batched_reads
from tests.contracts.budget import examples
from tests.contracts.escrow_fixtures import (
    DAY,
    K_ADVANCE,
    K_MILESTONE,
    K_PENALTY_REFUND,
    K_RETENTION,
    M_APPROVED,
    M_ATTESTED,
    M_DISPUTED,
    M_PENDING,
    M_REJECTED,
    M_UPHELD,
    S_AUTHORIZED,
    S_FAILED,
    S_SETTLED,
    h,
)

DEEP = os.environ.get("TERANG_DEEP") == "1"
SETTINGS = settings(
    max_examples=examples(200, deep=2_000),
    stateful_step_count=25 if DEEP else 8,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
INDEX = st.integers(0, 2)
PICK = st.integers(0, 255)
QUORUM = 2
MAINTENANCE = 180 * DAY
AMENDMENT_CAP_BPS = 1_000  # policy version 1
POOL = st.integers(0, 4)  # the three verifiers of the terms and two successors


class EscrowMachine(RuleBasedStateMachine):
    """A hypothesis state machine over one signed escrow. The fixtures are bound as class
    attributes by the test; every run starts from the same chain snapshot."""

    ekit = escrow_id = delayed = committee = guardian = pool = None

    def __init__(self):
        super().__init__()
        chain.revert()
        self.escrow, self.payments = self.ekit.escrow, self.ekit.payments
        e, *milestones = batched_reads.read(
            (self.escrow.getEscrow, (self.escrow_id,)),
            *[(self.escrow.getMilestone, (self.escrow_id, i)) for i in range(3)],
        )
        e = e.dict()
        self.amounts = [m["amount"] for m in milestones]
        self.dues = [m["dueDate"] for m in milestones]
        self.max_value = e["originalValue"] * (10_000 + AMENDMENT_CAP_BPS) // 10_000
        self.seats = [str(v) for v in self.ekit.verifiers]
        self.acts = 0
        self.status = [M_PENDING] * 3
        self.attested = [set() for _ in range(3)]
        self.penalty = [0, 0, 0]
        self.penalty_disputed = [False] * 3
        self.retention_held = 0
        self.advance_outstanding = e["advanceOutstanding"]
        self.completed_at = None
        self.released = False
        # payment id -> [kind, index, status, settle count]
        self.instructions = {
            bytes(self.ekit.payment_id(self.escrow_id, K_ADVANCE)): [K_ADVANCE, 0, S_AUTHORIZED, 0]
        }

    # --- helpers ------------------------------------------------------------------------------

    def _add_payment(self, kind, index):
        self.instructions[bytes(self.ekit.payment_id(self.escrow_id, kind, index))] = [
            kind,
            index,
            S_AUTHORIZED,
            0,
        ]

    def _apply_approval(self, tx, index):
        event = tx.events["MilestoneApproved"]
        assert len(self.attested[index]) >= QUORUM, "paid without k attestations"
        gross = event["gross"]
        assert gross == event["retention"] + event["penalty"] + event["advanceRepaid"] + event["net"]
        self.status[index] = M_APPROVED
        self.retention_held += event["retention"]
        self.advance_outstanding -= event["advanceRepaid"]
        self.penalty[index] = event["penalty"]
        if event["net"]:
            self._add_payment(K_MILESTONE, index)
        if all(s == M_APPROVED for s in self.status):
            self.completed_at = tx.timestamp

    def _payment(self, st_pick):
        ids = list(self.instructions)
        return ids[st_pick % len(ids)]

    # --- rules -------------------------------------------------------------------------------

    @rule(st_index=INDEX, st_verifier=POOL)
    def rule_attest(self, st_index, st_verifier):
        verifier = self.pool[st_verifier]
        status = self.status[st_index]
        if status in (M_REJECTED, M_UPHELD):
            status, fresh = M_PENDING, True
        else:
            fresh = False
        seated = str(verifier) in self.seats
        ok = seated and status == M_PENDING and (fresh or str(verifier) not in self.attested[st_index])
        delivered = chain[-1].timestamp  # the evidence's date: at most now, after signing
        if not ok:
            with brownie.reverts():
                self.escrow.attest(self.escrow_id, st_index, h("BAST"), delivered, {"from": verifier})
            return
        self.escrow.attest(self.escrow_id, st_index, h("BAST"), delivered, {"from": verifier})
        if fresh:
            self.attested[st_index] = set()
        self.attested[st_index].add(str(verifier))
        self.status[st_index] = M_ATTESTED if len(self.attested[st_index]) == QUORUM else M_PENDING

    @rule(st_index=INDEX)
    def rule_approve(self, st_index):
        if self.status[st_index] != M_ATTESTED:
            with brownie.reverts():
                self.ekit.approve(self.escrow_id, st_index)
            return
        self._apply_approval(self.ekit.approve(self.escrow_id, st_index), st_index)

    @rule(st_index=INDEX)
    def rule_reject(self, st_index):
        if self.status[st_index] != M_ATTESTED:
            return
        self.escrow.rejectMilestone(self.escrow_id, st_index, h("alasan"), {"from": self.ekit.officer})
        self.status[st_index] = M_REJECTED

    @rule(st_index=INDEX)
    def rule_dispute(self, st_index):
        if self.status[st_index] == M_REJECTED:
            self.status[st_index] = M_DISPUTED
        elif (
            self.status[st_index] == M_APPROVED
            and self.penalty[st_index]
            and not self.penalty_disputed[st_index]
        ):
            self.penalty_disputed[st_index] = "open"
        else:
            return
        self.escrow.openDispute(self.escrow_id, st_index, h("bukti"), {"from": self.ekit.award.supplier})

    @rule(st_index=INDEX, st_bool=st.booleans())
    def rule_resolve(self, st_index, st_bool):
        rejection = self.status[st_index] == M_DISPUTED
        if not rejection and self.penalty_disputed[st_index] != "open":
            return
        tx = self.delayed(
            self.committee, self.escrow, "resolveDispute", self.escrow_id, st_index, st_bool, h("p")
        )
        if rejection:
            if st_bool:
                self._apply_approval(tx, st_index)
            else:
                self.status[st_index] = M_UPHELD
        else:
            self.penalty_disputed[st_index] = "done"
            if st_bool:
                self._add_payment(K_PENALTY_REFUND, st_index)
                self.penalty[st_index] = 0

    @rule(st_pick=PICK)
    def rule_settle(self, st_pick):
        payment_id = self._payment(st_pick)
        record = self.instructions[payment_id]
        if record[2] != S_AUTHORIZED:
            with brownie.reverts():
                self.ekit.settle(payment_id)
            return
        self.ekit.settle(payment_id)
        record[2], record[3] = S_SETTLED, record[3] + 1

    @rule(st_pick=PICK)
    def rule_fail(self, st_pick):
        payment_id = self._payment(st_pick)
        record = self.instructions[payment_id]
        if record[2] != S_AUTHORIZED:
            return
        self.payments.fail(
            payment_id, self.ekit.attempt(payment_id), h("INVALID_DESTINATION"), {"from": self.ekit.treasury}
        )
        record[2] = S_FAILED

    @rule(st_pick=PICK)
    def rule_retry(self, st_pick):
        payment_id = self._payment(st_pick)
        record = self.instructions[payment_id]
        if record[2] != S_FAILED:
            return
        self.escrow.retryPayment(self.escrow_id, record[0], record[1], {"from": self.ekit.officer})
        record[2] = S_AUTHORIZED

    @rule(st_index=INDEX, st_delta=st.integers(-50_000, 150_000))
    def rule_amend(self, st_index, st_delta):
        amount = self.amounts[st_index] + st_delta * 1_000
        if self.status[st_index] == M_APPROVED or amount <= 0 or (st_delta < 0 and self.advance_outstanding):
            return
        # A late milestone keeps its due date; others move 30 days out.
        overdue = chain.time() + 3_600 > self.dues[st_index]
        due = self.dues[st_index] if overdue else chain.time() + 30 * DAY
        value = sum(self.amounts) - self.amounts[st_index] + amount
        args = (self.escrow_id, st_index, amount, due, h("adendum"))
        if value > self.max_value and st_delta > 0:
            with brownie.reverts():
                self.delayed(self.committee, self.escrow, "amendMilestone", *args)
            return
        self.delayed(self.committee, self.escrow, "amendMilestone", *args)
        self.amounts[st_index], self.dues[st_index] = amount, due

    @rule(st_seat=INDEX, st_successor=POOL)
    def rule_replace_verifier(self, st_seat, st_successor):
        current, successor = self.seats[st_seat], str(self.pool[st_successor])
        # A refused act stays scheduled in the hub until it expires, and the hub refuses the same
        # act again while it waits (AccessManagerAlreadyScheduled): each act names its own reason,
        # so a retried replacement is a new act and this rule checks the escrow, not the hub.
        self.acts += 1
        args = (self.escrow_id, current, successor, h(f"mutasi {self.acts}"))
        if successor in self.seats:
            with brownie.reverts():
                self.delayed(self.committee, self.escrow, "replaceVerifier", *args)
            return
        self.delayed(self.committee, self.escrow, "replaceVerifier", *args)
        self.seats[st_seat] = successor
        for index, status in enumerate(self.status):
            if status in (M_PENDING, M_ATTESTED) and current in self.attested[index]:
                self.attested[index], self.status[index] = set(), M_PENDING

    @rule(st_days=st.integers(0, 30))
    def rule_pause(self, st_days):
        self.escrow.pause({"from": self.guardian})
        chain.sleep(st_days * DAY)
        self.delayed(self.committee, self.escrow, "unpause")

    @rule()
    def rule_release(self):
        due = self.completed_at is not None and chain.time() >= self.completed_at + MAINTENANCE
        if self.released or self.completed_at is None or self.retention_held == 0:
            return
        if not due:
            with brownie.reverts():
                self.escrow.releaseRetention(self.escrow_id, {"from": self.ekit.officer})
            return
        tx = self.escrow.releaseRetention(self.escrow_id, {"from": self.ekit.officer})
        assert tx.timestamp >= self.completed_at + MAINTENANCE, "retention released during maintenance"
        self._add_payment(K_RETENTION, 0)
        self.retention_held, self.released = 0, True

    @rule(st_days=st.integers(1, 120))
    def rule_sleep(self, st_days):
        chain.sleep(st_days * DAY)

    # --- invariants --------------------------------------------------------------------------
    # Checked after every step from one batch of reads (tests/contracts/batched_reads.py): the
    # escrow's ledger, its payments' totals and each instruction's status, its verifier seats and
    # each milestone's attestations.

    @invariant()
    def the_chain_agrees_with_the_model(self):
        ids = list(self.instructions)
        e, remaining, totals, seats, *rest = batched_reads.read(
            (self.escrow.getEscrow, (self.escrow_id,)),
            (self.escrow.remaining, (self.escrow_id,)),
            (self.payments.totalsOf, (self.escrow,)),
            (self.escrow.verifiersOf, (self.escrow_id,)),
            *[(self.escrow.getMilestone, (self.escrow_id, i)) for i in range(3)],
            *[(self.payments.statusOf, (payment_id,)) for payment_id in ids],
        )
        milestones, statuses = rest[:3], rest[3:]
        self._ledger(e.dict(), remaining, totals.dict())
        self._payments(dict(zip(ids, statuses, strict=True)))
        assert [str(v) for v in seats] == self.seats
        for index, status in enumerate(self.status):
            if status == M_APPROVED:
                assert milestones[index]["attestations"] >= QUORUM

    def _ledger(self, e, remaining, totals):
        assert e["value"] == sum(self.amounts) <= self.max_value
        assert e["authorized"] + e["penalties"] + remaining == e["value"]
        unpaid = sum(a for a, s in zip(self.amounts, self.status, strict=True) if s != M_APPROVED)
        assert remaining == unpaid + self.retention_held - self.advance_outstanding
        assert e["retentionHeld"] == self.retention_held
        assert e["advanceOutstanding"] == self.advance_outstanding
        assert totals["authorized"] == e["authorized"]
        assert totals["settled"] <= totals["authorized"]

    def _payments(self, on_chain):
        for payment_id, (_, _, status, settled) in self.instructions.items():
            assert settled <= 1, "an instruction settled twice"
            assert on_chain[payment_id] == status


def test_escrow_ledger_properties(ekit, delayed, committee, guardian, hub):
    # brownie 1.22's `state_machine` helper is compiled with mypyc and refuses generated subclasses
    # ("_BrownieStateMachine object expected"), so hypothesis's own runner drives the machine, with
    # the same snapshot-per-run isolation brownie would give.
    EscrowMachine.ekit, EscrowMachine.delayed, EscrowMachine.committee, EscrowMachine.guardian = (
        ekit,
        staticmethod(delayed),
        committee,
        guardian,
    )
    successors = [accounts.add("0x" + f"{i:02x}" * 32) for i in (0x51, 0x52)]
    for account in successors:
        accounts[0].transfer(account, "1 ether")
        delayed(committee, hub, "grantRole", role_id("VERIFIER"), account, 0)
    EscrowMachine.pool = [*ekit.verifiers, *successors]
    EscrowMachine.escrow_id = ekit.signed()
    chain.snapshot()
    try:
        run_state_machine_as_test(EscrowMachine, settings=SETTINGS)
    finally:
        chain.revert()
