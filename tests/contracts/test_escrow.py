"""MilestoneEscrow: signing from a final award, k-of-n attestation, approval with retention,
advance repayment and late penalty, retention release after maintenance, rejection and disputes,
amendments through the committee's delay, termination, retries and pause."""

from __future__ import annotations

import brownie
import pytest
from brownie import accounts, chain

from app.protocol import escrow as escrowlib
from tests.contracts.conftest import IKN, PU
from tests.contracts.escrow_fixtures import (
    DAY,
    DS_OVERTURNED,
    DS_UPHELD,
    E_ACTIVE,
    E_AWAITING,
    E_COMPLETED,
    E_TERMINATED,
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
    P_ADVANCE,
    P_MILESTONE,
    P_RETENTION,
    S_AUTHORIZED,
    S_FAILED,
    S_SETTLED,
    VALUE,
    h,
    hx,
    now,
)
from tests.contracts.revert_messages import custom_error


def ledger_holds(escrow, escrow_id):
    e = escrow.getEscrow(escrow_id).dict()
    assert e["authorized"] + e["penalties"] + escrow.remaining(escrow_id) == e["value"]
    return e


def not_scheduled(hub, caller, contract, data):
    """A committee official acting alone, not through the Committee (k agencies), is refused."""
    return custom_error("AccessManagedUnauthorized", caller)


# --- signing -------------------------------------------------------------------------------------


def test_the_ppk_creates_the_escrow_from_the_final_award(ekit, escrow, award, officer):
    terms, milestones = ekit.terms(), ekit.milestones()
    tx = ekit.create(terms, milestones)

    escrow_id = tx.return_value
    assert hx(escrow_id) == hx(award.tender_id)
    event = tx.events["EscrowCreated"]
    assert (event["supplierId"], event["agencyId"], event["officer"], event["value"]) == (
        award.supplier_id,
        IKN,
        officer,
        VALUE,
    )
    expected = escrowlib.terms_hash(award.tender_id, award.supplier_id, VALUE, terms, milestones)
    e = escrow.getEscrow(escrow_id).dict()
    assert hx(e["termsHash"]) == expected
    assert e["status"] == E_AWAITING and e["milestoneCount"] == 3
    assert [escrow.getMilestone(escrow_id, i)["amount"] for i in range(3)] == [
        300_000_000,
        300_000_000,
        400_000_000,
    ]


def test_milestones_may_be_given_as_shares(ekit, escrow):
    start = chain.time()
    milestones = [
        (0, 3000, start + 30 * DAY, h("a")),
        (0, 3000, start + 60 * DAY, h("b")),
        (400_000_000, 0, start + 90 * DAY, h("c")),
    ]
    escrow_id = ekit.create(milestones=milestones).events["EscrowCreated"]["escrowId"]
    assert escrow.getMilestone(escrow_id, 0)["amount"] == 300_000_000


def test_milestones_must_sum_exactly_to_the_value(ekit):
    with brownie.reverts(custom_error("EscrowMilestonesDoNotSum", VALUE - 1, VALUE)):
        ekit.create(milestones=ekit.milestones((300_000_000, 300_000_000, 399_999_999)))


def test_an_officer_of_another_agency_cannot_create_it(ekit, pu_officer):
    with brownie.reverts(custom_error("AgencyOfficerMismatch", pu_officer, IKN, PU)):
        ekit.create(by=pu_officer)


def test_an_account_without_the_officer_role_cannot_create_it(ekit, outsider):
    with brownie.reverts(custom_error("AccessManagedUnauthorized", outsider)):
        ekit.create(by=outsider)


def test_a_tender_without_a_final_award_has_no_escrow(ekit, kit, escrow, officer):
    tender_id = kit.announce()
    with brownie.reverts(custom_error("EscrowTenderNotAwarded", tender_id, 1)):
        escrow.createEscrow(tender_id, ekit.terms(), ekit.milestones(), {"from": officer})


def test_an_award_gets_one_escrow(ekit, award):
    ekit.create()
    with brownie.reverts(custom_error("EscrowAlreadyExists", award.tender_id)):
        ekit.create()


