"""Stateful property test of the multi-agency committee: random sequences of propose / approve /
schedule / execute / veto by the four member officials (LKPP, Kemenkeu, BPK, KPK; 2 of 4 needed),
guardian pauses and time jumps, over three acts (unpausing the supplier registry, a committee
threshold setting, and a hub role label that waits ADMIN's longer delay). A Python model says what
each step must do; the chain must agree after every step.

Invariants: nothing executes without 2 distinct approving agencies and the hub's delay; a vetoed
proposal never executes; each guardian agency vetoes an act (an unpause: per pause) at most once, so
an act, an unpause included, never meets more vetoes than there are guardian agencies; an allowed
approval, veto or schedule succeeds, and a ready act that can take effect executes.

CI runs 50 examples on anvil (10 on ganache, see budget.py); TERANG_DEEP=1 runs 500 with longer sequences.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import brownie
from brownie import chain, web3
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from app.protocol import committee as protocol
from tests.contracts.budget import examples

DEEP = os.environ.get("TERANG_DEEP") == "1"
SETTINGS = settings(
    max_examples=examples(50, deep=500),
    stateful_step_count=25 if DEEP else 10,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
THRESHOLD = 2
COMMITTEE_DELAY, ADMIN_DELAY = 60, 120  # deploy/local.yaml
GUARDIAN_AGENCIES = {3003, 3004}
SLACK = 3  # seconds around a ready time within which either outcome is accepted
OFFICIAL = st.integers(0, 3)
ACT = st.integers(0, 2)
PICK = st.integers(0, 255)


@dataclass
class Model:
    act: int
    calls: list
    act_key: bytes
    agencies: set = field(default_factory=set)
    status: str = "proposed"
    ready_at: int = 0
    scheduled_at: int = 0
    approvals_at_schedule: int = 0


class CommitteeMachine(RuleBasedStateMachine):
    """Fixtures are bound as class attributes by the test; every run starts from one snapshot."""

    council = hub = registry = officials = initial_pause_start = None

    def __init__(self):
        super().__init__()
        chain.revert()
        self.agency_of = {str(o): self.council.agencyOf(o) for o in self.officials}
        self.acts = [
            ([protocol.call(str(self.registry), "unpause()")], COMMITTEE_DELAY),
            ([protocol.call(str(self.council), "setThreshold(uint8)", THRESHOLD)], COMMITTEE_DELAY),
            ([protocol.call(str(self.hub), "labelRole(uint64,string)", 8, "Auditor")], ADMIN_DELAY),
        ]
        self.proposals: dict[int, Model] = {}
        self.vetoes: dict[bytes, set] = {}
        self.paused = self.registry.paused()
        self.pause_start = self.initial_pause_start  # active time at which the current pause began

    # --- helpers -------------------------------------------------------------------------------

    def _pick(self, pick):
        if not self.proposals:
            return None, None
        ids = sorted(self.proposals)
        pid = ids[pick % len(ids)]
        return pid, self.proposals[pid]

    def _pending_duplicate(self, model):
        return any(
            other.act == model.act and other.status == "scheduled" for other in self.proposals.values()
        )

    # --- rules ---------------------------------------------------------------------------------

    @rule(who=OFFICIAL, act=ACT)
    def propose(self, who, act):
        official = self.officials[who]
        calls, _ = self.acts[act]
        pause_start = {str(self.registry): self.pause_start} if self.paused else {}
        tx = self.council.propose(
            [c.as_tuple() for c in calls], web3.keccak(text=f"act {act}"), {"from": official}
        )
        pid = tx.events["Proposed"]["proposalId"]
        key = bytes(self.council.getProposal(pid)["actKey"])
        assert key == protocol.act_key(calls, pause_start)
        self.proposals[pid] = Model(act, calls, key, {self.agency_of[str(official)]})

    @rule(pick=PICK, who=OFFICIAL)
    def approve(self, pick, who):
        pid, model = self._pick(pick)
        if pid is None:
            return
        official = self.officials[who]
        agency = self.agency_of[str(official)]
        if model.status == "proposed" and agency not in model.agencies:
            self.council.approve(pid, {"from": official})
            model.agencies.add(agency)
        else:
            with brownie.reverts():
                self.council.approve(pid, {"from": official})

    @rule(pick=PICK, who=OFFICIAL)
    def schedule(self, pick, who):
        pid, model = self._pick(pick)
        if pid is None:
            return
        official = self.officials[who]
        if (
            model.status == "proposed"
            and len(model.agencies) >= THRESHOLD
            and not self._pending_duplicate(model)
        ):
            tx = self.council.schedule(pid, {"from": official})
            model.status = "scheduled"
            model.ready_at = tx.events["Scheduled"]["readyAt"]
            model.scheduled_at = tx.timestamp
            model.approvals_at_schedule = tx.events["Scheduled"]["approvals"]
        else:
            with brownie.reverts():
                self.council.schedule(pid, {"from": official})

    @rule(pick=PICK, who=OFFICIAL)
    def execute(self, pick, who):
        pid, model = self._pick(pick)
        if pid is None:
            return
        takes_effect = model.act != 0 or self.registry.paused()
        try:
            tx = self.council.execute(pid, {"from": self.officials[who]})
        except brownie.exceptions.VirtualMachineError:
            surely_ready = model.status == "scheduled" and chain.time() >= model.ready_at + SLACK
            assert not (surely_ready and takes_effect), f"a ready act {pid} did not execute"
            return
        # Safety: only a scheduled, unvetoed proposal of 2 agencies, after its whole delay.
        assert model.status == "scheduled", f"proposal {pid} executed from {model.status}"
        assert model.approvals_at_schedule >= THRESHOLD and len(model.agencies) >= THRESHOLD
        _, delay = self.acts[model.act]
        assert tx.timestamp >= model.ready_at >= model.scheduled_at + delay
        model.status = "executed"
        if model.act == 0:
            self.paused = False

    @rule(pick=PICK, which=st.integers(2, 3))
    def veto(self, pick, which):
        pid, model = self._pick(pick)
        if pid is None:
            return
        official = self.officials[which]
        agency = self.agency_of[str(official)]
        spent = self.vetoes.setdefault(model.act_key, set())
        if model.status in ("proposed", "scheduled") and agency not in spent:
            self.council.veto(pid, web3.keccak(text="alasan"), {"from": official})
            spent.add(agency)
            model.status = "vetoed"
        else:
            with brownie.reverts():
                self.council.veto(pid, web3.keccak(text="alasan"), {"from": official})

    @rule(who=OFFICIAL, pick=PICK)
    def a_non_guardian_tries_to_veto(self, who, pick):
        pid, _ = self._pick(pick)
        official = self.officials[who]
        if pid is None or self.agency_of[str(official)] in GUARDIAN_AGENCIES:
            return
        with brownie.reverts():
            self.council.veto(pid, web3.keccak(text="x"), {"from": official})

    @rule()
    def guardian_pauses(self):
        if not self.paused:
            before = self.registry.pausedTotal()
            tx = self.registry.pause({"from": self.officials[2]})
            self.paused, self.pause_start = True, tx.timestamp - before

    @rule(seconds=st.sampled_from([1, 30, 61, 121, 300]))
    def time_passes(self, seconds):
        chain.sleep(seconds)
        chain.mine()

    # --- invariants ----------------------------------------------------------------------------

    @invariant()
    def the_chain_agrees_with_the_model(self):
        for pid, model in self.proposals.items():
            record = self.council.getProposal(pid).dict()
            assert protocol.status_word(record["status"]) == model.status, pid
            assert bytes(record["actKey"]) == model.act_key

    @invariant()
    def a_vetoed_proposal_leaves_nothing_scheduled_in_the_hub(self):
        for model in self.proposals.values():
            if model.status == "vetoed" and not self._pending_duplicate(model):
                for c in model.calls:
                    assert self.hub.getSchedule(self.hub.hashOperation(self.council, c.target, c.data)) == 0

    @invariant()
    def no_act_meets_more_vetoes_than_guardian_agencies(self):
        for key, agencies in self.vetoes.items():
            assert agencies <= GUARDIAN_AGENCIES and len(agencies) <= len(GUARDIAN_AGENCIES)
            for agency in GUARDIAN_AGENCIES:
                assert bool(self.council.vetoSpent(key, agency)) == (agency in agencies)

    @invariant()
    def the_registry_is_paused_exactly_as_modelled(self):
        assert self.registry.paused() == self.paused


def test_committee_properties(council, hub, registry, committee, committee2, guardian, guardian2):
    CommitteeMachine.council, CommitteeMachine.hub, CommitteeMachine.registry = council, hub, registry
    CommitteeMachine.officials = [committee, committee2, guardian, guardian2]
    before = registry.pausedTotal()
    CommitteeMachine.initial_pause_start = registry.pause({"from": guardian}).timestamp - before
    chain.snapshot()
    try:
        run_state_machine_as_test(CommitteeMachine, settings=SETTINGS)
    finally:
        chain.revert()
