"""Welfare disbursement: PKH amounts per component and the cap, Sembako's flat amount, skips with
reasons, the period budget (mid-batch exhaustion, never overspent), one payment per beneficiary per
period however batches are split or resent, rule changes from the next period only, and the batch
instruction in the payments ledger (per-line failure, settlement, repayment at most once)."""

from __future__ import annotations

import brownie
import pytest

from app.protocol import welfare as welfarelib
from app.protocol.welfare import PKH_COMPONENTS, PKH_YEARLY
from tests.contracts.escrow_fixtures import S_AUTHORIZED, S_SETTLED
from tests.contracts.revert_messages import custom_error, selector
from tests.contracts.welfare_fixtures import P_WELFARE_BATCH, PKH_AMOUNTS, REASON, SEMBAKO_AMOUNTS, counts

FAILED = b"INVALID_DESTINATION".ljust(32, b"\0")


@pytest.fixture(scope="module")
def pkh(wkit):
    return wkit.define()


@pytest.fixture
def started(wkit, pkh):
    wkit.start(pkh)
    return pkh


def paid_amounts(wkit, tx) -> dict[bytes, int]:
    return {line.key: line.amount for line in wkit.lines(tx)}


# --- amounts -----------------------------------------------------------------------------------


@pytest.mark.parametrize("component", PKH_COMPONENTS)
def test_each_pkh_component_pays_a_quarter_of_its_yearly_amount(wkit, started, component):
    wkit.enrol(started, [wkit.applicant(1, components=counts(**{component: 1}))])
    tx = wkit.disburse(started, [wkit.key(1)])
    assert paid_amounts(wkit, tx) == {wkit.key(1): PKH_YEARLY[component] // 4}


def test_components_add_up_per_child(wkit, started):
    family = counts(primary_school=2, junior_secondary=1)
    wkit.enrol(started, [wkit.applicant(1, components=family)])
    tx = wkit.disburse(started, [wkit.key(1)])
    assert paid_amounts(wkit, tx)[wkit.key(1)] == 2 * 225_000 + 375_000


def test_the_cap_counts_the_four_highest_components(wkit, started):
    # Six units: pregnant 750k, early childhood 750k, elderly 600k, disability 600k, 2 x primary 225k.
    family = counts(pregnant=1, early_childhood=1, elderly=1, severe_disability=1, primary_school=2)
    wkit.enrol(started, [wkit.applicant(1, components=family)])
    tx = wkit.disburse(started, [wkit.key(1)])
    assert paid_amounts(wkit, tx)[wkit.key(1)] == 750_000 + 750_000 + 600_000 + 600_000
    assert welfarelib.benefit(PKH_AMOUNTS, family, 4) == 2_700_000


def test_the_cap_is_configurable(wkit):
    capped = wkit.define(cap=2)
    wkit.start(capped)
    wkit.enrol(capped, [wkit.applicant(1, components=counts(elderly=1, primary_school=3))])
    assert paid_amounts(wkit, wkit.disburse(capped, [wkit.key(1)]))[wkit.key(1)] == 600_000 + 225_000


def test_sembako_pays_its_flat_quarterly_amount(wkit):
    sembako = wkit.define(name="Sembako", cap=1, amounts=SEMBAKO_AMOUNTS)
    wkit.start(sembako)
    household = [1] + [0] * 7
    wkit.enrol(sembako, [wkit.applicant(n, components=household) for n in (1, 2)])
    tx = wkit.disburse(sembako, [wkit.key(1), wkit.key(2)])
    assert set(paid_amounts(wkit, tx).values()) == {600_000}


# --- skips -------------------------------------------------------------------------------------


def test_lines_that_cannot_be_paid_are_skipped_with_their_reason(wkit, welfare, started):
    wkit.enrol_many(started, [1, 2, 3, 4])
    wkit.suspend(started, wkit.key(2), b"PKH_CONDITION")  # confirmed: cuts this period
    welfare.exitBeneficiary(started, wkit.key(3), b"GRADUATED", {"from": wkit.admin})
    welfare.updateBeneficiary(started, wkit.applicant(4, decile=9), {"from": wkit.enroller})
    tx = wkit.disburse(started, [wkit.key(n) for n in (1, 2, 3, 4, 5)])
    assert list(paid_amounts(wkit, tx)) == [wkit.key(1)]
    assert wkit.skipped(tx) == {
        wkit.key(2): REASON["Suspended"],
        wkit.key(3): REASON["Exited"],
        wkit.key(4): REASON["DecileNotEligible"],
        wkit.key(5): REASON["NotEnrolled"],
    }


def test_a_reinstated_beneficiary_is_paid_again(wkit, welfare, started):
    wkit.enrol_many(started, [1])
    wkit.suspend(started, wkit.key(1), b"PKH_CONDITION")
    assert wkit.skipped(wkit.disburse(started, [wkit.key(1)])) == {wkit.key(1): REASON["Suspended"]}
    welfare.reinstate(started, wkit.key(1), b"CONDITION_MET", {"from": wkit.admin})
    assert list(paid_amounts(wkit, wkit.disburse(started, [wkit.key(1)]))) == [wkit.key(1)]


def test_common_lines_and_lines_the_full_rules_decide_interleave_in_one_batch(wkit, welfare, started):
    # 1, 4 and 5 are common lines (active, unpaid, benefit cached: 4's by its update); 2 is suspended
    # from the next period (paid under the notice), 3 already paid, 6 not enrolled.
    wkit.enrol_many(started, [1, 2, 3, 4, 5])
    wkit.suspend(started, wkit.key(2), confirm=False)
    wkit.disburse(started, [wkit.key(3)])
    elderly = wkit.applicant(4, components=counts(elderly=1))
    welfare.updateBeneficiary(started, elderly, {"from": wkit.enroller})
    tx = wkit.disburse(started, [wkit.key(n) for n in (1, 2, 3, 4, 5, 6)])
    lines = wkit.lines(tx)
    assert [(line.index, line.key) for line in lines] == list(enumerate(wkit.key(n) for n in (1, 2, 4, 5)))
    assert lines[2].amount == 600_000 and lines[0].amount == lines[1].amount == lines[3].amount
    assert wkit.skipped(tx) == {wkit.key(3): REASON["AlreadyPaid"], wkit.key(6): REASON["NotEnrolled"]}
    batch = welfare.getBatch(wkit.batch_id(tx))
    assert bytes.fromhex(str(batch["linesRoot"])[2:]) == welfarelib.lines_root(lines)
    assert batch["total"] == sum(line.amount for line in lines) == tx.return_value[2]


# --- one payment per beneficiary per period ----------------------------------------------------


def test_a_resent_batch_pays_nobody_twice(wkit, welfare, started):
    wkit.enrol_many(started, range(1, 6))
    keys = [wkit.key(n) for n in range(1, 6)]
    first = wkit.disburse(started, keys)
    assert len(wkit.lines(first)) == 5
    again = wkit.disburse(started, keys)
    assert wkit.lines(again) == [] and "BatchDisbursed" not in again.events
    assert set(wkit.skipped(again).values()) == {REASON["AlreadyPaid"]}
    assert welfare.periodState(started, 0)["spent"] == 5 * 225_000


def test_overlapping_batches_and_duplicate_keys_pay_each_beneficiary_once(wkit, welfare, started):
    wkit.enrol_many(started, range(1, 7))
    k = [wkit.key(n) for n in range(1, 7)]
    a = wkit.disburse(started, [k[0], k[1], k[1], k[2]])
    b = wkit.disburse(started, [k[2], k[3], k[0], k[4], k[5], k[5]])
    paid = [line.key for line in wkit.lines(a) + wkit.lines(b)]
    assert sorted(paid) == sorted(k)
    assert welfare.periodState(started, 0)["batches"] == 2


def test_the_next_period_pays_again(wkit, welfare, started):
    wkit.enrol_many(started, [1])
    wkit.disburse(started, [wkit.key(1)])
    wkit.next_period(started)
    tx = wkit.disburse(started, [wkit.key(1)], period=1)
    assert paid_amounts(wkit, tx) == {wkit.key(1): 225_000}
    assert welfare.getBeneficiary(started, wkit.key(1))["paidThrough"] == 2


def test_only_the_current_period_is_paid(wkit, welfare, pkh):
    with brownie.reverts(
        custom_error("WelfareProgrammeNotStarted", pkh, welfare.getProgramme(pkh)["firstPeriodStart"])
    ):
        wkit.disburse(pkh, [wkit.key(1)], period=0)
    wkit.start(pkh)
    with brownie.reverts(custom_error("WelfareNotCurrentPeriod", pkh, 1, 0)):
        wkit.disburse(pkh, [wkit.key(1)], period=1)


# --- budget ------------------------------------------------------------------------------------


def test_the_budget_runs_out_mid_batch_and_the_period_closes(wkit, welfare):
    # Budget for two and a half elderly lines (600k each).
    programme = wkit.define(budget=1_500_000)
    wkit.start(programme)
    wkit.enrol_many(programme, [1, 2, 3], components=counts(elderly=1))
    wkit.enrol_many(programme, [4], components=counts(primary_school=1))  # 225k would still fit
    tx = wkit.disburse(programme, [wkit.key(n) for n in (1, 2, 3, 4)])
    assert list(paid_amounts(wkit, tx).values()) == [600_000, 600_000]
    assert wkit.skipped(tx) == {
        wkit.key(3): REASON["BudgetExhausted"],
        wkit.key(4): REASON["BudgetExhausted"],
    }
    state = welfare.periodState(programme, 0)
    assert state["spent"] == 1_200_000 and state["exhausted"] is True
    later = wkit.disburse(programme, [wkit.key(4)])
    assert wkit.skipped(later) == {wkit.key(4): REASON["BudgetExhausted"]}
    assert welfare.periodState(programme, 0)["spent"] <= 1_500_000


def test_an_exact_budget_is_spent_to_the_last_rupiah(wkit, welfare):
    programme = wkit.define(budget=1_200_000)
    wkit.start(programme)
    wkit.enrol_many(programme, [1, 2], components=counts(elderly=1))
    tx = wkit.disburse(programme, [wkit.key(1), wkit.key(2)])
    assert sum(paid_amounts(wkit, tx).values()) == 1_200_000
    assert welfare.periodState(programme, 0)["exhausted"] is False


# --- rule changes ------------------------------------------------------------------------------


def test_a_rule_change_applies_from_the_next_period_only(wkit, welfare, started, delayed, committee):
    wkit.enrol_many(started, [1, 2])
    raised = list(PKH_AMOUNTS)
    raised[2] = 300_000  # primary school
    tx = delayed(committee, welfare, "changeRules", started, wkit.rules(amounts=raised), [])
    assert tx.events["ProgrammeRulesChanged"]["effectiveFrom"] == 1
    assert paid_amounts(wkit, wkit.disburse(started, [wkit.key(1)])) == {wkit.key(1): 225_000}
    wkit.next_period(started)
    tx = wkit.disburse(started, [wkit.key(1), wkit.key(2)], period=1)
    assert set(paid_amounts(wkit, tx).values()) == {300_000}
    assert welfare.rulesFor(started, 0)[1] == 1 and welfare.rulesFor(started, 1)[1] == 2


def test_narrower_deciles_skip_from_the_next_period(wkit, welfare, started, delayed, committee):
    wkit.enrol_many(started, [1], decile=4)
    delayed(committee, welfare, "changeRules", started, wkit.rules(deciles=0b110), [])
    assert len(wkit.lines(wkit.disburse(started, [wkit.key(1)]))) == 1
    wkit.next_period(started)
    tx = wkit.disburse(started, [wkit.key(1)], period=1)
    assert wkit.skipped(tx) == {wkit.key(1): REASON["DecileNotEligible"]}


def test_a_budget_change_waits_for_the_next_period(wkit, welfare, delayed, committee):
    programme = wkit.define(budget=600_000)
    wkit.start(programme)
    wkit.enrol_many(programme, [1, 2], components=counts(elderly=1))
    delayed(committee, welfare, "changeRules", programme, wkit.rules(budget=1_200_000), [])
    tx = wkit.disburse(programme, [wkit.key(1), wkit.key(2)])
    assert len(wkit.lines(tx)) == 1 and wkit.skipped(tx) == {wkit.key(2): REASON["BudgetExhausted"]}
    wkit.next_period(programme)
    assert len(wkit.lines(wkit.disburse(programme, [wkit.key(1), wkit.key(2)], period=1))) == 2


def test_rules_change_only_through_the_committee_delay(wkit, welfare, started, hub, committee):
    with brownie.reverts(custom_error("AccessManagedUnauthorized", wkit.admin)):
        welfare.changeRules(started, wkit.rules(), [], {"from": wkit.admin})
    data = welfare.changeRules.encode_input(started, wkit.rules(), [])
    # A committee official alone holds no hub role: only the Committee contract (k agencies) does.
    with brownie.reverts(custom_error("AccessManagerUnauthorizedCall", committee, welfare, selector(data))):
        hub.execute(welfare, data, {"from": committee})


def test_a_change_before_the_start_applies_from_the_first_period(wkit, welfare, delayed, committee):
    pkh = wkit.define(start_in=3600)
    tx = delayed(committee, welfare, "changeRules", pkh, wkit.rules(cap=1), [])
    assert tx.events["ProgrammeRulesChanged"]["effectiveFrom"] == 0
    assert welfare.rulesFor(pkh, 0)[0]["componentCap"] == 1


# --- the batch instruction in the payments ledger ----------------------------------------------


def test_a_batch_is_one_ledger_instruction_committed_by_the_lines_root(wkit, welfare, payments, started):
    wkit.enrol_many(started, range(1, 6))
    tx = wkit.disburse(started, [wkit.key(n) for n in range(1, 6)])
    lines = wkit.lines(tx)
    batch_id = wkit.batch_id(tx)
    instruction = payments.getInstruction(batch_id)
    assert instruction["purpose"] == P_WELFARE_BATCH and instruction["status"] == S_AUTHORIZED
    assert instruction["source"] == welfare
    assert bytes.fromhex(str(instruction["payeeKey"])[2:]) == welfarelib.lines_root(lines)
    assert instruction["amount"] == sum(line.amount for line in lines) == tx.return_value[2]
    assert payments.batchLinesOf(batch_id)["lineCount"] == 5
    assert tx.events["PaymentBatchAuthorized"]["lineCount"] == 5


def test_failed_lines_are_repaid_once_and_the_rest_settle(wkit, welfare, payments, started):
    wkit.enrol_many(started, range(1, 8))
    tx = wkit.disburse(started, [wkit.key(n) for n in range(1, 8)])
    lines, batch_id = wkit.lines(tx), wkit.batch_id(tx)
    failed = wkit.fail_lines(batch_id, lines, [1, 4])
    assert [int(e["index"]) for e in failed.events["PaymentLineFailed"]] == [1, 4]
    with brownie.reverts(custom_error("PaymentLineAlreadyFailed", batch_id, 4)):
        wkit.fail_lines(batch_id, lines, [4])
    settled = payments.settle(batch_id, 0, b"iris-batch-1", {"from": wkit.treasury})
    assert settled.events["PaymentSettled"]["amount"] == 5 * 225_000
    totals = payments.totalsOf(welfare)
    assert totals["settled"] == 5 * 225_000 and totals["cancelled"] == 2 * 225_000

    repay = wkit.repay(batch_id, lines, [1, 4])
    new_lines = wkit.lines(repay)
    assert [line.key for line in new_lines] == [lines[1].key, lines[4].key]
    assert repay.events["BatchDisbursed"]["repaysBatch"] == "0x" + batch_id.hex()
    new_id = wkit.batch_id(repay)
    assert payments.getInstruction(new_id)["amount"] == 2 * 225_000
    assert welfare.periodState(started, 0)["spent"] == 7 * 225_000  # the repayment spends nothing new
    with brownie.reverts(custom_error("WelfareLineAlreadyRepaid", batch_id, 1)):
        wkit.repay(batch_id, lines, [1])
    payments.settle(new_id, 0, b"iris-batch-2", {"from": wkit.treasury})
    assert payments.statusOf(new_id) == S_SETTLED
    assert payments.totalsOf(welfare)["settled"] == 7 * 225_000


def test_a_line_not_reported_failed_cannot_be_repaid(wkit, started):
    wkit.enrol_many(started, range(1, 4))
    tx = wkit.disburse(started, [wkit.key(n) for n in range(1, 4)])
    lines, batch_id = wkit.lines(tx), wkit.batch_id(tx)
    with brownie.reverts(custom_error("WelfareLineNotFailed", batch_id, 0)):
        wkit.repay(batch_id, lines, [0])


def test_a_forged_line_is_refused_by_the_ledger_and_the_programme(wkit, started):
    wkit.enrol_many(started, range(1, 4))
    tx = wkit.disburse(started, [wkit.key(n) for n in range(1, 4)])
    lines, batch_id = wkit.lines(tx), wkit.batch_id(tx)
    forged = list(lines)
    forged[0] = welfarelib.Line(0, lines[0].key, lines[0].amount * 10)
    with brownie.reverts(custom_error("PaymentLineNotInBatch", batch_id, 0)):
        wkit.fail_lines(batch_id, forged, [0])
    wkit.fail_lines(batch_id, lines, [0])
    with brownie.reverts(custom_error("WelfareLineNotInBatch", batch_id, 0)):
        wkit.repay(batch_id, forged, [0])


def test_only_the_treasury_reports_failed_lines(wkit, payments, started, committee):
    wkit.enrol_many(started, [1])
    tx = wkit.disburse(started, [wkit.key(1)])
    lines = wkit.lines(tx)
    with brownie.reverts(custom_error("AccessManagedUnauthorized", wkit.admin)):
        payments.failLines(wkit.batch_id(tx), 0, [lines[0].as_tuple()], [[]], FAILED, {"from": wkit.admin})


def test_a_pause_stops_disbursement(wkit, welfare, started, guardian):
    wkit.enrol_many(started, [1])
    welfare.pause({"from": guardian})
    with brownie.reverts(custom_error("EnforcedPause")):
        wkit.disburse(started, [wkit.key(1)])


def test_a_payment_writes_only_the_paid_period_and_the_benefit_cache(
    wkit, welfare, started, delayed, committee
):
    wkit.enrol(
        started, [wkit.applicant(1, decile=3, region=6371, components=counts(elderly=1, primary_school=2))]
    )
    before = welfare.getBeneficiary(started, wkit.key(1)).dict()
    assert before["benefitVersion"] == 1 and before["benefit"] == 600_000 + 2 * 225_000
    wkit.disburse(started, [wkit.key(1)])
    assert welfare.getBeneficiary(started, wkit.key(1)).dict() == {**before, "paidThrough": 1}
    raised = list(PKH_AMOUNTS)
    raised[6] = 700_000  # elderly
    delayed(committee, welfare, "changeRules", started, wkit.rules(amounts=raised), [])
    wkit.next_period(started)
    tx = wkit.disburse(started, [wkit.key(1)], period=1)
    assert paid_amounts(wkit, tx) == {wkit.key(1): 700_000 + 2 * 225_000}
    expected = {**before, "paidThrough": 2, "benefitVersion": 2, "benefit": 700_000 + 2 * 225_000}
    assert welfare.getBeneficiary(started, wkit.key(1)).dict() == expected