@pytest.mark.parametrize(
    "overrides,error",
    [
        ({"advanceAmount": 200_000_001}, ("EscrowAdvanceTooLarge", 200_000_001, 200_000_000)),
        ({"advanceGuaranteeRef": b"\0" * 32}, ("EscrowGuaranteeMissing",)),
        ({"performanceBondRef": b"\0" * 32}, ("EscrowPerformanceBondMissing", VALUE, 200_000_000)),
        ({"retentionBps": 501}, ("EscrowOutsidePolicy", 1, b"retentionBps".ljust(32, b"\0"), 501, 500)),
        ({"quorum": 4}, ("EscrowInvalidVerifiers", 3, 4)),
        ({"quorum": 0}, ("EscrowInvalidVerifiers", 3, 0)),
    ],
    ids=[
        "advance-too-large",
        "no-guarantee",
        "no-performance-bond",
        "rates",
        "quorum-above-n",
        "quorum-zero",
    ],
)
def test_unsound_terms_are_refused(ekit, overrides, error):
    with brownie.reverts(custom_error(*error)):
        ekit.create(terms=ekit.terms(**overrides))


def test_the_supplier_cannot_verify_its_own_delivery(ekit, award, verifiers):
    with brownie.reverts(custom_error("EscrowInvalidVerifier", award.supplier)):
        ekit.create(terms=ekit.terms(verifiers=[str(verifiers[0]), str(award.supplier)]))


def test_the_supplier_countersigns_and_the_advance_is_authorised(ekit, escrow, payments, award):
    escrow_id = ekit.create().events["EscrowCreated"]["escrowId"]
    tx = escrow.countersign(escrow_id, {"from": award.supplier})

    event = tx.events["EscrowCountersigned"]
    advance_id = ekit.payment_id(escrow_id, K_ADVANCE)
    assert hx(event["advancePaymentId"]) == advance_id and not event["bySignature"]
    instruction = payments.getInstruction(advance_id).dict()
    assert (instruction["purpose"], instruction["amount"], instruction["status"]) == (
        P_ADVANCE,
        200_000_000,
        S_AUTHORIZED,
    )
    assert hx(instruction["payeeKey"]) == escrowlib.payee_key(award.supplier_id)
    e = ledger_holds(escrow, escrow_id)
    assert e["status"] == E_ACTIVE and e["advanceOutstanding"] == 200_000_000


def test_only_the_winning_supplier_countersigns(ekit, escrow, supplier_keys):
    escrow_id = ekit.create().events["EscrowCreated"]["escrowId"]
    with brownie.reverts(custom_error("EscrowNotSupplier", escrow_id, supplier_keys[0])):
        escrow.countersign(escrow_id, {"from": supplier_keys[0]})


def test_a_relayer_submits_the_suppliers_eip712_countersignature(ekit, escrow, award, outsider):
    escrow_id = ekit.create().events["EscrowCreated"]["escrowId"]
    signed = ekit.sign(escrow_id)
    tx = escrow.countersignBySig(
        escrow_id, signed.nonce, signed.deadline, signed.signature, {"from": outsider}
    )

    assert tx.events["EscrowCountersigned"]["bySignature"]
    assert tx.events["EscrowCountersigned"]["signer"] == award.supplier
    assert escrow.nonces(award.supplier) == signed.nonce + 1


def test_a_countersignature_by_another_key_or_chain_is_refused(ekit, escrow, award, outsider, supplier_keys):
    escrow_id = ekit.create().events["EscrowCreated"]["escrowId"]
    stranger = accounts.add("0x" + "77" * 32)
    signed = ekit.sign(escrow_id, signer=stranger, nonce=0)
    with brownie.reverts(custom_error("EscrowInvalidSigner", stranger, award.supplier)):
        escrow.countersignBySig(escrow_id, 0, signed.deadline, signed.signature, {"from": outsider})
    signed = ekit.sign(escrow_id, chain_id=1)
    with brownie.reverts():
        escrow.countersignBySig(
            escrow_id, signed.nonce, signed.deadline, signed.signature, {"from": outsider}
        )
    signed = ekit.sign(escrow_id, terms_hash=h("other terms"))
    with brownie.reverts():
        escrow.countersignBySig(
            escrow_id, signed.nonce, signed.deadline, signed.signature, {"from": outsider}
        )
    assert escrow.getEscrow(escrow_id)["status"] == E_AWAITING


