"""Welfare money by the committee, and the insider attacks it stops (docs/decisions/0023): the welfare
admin alone cannot approve money nor define a programme beyond the committee's budget line; a cloned
programme on an exclusive line cannot pay a family twice in a period; an enroller acts only in its
programmes and regions; one field officer cannot cut a family out of a batch about to be sent; a batch
the treasury failed as a whole is retried or cancelled exactly once per failure, a cancel restoring
the budget and leaving the families unpaid; and a callback of an old attempt cannot settle a new one."""

from __future__ import annotations

import brownie
import pytest
from brownie import accounts, web3

from app.protocol import welfare as welfarelib
from app.protocol.roles import role_id
from tests.contracts.escrow_fixtures import S_AUTHORIZED, S_CANCELLED, S_FAILED, S_SETTLED
from tests.contracts.revert_messages import custom_error
from tests.contracts.welfare_fixtures import PERIOD, PKH_AMOUNTS, REASON, latest_time

FAILED = b"BANK_OFFLINE".ljust(32, b"\0")
PKH_FAMILY_MAX = max(PKH_AMOUNTS) * 4  # cap 4 x the highest quarterly amount
SECOND_ENROLLER = 23  # a dev account outside deploy/local.yaml


def approve_line(
    delayed, committee, welfare, ceiling=10_000_000, max_benefit=PKH_FAMILY_MAX, exclusive=False, epoch=0
):
    tx = delayed(committee, welfare, "approveBudgetLine", ceiling, max_benefit, PERIOD, exclusive, epoch)
    return int(tx.events["BudgetLineApproved"]["lineId"])


# --- money by the committee --------------------------------------------------------------------


def test_the_welfare_admin_alone_cannot_approve_money(wkit, welfare, council, committee):
    args = (10**12, PKH_FAMILY_MAX, PERIOD, False, 0)
    with brownie.reverts(custom_error("AccessManagedUnauthorized", wkit.admin)):
        welfare.approveBudgetLine(*args, {"from": wkit.admin})
    with brownie.reverts(custom_error("AccessManagedUnauthorized", wkit.admin)):
        welfare.setBudgetCeiling(wkit.line, 2**95, 2**63, {"from": wkit.admin})
    # Nor a committee member alone: only the Committee holds the role, after k member agencies.
    with brownie.reverts(custom_error("AccessManagedUnauthorized", committee)):
        welfare.approveBudgetLine(*args, {"from": committee})
    data = welfare.approveBudgetLine.encode_input(*args)
    proposal = council.propose([(str(welfare), data)], web3.keccak(text="garis"), {"from": committee})
    proposal_id = proposal.events["Proposed"]["proposalId"]
    with brownie.reverts(custom_error("CommitteeNotEnoughApprovals", proposal_id, 1, 2)):
        council.schedule(proposal_id, {"from": committee})


def test_a_programme_is_defined_only_on_an_approved_line(wkit, welfare):
    with brownie.reverts(custom_error("WelfareUnknownBudgetLine", 999)):
        wkit.define(line=999)


def test_programmes_on_a_line_share_its_ceiling(wkit, welfare, delayed, committee):
    line = approve_line(delayed, committee, welfare, ceiling=10_000_000)
    first = wkit.define(line=line, budget=6_000_000)
    assert welfare.allocationOf(first) == 6_000_000
    # A second programme (e.g. a clone of the first) gets only what the line has left.
    with brownie.reverts(custom_error("WelfareOverBudgetLine", line, 5_000_000, 4_000_000)):
        wkit.define(line=line, budget=5_000_000)
    wkit.define(line=line, budget=4_000_000)
    assert welfare.getBudgetLine(line)["allocated"] == 10_000_000


def test_a_programme_cannot_promise_a_family_more_than_the_line_allows(wkit, welfare, delayed, committee):
    line = approve_line(delayed, committee, welfare, max_benefit=PKH_FAMILY_MAX - 1)
    with brownie.reverts(
        custom_error("WelfareBenefitAboveCeiling", line, PKH_FAMILY_MAX, PKH_FAMILY_MAX - 1)
    ):
        wkit.define(line=line, budget=1_000_000)
    wkit.define(line=line, budget=1_000_000, cap=3)  # three units of the highest amount fit


