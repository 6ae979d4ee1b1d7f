"""MilestoneEscrow fairness, each rule tested as an insider would try to break it: the policy in
force binds the terms (advance cap per case, retention, penalty) and caps the addenda; whoever
attested cannot approve; lateness runs from the delivery evidence's date, without the time the
contract spent paused; the committee replaces a verifier, whose open attestations stop counting."""

from __future__ import annotations

import brownie
import pytest
from brownie import accounts, chain

from app.protocol.roles import role_id
from tests.contracts.conftest import hmac_id
from tests.contracts.escrow_fixtures import DAY, M_ATTESTED, M_PENDING, VALUE, h, now
from tests.contracts.revert_messages import custom_error


def term(name: str) -> bytes:
    return name.encode().ljust(32, b"\0")


@pytest.fixture(scope="module")
def policies(suite):
    return suite.contracts["PolicyRegistry"]


@pytest.fixture(scope="module")
def publish(policies, delayed, committee):
    """Publishes the next policy version through the committee's delay: version 1 with `changes`."""

    def run(**changes):
        figures = policies.policyOf(1).dict()
        figures.update(changes)
        return delayed(committee, policies, "publishPolicy", tuple(figures.values()), h("keputusan komite"))

    return run


@pytest.fixture
def signed_escrow(ekit):
    return ekit.signed()


def due_of(escrow, escrow_id, index=0):
    return escrow.getMilestone(escrow_id, index)["dueDate"]


def sleep_until(timestamp):
    chain.sleep(max(0, timestamp - now()))
    chain.mine()


# --- policy binding ----------------------------------------------------------------------------


def test_the_escrow_is_bound_to_the_policy_version_in_force(ekit, escrow, policies):
    tx = ekit.create()
    assert tx.events["EscrowCreated"]["policyVersion"] == 1
    e = escrow.getEscrow(tx.events["EscrowCreated"]["escrowId"]).dict()
    assert (e["policyVersion"], e["originalValue"]) == (1, VALUE)
    assert escrow.policies() == policies


def test_the_advance_of_an_ordinary_supplier_is_capped_at_20_percent(ekit):
    with brownie.reverts(custom_error("EscrowAdvanceTooLarge", 200_000_001, 200_000_000)):
        ekit.create(terms=ekit.terms(advanceAmount=200_000_001))


def test_a_small_business_may_take_30_percent_but_not_more(ekit, registry, award, officer):
    registry.updateSupplierProfile(award.supplier_id, True, 6302, hmac_id("usaha kecil"), {"from": officer})
    with brownie.reverts(custom_error("EscrowAdvanceTooLarge", 300_000_001, 300_000_000)):
        ekit.create(terms=ekit.terms(advanceAmount=300_000_001))
    ekit.create(terms=ekit.terms(advanceAmount=300_000_000))


def test_a_multi_year_contract_is_capped_at_15_percent_even_for_a_small_business(
    ekit, registry, award, officer
):
    registry.updateSupplierProfile(award.supplier_id, True, 6302, hmac_id("usaha kecil"), {"from": officer})
    with brownie.reverts(custom_error("EscrowAdvanceTooLarge", 150_000_001, 150_000_000)):
        ekit.create(terms=ekit.terms(advanceAmount=150_000_001, multiYear=True))
    ekit.create(terms=ekit.terms(advanceAmount=150_000_000, multiYear=True))


@pytest.mark.parametrize(
    "overrides,error",
    [
        ({"retentionBps": 501}, ("retentionBps", 501, 500)),
        ({"penaltyPpmPerDay": 500}, ("penaltyPpmPerDay", 500, 1_000)),
        ({"penaltyPpmPerDay": 1_001}, ("penaltyPpmPerDay", 1_001, 1_000)),
        ({"penaltyCapBps": 100}, ("penaltyCapBps", 100, 500)),
    ],
    ids=["retention-above", "penalty-waived-by-half", "penalty-above", "penalty-cap-lowered"],
)
def test_the_ppk_cannot_set_retention_or_penalty_outside_the_policy(ekit, overrides, error):
    name, given, bound = error
    with brownie.reverts(custom_error("EscrowOutsidePolicy", 1, term(name), given, bound)):
        ekit.create(terms=ekit.terms(**overrides))