def test_an_expired_countersignature_is_refused(ekit, escrow, outsider):
    escrow_id = ekit.create().events["EscrowCreated"]["escrowId"]
    # From the chain's last block, not brownie's clock: the two drift apart across snapshots.
    deadline = chain[-1].timestamp - 1
    signed = ekit.sign(escrow_id, deadline=deadline)
    with brownie.reverts(custom_error("EscrowSignatureExpired", deadline)):
        escrow.countersignBySig(escrow_id, signed.nonce, deadline, signed.signature, {"from": outsider})


# --- attestation and approval --------------------------------------------------------------------


@pytest.fixture
def signed_escrow(ekit):
    return ekit.signed()


def test_verifiers_attest_and_the_quorum_marks_delivery(ekit, escrow, signed_escrow, verifiers):
    delivered = now()
    tx = escrow.attest(signed_escrow, 0, h("BAST 1"), delivered, {"from": verifiers[0]})
    assert tx.events["MilestoneAttested"]["attestations"] == 1
    assert tx.events["MilestoneAttested"]["deliveredAt"] == delivered
    assert escrow.getMilestone(signed_escrow, 0)["status"] == M_PENDING
    escrow.attest(signed_escrow, 0, h("BAST 1"), delivered, {"from": verifiers[1]})
    m = escrow.getMilestone(signed_escrow, 0).dict()
    assert m["status"] == M_ATTESTED and m["deliveredAt"] > 0


def test_a_verifier_cannot_attest_twice(ekit, signed_escrow, verifiers):
    ekit.attest(signed_escrow, 0, count=1)
    with brownie.reverts(custom_error("EscrowAlreadyAttested", signed_escrow, 0, verifiers[0])):
        ekit.attest(signed_escrow, 0, count=1)


def test_a_verifier_not_named_in_the_terms_cannot_attest(ekit, escrow, verifiers):
    escrow_id = ekit.signed(verifiers=[str(verifiers[0]), str(verifiers[1])])
    with brownie.reverts(custom_error("EscrowNotVerifier", escrow_id, verifiers[2])):
        ekit.attest(escrow_id, 0, count=1, verifiers=[verifiers[2]])


def test_only_the_verifier_role_attests(ekit, signed_escrow, officer):
    with brownie.reverts(custom_error("AccessManagedUnauthorized", officer)):
        ekit.attest(signed_escrow, 0, count=1, verifiers=[officer])


def test_approval_before_enough_attestations_is_refused(ekit, escrow, signed_escrow):
    ekit.attest(signed_escrow, 0, count=1)
    with brownie.reverts(custom_error("EscrowNotEnoughAttestations", signed_escrow, 0, 1, 2)):
        ekit.approve(signed_escrow, 0)


def test_approval_pays_net_of_retention_and_advance_repayment(ekit, escrow, payments, signed_escrow):
    ekit.attest(signed_escrow, 0)
    tx = ekit.approve(signed_escrow, 0)

    event = tx.events["MilestoneApproved"]
    # 300 jt gross: 5% retention 15 jt; advance repaid in proportion 300/1000 * 200 jt = 60 jt.
    assert (event["gross"], event["retention"], event["advanceRepaid"], event["penalty"], event["net"]) == (
        300_000_000,
        15_000_000,
        60_000_000,
        0,
        225_000_000,
    )
    payment_id = ekit.payment_id(signed_escrow, K_MILESTONE, 0)
    assert hx(event["paymentId"]) == payment_id
    instruction = payments.getInstruction(payment_id).dict()
    assert (instruction["purpose"], instruction["amount"]) == (P_MILESTONE, 225_000_000)
    e = ledger_holds(escrow, signed_escrow)
    assert (e["retentionHeld"], e["advanceOutstanding"]) == (15_000_000, 140_000_000)


