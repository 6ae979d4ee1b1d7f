"""Pausing: the guardian stops state changes at once; only the committee, through the hub's delay,
resumes them. Views keep answering and no state is lost. Time paused never eats a tender's window:
every deadline of a tender in flight moves by the length of the pause."""

import brownie
import pytest
from brownie import chain, web3

from tests.contracts.conftest import IKN, hmac_id
from tests.contracts.revert_messages import custom_error, latest_timestamp, selector
from tests.contracts.tender_fixtures import VALUE_SYSTEM

ENFORCED_PAUSE = custom_error("EnforcedPause")
DAY = 86400


@pytest.fixture
def supplier(active_supplier, supplier_keys):
    """An active supplier registered and verified before the pause."""
    return active_supplier(supplier_keys[0], label="sebelum-jeda", umkm=True, region=6409)


@pytest.fixture
def paused_registry(registry, guardian, supplier):
    registry.pause({"from": guardian})
    return registry


@pytest.fixture
def paused_directory(directory, guardian):
    directory.pause({"from": guardian})
    return directory


# --- SupplierRegistry --------------------------------------------------------------------------


def test_the_guardian_pauses_the_supplier_registry_at_once(registry, guardian):
    tx = registry.pause({"from": guardian})

    assert tx.events["Paused"]["account"] == guardian
    assert registry.paused()


def test_a_paused_registry_refuses_registration(paused_registry, officer, supplier_keys):
    with brownie.reverts(ENFORCED_PAUSE):
        paused_registry.registerSupplier(
            supplier_keys[1], hmac_id("nib:x"), hmac_id("npwp:x"), False, 6302, {"from": officer}
        )


def test_a_paused_registry_refuses_verification(paused_registry, pu_officer, supplier):
    with brownie.reverts(ENFORCED_PAUSE):
        paused_registry.verifySupplier(supplier, {"from": pu_officer})


def test_a_paused_registry_refuses_profile_updates(paused_registry, officer2, supplier):
    with brownie.reverts(ENFORCED_PAUSE):
        paused_registry.updateSupplierProfile(supplier, False, 6302, hmac_id("alasan"), {"from": officer2})


def test_a_paused_registry_refuses_blacklist_proposals(paused_registry, officer, supplier):
    start = latest_timestamp() + 60
    with brownie.reverts(ENFORCED_PAUSE):
        paused_registry.proposeBlacklist(supplier, start, start + DAY, hmac_id("sk"), {"from": officer})


def test_a_paused_registry_refuses_blacklist_confirmations(registry, officer, officer2, guardian, supplier):
    start = latest_timestamp() + 60
    proposal = registry.proposeBlacklist(supplier, start, start + DAY, hmac_id("sk"), {"from": officer})
    registry.pause({"from": guardian})
    with brownie.reverts(ENFORCED_PAUSE):
        registry.confirmBlacklist(
            proposal.events["SupplierBlacklistProposed"]["proposalId"], {"from": officer2}
        )


def test_a_paused_registry_refuses_key_rotation(paused_registry, supplier, supplier_keys):
    with brownie.reverts(ENFORCED_PAUSE):
        paused_registry.rotateKey(supplier_keys[1], {"from": supplier_keys[0]})


def test_a_paused_registry_refuses_committee_key_recovery(
    paused_registry, committee, delayed, supplier, supplier_keys
):
    with brownie.reverts(ENFORCED_PAUSE):
        delayed(committee, paused_registry, "recoverSupplierKey", supplier, supplier_keys[1])


def test_a_paused_registry_refuses_lifting_a_blacklist(
    registry, blacklist, guardian, committee, delayed, supplier
):
    now = latest_timestamp()
    blacklist(supplier, now + 60, now + DAY)
    registry.pause({"from": guardian})
    with brownie.reverts(ENFORCED_PAUSE):
        delayed(committee, registry, "liftBlacklist", supplier, hmac_id("banding"))


def test_a_paused_registry_still_answers_views(paused_registry, supplier, supplier_keys):
    assert paused_registry.supplierCount() == 1
    assert paused_registry.supplierIdOf(supplier_keys[0]) == supplier
    assert paused_registry.getSupplier(supplier).dict()["account"] == supplier_keys[0]
    assert not paused_registry.isBlacklistedAt(supplier, latest_timestamp())
    assert tuple(paused_registry.requireActiveSupplier(supplier_keys[0])) == (supplier, True, 6409)