def test_the_performance_bond_threshold_comes_from_the_policy(ekit, publish):
    publish(performanceBondThreshold=100_000_000)
    with brownie.reverts(custom_error("EscrowPerformanceBondMissing", VALUE, 100_000_000)):
        ekit.create(terms=ekit.terms(performanceBondRef=b"\0" * 32))


def test_a_new_policy_applies_to_escrows_signed_afterwards(ekit, escrow, publish):
    publish(advanceOtherBps=1_500)  # no lower than the multi-year cap (the registry's bounds)
    with brownie.reverts(custom_error("EscrowAdvanceTooLarge", 200_000_000, 150_000_000)):
        ekit.create()
    tx = ekit.create(terms=ekit.terms(advanceAmount=150_000_000))
    assert escrow.getEscrow(tx.events["EscrowCreated"]["escrowId"])["policyVersion"] == 2


def test_a_new_policy_does_not_change_an_escrow_already_signed(
    ekit, escrow, signed_escrow, publish, delayed, committee
):
    publish(amendmentCapBps=500)  # version 2 would allow +5% only
    # Bound to version 1: +8% is within its 10%.
    delayed(
        committee,
        escrow,
        "amendMilestone",
        signed_escrow,
        2,
        480_000_000,
        due_of(escrow, signed_escrow, 2),
        h("a"),
    )
    assert escrow.getEscrow(signed_escrow)["value"] == 1_080_000_000


# --- amendments ----------------------------------------------------------------------------------


def test_addenda_may_add_up_to_ten_percent_of_the_original_value(
    ekit, escrow, signed_escrow, delayed, committee
):
    due = due_of(escrow, signed_escrow, 2)
    delayed(committee, escrow, "amendMilestone", signed_escrow, 2, 500_000_000, due, h("adendum 1"))
    assert escrow.getEscrow(signed_escrow)["value"] == 1_100_000_000


def test_two_addenda_each_under_the_cap_cannot_together_exceed_it(
    ekit, escrow, signed_escrow, delayed, committee
):
    due1, due2 = due_of(escrow, signed_escrow, 1), due_of(escrow, signed_escrow, 2)
    delayed(committee, escrow, "amendMilestone", signed_escrow, 1, 360_000_000, due1, h("adendum 1"))  # +6%
    with brownie.reverts(
        custom_error("EscrowAmendmentCapExceeded", signed_escrow, 1_120_000_000, 1_100_000_000)
    ):
        delayed(
            committee, escrow, "amendMilestone", signed_escrow, 2, 460_000_000, due2, h("adendum 2")
        )  # +6%
    delayed(committee, escrow, "amendMilestone", signed_escrow, 2, 440_000_000, due2, h("adendum 2"))  # +4%
    assert escrow.getEscrow(signed_escrow)["value"] == 1_100_000_000


def test_an_addendum_cannot_move_the_due_date_of_a_late_milestone(
    ekit, escrow, signed_escrow, delayed, committee
):
    due = due_of(escrow, signed_escrow)
    sleep_until(due + 3 * DAY)
    with brownie.reverts(custom_error("EscrowMilestoneOverdue", signed_escrow, 0, due)):
        delayed(committee, escrow, "amendMilestone", signed_escrow, 0, 300_000_000, due + 30 * DAY, h("a"))
    # Its amount may still change (e.g. added work), keeping the due date and the delay.
    delayed(committee, escrow, "amendMilestone", signed_escrow, 0, 310_000_000, due, h("a"))


# --- separation of duties ------------------------------------------------------------------------


@pytest.fixture
def officer_verifier(hub, delayed, committee, officer2):
    """An IKN official (Pokja member) who is also given the VERIFIER role."""
    delayed(committee, hub, "grantRole", role_id("VERIFIER"), officer2, 0)
    return officer2


def test_the_official_who_attested_cannot_approve_the_milestone(
    ekit, escrow, verifiers, officer_verifier, officer
):
    escrow_id = ekit.signed(verifiers=[str(officer_verifier), str(verifiers[0]), str(verifiers[1])])
    ekit.attest(escrow_id, 0, verifiers=[officer_verifier, verifiers[0]])
    with brownie.reverts(custom_error("EscrowVerifierCannotDecide", escrow_id, officer_verifier)):
        escrow.approveMilestone(escrow_id, 0, {"from": officer_verifier})
    with brownie.reverts(custom_error("EscrowVerifierCannotDecide", escrow_id, officer_verifier)):
        escrow.rejectMilestone(escrow_id, 0, h("x"), {"from": officer_verifier})
    escrow.approveMilestone(escrow_id, 0, {"from": officer})