def test_a_milestone_is_paid_once(ekit, signed_escrow):
    ekit.deliver(signed_escrow, 0)
    with brownie.reverts(custom_error("EscrowWrongMilestoneStatus", signed_escrow, 0, M_APPROVED)):
        ekit.approve(signed_escrow, 0)


def test_an_officer_of_another_agency_cannot_approve(ekit, escrow, signed_escrow, pu_officer):
    ekit.attest(signed_escrow, 0)
    with brownie.reverts(custom_error("AgencyOfficerMismatch", pu_officer, IKN, PU)):
        escrow.approveMilestone(signed_escrow, 0, {"from": pu_officer})


def test_a_verifier_cannot_approve(ekit, escrow, signed_escrow, verifiers):
    ekit.attest(signed_escrow, 0)
    with brownie.reverts(custom_error("AccessManagedUnauthorized", verifiers[0])):
        escrow.approveMilestone(signed_escrow, 0, {"from": verifiers[0]})


def test_late_delivery_costs_one_per_mil_per_day(ekit, escrow, signed_escrow):
    due = escrow.getMilestone(signed_escrow, 0)["dueDate"]
    chain.sleep(due - chain.time() + 9 * DAY + 3600)  # 9 days and an hour late: 10 started days
    ekit.attest(signed_escrow, 0)
    tx = ekit.approve(signed_escrow, 0)

    event = tx.events["MilestoneApproved"]
    assert event["daysLate"] == 10 and event["penalty"] == 3_000_000
    assert event["net"] == 300_000_000 - 15_000_000 - 60_000_000 - 3_000_000
    assert ledger_holds(escrow, signed_escrow)["penalties"] == 3_000_000


def test_the_late_penalty_is_capped(ekit, escrow, signed_escrow):
    due = escrow.getMilestone(signed_escrow, 0)["dueDate"]
    chain.sleep(due - chain.time() + 80 * DAY)
    ekit.attest(signed_escrow, 0)
    assert ekit.approve(signed_escrow, 0).events["MilestoneApproved"]["penalty"] == 15_000_000  # 5% cap


def test_completion_repays_the_advance_and_retention_waits_for_maintenance(
    ekit, escrow, payments, signed_escrow, officer
):
    for index in range(3):
        tx = ekit.deliver(signed_escrow, index)
    assert "EscrowCompleted" in tx.events
    e = ledger_holds(escrow, signed_escrow)
    assert (e["status"], e["advanceOutstanding"], e["retentionHeld"]) == (E_COMPLETED, 0, 50_000_000)

    releasable = e["completedAt"] + e["maintenancePeriod"]
    with brownie.reverts(custom_error("EscrowMaintenanceNotOver", signed_escrow, releasable)):
        escrow.releaseRetention(signed_escrow, {"from": officer})
    chain.sleep(180 * DAY + 1)
    tx = escrow.releaseRetention(signed_escrow, {"from": officer})

    payment_id = ekit.payment_id(signed_escrow, K_RETENTION)
    assert hx(tx.events["RetentionReleased"]["paymentId"]) == payment_id
    instruction = payments.getInstruction(payment_id).dict()
    assert (instruction["purpose"], instruction["amount"]) == (P_RETENTION, 50_000_000)
    e = ledger_holds(escrow, signed_escrow)
    assert e["authorized"] == VALUE and escrow.remaining(signed_escrow) == 0
    with brownie.reverts(custom_error("EscrowRetentionAlreadyReleased", signed_escrow)):
        escrow.releaseRetention(signed_escrow, {"from": officer})


def test_a_failed_milestone_payment_is_retried_by_the_ppk_and_settled_once(
    ekit, escrow, payments, signed_escrow, officer, treasury
):
    ekit.deliver(signed_escrow, 0)
    payment_id = ekit.payment_id(signed_escrow, K_MILESTONE, 0)
    payments.fail(payment_id, 0, h("INVALID_DESTINATION"), {"from": treasury})
    assert payments.statusOf(payment_id) == S_FAILED

    escrow.retryPayment(signed_escrow, K_MILESTONE, 0, {"from": officer})
    ekit.settle(payment_id)
    assert payments.statusOf(payment_id) == S_SETTLED
    with brownie.reverts(custom_error("PaymentWrongStatus", payment_id, S_SETTLED)):
        ekit.settle(payment_id, "again")