def test_pausing_a_paused_registry_is_refused(paused_registry, guardian):
    with brownie.reverts(ENFORCED_PAUSE):
        paused_registry.pause({"from": guardian})


@pytest.mark.parametrize("who", ["guardian", "officer", "outsider", "deployer"])
def test_only_the_committee_may_unpause_the_registry(paused_registry, request, who):
    caller = request.getfixturevalue(who)
    with brownie.reverts(custom_error("AccessManagedUnauthorized", caller)):
        paused_registry.unpause({"from": caller})
    assert paused_registry.paused()


def test_a_committee_official_alone_can_neither_unpause_nor_schedule_an_unpause(
    hub, paused_registry, committee
):
    data = paused_registry.unpause.encode_input()
    with brownie.reverts(custom_error("AccessManagedUnauthorized", committee)):
        paused_registry.unpause({"from": committee})
    with brownie.reverts(
        custom_error("AccessManagerUnauthorizedCall", committee, paused_registry, selector(data))
    ):
        hub.schedule(paused_registry, data, 0, {"from": committee})
    assert paused_registry.paused()


def test_the_committee_unpauses_the_registry_through_the_delay_with_state_intact(
    paused_registry, committee, delayed, supplier, supplier_keys
):
    record_before = paused_registry.getSupplier(supplier)

    tx = delayed(committee, paused_registry, "unpause")

    assert "Unpaused" in tx.events
    assert not paused_registry.paused()
    assert paused_registry.getSupplier(supplier) == record_before
    assert paused_registry.supplierCount() == 1
    assert tuple(paused_registry.requireActiveSupplier(supplier_keys[0])) == (supplier, True, 6409)
    paused_registry.rotateKey(supplier_keys[1], {"from": supplier_keys[0]})
    assert paused_registry.supplierIdOf(supplier_keys[1]) == supplier


def test_unpausing_a_registry_that_is_not_paused_is_refused(registry, committee, delayed):
    with brownie.reverts(custom_error("ExpectedPause")):
        delayed(committee, registry, "unpause")


def test_pausing_the_registry_leaves_the_directory_running(registry, directory, guardian, committee, delayed):
    registry.pause({"from": guardian})
    assert not directory.paused()
    delayed(committee, directory, "registerAgency", 6372, "Pemerintah Kota Banjarbaru")
    assert directory.isAgency(6372)


# --- AgencyDirectory ---------------------------------------------------------------------------


def test_the_guardian_pauses_the_agency_directory_at_once(directory, guardian):
    tx = directory.pause({"from": guardian})

    assert tx.events["Paused"]["account"] == guardian
    assert directory.paused()


def test_a_paused_directory_refuses_registering_agencies(paused_directory, committee, delayed):
    with brownie.reverts(ENFORCED_PAUSE):
        delayed(committee, paused_directory, "registerAgency", 6372, "Pemerintah Kota Banjarbaru")


def test_a_paused_directory_refuses_assigning_officers(paused_directory, committee, delayed, outsider):
    with brownie.reverts(ENFORCED_PAUSE):
        delayed(committee, paused_directory, "assignOfficer", outsider, IKN)


def test_a_paused_directory_refuses_removing_officers(paused_directory, committee, delayed, officer):
    with brownie.reverts(ENFORCED_PAUSE):
        delayed(committee, paused_directory, "removeOfficer", officer)


def test_a_paused_directory_still_answers_views(paused_directory, officer):
    assert paused_directory.agencyOf(officer) == IKN
    paused_directory.requireOfficerOf(officer, IKN)
    assert paused_directory.isAgency(IKN)
    assert paused_directory.agencyName(IKN) == "Otorita Ibu Kota Nusantara"


@pytest.mark.parametrize("who", ["guardian", "officer", "outsider", "deployer"])
def test_only_the_committee_may_unpause_the_directory(paused_directory, request, who):
    caller = request.getfixturevalue(who)
    with brownie.reverts(custom_error("AccessManagedUnauthorized", caller)):
        paused_directory.unpause({"from": caller})
    assert paused_directory.paused()


