"""Property test: random sequences of commits, re-commits, reveals, openings by the Pokja of bids
their suppliers withheld, addenda, time jumps, new policy versions published by the committee,
evaluation and finalisation, checked against a Python model. Invariants: the proposed winner is the
argmin of (HEA, -TKDN, commit order) over the valid opened bids, whoever opened them, with the
preference and windows of the policy version the tender was announced under, whatever was
published since; nothing is opened twice; nothing changes after the final award."""

import brownie
from brownie import chain
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.protocol import bids as bidlib
from app.protocol import policy as rules
from tests.contracts.budget import examples
from tests.contracts.tender_fixtures import (
    DAY,
    PRODUCTS,
    T_AWARD_PROPOSED,
    T_AWARDED,
    T_FAILED,
    error,
    product_id,
)

HPS = 2_000_000_000
PREFERENCE = 2500
CHOICES = [None, "P50", "P30", "P20", ("P50", "P20")]


def expected_hea(price: int, tkdn: int) -> int:
    if tkdn < 2500:
        return price
    factor = 10**8 - tkdn * PREFERENCE
    return -(-price * factor // 10**8)  # ceiling


class TenderMachine:
    """Rules and invariants in brownie's state-machine shape (rule_*, invariant_*)."""

    def __init__(self, kit, tenders, bidders, officer, policies=None, delayed=None, committee=None):
        self.kit, self.tenders, self.bidders, self.officer = kit, tenders, bidders, officer
        self.policies, self.delayed, self.committee = policies, delayed, committee

    def setup(self):
        self.tender_id = self.kit.announce(hps=HPS, preferenceBps=PREFERENCE, commit_in=3 * DAY)
        # The model's rules: version 1's, for the whole life of the tender.
        self.rules = dict(rules.DEFAULTS)
        self.sealed = {}  # supplier id -> SealedBid (latest commit)
        self.revealed = {}  # supplier id -> (hea, tkdn, seq)
        self.awarded = None

    def _now_phase(self):
        t = self.tenders.getTender(self.tender_id)
        now = chain.time()
        return t, now

    def rule_commit(self, who, price, choice):
        account, supplier_id = self.bidders[who % 3]
        price = 500_000_000 + price % 1_700_000_000  # some above HPS
        chosen = CHOICES[choice % len(CHOICES)]
        products = [] if chosen is None else [chosen] if isinstance(chosen, str) else list(chosen)
        t, now = self._now_phase()
        if t["status"] == 1 and now + 5 < t["commitDeadline"]:
            self.sealed[supplier_id] = self.kit.commit(account, supplier_id, self.tender_id, price, products)
        elif t["status"] != 1 or now > t["commitDeadline"] + 5:
            with brownie.reverts():
                self.kit.commit(account, supplier_id, self.tender_id, price, products)

    def rule_reveal(self, who):
        account, supplier_id = self.bidders[who % 3]
        bid = self.sealed.get(supplier_id)
        t, now = self._now_phase()
        if bid is None:
            return
        in_window = t["status"] == 1 and t["commitDeadline"] + 5 < now < t["revealDeadline"] - 5
        if not in_window:
            if t["status"] != 1 or now < t["commitDeadline"] - 5 or now > t["revealDeadline"] + 5:
                with brownie.reverts():
                    self.kit.reveal(self.tender_id, bid)
            return
        if supplier_id in self.revealed:
            with brownie.reverts(error("TenderBidAlreadyRevealed", self.tender_id, supplier_id)):
                self.kit.reveal(self.tender_id, bid)
            return
        if bid.price > HPS:
            with brownie.reverts():
                self.kit.reveal(self.tender_id, bid)
            return
        self._record(supplier_id, bid, self.kit.reveal(self.tender_id, bid).events["BidRevealed"])

    def rule_open(self, who):
        """A Pokja member opens a bid its supplier withheld, once the reveal period is over."""
        _, supplier_id = self.bidders[who % 3]
        bid = self.sealed.get(supplier_id)
        t, now = self._now_phase()
        if bid is None or t["status"] != 1 or abs(now - t["revealDeadline"]) <= 5:
            return
        if now < t["revealDeadline"]:
            with brownie.reverts(error("TenderRevealNotOver", self.tender_id, t["revealDeadline"])):
                self.kit.open_by_quorum(self.tender_id, bid)
        elif supplier_id in self.revealed:
            with brownie.reverts(error("TenderBidAlreadyRevealed", self.tender_id, supplier_id)):
                self.kit.open_by_quorum(self.tender_id, bid)
        elif bid.price > HPS:
            with brownie.reverts():
                self.kit.open_by_quorum(self.tender_id, bid)
        else:
            tx = self.kit.open_by_quorum(self.tender_id, bid)
            assert tx.events["BidNotOpenedBySupplier"]["supplierId"] == supplier_id
            self._record(supplier_id, bid, tx.events["BidRevealed"])

    def _record(self, supplier_id, bid, event):
        """Checks an opening against the model: value-weighted TKDN, HEA with the preference."""
        tkdn_of = {bytes(product_id(label)): tkdn for label, (tkdn, _) in PRODUCTS.items()}
        tkdn = bidlib.weighted_tkdn([(tkdn_of[p], share) for p, share in bid.products])
        assert event["tkdnBps"] == tkdn
        assert event["hea"] == expected_hea(bid.price, tkdn)
        self.revealed[supplier_id] = (event["hea"], tkdn, bid.commit_seq)

    def rule_addendum(self):
        t, now = self._now_phase()
        if t["status"] == 1 and now + 5 < t["commitDeadline"]:
            self.tenders.amendTender(self.tender_id, bidlib.new_salt(), {"from": self.officer})

    def rule_policy(self, cap, tkdn, window):
        """The committee publishes a new version (through the hub's delay): a lower preference cap, a
        higher TKDN for the preference, other windows. The tender in flight must not notice."""
        if self.policies is None:
            return
        changed = {
            "maxPreferenceBps": (500, 1_500, 2_500)[cap % 3],
            "preferenceMinTkdnBps": (2_500, 4_000, 10_000)[tkdn % 3],
            "quorumOpeningWindow": (1, DAY, 10 * DAY)[window % 3],
            "addendumNotice": (1, DAY, 10 * DAY)[(window + 1) % 3],
            "appealWindow": (5 * DAY, 7 * DAY, 30 * DAY)[window % 3],
        }
        version = self.policies.currentVersion() + 1
        self.delayed(
            self.committee,
            self.policies,
            "publishPolicy",
            rules.policy_tuple({**rules.DEFAULTS, **changed}),
            bidlib.new_salt(),
        )
        assert self.policies.currentVersion() == version

    def rule_sleep(self, seconds):
        chain.sleep(int(seconds) % (3 * DAY))
        chain.mine()

    def rule_evaluate(self):
        t, now = self._now_phase()
        if t["status"] != 1 or now < t["revealDeadline"] + 5:
            return
        closes = t["revealDeadline"] + self.rules["quorumOpeningWindow"]
        if any(supplier_id not in self.revealed for supplier_id in self.sealed):
            if abs(now - closes) <= 5:
                return
            if now < closes:
                # A bid is still sealed: the quorum's opening window holds the evaluation.
                with brownie.reverts(error("TenderOpeningsPending", self.tender_id, closes)):
                    self.kit.evaluate(self.tender_id)
                return
        tx = self.kit.evaluate(self.tender_id)
        if not self.revealed:
            assert "TenderFailed" in tx.events
            return
        best = min(
            self.revealed, key=lambda s: (self.revealed[s][0], -self.revealed[s][1], self.revealed[s][2])
        )
        assert tx.events["AwardProposed"]["supplierId"] == best

    def rule_finalize(self):
        t, now = self._now_phase()
        if t["status"] == T_AWARD_PROPOSED and now > t["objectionDeadline"] + 5:
            self.tenders.finalizeAward(self.tender_id, {"from": self.officer})
            self.awarded = self.tenders.getTender(self.tender_id).dict()

    def invariant_counts_match_the_model(self):
        t = self.tenders.getTender(self.tender_id).dict()
        assert t["bidderCount"] == len(self.sealed)
        if t["status"] in (1, T_AWARD_PROPOSED, T_AWARDED):
            assert t["validBids"] == len(self.revealed)
        if t["status"] in (T_AWARD_PROPOSED, T_AWARDED):
            winner = t["winner"]
            assert winner in self.revealed
            assert all(self.revealed[winner][0] <= hea for hea, _, _ in self.revealed.values())
        if t["status"] == T_FAILED:
            assert not self.revealed

    def invariant_the_tender_keeps_its_policy_version(self):
        t = self.tenders.getTender(self.tender_id).dict()
        assert t["policyVersion"] == 1
        for name in (
            "preferenceMinTkdnBps",
            "domesticOnlyMinBps",
            "addendumNotice",
            "appealWindow",
            "quorumOpeningWindow",
        ):
            assert t[name] == self.rules[name]

    def invariant_nothing_changes_after_award(self):
        if self.awarded is not None:
            assert self.tenders.getTender(self.tender_id).dict() == self.awarded


STEP = st.one_of(
    st.tuples(
        st.just("commit"), st.integers(0, 2), st.integers(0, 2**32 - 1), st.integers(0, len(CHOICES) - 1)
    ),
    st.tuples(st.just("reveal"), st.integers(0, 2)),
    st.tuples(st.just("open"), st.integers(0, 2)),
    st.tuples(st.just("addendum")),
    st.tuples(st.just("policy"), st.integers(0, 2), st.integers(0, 2), st.integers(0, 2)),
    st.tuples(st.just("sleep"), st.integers(0, 3 * DAY)),
    st.tuples(st.just("evaluate")),
    st.tuples(st.just("finalize")),
)


# brownie 1.22's `state_machine` is compiled with mypyc and refuses the generated subclass
# ("_BrownieStateMachine object expected"), so hypothesis drives the same rules directly: each
# example is a random list of steps run between a chain snapshot and its revert.
@settings(
    max_examples=examples(30, deep=300),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(steps=st.lists(STEP, min_size=4, max_size=16))
def test_random_tender_sequences_keep_the_invariants(
    kit, tenders, bidders, products, officer, policies, delayed, committee, steps
):
    chain.snapshot()
    try:
        machine = TenderMachine(kit, tenders, bidders, officer, policies, delayed, committee)
        machine.setup()
        for name, *args in steps:
            getattr(machine, f"rule_{name}")(*args)
            machine.invariant_counts_match_the_model()
            machine.invariant_nothing_changes_after_award()
            machine.invariant_the_tender_keeps_its_policy_version()
        # Always finish the tender, so every example checks an evaluation.
        if tenders.getTender(machine.tender_id)["status"] == 1:
            kit.to_openings_closed(machine.tender_id)
            kit.sleep_until(chain.time() + 10)
        machine.rule_evaluate()
        machine.invariant_counts_match_the_model()
    finally:
        chain.revert()