# --- rejection and disputes ----------------------------------------------------------------------


@pytest.fixture
def rejected(ekit, escrow, signed_escrow, officer):
    ekit.attest(signed_escrow, 0)
    escrow.rejectMilestone(signed_escrow, 0, h("spesifikasi tidak sesuai"), {"from": officer})
    return signed_escrow


def test_the_ppk_rejects_with_a_reason(escrow, rejected, officer):
    assert escrow.getMilestone(rejected, 0)["status"] == M_REJECTED


def test_rejection_needs_the_attested_state(escrow, signed_escrow, officer):
    with brownie.reverts(custom_error("EscrowWrongMilestoneStatus", signed_escrow, 0, M_PENDING)):
        escrow.rejectMilestone(signed_escrow, 0, h("x"), {"from": officer})


def test_the_supplier_redelivers_after_a_rejection(ekit, escrow, rejected):
    ekit.attest(rejected, 0)
    assert escrow.getMilestone(rejected, 0)["status"] == M_ATTESTED
    ekit.approve(rejected, 0)


def test_an_overturned_rejection_pays_the_milestone(
    ekit, escrow, payments, rejected, award, delayed, committee
):
    tx = escrow.openDispute(rejected, 0, h("bukti serah terima"), {"from": award.supplier})
    assert tx.events["DisputeOpened"]["kind"] == 1
    assert escrow.getMilestone(rejected, 0)["status"] == M_DISPUTED

    tx = delayed(committee, escrow, "resolveDispute", rejected, 0, True, h("putusan komite"))

    assert tx.events["DisputeResolved"]["overturned"]
    assert escrow.getMilestone(rejected, 0)["status"] == M_APPROVED
    assert payments.statusOf(ekit.payment_id(rejected, K_MILESTONE, 0)) == S_AUTHORIZED
    ledger_holds(escrow, rejected)


def test_an_upheld_rejection_needs_a_new_delivery(ekit, escrow, rejected, award, delayed, committee):
    escrow.openDispute(rejected, 0, h("bukti"), {"from": award.supplier})
    delayed(committee, escrow, "resolveDispute", rejected, 0, False, h("putusan"))
    assert escrow.getMilestone(rejected, 0)["status"] == M_UPHELD
    with brownie.reverts(custom_error("EscrowNothingToDispute", rejected, 0)):
        escrow.openDispute(rejected, 0, h("lagi"), {"from": award.supplier})
    ekit.attest(rejected, 0)
    ekit.approve(rejected, 0)


def test_only_the_supplier_disputes(escrow, rejected, outsider):
    with brownie.reverts(custom_error("EscrowNotSupplier", rejected, outsider)):
        escrow.openDispute(rejected, 0, h("bukti"), {"from": outsider})


def test_a_relayer_opens_the_suppliers_signed_dispute(ekit, escrow, rejected, award, outsider):
    signed = ekit.sign_dispute(rejected, 0, h("bukti serah terima"))
    tx = escrow.openDisputeBySig(
        rejected, 0, signed.evidence_hash, signed.nonce, signed.deadline, signed.signature, {"from": outsider}
    )

    assert tx.events["DisputeOpened"]["kind"] == 1
    assert hx(tx.events["DisputeOpened"]["evidenceHash"]) == signed.evidence_hash
    assert escrow.getMilestone(rejected, 0)["status"] == M_DISPUTED
    assert escrow.nonces(award.supplier) == signed.nonce + 1


