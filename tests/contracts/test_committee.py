"""The multi-agency committee (contracts/Committee.sol, docs/decisions/0018): a committee act needs
officials of `threshold` distinct member agencies (2 of LKPP, Kemenkeu, BPK, KPK locally), waits the
hub's delay, and may be vetoed by a guardian agency (BPK, KPK) in the meantime, at most once per act
and, for an unpause, once per pause. Each test is an insider's attempt that must fail."""

import brownie
import pytest
from brownie import accounts, chain, web3

from app.protocol import committee as protocol
from tests.contracts.conftest import role_id
from tests.contracts.revert_messages import custom_error

LKPP, KEMENKEU, BPK, KPK = 3001, 3002, 3003, 3004
PROPOSED, SCHEDULED, EXECUTED, VETOED = (
    protocol.STATUS.code(w) for w in ("proposed", "scheduled", "executed", "vetoed")
)
BANJARBARU = 6372
NAME = "Pemerintah Kota Banjarbaru"


def _wait(seconds):
    chain.sleep(seconds)
    chain.mine()


@pytest.fixture
def register_banjarbaru(directory):
    return [(directory, directory.registerAgency.encode_input(BANJARBARU, NAME))]


@pytest.fixture
def propose(council, committee):
    def run(calls, by=None, text="usulan"):
        return council.propose(
            [(str(t), d) for t, d in calls], web3.keccak(text=text), {"from": by or committee}
        ).events["Proposed"]["proposalId"]

    return run


@pytest.fixture
def scheduled(council, propose, committee, committee2):
    """Proposes `calls` (LKPP), approves (Kemenkeu) and schedules them; returns the proposal id."""

    def run(calls, proposer=None, approver=None):
        proposal = propose(calls, by=proposer or committee)
        council.approve(proposal, {"from": approver or committee2})
        council.schedule(proposal, {"from": proposer or committee})
        return proposal

    return run


def _ready(council, proposal):
    _wait(max(council.getProposal(proposal)["readyAt"] - chain.time(), 0) + 1)


@pytest.fixture
def second_lkpp_official(committee_act, council):
    """A second LKPP official, seated by a committee act."""
    account = accounts[19]
    committee_act([(council, council.seatOfficial.encode_input(account, LKPP))])
    return account


@pytest.fixture
def second_bpk_official(committee_act, council):
    account = accounts[18]
    committee_act([(council, council.seatOfficial.encode_input(account, BPK))])
    return account


# --- k of n agencies ---------------------------------------------------------------------------


def test_one_member_alone_cannot_schedule_a_committee_act(council, propose, committee, register_banjarbaru):
    proposal = propose(register_banjarbaru)
    with brownie.reverts(custom_error("CommitteeNotEnoughApprovals", proposal, 1, 2)):
        council.schedule(proposal, {"from": committee})


def test_one_member_alone_cannot_execute_a_committee_act(
    council, propose, committee, directory, register_banjarbaru
):
    proposal = propose(register_banjarbaru)
    _wait(3600)
    with brownie.reverts(custom_error("CommitteeWrongStatus", proposal, PROPOSED)):
        council.execute(proposal, {"from": committee})
    assert not directory.isAgency(BANJARBARU)


def test_the_proposers_agency_cannot_approve_twice(council, propose, committee, register_banjarbaru):
    proposal = propose(register_banjarbaru)
    with brownie.reverts(custom_error("CommitteeAlreadyApproved", proposal, LKPP)):
        council.approve(proposal, {"from": committee})


def test_two_officials_of_one_agency_do_not_reach_the_threshold(
    council, propose, committee, second_lkpp_official, register_banjarbaru
):
    proposal = propose(register_banjarbaru)
    with brownie.reverts(custom_error("CommitteeAlreadyApproved", proposal, LKPP)):
        council.approve(proposal, {"from": second_lkpp_official})
    assert council.approvalCount(proposal) == 1
    with brownie.reverts(custom_error("CommitteeNotEnoughApprovals", proposal, 1, 2)):
        council.schedule(proposal, {"from": second_lkpp_official})


@pytest.mark.parametrize("who", ["outsider", "officer", "deployer"])
def test_a_non_member_can_neither_propose_approve_schedule_nor_execute(
    council, propose, request, who, register_banjarbaru, committee2
):
    account = request.getfixturevalue(who)
    with brownie.reverts(custom_error("CommitteeNotMember", account)):
        council.propose(
            [(str(t), d) for t, d in register_banjarbaru], web3.keccak(text="x"), {"from": account}
        )
    proposal = propose(register_banjarbaru)
    with brownie.reverts(custom_error("CommitteeNotMember", account)):
        council.approve(proposal, {"from": account})
    council.approve(proposal, {"from": committee2})
    with brownie.reverts(custom_error("CommitteeNotMember", account)):
        council.schedule(proposal, {"from": account})
    council.schedule(proposal, {"from": committee2})
    _ready(council, proposal)
    with brownie.reverts(custom_error("CommitteeNotMember", account)):
        council.execute(proposal, {"from": account})


