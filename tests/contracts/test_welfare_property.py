"""Property test: random populations (deciles, components, statuses), random budgets and random
batch splits (overlapping, repeated keys, unknown keys, resent batches) against a Python model of the
rules. Invariants: every batch pays exactly the model's lines; the total authorised in the ledger equals
the sum of eligible benefits until the budget cap, never above it; each beneficiary is paid at most
once per period."""

from __future__ import annotations

from brownie import chain
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.protocol import welfare as welfarelib
from tests.contracts.welfare_fixtures import PKH_AMOUNTS, REASON

CAP = 4
PERSON = st.fixed_dictionaries(
    {
        "decile": st.integers(1, 10),
        "components": st.lists(st.integers(0, 2), min_size=7, max_size=7).map(lambda c: c + [0]),
        "status": st.sampled_from(["active"] * 6 + ["suspended", "exited", "absent"]),
    }
)


@st.composite
def scenarios(draw):
    people = draw(st.lists(PERSON, min_size=1, max_size=14))
    indexes = st.integers(0, len(people))  # len(people): a key never enrolled
    batches = draw(st.lists(st.lists(indexes, min_size=1, max_size=10), min_size=1, max_size=4))
    budget = draw(st.integers(1, 12_000_000))
    return people, batches, budget


def eligible_benefit(person) -> int:
    if person["status"] != "active" or not 1 <= person["decile"] <= 4:
        return 0
    return welfarelib.benefit(PKH_AMOUNTS, person["components"], CAP)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(scenario=scenarios())
def test_random_populations_and_batch_splits_pay_each_eligible_beneficiary_once(
    wkit, welfare, payments, scenario
):
    people, batches, budget = scenario
    chain.snapshot()
    try:
        programme = wkit.define(budget=budget, cap=CAP)
        keys = [wkit.key(n) for n in range(len(people) + 1)]
        applicants = [
            (keys[n], p["decile"], 6302, p["components"])
            for n, p in enumerate(people)
            if p["status"] != "absent"
        ]
        wkit.enrol(programme, applicants)
        for n, person in enumerate(people):
            if person["status"] == "suspended" and eligible_or_enrolled(person):
                welfare.suspend(programme, keys[n], b"S", {"from": wkit.enroller})
            if person["status"] == "exited" and eligible_or_enrolled(person):
                welfare.exitBeneficiary(programme, keys[n], b"E", {"from": wkit.admin})
        wkit.start(programme)
        authorized_before = int(payments.totalsOf(welfare)["authorized"])

        paid: set[int] = set()
        remaining, exhausted, model_total = budget, False, 0
        for batch in batches:
            expected = []
            for n in batch:
                amount = eligible_benefit(people[n]) if n < len(people) else 0
                if amount == 0 or n in paid:
                    continue
                if exhausted or amount > remaining:
                    exhausted = True
                    continue
                paid.add(n)
                remaining -= amount
                model_total += amount
                expected.append((keys[n], amount))
            tx = wkit.disburse(programme, [keys[n] for n in batch])
            assert [(line.key, line.amount) for line in wkit.lines(tx)] == expected
            skipped = wkit.skipped(tx)
            assert all(reason != REASON["None"] for reason in skipped.values())

        total = int(payments.totalsOf(welfare)["authorized"]) - authorized_before
        assert total == model_total <= budget
        assert int(welfare.periodState(programme, 0)["spent"]) == model_total
        sent = {n for batch in batches for n in batch if n < len(people)}
        if not exhausted:
            assert total == sum(eligible_benefit(people[n]) for n in sent)
        for n in range(len(people)):
            assert int(welfare.getBeneficiary(programme, keys[n])["paidThrough"]) == (1 if n in paid else 0)
    finally:
        chain.revert()


def eligible_or_enrolled(person) -> bool:
    """Whether the enrolment of this person succeeded (so it can be suspended or exited)."""
    return 1 <= person["decile"] <= 4 and any(person["components"][:7])