def test_the_committee_unpauses_the_directory_through_the_delay_with_state_intact(
    paused_directory, committee, delayed, officer, outsider
):
    tx = delayed(committee, paused_directory, "unpause")

    assert "Unpaused" in tx.events
    assert not paused_directory.paused()
    assert paused_directory.agencyOf(officer) == IKN
    assert paused_directory.agencyName(IKN) == "Otorita Ibu Kota Nusantara"
    delayed(committee, paused_directory, "assignOfficer", outsider, IKN)
    assert paused_directory.agencyOf(outsider) == IKN


# --- Tenders: the pause clock ------------------------------------------------------------------

DEADLINES = ("commitDeadline", "scoringDeadline", "revealDeadline")


def _pause_for(tenders, guardian, committee, delayed, seconds):
    """Pauses Tenders, lets `seconds` pass, unpauses through the committee's delay; returns the
    PauseTimeCredited event."""
    tenders.pause({"from": guardian})
    chain.sleep(seconds)
    chain.mine()
    return delayed(committee, tenders, "unpause").events["PauseTimeCredited"]


def test_a_pause_moves_every_deadline_of_a_tender_in_flight(
    kit, tenders, guardian, committee, delayed, bidders
):
    tender_id = kit.announce(evaluation=VALUE_SYSTEM, technicalWeightBps=7000)
    kit.commit(*bidders[0], tender_id, 1_000_000_000)
    before = kit.tender(tender_id)
    credited = _pause_for(tenders, guardian, committee, delayed, 2 * DAY)
    paused_for = credited["pausedSeconds"]
    assert paused_for > 2 * DAY and credited["pausedTotal"] == paused_for == tenders.pausedTotal()
    after = kit.tender(tender_id)
    assert all(after[name] == before[name] + paused_for for name in DEADLINES)


def test_the_deadlines_read_while_paused_already_include_the_pause(kit, tenders, guardian):
    tender_id = kit.announce()
    before = kit.tender(tender_id)
    tenders.pause({"from": guardian})
    chain.sleep(DAY)
    chain.mine()
    paused_so_far = tenders.pausedTotal()
    assert paused_so_far >= DAY
    assert kit.tender(tender_id)["commitDeadline"] == before["commitDeadline"] + paused_so_far
    assert kit.tender(tender_id)["ocid"] == before["ocid"]  # views keep answering


def test_a_commit_deadline_that_passed_during_a_pause_is_still_ahead(
    kit, tenders, guardian, committee, delayed, bidders
):
    """Bidders lose no part of the commit period to an emergency pause: a deadline the wall clock
    passed while the contract was paused still leaves them the time that remained."""
    tender_id = kit.announce(commit_in=DAY)
    announced = kit.tender(tender_id)["commitDeadline"]
    _pause_for(tenders, guardian, committee, delayed, 3 * DAY)
    assert chain.time() > announced
    bid = kit.commit(*bidders[0], tender_id, 1_000_000_000)
    assert kit.tender(tender_id)["commitDeadline"] > chain.time()
    kit.to_reveal(tender_id)
    assert kit.reveal(tender_id, bid).events["BidRevealed"]["price"] == 1_000_000_000


def test_an_objection_window_is_not_eaten_by_a_pause(kit, tenders, guardian, committee, delayed, bidders):
    tender_id = kit.announce()
    bids = [
        kit.commit(*bidder, tender_id, price) for bidder, price in zip(bidders[:2], (900, 950), strict=True)
    ]
    kit.to_reveal(tender_id)
    for bid in bids:
        kit.reveal(tender_id, bid)
    kit.to_evaluation(tender_id)
    kit.evaluate(tender_id)
    window_closed_at = kit.tender(tender_id)["objectionDeadline"]
    _pause_for(tenders, guardian, committee, delayed, 4 * DAY)
    assert chain.time() > window_closed_at
    tx = tenders.fileObjection(tender_id, web3.keccak(text="bukti"), {"from": bidders[1][0]})
    assert tx.events["ObjectionFiled"]["supplierId"] == bidders[1][1]


def test_a_paused_tenders_contract_refuses_the_pokja_and_the_bidders(kit, tenders, guardian, bidders):
    tender_id = kit.announce()
    bid = kit.commit(*bidders[0], tender_id, 1_000_000_000)
    kit.to_evaluation(tender_id)
    tenders.pause({"from": guardian})
    with brownie.reverts(ENFORCED_PAUSE):
        kit.open_by_quorum(tender_id, bid)
    with brownie.reverts(ENFORCED_PAUSE):
        kit.evaluate(tender_id)