def test_two_agencies_schedule_and_the_act_executes_after_the_delay(
    council, scheduled, committee, committee2, directory, register_banjarbaru
):
    proposal = scheduled(register_banjarbaru)
    record = council.getProposal(proposal).dict()
    assert record["status"] == SCHEDULED
    _ready(council, proposal)

    tx = council.execute(proposal, {"from": committee2})

    assert tx.events["Executed"]["official"] == committee2
    assert tx.events["AgencyRegistered"]["agencyId"] == BANJARBARU
    assert directory.isAgency(BANJARBARU)
    assert council.getProposal(proposal)["status"] == EXECUTED


def test_the_events_name_each_official(council, propose, committee, committee2, register_banjarbaru):
    tx = council.propose(
        [(str(t), d) for t, d in register_banjarbaru], web3.keccak(text="usulan"), {"from": committee}
    )
    proposal = tx.events["Proposed"]["proposalId"]
    assert (tx.events["Proposed"]["proposer"], tx.events["Proposed"]["agencyId"]) == (committee, LKPP)
    assert (tx.events["Approved"]["official"], tx.events["Approved"]["agencyId"]) == (committee, LKPP)
    tx = council.approve(proposal, {"from": committee2})
    assert (tx.events["Approved"]["official"], tx.events["Approved"]["agencyId"]) == (committee2, KEMENKEU)
    tx = council.schedule(proposal, {"from": committee2})
    assert (tx.events["Scheduled"]["official"], tx.events["Scheduled"]["approvals"]) == (committee2, 2)
    assert council.approverOf(proposal, KEMENKEU) == committee2


def test_executing_before_the_delay_is_refused(council, scheduled, committee, directory, register_banjarbaru):
    proposal = scheduled(register_banjarbaru)
    ready_at = council.getProposal(proposal)["readyAt"]
    with brownie.reverts(custom_error("CommitteeNotReady", proposal, ready_at)):
        council.execute(proposal, {"from": committee})
    assert not directory.isAgency(BANJARBARU)


def test_an_executed_act_cannot_be_executed_again(council, scheduled, committee, register_banjarbaru):
    proposal = scheduled(register_banjarbaru)
    _ready(council, proposal)
    council.execute(proposal, {"from": committee})
    with brownie.reverts(custom_error("CommitteeWrongStatus", proposal, EXECUTED)):
        council.execute(proposal, {"from": committee})


def test_a_batch_executes_atomically_or_not_at_all(council, scheduled, committee, committee_act, directory):
    banjarbaru = directory.registerAgency.encode_input(BANJARBARU, NAME)
    committee_act([(directory, banjarbaru)])
    # Kabupaten Banjar, then Banjarbaru again: the second call fails, so the first is undone too.
    batch = scheduled(
        [
            (directory, directory.registerAgency.encode_input(6303, "Kabupaten Banjar")),
            (directory, banjarbaru),
        ]
    )
    _ready(council, batch)
    with brownie.reverts(custom_error("AgencyAlreadyRegistered", BANJARBARU)):
        council.execute(batch, {"from": committee})
    assert not directory.isAgency(6303)
    assert council.getProposal(batch)["status"] == SCHEDULED


# --- vetoes ------------------------------------------------------------------------------------


def test_a_vetoed_act_never_executes(
    hub, council, scheduled, guardian, committee, directory, register_banjarbaru
):
    proposal = scheduled(register_banjarbaru)
    tx = council.veto(proposal, web3.keccak(text="alasan BPK"), {"from": guardian})

    assert (tx.events["Vetoed"]["official"], tx.events["Vetoed"]["agencyId"]) == (guardian, BPK)
    assert "OperationCanceled" in tx.events
    target, data = register_banjarbaru[0]
    assert hub.getSchedule(hub.hashOperation(council, target, data)) == 0
    _ready(council, proposal)
    _wait(120)
    with brownie.reverts(custom_error("CommitteeWrongStatus", proposal, VETOED)):
        council.execute(proposal, {"from": committee})
    assert not directory.isAgency(BANJARBARU)


