"""Property test: random populations (deciles, components, statuses), random budgets and random
batch splits (overlapping, repeated keys, unknown keys, resent batches) against a Python model of the
rules. Invariants: every batch pays exactly the model's lines; the total authorised in the ledger equals
the sum of eligible benefits until the budget cap, never above it; each beneficiary is paid at most
once per period."""

from __future__ import annotations

import brownie
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
                wkit.suspend(programme, keys[n])  # confirmed by the welfare admin: cuts period 0
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


# --- exclusive programmes, failed batches, retries and cancels ------------------------------------

FAMILY = st.fixed_dictionaries(
    {
        "components": st.lists(st.integers(0, 2), min_size=7, max_size=7).map(lambda c: c[:6] + [1, 0]),
        "in": st.sampled_from([(0,), (1,), (0, 1), (0, 1)]),  # enrolled in programme 0, 1 or both
    }
)
ACTION = st.one_of(
    st.tuples(st.just("disburse"), st.integers(0, 1), st.lists(st.integers(0, 7), min_size=1, max_size=6)),
    st.tuples(st.just("fail"), st.integers(0, 7), st.lists(st.integers(0, 5), max_size=2)),
    st.tuples(st.just("retry"), st.integers(0, 7)),
    st.tuples(st.just("cancel"), st.integers(0, 7)),
)
CODE = b"BANK_OFFLINE".ljust(32, b"\0")


@st.composite
def exclusive_scenarios(draw):
    families = draw(st.lists(FAMILY, min_size=2, max_size=8))
    budgets = draw(st.tuples(st.integers(1_000_000, 8_000_000), st.integers(1_000_000, 8_000_000)))
    actions = draw(st.lists(ACTION, min_size=3, max_size=12))
    return families, budgets, actions


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(scenario=exclusive_scenarios())
def test_an_exclusive_line_with_failed_retried_and_cancelled_batches_pays_each_family_once(
    wkit, welfare, payments, delayed, committee, scenario
):
    """Two programmes on one exclusive line (a programme and its clone), random batches, whole-batch
    failures (some lines failed first), retries and cancels. Invariants: each batch pays exactly the
    model's lines; a family is paid at most once in the period by the line, however many programmes
    enrol it; each programme's spending equals its live lines (a cancel restores exactly the lines not
    reported failed) and never exceeds its budget; a failure is answered by one retry or one cancel."""
    families, budgets, actions = scenario
    chain.snapshot()
    try:
        epoch = int(chain.time()) + 3600
        tx = delayed(
            committee, welfare, "approveBudgetLine", 2**90, 2**60, welfarelib.QUARTER_SECONDS, True, epoch
        )
        line_id = int(tx.events["BudgetLineApproved"]["lineId"])
        programmes = [wkit.define(line=line_id, start=epoch, budget=b, cap=CAP) for b in budgets]
        keys = [wkit.key(n) for n in range(len(families))]
        for p, programme in enumerate(programmes):
            wkit.enrol(
                programme,
                [(keys[n], 2, 6302, f["components"]) for n, f in enumerate(families) if p in f["in"]],
            )
        wkit.start(programmes[0])

        paid_by = {}  # family -> programme index that holds its live payment
        spent, exhausted = [0, 0], [False, False]
        batches = []  # [programme index, batch id, lines, status, attempt, failed line indexes]
        for action in actions:
            if action[0] == "disburse":
                _, p, picks = action
                expected = []
                for n in picks:
                    if n >= len(families) or p not in families[n]["in"]:
                        continue
                    amount = welfarelib.benefit(PKH_AMOUNTS, families[n]["components"], CAP)
                    if n in paid_by:  # by this programme (AlreadyPaid) or the other (PaidByOtherProgramme)
                        continue
                    if exhausted[p] or amount > budgets[p] - spent[p]:
                        exhausted[p] = True
                        continue
                    paid_by[n] = p
                    spent[p] += amount
                    expected.append((keys[n], amount))
                tx = wkit.disburse(programmes[p], [keys[n] if n < len(keys) else wkit.key(99) for n in picks])
                lines = wkit.lines(tx)
                assert [(line.key, line.amount) for line in lines] == expected
                if lines:
                    batches.append([p, wkit.batch_id(tx), lines, "authorized", 0, set()])
                continue
            if not batches:
                continue
            batch = batches[action[1] % len(batches)]
            p, batch_id, lines, status, attempt, failed = batch
            if action[0] == "fail":
                if status != "authorized":
                    continue
                chosen = sorted({i for i in action[2] if i < len(lines)} - failed)
                if chosen:
                    wkit.fail_lines(batch_id, lines, chosen, attempt=attempt)
                    failed.update(chosen)
                if attempt > 0:  # a stale callback is refused
                    with brownie.reverts():
                        payments.fail(batch_id, attempt - 1, CODE, {"from": wkit.treasury})
                payments.fail(batch_id, attempt, CODE, {"from": wkit.treasury})
                batch[3] = "failed"
            elif action[0] == "retry":
                if status != "failed":
                    with brownie.reverts():
                        welfare.retryFailedBatch(batch_id, {"from": wkit.admin})
                    continue
                welfare.retryFailedBatch(batch_id, {"from": wkit.admin})
                batch[3], batch[4] = "authorized", attempt + 1
            else:
                keys_, amounts = [line.key for line in lines], [line.amount for line in lines]
                if status != "failed":
                    with brownie.reverts():
                        welfare.cancelFailedBatch(batch_id, keys_, amounts, CODE, {"from": wkit.admin})
                    continue
                welfare.cancelFailedBatch(batch_id, keys_, amounts, CODE, {"from": wkit.admin})
                batch[3] = "cancelled"
                for line in lines:
                    if line.index in failed:
                        continue  # reported failed: stays counted, repayable
                    n = keys.index(line.key)
                    del paid_by[n]
                    spent[p] -= line.amount

            for q, programme in enumerate(programmes):
                assert int(welfare.periodState(programme, 0)["spent"]) == spent[q] <= budgets[q]
            for n, key in enumerate(keys):
                assert int(welfare.linePaidThrough(line_id, key)) == (1 if n in paid_by else 0)
                paid_in = [int(welfare.getBeneficiary(prog, key)["paidThrough"]) for prog in programmes]
                assert sum(paid_in) <= 1  # at most one programme of the line paid the family
                if n in paid_by:
                    assert paid_in[paid_by[n]] == 1
    finally:
        chain.revert()