def test_a_relayer_cannot_bend_or_replay_a_signed_dispute(ekit, escrow, rejected, award, outsider):
    signed = ekit.sign_dispute(rejected, 0, h("bukti"))
    args = (rejected, 0, signed.evidence_hash, signed.nonce, signed.deadline, signed.signature)
    other_evidence = (rejected, 0, h("bukti lain"), *args[3:])
    with brownie.reverts():  # the evidence the supplier signed is the one recorded
        escrow.openDisputeBySig(*other_evidence, {"from": outsider})
    past = chain[-1].timestamp - 1  # the chain's clock, not brownie's: they drift across snapshots
    with brownie.reverts(custom_error("EscrowSignatureExpired", past)):
        escrow.openDisputeBySig(*args[:4], past, signed.signature, {"from": outsider})
    stranger = accounts.add("0x" + "78" * 32)
    # The same deadline as the supplier's, so only the signer differs (a deadline read from the clock
    # again may fall a second later and change the digest, and then the recovered address).
    forged = ekit.sign_dispute(
        rejected, 0, h("bukti"), signer=stranger, nonce=signed.nonce, deadline=signed.deadline
    )
    with brownie.reverts(custom_error("EscrowInvalidSigner", stranger, award.supplier)):
        escrow.openDisputeBySig(*args[:5], forged.signature, {"from": outsider})
    elsewhere = ekit.sign_dispute(rejected, 0, h("bukti"), chain_id=1, deadline=signed.deadline)
    with brownie.reverts():
        escrow.openDisputeBySig(*args[:5], elsewhere.signature, {"from": outsider})
    assert escrow.getMilestone(rejected, 0)["status"] == M_REJECTED

    escrow.openDisputeBySig(*args, {"from": outsider})
    with brownie.reverts(custom_error("EscrowInvalidNonce", award.supplier, signed.nonce)):
        escrow.openDisputeBySig(*args, {"from": outsider})


def test_a_countersignature_cannot_be_replayed_as_a_dispute(ekit, escrow, rejected, outsider):
    """The two acts share the supplier's nonce but not their type: a Countersign signature held by a
    relayer opens nothing."""
    held = ekit.sign(rejected)
    args = (rejected, 0, h("x"), held.nonce, held.deadline, held.signature)
    with brownie.reverts():
        escrow.openDisputeBySig(*args, {"from": outsider})


def test_an_overturned_penalty_is_refunded(ekit, escrow, payments, signed_escrow, award, delayed, committee):
    due = escrow.getMilestone(signed_escrow, 0)["dueDate"]
    chain.sleep(due - chain.time() + 5 * DAY - 3600)  # 5 started days, whatever the chain's clock drift
    ekit.deliver(signed_escrow, 0)
    escrow.openDispute(signed_escrow, 0, h("keadaan kahar"), {"from": award.supplier})

    tx = delayed(committee, escrow, "resolveDispute", signed_escrow, 0, True, h("putusan"))

    refund_id = ekit.payment_id(signed_escrow, K_PENALTY_REFUND, 0)
    assert hx(tx.events["DisputeResolved"]["paymentId"]) == refund_id
    assert payments.getInstruction(refund_id)["amount"] == 1_500_000
    assert escrow.getMilestone(signed_escrow, 0)["penaltyDispute"] == DS_OVERTURNED
    assert ledger_holds(escrow, signed_escrow)["penalties"] == 0


def test_an_upheld_penalty_stays_and_cannot_be_disputed_again(
    ekit, escrow, signed_escrow, award, delayed, committee
):
    due = escrow.getMilestone(signed_escrow, 0)["dueDate"]
    chain.sleep(due - chain.time() + 5 * DAY)
    ekit.deliver(signed_escrow, 0)
    escrow.openDispute(signed_escrow, 0, h("alasan"), {"from": award.supplier})
    delayed(committee, escrow, "resolveDispute", signed_escrow, 0, False, h("putusan"))
    assert escrow.getMilestone(signed_escrow, 0)["penaltyDispute"] == DS_UPHELD
    with brownie.reverts(custom_error("EscrowNothingToDispute", signed_escrow, 0)):
        escrow.openDispute(signed_escrow, 0, h("lagi"), {"from": award.supplier})


def test_an_on_time_payment_has_nothing_to_dispute(ekit, escrow, signed_escrow, award):
    ekit.deliver(signed_escrow, 0)
    with brownie.reverts(custom_error("EscrowNothingToDispute", signed_escrow, 0)):
        escrow.openDispute(signed_escrow, 0, h("x"), {"from": award.supplier})