def test_a_veto_before_scheduling_kills_the_proposal(
    council, propose, guardian2, committee2, register_banjarbaru
):
    proposal = propose(register_banjarbaru)
    council.veto(proposal, web3.keccak(text="alasan KPK"), {"from": guardian2})
    with brownie.reverts(custom_error("CommitteeWrongStatus", proposal, VETOED)):
        council.approve(proposal, {"from": committee2})


@pytest.mark.parametrize("who", ["committee", "committee2", "outsider"])
def test_only_a_guardian_agency_may_veto(council, scheduled, request, who, register_banjarbaru):
    proposal = scheduled(register_banjarbaru)
    account = request.getfixturevalue(who)
    with brownie.reverts(custom_error("CommitteeNotGuardian", account)):
        council.veto(proposal, web3.keccak(text="x"), {"from": account})


def test_an_executed_act_cannot_be_vetoed(council, scheduled, committee, guardian, register_banjarbaru):
    proposal = scheduled(register_banjarbaru)
    _ready(council, proposal)
    council.execute(proposal, {"from": committee})
    with brownie.reverts(custom_error("CommitteeWrongStatus", proposal, EXECUTED)):
        council.veto(proposal, web3.keccak(text="x"), {"from": guardian})


def test_a_guardian_agency_cannot_veto_the_same_act_twice_through_re_proposals(
    council, scheduled, guardian, committee, directory, register_banjarbaru
):
    first = scheduled(register_banjarbaru)
    council.veto(first, web3.keccak(text="x"), {"from": guardian})
    second = scheduled(register_banjarbaru)
    act_key = council.getProposal(second)["actKey"]
    assert act_key == council.getProposal(first)["actKey"]
    with brownie.reverts(custom_error("CommitteeVetoSpent", act_key, BPK)):
        council.veto(second, web3.keccak(text="lagi"), {"from": guardian})
    _ready(council, second)
    council.execute(second, {"from": committee})
    assert directory.isAgency(BANJARBARU)


def test_two_officials_of_one_guardian_agency_share_its_one_veto(
    council, scheduled, guardian, second_bpk_official, register_banjarbaru
):
    first = scheduled(register_banjarbaru)
    council.veto(first, web3.keccak(text="x"), {"from": guardian})
    second = scheduled(register_banjarbaru)
    with brownie.reverts(custom_error("CommitteeVetoSpent", council.getProposal(second)["actKey"], BPK)):
        council.veto(second, web3.keccak(text="x"), {"from": second_bpk_official})


@pytest.fixture
def unpause_registry(registry):
    return [(registry, registry.unpause.encode_input())]


def test_a_guardian_cannot_block_an_unpause_for_ever(
    council, registry, scheduled, guardian, guardian2, committee, unpause_registry
):
    """Each guardian agency vetoes the unpause at most once per pause; the third proposal passes."""
    registry.pause({"from": guardian})
    first = scheduled(unpause_registry)
    council.veto(first, web3.keccak(text="BPK"), {"from": guardian})
    second = scheduled(unpause_registry)
    with brownie.reverts(custom_error("CommitteeVetoSpent", council.getProposal(second)["actKey"], BPK)):
        council.veto(second, web3.keccak(text="BPK lagi"), {"from": guardian})
    council.veto(second, web3.keccak(text="KPK"), {"from": guardian2})
    third = scheduled(unpause_registry)
    for official in (guardian, guardian2):
        with brownie.reverts():
            council.veto(third, web3.keccak(text="lagi"), {"from": official})
    _ready(council, third)
    council.execute(third, {"from": committee})
    assert not registry.paused()


def test_each_new_pause_gives_each_guardian_agency_one_new_veto_of_its_unpause(
    council, registry, scheduled, guardian, committee, unpause_registry
):
    registry.pause({"from": guardian})
    vetoed = scheduled(unpause_registry)
    council.veto(vetoed, web3.keccak(text="BPK"), {"from": guardian})
    passed = scheduled(unpause_registry)
    _ready(council, passed)
    council.execute(passed, {"from": committee})
    _wait(10)
    registry.pause({"from": guardian})

    next_pause = scheduled(unpause_registry)
    assert council.getProposal(next_pause)["actKey"] != council.getProposal(vetoed)["actKey"]
    council.veto(next_pause, web3.keccak(text="BPK, jeda baru"), {"from": guardian})


def test_the_python_act_key_matches_the_committees(
    council, registry, guardian, unpause_registry, register_banjarbaru
):
    calls = [protocol.Call(str(t), bytes.fromhex(d[2:])) for t, d in register_banjarbaru]
    assert bytes(council.actKeyOf([c.as_tuple() for c in calls])) == protocol.act_key(calls)
    registry.pause({"from": guardian})
    unpause = [protocol.call(str(registry), "unpause()")]
    start = chain[-1].timestamp - registry.pausedTotal()
    assert bytes(council.actKeyOf([c.as_tuple() for c in unpause])) == protocol.act_key(
        unpause, {str(registry): start}
    )