def test_a_programme_cannot_shorten_its_periods_to_multiply_its_budget(wkit, welfare, delayed, committee):
    line = approve_line(delayed, committee, welfare)
    start = latest_time() + 60
    with brownie.reverts(custom_error("WelfarePeriodNotOnLine", line, start, PERIOD // 13)):
        wkit.define(line=line, start=start, length=PERIOD // 13, budget=1_000_000)


def test_the_committee_changes_a_programmes_rules_within_its_line(wkit, welfare, delayed, committee):
    line = approve_line(delayed, committee, welfare, ceiling=10_000_000)
    programme = wkit.define(line=line, budget=6_000_000)
    with brownie.reverts():  # WelfareOverBudgetLine, raised inside the hub's execute
        delayed(committee, welfare, "changeRules", programme, wkit.rules(budget=12_000_000), [])
    delayed(committee, welfare, "changeRules", programme, wkit.rules(budget=9_000_000), [])
    assert welfare.allocationOf(programme) == 9_000_000
    # A lower budget, not yet in force, keeps the current one allocated.
    delayed(committee, welfare, "changeRules", programme, wkit.rules(budget=2_000_000), [])
    assert welfare.allocationOf(programme) == 6_000_000
    delayed(committee, welfare, "setBudgetCeiling", line, 20_000_000, PKH_FAMILY_MAX)
    delayed(committee, welfare, "changeRules", programme, wkit.rules(budget=11_000_000), [])
    assert welfare.getBudgetLine(line)["allocated"] == 11_000_000


# --- exclusive programmes ----------------------------------------------------------------------


@pytest.fixture
def exclusive_pair(wkit, welfare, delayed, committee):
    """PKH and a clone of it on one exclusive line, with the same family enrolled in both."""
    epoch = latest_time() + 3600
    line = approve_line(delayed, committee, welfare, ceiling=10**13, exclusive=True, epoch=epoch)
    pkh = wkit.define(line=line, start=epoch, budget=10**12)
    clone = wkit.define(line=line, start=epoch, budget=10**12)
    for programme in (pkh, clone):
        wkit.enrol_many(programme, [1, 2])
    wkit.start(pkh)
    return line, pkh, clone


def test_a_cloned_programme_cannot_pay_a_family_twice_in_a_period(wkit, welfare, exclusive_pair):
    line, pkh, clone = exclusive_pair
    assert len(wkit.lines(wkit.disburse(pkh, [wkit.key(1)]))) == 1

    tx = wkit.disburse(clone, [wkit.key(1), wkit.key(2)])
    assert [line.key for line in wkit.lines(tx)] == [wkit.key(2)]
    assert wkit.skipped(tx) == {wkit.key(1): REASON["PaidByOtherProgramme"]}
    assert wkit.skipped(wkit.disburse(pkh, [wkit.key(2)])) == {wkit.key(2): REASON["PaidByOtherProgramme"]}
    assert welfare.linePaidThrough(line, wkit.key(1)) == 1

    # Next period either may pay each family once again.
    wkit.next_period(pkh)
    assert len(wkit.lines(wkit.disburse(clone, [wkit.key(1)]))) == 1
    assert wkit.skipped(wkit.disburse(pkh, [wkit.key(1)])) == {wkit.key(1): REASON["PaidByOtherProgramme"]}


def test_a_programme_off_an_exclusive_lines_periods_is_refused(wkit, welfare, delayed, committee):
    epoch = latest_time() + 3600
    line = approve_line(delayed, committee, welfare, ceiling=10**13, exclusive=True, epoch=epoch)
    # Shifted by a day its quarters would overlap two of the line's: a family paid in both.
    with brownie.reverts(custom_error("WelfarePeriodNotOnLine", line, epoch + 86400, PERIOD)):
        wkit.define(line=line, start=epoch + 86400, budget=10**12)
    later = wkit.define(line=line, start=epoch + PERIOD, budget=10**12)  # starts on line period 1
    assert welfare.getProgramme(later)["budgetLine"] == line


def test_a_clone_starting_a_period_later_still_meets_the_family_in_the_same_line_period(
    wkit, welfare, delayed, committee
):
    epoch = latest_time() + 3600
    line = approve_line(delayed, committee, welfare, ceiling=10**13, exclusive=True, epoch=epoch)
    pkh = wkit.define(line=line, start=epoch, budget=10**12)
    clone = wkit.define(line=line, start=epoch + PERIOD, budget=10**12)
    wkit.enrol_many(pkh, [1])
    wkit.enrol_many(clone, [1])
    wkit.start(pkh)
    wkit.next_period(pkh)  # line period 1 = pkh period 1 = clone period 0
    assert len(wkit.lines(wkit.disburse(pkh, [wkit.key(1)]))) == 1
    assert wkit.skipped(wkit.disburse(clone, [wkit.key(1)])) == {wkit.key(1): REASON["PaidByOtherProgramme"]}


# --- enroller scopes ---------------------------------------------------------------------------


@pytest.fixture
def second_enroller(hub, delayed, committee):
    account = accounts[SECOND_ENROLLER]
    delayed(committee, hub, "grantRole", role_id("ENROLLER"), account, 0)
    return account


def test_an_enroller_outside_its_region_is_refused(wkit, welfare):
    programme = wkit.define(scope=(6302,))
    with brownie.reverts(custom_error("WelfareEnrollerOutOfScope", programme, wkit.enroller, 6371)):
        wkit.enrol(programme, [wkit.applicant(1, region=6302), wkit.applicant(2, region=6371)])
    wkit.enrol(programme, [wkit.applicant(1, region=6302)])
    # Moving a family into a region outside the scope is refused too.
    with brownie.reverts(custom_error("WelfareEnrollerOutOfScope", programme, wkit.enroller, 6371)):
        welfare.updateBeneficiary(programme, wkit.applicant(1, region=6371), {"from": wkit.enroller})


def test_an_enroller_of_one_programme_cannot_touch_another(wkit, welfare, second_enroller):
    mine, theirs = wkit.define(scope=()), wkit.define()
    welfare.setEnrollerScope(second_enroller, mine, [6302], True, {"from": wkit.admin})
    wkit.enrol_many(theirs, [1])
    key = wkit.key(1)
    with brownie.reverts(custom_error("WelfareEnrollerOutOfScope", theirs, second_enroller, 6302)):
        welfare.suspend(theirs, key, b"S", {"from": second_enroller})
    with brownie.reverts(custom_error("WelfareEnrollerOutOfScope", theirs, second_enroller, 6302)):
        welfare.enrol(theirs, [wkit.applicant(2)], {"from": second_enroller})
    welfare.enrol(mine, [wkit.applicant(2)], {"from": second_enroller})


def test_a_revoked_scope_stops_the_enroller(wkit, welfare):
    programme = wkit.define()
    tx = welfare.setEnrollerScope(wkit.enroller, programme, [6302], False, {"from": wkit.admin})
    assert tx.events["EnrollerScopeSet"]["official"] == wkit.admin
    assert not welfare.isInScope(programme, wkit.enroller, 6302)
    with brownie.reverts(custom_error("WelfareEnrollerOutOfScope", programme, wkit.enroller, 6302)):
        wkit.enrol_many(programme, [1])


def test_only_the_welfare_admin_sets_scopes(wkit, welfare):
    programme = wkit.define()
    with brownie.reverts(custom_error("AccessManagedUnauthorized", wkit.enroller)):
        welfare.setEnrollerScope(wkit.enroller, programme, [3171], True, {"from": wkit.enroller})


# --- suspensions close to a batch --------------------------------------------------------------


def test_one_field_officer_cannot_cut_a_family_out_of_the_batch_about_to_be_sent(wkit, welfare):
    programme = wkit.define()
    wkit.enrol_many(programme, [1])
    wkit.start(programme)
    tx = wkit.suspend(programme, wkit.key(1), confirm=False)
    assert tx.events["SuspensionScheduled"]["effectiveFrom"] == 1
    assert tx.events["SuspensionScheduled"]["official"] == wkit.enroller
    assert len(wkit.lines(wkit.disburse(programme, [wkit.key(1)]))) == 1  # paid this period
    wkit.next_period(programme)
    assert wkit.skipped(wkit.disburse(programme, [wkit.key(1)])) == {wkit.key(1): REASON["Suspended"]}


def test_a_lone_suspension_within_the_notice_of_the_next_period_spares_that_period(wkit, welfare):
    programme = wkit.define()
    wkit.enrol_many(programme, [1])
    start = welfare.getProgramme(programme)["firstPeriodStart"]
    wkit.sleep_until(start + PERIOD - 86400)  # a day before period 1's batch
    tx = wkit.suspend(programme, wkit.key(1), confirm=False)
    assert tx.events["SuspensionScheduled"]["effectiveFrom"] == 2
    wkit.next_period(programme)
    assert len(wkit.lines(wkit.disburse(programme, [wkit.key(1)]))) == 1


def test_a_second_official_confirms_a_suspension_to_cut_the_current_period(wkit, welfare):
    programme = wkit.define()
    wkit.enrol_many(programme, [1])
    wkit.start(programme)
    welfare.suspend(programme, wkit.key(1), b"PKH_CONDITION", {"from": wkit.enroller})
    tx = welfare.confirmSuspension(programme, wkit.key(1), {"from": wkit.admin})
    assert tx.events["SuspensionConfirmed"]["effectiveFrom"] == 0
    assert tx.events["SuspensionConfirmed"]["official"] == wkit.admin
    assert wkit.skipped(wkit.disburse(programme, [wkit.key(1)])) == {wkit.key(1): REASON["Suspended"]}
    with brownie.reverts(custom_error("WelfareSuspensionInForce", programme, wkit.key(1), 0)):
        welfare.confirmSuspension(programme, wkit.key(1), {"from": wkit.admin})


def test_the_suspender_cannot_confirm_its_own_suspension(wkit, welfare, hub, delayed, committee):
    # An official holding both roles is still one official.
    delayed(committee, hub, "grantRole", role_id("WELFARE_ADMIN"), wkit.enroller, 0)
    programme = wkit.define()
    wkit.enrol_many(programme, [1])
    wkit.start(programme)
    welfare.suspend(programme, wkit.key(1), b"S", {"from": wkit.enroller})
    with brownie.reverts(custom_error("WelfareSameOfficial", wkit.enroller)):
        welfare.confirmSuspension(programme, wkit.key(1), {"from": wkit.enroller})


def test_an_enroller_cannot_confirm_and_the_notice_is_the_committees(wkit, welfare, delayed, committee):
    programme = wkit.define()
    wkit.enrol_many(programme, [1])
    welfare.suspend(programme, wkit.key(1), b"S", {"from": wkit.enroller})
    with brownie.reverts(custom_error("AccessManagedUnauthorized", wkit.enroller)):
        welfare.confirmSuspension(programme, wkit.key(1), {"from": wkit.enroller})
    with brownie.reverts(custom_error("AccessManagedUnauthorized", wkit.admin)):
        welfare.setSuspensionNotice(0, {"from": wkit.admin})
    assert welfare.suspensionNotice() == 7 * 86400
    delayed(committee, welfare, "setSuspensionNotice", 3 * 86400)
    assert welfare.suspensionNotice() == 3 * 86400


# --- a batch failed as a whole -----------------------------------------------------------------


@pytest.fixture
def failed_batch(wkit, welfare, payments):
    """A batch of three families, line 1 reported failed, then the whole instruction failed."""
    programme = wkit.define(budget=10_000_000)
    wkit.enrol_many(programme, [1, 2, 3])
    wkit.start(programme)
    tx = wkit.disburse(programme, [wkit.key(n) for n in (1, 2, 3)])
    lines, batch_id = wkit.lines(tx), wkit.batch_id(tx)
    wkit.fail_lines(batch_id, lines, [1])
    payments.fail(batch_id, 0, FAILED, {"from": wkit.treasury})
    return programme, batch_id, lines


def cancel(wkit, batch_id, lines, reason=b"BANK_OFFLINE", **overrides):
    keys = overrides.get("keys", [line.key for line in lines])
    amounts = overrides.get("amounts", [line.amount for line in lines])
    return wkit.welfare.cancelFailedBatch(batch_id, keys, amounts, reason, {"from": wkit.admin})


def test_a_failed_batch_is_retried_once_as_a_new_attempt(wkit, welfare, payments, failed_batch):
    _, batch_id, lines = failed_batch
    tx = welfare.retryFailedBatch(batch_id, {"from": wkit.admin})
    assert tx.events["BatchRetried"]["official"] == wkit.admin
    assert tx.events["PaymentAuthorized"]["attempt"] == 1
    with brownie.reverts(custom_error("WelfareBatchNotFailed", batch_id, S_AUTHORIZED)):
        welfare.retryFailedBatch(batch_id, {"from": wkit.admin})
    with brownie.reverts(custom_error("WelfareBatchNotFailed", batch_id, S_AUTHORIZED)):
        cancel(wkit, batch_id, lines)
    # The relayer's callback of attempt 0 cannot settle attempt 1.
    with brownie.reverts(custom_error("PaymentStaleAttempt", batch_id, 0, 1)):
        payments.settle(batch_id, 0, b"old-callback", {"from": wkit.treasury})
    payments.settle(batch_id, 1, b"iris-retry", {"from": wkit.treasury})
    assert payments.statusOf(batch_id) == S_SETTLED


def test_a_retry_that_fails_again_can_then_be_cancelled(wkit, welfare, payments, failed_batch):
    _, batch_id, lines = failed_batch
    welfare.retryFailedBatch(batch_id, {"from": wkit.admin})
    with brownie.reverts(custom_error("PaymentStaleAttempt", batch_id, 0, 1)):
        payments.fail(batch_id, 0, FAILED, {"from": wkit.treasury})
    payments.fail(batch_id, 1, FAILED, {"from": wkit.treasury})
    cancel(wkit, batch_id, lines)
    assert payments.statusOf(batch_id) == S_CANCELLED


def test_cancelling_a_failed_batch_restores_its_budget_and_unpays_its_families_once(
    wkit, welfare, payments, failed_batch
):
    programme, batch_id, lines = failed_batch
    spent = welfare.periodState(programme, 0)["spent"]
    unpaid = lines[0].amount + lines[2].amount  # line 1 was reported failed: it stays repayable
    tx = cancel(wkit, batch_id, lines)

    event = tx.events["BatchCancelled"]
    assert (event["restoredLines"], event["restoredAmount"], event["official"]) == (2, unpaid, wkit.admin)
    assert [e["lineIndex"] for e in tx.events["BenefitCancelled"]] == [0, 2]
    assert welfare.periodState(programme, 0)["spent"] == spent - unpaid
    assert payments.statusOf(batch_id) == S_CANCELLED
    for n in (1, 3):
        assert welfare.getBeneficiary(programme, wkit.key(n))["paidThrough"] == 0
    with brownie.reverts(custom_error("WelfareBatchNotFailed", batch_id, S_CANCELLED)):
        cancel(wkit, batch_id, lines)
    with brownie.reverts(custom_error("WelfareBatchNotFailed", batch_id, S_CANCELLED)):
        welfare.retryFailedBatch(batch_id, {"from": wkit.admin})

    # The unpaid families are paid in a new batch of the same period; the failed line only by repayment.
    again = wkit.disburse(programme, [wkit.key(n) for n in (1, 2, 3)])
    assert [line.key for line in wkit.lines(again)] == [wkit.key(1), wkit.key(3)]
    assert wkit.skipped(again) == {wkit.key(2): REASON["AlreadyPaid"]}
    repaid = wkit.repay(batch_id, lines, [1])
    assert repaid.events["BatchDisbursed"]["total"] == lines[1].amount
    assert welfare.periodState(programme, 0)["spent"] == spent  # each family counted once


def test_a_cancel_must_name_the_batchs_own_lines(wkit, failed_batch):
    _, batch_id, lines = failed_batch
    amounts = [line.amount for line in lines]
    amounts[0] += 1  # restore a rupiah more than was spent
    with brownie.reverts(custom_error("WelfareBatchLinesMismatch", batch_id)):
        cancel(wkit, batch_id, lines, amounts=amounts)
    with brownie.reverts(custom_error("WelfareBatchLinesMismatch", batch_id)):
        cancel(wkit, batch_id, lines[:2], keys=[line.key for line in lines[:2]], amounts=amounts[:2])


def test_only_the_welfare_admin_retries_or_cancels_a_batch(wkit, welfare, failed_batch):
    _, batch_id, lines = failed_batch
    for caller in (wkit.enroller, wkit.treasury):
        with brownie.reverts(custom_error("AccessManagedUnauthorized", caller)):
            welfare.retryFailedBatch(batch_id, {"from": caller})
        with brownie.reverts(custom_error("AccessManagedUnauthorized", caller)):
            welfare.cancelFailedBatch(batch_id, [], [], b"X", {"from": caller})


def test_a_batch_not_failed_is_neither_retried_nor_cancelled(wkit, welfare):
    programme = wkit.define()
    wkit.enrol_many(programme, [1])
    wkit.start(programme)
    tx = wkit.disburse(programme, [wkit.key(1)])
    batch_id, lines = wkit.batch_id(tx), wkit.lines(tx)
    with brownie.reverts(custom_error("WelfareBatchNotFailed", batch_id, S_AUTHORIZED)):
        welfare.retryFailedBatch(batch_id, {"from": wkit.admin})
    with brownie.reverts(custom_error("WelfareBatchNotFailed", batch_id, S_AUTHORIZED)):
        cancel(wkit, batch_id, lines)
    assert S_FAILED != S_AUTHORIZED


def test_cancelling_a_batch_on_an_exclusive_line_frees_the_family_for_the_other_programme(
    wkit, welfare, payments, exclusive_pair
):
    line, pkh, clone = exclusive_pair
    tx = wkit.disburse(pkh, [wkit.key(1)])
    batch_id, lines = wkit.batch_id(tx), wkit.lines(tx)
    payments.fail(batch_id, 0, FAILED, {"from": wkit.treasury})
    cancel(wkit, batch_id, lines)
    assert welfare.linePaidThrough(line, wkit.key(1)) == 0
    assert len(wkit.lines(wkit.disburse(clone, [wkit.key(1)]))) == 1
    assert welfarelib.REASON["PaidByOtherProgramme"] == REASON["PaidByOtherProgramme"]