def test_disputes_are_resolved_only_through_the_committee_delay(hub, escrow, rejected, award, committee):
    escrow.openDispute(rejected, 0, h("bukti"), {"from": award.supplier})
    data = escrow.resolveDispute.encode_input(rejected, 0, True, h("p"))
    with brownie.reverts(not_scheduled(hub, committee, escrow, data)):
        escrow.resolveDispute(rejected, 0, True, h("p"), {"from": committee})


# --- amendment, termination, pause -------------------------------------------------------------


def test_an_addendum_through_the_delay_changes_value_and_dates(
    ekit, escrow, signed_escrow, delayed, committee
):
    new_due = chain.time() + 200 * DAY
    tx = delayed(committee, escrow, "amendMilestone", signed_escrow, 2, 450_000_000, new_due, h("adendum 1"))

    event = tx.events["ContractAmended"]
    assert (event["amendmentNumber"], event["previousAmount"], event["amount"], event["value"]) == (
        1,
        400_000_000,
        450_000_000,
        1_050_000_000,
    )
    m = escrow.getMilestone(signed_escrow, 2).dict()
    assert (m["amount"], m["dueDate"]) == (450_000_000, new_due)
    e = ledger_holds(escrow, signed_escrow)
    assert e["value"] == 1_050_000_000 and e["amendmentCount"] == 1


def test_an_amendment_without_the_delay_is_refused(hub, escrow, signed_escrow, committee):
    due = chain.time() + DAY  # once: the refusal names the operation id of these exact arguments
    data = escrow.amendMilestone.encode_input(signed_escrow, 2, 450_000_000, due, h("adendum"))
    with brownie.reverts(not_scheduled(hub, committee, escrow, data)):
        escrow.amendMilestone(signed_escrow, 2, 450_000_000, due, h("adendum"), {"from": committee})


def test_the_ppk_cannot_amend(escrow, signed_escrow, officer):
    with brownie.reverts(custom_error("AccessManagedUnauthorized", officer)):
        escrow.amendMilestone(signed_escrow, 2, 1, chain.time() + DAY, h("adendum"), {"from": officer})


def test_a_paid_milestone_cannot_be_amended(ekit, escrow, signed_escrow, delayed, committee):
    ekit.deliver(signed_escrow, 0)
    with brownie.reverts(custom_error("EscrowWrongMilestoneStatus", signed_escrow, 0, M_APPROVED)):
        delayed(committee, escrow, "amendMilestone", signed_escrow, 0, 1, chain.time() + DAY, h("a"))


def test_the_value_cannot_shrink_while_the_advance_is_outstanding(escrow, signed_escrow, delayed, committee):
    with brownie.reverts(custom_error("EscrowAdvanceOutstanding", signed_escrow, 200_000_000)):
        delayed(
            committee, escrow, "amendMilestone", signed_escrow, 2, 300_000_000, chain.time() + DAY, h("a")
        )


def test_termination_stops_further_payments(ekit, escrow, signed_escrow, delayed, committee, verifiers):
    tx = delayed(committee, escrow, "terminate", signed_escrow, h("pemutusan kontrak"))
    assert "EscrowTerminated" in tx.events
    with brownie.reverts(custom_error("EscrowWrongStatus", signed_escrow, E_TERMINATED)):
        ekit.attest(signed_escrow, 0, count=1)


def test_a_pause_stops_authorisation_never_settlement_and_keeps_state(
    ekit, escrow, payments, signed_escrow, guardian, delayed, committee
):
    ekit.deliver(signed_escrow, 0)
    ekit.attest(signed_escrow, 1)
    before = escrow.getEscrow(signed_escrow).dict()
    escrow.pause({"from": guardian})

    with brownie.reverts(custom_error("EnforcedPause")):
        ekit.approve(signed_escrow, 1)
    ekit.settle(ekit.payment_id(signed_escrow, K_MILESTONE, 0))
    ekit.settle(ekit.payment_id(signed_escrow, K_ADVANCE), "advance")
    assert escrow.getEscrow(signed_escrow).dict() == before
    assert escrow.getMilestone(signed_escrow, 1)["status"] == M_ATTESTED

    delayed(committee, escrow, "unpause")
    ekit.approve(signed_escrow, 1)
    ledger_holds(escrow, signed_escrow)