# --- membership --------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["committee", "guardian", "deployer", "outsider"])
def test_membership_changes_only_by_a_committee_act(council, request, who, outsider):
    account = request.getfixturevalue(who)
    for call in (
        lambda: council.seatOfficial(outsider, LKPP, {"from": account}),
        lambda: council.unseatOfficial(accounts[1], {"from": account}),
        lambda: council.addMemberAgency(9999, True, {"from": account}),
        lambda: council.removeMemberAgency(KPK, {"from": account}),
        lambda: council.setThreshold(1, {"from": account}),
    ):
        with brownie.reverts(custom_error("AccessManagedUnauthorized", account)):
            call()
    assert council.threshold() == 2


def test_a_seat_granted_by_the_committee_lets_the_official_propose(
    council, second_lkpp_official, propose, register_banjarbaru
):
    assert council.agencyOf(second_lkpp_official) == LKPP
    proposal = propose(register_banjarbaru, by=second_lkpp_official)
    assert council.getProposal(proposal)["proposerAgency"] == LKPP


def test_an_unseated_officials_approval_no_longer_counts(
    council, propose, committee, committee2, guardian, committee_act, register_banjarbaru
):
    proposal = propose(register_banjarbaru)
    council.approve(proposal, {"from": committee2})
    assert council.approvalCount(proposal) == 2
    committee_act([(council, council.unseatOfficial.encode_input(committee2))], approver=guardian)

    assert council.approvalCount(proposal) == 1
    with brownie.reverts(custom_error("CommitteeNotEnoughApprovals", proposal, 1, 2)):
        council.schedule(proposal, {"from": committee})
    with brownie.reverts(custom_error("CommitteeNotMember", committee2)):
        council.approve(proposal, {"from": committee2})


def test_the_threshold_stays_within_the_member_agencies(council, committee_act):
    with brownie.reverts(custom_error("CommitteeInvalidThreshold", 5, 4)):
        committee_act([(council, council.setThreshold.encode_input(5))])
    with brownie.reverts(custom_error("CommitteeInvalidThreshold", 0, 4)):
        committee_act([(council, council.setThreshold.encode_input(0))])


def test_an_agency_with_seated_officials_cannot_be_removed(council, committee_act):
    with brownie.reverts(custom_error("CommitteeInvalidAgency", KPK)):
        committee_act([(council, council.removeMemberAgency.encode_input(KPK))])


def test_removing_an_agency_and_its_seat_is_one_committee_act(council, committee_act, guardian2):
    committee_act(
        [
            (council, council.unseatOfficial.encode_input(guardian2)),
            (council, council.removeMemberAgency.encode_input(KPK)),
        ]
    )
    assert tuple(council.memberAgency(KPK)) == (False, False)
    assert council.agencyOf(guardian2) == 0
    assert list(council.memberAgencies()) == [LKPP, KEMENKEU, BPK]


def test_removing_an_official_everywhere_is_one_committee_act(
    hub, council, directory, committee_act, officer
):
    """The hub role, the agency assignment and (when seated) the committee seat, in one batch."""
    calls = protocol.remove_official_calls(
        str(hub), str(officer), role_ids=[role_id("AGENCY_OFFICER")], directory=str(directory)
    )
    committee_act([c.as_tuple() for c in calls])

    assert tuple(hub.hasRole(role_id("AGENCY_OFFICER"), officer)) == (False, 0)
    with brownie.reverts(custom_error("AgencyOfficerUnassigned", officer)):
        directory.agencyOf(officer)


def test_a_committee_act_on_the_hub_itself_waits_the_admin_delay(
    hub, council, scheduled, committee, outsider
):
    """Granting GUARDIAN (administered by ADMIN) passes through the Committee's ADMIN delay."""
    data = hub.grantRole.encode_input(role_id("GUARDIAN"), outsider, 0)
    proposal = scheduled([(hub, data)])
    ready_at = council.getProposal(proposal)["readyAt"]
    assert ready_at >= chain[-1].timestamp + 120
    _wait(61)
    with brownie.reverts(custom_error("CommitteeNotReady", proposal, ready_at)):
        council.execute(proposal, {"from": committee})
    _ready(council, proposal)
    council.execute(proposal, {"from": committee})
    assert hub.hasRole(role_id("GUARDIAN"), outsider)[0]