def test_a_verifier_who_did_not_attest_still_cannot_decide(ekit, escrow, verifiers, officer_verifier):
    escrow_id = ekit.signed(verifiers=[str(officer_verifier), str(verifiers[0]), str(verifiers[1])])
    ekit.attest(escrow_id, 0, verifiers=verifiers[:2])
    with brownie.reverts(custom_error("EscrowVerifierCannotDecide", escrow_id, officer_verifier)):
        escrow.approveMilestone(escrow_id, 0, {"from": officer_verifier})


# --- lateness from the evidence date ------------------------------------------------------------


def test_a_slow_verifier_does_not_make_the_supplier_late(ekit, escrow, signed_escrow, verifiers):
    due = due_of(escrow, signed_escrow)
    sleep_until(due - DAY)
    delivered = now()  # the BAST is dated a day before the due date
    ekit.attest(signed_escrow, 0, count=1, delivered=delivered)
    sleep_until(due + 20 * DAY)  # the second verifier attests three weeks later
    ekit.attest(signed_escrow, 0, count=1, delivered=delivered, verifiers=[verifiers[1]])
    assert escrow.getMilestone(signed_escrow, 0)["deliveredAt"] == delivered

    event = ekit.approve(signed_escrow, 0).events["MilestoneApproved"]
    assert (event["daysLate"], event["penalty"]) == (0, 0)


def test_delivery_is_the_latest_evidence_date_of_the_quorum(ekit, escrow, signed_escrow, verifiers):
    due = due_of(escrow, signed_escrow)
    sleep_until(due + 10 * DAY)
    ekit.attest(signed_escrow, 0, count=1, delivered=due + 2 * DAY)
    ekit.attest(signed_escrow, 0, count=1, delivered=due + 5 * DAY, verifiers=[verifiers[1]])

    event = ekit.approve(signed_escrow, 0).events["MilestoneApproved"]
    # One friendly verifier's early date is not enough: k verifiers must vouch for the date.
    assert (event["daysLate"], event["penalty"]) == (5, 1_500_000)


def test_an_evidence_date_in_the_future_or_before_signing_is_refused(ekit, escrow, signed_escrow, verifiers):
    signed_at = escrow.getEscrow(signed_escrow)["signedAt"]
    for date in (now() + DAY, signed_at - 1):
        with pytest.raises(brownie.exceptions.VirtualMachineError) as refused:
            escrow.attest(signed_escrow, 0, h("BAST"), date, {"from": verifiers[0]})
        assert refused.value.revert_msg.startswith(f"EscrowInvalidDeliveryDate: {date}, {signed_at}, ")
    assert escrow.getMilestone(signed_escrow, 0)["attestations"] == 0


def test_time_paused_after_the_due_date_is_not_counted(
    ekit, escrow, signed_escrow, guardian, delayed, committee
):
    due = due_of(escrow, signed_escrow)
    sleep_until(due + DAY)
    escrow.pause({"from": guardian})
    chain.sleep(5 * DAY)
    delayed(committee, escrow, "unpause")  # ~5 days paused, from due + 1 day
    paused = escrow.pausedTotal()
    delivered = due + 10 * DAY
    sleep_until(delivered + DAY)
    ekit.attest(signed_escrow, 0, delivered=delivered)

    event = ekit.approve(signed_escrow, 0).events["MilestoneApproved"]
    expected = -(-(10 * DAY - paused) // DAY)  # started days, paused time excluded
    assert paused >= 5 * DAY and event["daysLate"] == expected == 5
    assert event["penalty"] == 300_000_000 * 1_000 * expected // 1_000_000


def test_a_pause_over_the_due_date_does_not_make_the_supplier_late(
    ekit, escrow, signed_escrow, guardian, delayed, committee
):
    due = due_of(escrow, signed_escrow)
    sleep_until(due - DAY)
    escrow.pause({"from": guardian})  # no attestation is possible for ten days
    chain.sleep(10 * DAY)
    delayed(committee, escrow, "unpause")
    # Delivered during the pause, on day 8 after the due date; attested after it.
    ekit.attest(signed_escrow, 0, delivered=due + 8 * DAY)

    event = ekit.approve(signed_escrow, 0).events["MilestoneApproved"]
    assert (event["daysLate"], event["penalty"]) == (0, 0)


# --- verifier replacement ------------------------------------------------------------------------


@pytest.fixture
def successor(hub, delayed, committee):
    account = accounts.add("0x" + "5e" * 32)
    accounts[0].transfer(account, "1 ether")
    delayed(committee, hub, "grantRole", role_id("VERIFIER"), account, 0)
    return account


def test_the_committee_replaces_a_verifier_who_then_cannot_attest(
    ekit, escrow, signed_escrow, verifiers, successor, delayed, committee
):
    tx = delayed(committee, escrow, "replaceVerifier", signed_escrow, verifiers[0], successor, h("mutasi"))
    event = tx.events["VerifierReplaced"]
    assert (event["current"], event["successor"], event["restartedMask"]) == (verifiers[0], successor, 0)
    assert escrow.verifiersOf(signed_escrow) == [successor, verifiers[1], verifiers[2]]

    with brownie.reverts(custom_error("EscrowNotVerifier", signed_escrow, verifiers[0])):
        ekit.attest(signed_escrow, 0, count=1)
    # The quorum (2 of 3) is still reachable, with the successor.
    ekit.attest(signed_escrow, 0, verifiers=[successor, verifiers[1]])
    assert escrow.getMilestone(signed_escrow, 0)["status"] == M_ATTESTED
    ekit.approve(signed_escrow, 0)


def test_a_replaced_verifiers_open_attestations_no_longer_count(
    ekit, escrow, signed_escrow, verifiers, successor, delayed, committee
):
    ekit.attest(signed_escrow, 0)  # verifiers 0 and 1: attested
    ekit.attest(signed_escrow, 1, count=1)  # verifier 0 only: pending
    ekit.attest(signed_escrow, 2, count=1, verifiers=[verifiers[2]])  # verifier 2 only: untouched

    tx = delayed(committee, escrow, "replaceVerifier", signed_escrow, verifiers[0], successor, h("konflik"))

    assert tx.events["VerifierReplaced"]["restartedMask"] == 0b011
    for index in (0, 1):
        m = escrow.getMilestone(signed_escrow, index).dict()
        assert (m["status"], m["attestations"], m["attestedMask"]) == (M_PENDING, 0, 0)
    assert escrow.getMilestone(signed_escrow, 2)["attestations"] == 1
    with brownie.reverts(custom_error("EscrowNotEnoughAttestations", signed_escrow, 0, 0, 2)):
        ekit.approve(signed_escrow, 0)


def test_a_ppk_alone_cannot_replace_a_verifier(escrow, signed_escrow, verifiers, successor, officer):
    with brownie.reverts(custom_error("AccessManagedUnauthorized", officer)):
        escrow.replaceVerifier(signed_escrow, verifiers[0], successor, h("x"), {"from": officer})


def test_a_committee_member_alone_cannot_replace_a_verifier(
    council, escrow, signed_escrow, verifiers, successor, committee
):
    """Not directly (only the Committee holds COMMITTEE), and not as a proposal its own agency alone
    approved."""
    with brownie.reverts(custom_error("AccessManagedUnauthorized", committee)):
        escrow.replaceVerifier(signed_escrow, verifiers[0], successor, h("x"), {"from": committee})
    data = escrow.replaceVerifier.encode_input(signed_escrow, verifiers[0], successor, h("x"))
    proposal = council.propose([(str(escrow), data)], h("x"), {"from": committee}).events["Proposed"][
        "proposalId"
    ]
    with brownie.reverts(custom_error("CommitteeNotEnoughApprovals", proposal, 1, 2)):
        council.schedule(proposal, {"from": committee})


@pytest.mark.parametrize("who", ["existing", "supplier", "zero"])
def test_the_successor_must_be_a_fresh_account(
    ekit, escrow, signed_escrow, verifiers, award, delayed, committee, who
):
    account = {"existing": verifiers[1], "supplier": award.supplier, "zero": "0x" + "00" * 20}[who]
    with brownie.reverts(custom_error("EscrowInvalidVerifier", account)):
        delayed(committee, escrow, "replaceVerifier", signed_escrow, verifiers[0], account, h("x"))
