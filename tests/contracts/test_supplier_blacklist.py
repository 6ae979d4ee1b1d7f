"""SupplierRegistry blacklisting (daftar hitam): no officer alone can take a bidder out.

One agency officer proposes a period [start, end) with the hash of the sanction decision; nothing
changes for the supplier until a second officer of the same agency confirms it, within 7 days. A
period never starts before its confirmation (so it cannot reach back to a tender's commit deadline
that has passed), is never backdated or open-ended, and lasts at most 2 years (731 days, a leap day
included). A period pending or in force is never cut short or postponed; only the committee lifts a
sanction early, through the hub's delay."""

import brownie
import pytest
from brownie import chain

from tests.contracts.conftest import IKN, PU, hmac_id, role_id
from tests.contracts.revert_messages import ZERO_BYTES32, custom_error, latest_timestamp

DAY = 86400
YEAR = 365 * DAY
MAX_PERIOD = 731 * DAY
CONFIRMATION_WINDOW = 7 * DAY
AHEAD = 60  # a proposed start safely after the proposal's block


def _record(registry, supplier_id) -> dict:
    return {
        k: bytes(v) if isinstance(v, bytes) else v
        for k, v in registry.getSupplier(supplier_id).dict().items()
    }


def _period(registry, supplier_id) -> tuple[int, int]:
    record = _record(registry, supplier_id)
    return record["blacklistStart"], record["blacklistEnd"]


def _proposal(registry, proposal_id) -> dict:
    return {
        k: bytes(v) if isinstance(v, bytes) else v
        for k, v in registry.getBlacklistProposal(proposal_id).dict().items()
    }


def _block_time(tx) -> int:
    return chain[tx.block_number].timestamp


def _sleep(seconds: int) -> None:
    chain.sleep(seconds)
    chain.mine()


@pytest.fixture
def supplier(active_supplier, supplier_keys):
    """An active supplier, registered by an IKN officer and verified by a second one."""
    return active_supplier(supplier_keys[0])


@pytest.fixture
def propose(registry, officer):
    """Proposes a blacklisting (by the IKN officer unless told); returns the proposal's id."""

    def run(supplier_id, start, end, reason=None, by=None):
        tx = registry.proposeBlacklist(
            supplier_id, start, end, reason or hmac_id("sk"), {"from": by or officer}
        )
        return tx.events["SupplierBlacklistProposed"]["proposalId"]

    return run


@pytest.fixture
def pu_officer2(hub, directory, committee, delayed, outsider):
    """A second officer of Kementerian PU: the committee grants the role and assigns the agency."""
    delayed(committee, hub, "grantRole", role_id("AGENCY_OFFICER"), outsider, 0)
    delayed(committee, directory, "assignOfficer", outsider, PU)
    return outsider


# --- two officials ------------------------------------------------------------------------------


def test_a_proposal_alone_does_not_blacklist(registry, supplier, officer, supplier_keys):
    start = latest_timestamp() + AHEAD
    tx = registry.proposeBlacklist(supplier, start, start + YEAR, hmac_id("sk:1"), {"from": officer})

    event = tx.events["SupplierBlacklistProposed"]
    assert event["proposalId"] == tx.return_value == registry.blacklistProposalCount() == 1
    assert (event["supplierId"], event["agencyId"], event["officer"]) == (supplier, IKN, officer)
    assert (event["start"], event["end"], bytes(event["reasonHash"])) == (
        start,
        start + YEAR,
        hmac_id("sk:1"),
    )
    assert "SupplierBlacklisted" not in tx.events
    assert _period(registry, supplier) == (0, 0)
    _sleep(AHEAD + 60)
    assert not registry.isBlacklistedAt(supplier, latest_timestamp())
    assert registry.requireActiveSupplier(supplier_keys[0])[0] == supplier


def test_a_proposal_is_on_record_until_confirmed(registry, supplier, officer, propose):
    start = latest_timestamp() + AHEAD
    proposal_id = propose(supplier, start, start + YEAR, hmac_id("sk:1"))

    proposal = _proposal(registry, proposal_id)
    assert proposal == {
        "supplierId": supplier,
        "start": start,
        "end": start + YEAR,
        "proposedAt": proposal["proposedAt"],
        "officer": officer,
        "agencyId": IKN,
        "confirmedAt": 0,
        "reasonHash": hmac_id("sk:1"),
    }
    assert start - AHEAD <= proposal["proposedAt"] <= start


def test_a_second_officer_of_the_same_agency_confirms_a_blacklist(
    registry, supplier, officer2, propose, supplier_keys
):
    start = latest_timestamp() + AHEAD
    end = start + YEAR
    proposal_id = propose(supplier, start, end, hmac_id("sk:1"))

    tx = registry.confirmBlacklist(proposal_id, {"from": officer2})

    event = tx.events["SupplierBlacklisted"]
    assert (event["supplierId"], event["agencyId"], event["proposalId"]) == (supplier, IKN, proposal_id)
    assert (event["start"], event["end"], bytes(event["reasonHash"])) == (start, end, hmac_id("sk:1"))
    assert event["officer"] == officer2
    assert _period(registry, supplier) == (start, end)
    assert _record(registry, supplier)["blacklistReason"] == hmac_id("sk:1")
    assert _proposal(registry, proposal_id)["confirmedAt"] == _block_time(tx)
    _sleep(AHEAD + 60)
    with brownie.reverts(custom_error("SupplierBlacklistedUntil", supplier, end)):
        registry.requireActiveSupplier(supplier_keys[0])


def test_the_proposing_officer_cannot_confirm_its_own_proposal(registry, supplier, officer, propose):
    start = latest_timestamp() + AHEAD
    proposal_id = propose(supplier, start, start + YEAR, by=officer)

    with brownie.reverts(custom_error("SupplierBlacklistSameOfficer", proposal_id, officer)):
        registry.confirmBlacklist(proposal_id, {"from": officer})

    assert _period(registry, supplier) == (0, 0)
    assert _proposal(registry, proposal_id)["confirmedAt"] == 0


def test_an_officer_of_another_agency_cannot_confirm(registry, supplier, pu_officer, propose):
    """Two officials of the agency that decided the sanction, not one of it and one of any other."""
    start = latest_timestamp() + AHEAD
    proposal_id = propose(supplier, start, start + YEAR)  # by an IKN officer

    with brownie.reverts(custom_error("AgencyOfficerMismatch", pu_officer, IKN, PU)):
        registry.confirmBlacklist(proposal_id, {"from": pu_officer})

    assert _period(registry, supplier) == (0, 0)


def test_any_agency_may_sanction_a_supplier_with_two_of_its_own_officers(
    registry, supplier, pu_officer, pu_officer2, officer, propose
):
    """A blacklist holds across government, so the supplier's registering agency is not the only
    one that may sanction it; the two officials are of the proposing agency."""
    start = latest_timestamp() + AHEAD
    proposal_id = propose(supplier, start, start + YEAR, by=pu_officer)
    assert _proposal(registry, proposal_id)["agencyId"] == PU
    with brownie.reverts(custom_error("AgencyOfficerMismatch", officer, PU, IKN)):
        registry.confirmBlacklist(proposal_id, {"from": officer})

    tx = registry.confirmBlacklist(proposal_id, {"from": pu_officer2})

    assert tx.events["SupplierBlacklisted"]["agencyId"] == PU
    assert _period(registry, supplier) == (start, start + YEAR)


def test_a_proposal_is_confirmed_only_once(registry, supplier, officer2, propose):
    start = latest_timestamp() + AHEAD
    proposal_id = propose(supplier, start, start + DAY)
    registry.confirmBlacklist(proposal_id, {"from": officer2})

    with brownie.reverts(custom_error("SupplierBlacklistAlreadyConfirmed", proposal_id)):
        registry.confirmBlacklist(proposal_id, {"from": officer2})


def test_an_expired_proposal_cannot_be_confirmed(registry, supplier, officer2, propose, supplier_keys):
    start = latest_timestamp() + AHEAD
    proposal_id = propose(supplier, start, start + YEAR)
    expired_at = _proposal(registry, proposal_id)["proposedAt"] + CONFIRMATION_WINDOW
    _sleep(CONFIRMATION_WINDOW + 1)

    with brownie.reverts(custom_error("SupplierBlacklistProposalExpired", proposal_id, expired_at)):
        registry.confirmBlacklist(proposal_id, {"from": officer2})

    assert _period(registry, supplier) == (0, 0)
    assert registry.requireActiveSupplier(supplier_keys[0])[0] == supplier


def test_a_proposal_can_be_confirmed_on_its_seventh_day(registry, supplier, officer2, propose):
    start = latest_timestamp() + AHEAD
    end = start + YEAR
    proposal_id = propose(supplier, start, end)
    _sleep(CONFIRMATION_WINDOW - 3600)

    tx = registry.confirmBlacklist(proposal_id, {"from": officer2})

    assert _period(registry, supplier) == (_block_time(tx), end)


@pytest.mark.parametrize("proposal_id", [0, 1, 2])
def test_an_unknown_proposal_cannot_be_confirmed_or_read(registry, supplier, officer2, propose, proposal_id):
    if proposal_id == 2:
        propose(supplier, latest_timestamp() + AHEAD, latest_timestamp() + YEAR)  # id 1 exists, 2 not
    with brownie.reverts(custom_error("SupplierBlacklistProposalUnknown", proposal_id)):
        registry.confirmBlacklist(proposal_id, {"from": officer2})
    with brownie.reverts(custom_error("SupplierBlacklistProposalUnknown", proposal_id)):
        registry.getBlacklistProposal(proposal_id)


def test_proposing_for_an_unknown_supplier_is_refused(registry, officer):
    start = latest_timestamp() + AHEAD
    with brownie.reverts(custom_error("SupplierUnknown", 3)):
        registry.proposeBlacklist(3, start, start + DAY, hmac_id("sk"), {"from": officer})


def test_a_proposal_needs_the_decisions_hash(registry, supplier, officer):
    start = latest_timestamp() + AHEAD
    with brownie.reverts(custom_error("SupplierEmptyReason")):
        registry.proposeBlacklist(supplier, start, start + DAY, ZERO_BYTES32, {"from": officer})


# --- the period ---------------------------------------------------------------------------------


@pytest.mark.parametrize("back", ["from_zero", "a_day_ago", "a_second_ago"])
def test_a_backdated_blacklist_is_refused(registry, supplier, officer, back):
    now = latest_timestamp()
    start = {"from_zero": 0, "a_day_ago": now - DAY, "a_second_ago": now - 1}[back]
    end = now + YEAR

    with brownie.reverts(custom_error("SupplierInvalidBlacklistPeriod", start, end)):
        registry.proposeBlacklist(supplier, start, end, hmac_id("sk"), {"from": officer})

    assert registry.blacklistProposalCount() == 0


def test_an_open_ended_blacklist_is_refused(registry, supplier, officer):
    start, end = latest_timestamp() + AHEAD, 2**64 - 1
    with brownie.reverts(custom_error("SupplierInvalidBlacklistPeriod", start, end)):
        registry.proposeBlacklist(supplier, start, end, hmac_id("sk"), {"from": officer})


def test_a_blacklist_lasts_at_most_two_years(registry, supplier, officer, officer2):
    start = latest_timestamp() + AHEAD
    with brownie.reverts(custom_error("SupplierInvalidBlacklistPeriod", start, start + MAX_PERIOD + 1)):
        registry.proposeBlacklist(supplier, start, start + MAX_PERIOD + 1, hmac_id("sk"), {"from": officer})

    tx = registry.proposeBlacklist(supplier, start, start + MAX_PERIOD, hmac_id("sk"), {"from": officer})
    registry.confirmBlacklist(tx.events["SupplierBlacklistProposed"]["proposalId"], {"from": officer2})
    assert _period(registry, supplier) == (start, start + MAX_PERIOD)


def test_a_blacklist_period_must_end_after_it_starts(registry, supplier, officer):
    start = latest_timestamp() + DAY
    with brownie.reverts(custom_error("SupplierInvalidBlacklistPeriod", start, start)):
        registry.proposeBlacklist(supplier, start, start, hmac_id("sk"), {"from": officer})
    with brownie.reverts(custom_error("SupplierInvalidBlacklistPeriod", start, start - 1)):
        registry.proposeBlacklist(supplier, start, start - 1, hmac_id("sk"), {"from": officer})


def test_the_effective_start_is_the_confirmation_when_the_proposed_start_has_passed(
    registry, supplier, officer2, propose
):
    """A proposal made before a tender's commit deadline and confirmed after it does not reach back
    to the deadline: Tenders asks isBlacklistedAt(commit deadline)."""
    start = latest_timestamp() + AHEAD
    end = start + YEAR
    proposal_id = propose(supplier, start, end)
    commit_deadline = start + DAY
    _sleep(2 * DAY)

    tx = registry.confirmBlacklist(proposal_id, {"from": officer2})

    confirmed_at = _block_time(tx)
    assert confirmed_at > commit_deadline
    assert tx.events["SupplierBlacklisted"]["start"] == confirmed_at
    assert _period(registry, supplier) == (confirmed_at, end)
    assert not registry.isBlacklistedAt(supplier, start)
    assert not registry.isBlacklistedAt(supplier, commit_deadline)
    assert not registry.isBlacklistedAt(supplier, confirmed_at - 1)
    assert registry.isBlacklistedAt(supplier, confirmed_at)


def test_a_future_start_is_kept_and_the_supplier_stays_active_until_then(
    registry, supplier, blacklist, supplier_keys
):
    start = latest_timestamp() + 3 * DAY
    end = start + YEAR
    tx = blacklist(supplier, start, end)

    assert tx.events["SupplierBlacklisted"]["start"] == start
    assert not registry.isBlacklistedAt(supplier, start - 1)
    assert registry.isBlacklistedAt(supplier, start)
    assert registry.isBlacklistedAt(supplier, end - 1)
    assert not registry.isBlacklistedAt(supplier, end)
    assert registry.requireActiveSupplier(supplier_keys[0])[0] == supplier


def test_a_supplier_is_barred_during_its_blacklist_and_active_again_after(
    registry, supplier, blacklist, supplier_keys
):
    start = latest_timestamp() + 1000
    end = start + 1000
    blacklist(supplier, start, end)

    _sleep(1500)
    assert start <= latest_timestamp() < end
    with brownie.reverts(custom_error("SupplierBlacklistedUntil", supplier, end)):
        registry.requireActiveSupplier(supplier_keys[0])

    _sleep(1000)
    assert latest_timestamp() >= end
    assert registry.requireActiveSupplier(supplier_keys[0])[0] == supplier


def test_a_period_that_ran_out_before_its_confirmation_is_refused(registry, supplier, officer2, propose):
    start = latest_timestamp() + AHEAD
    end = start + DAY
    proposal_id = propose(supplier, start, end)
    _sleep(2 * DAY)

    with brownie.reverts(revert_pattern=rf"SupplierInvalidBlacklistPeriod: \d+, {end}"):
        registry.confirmBlacklist(proposal_id, {"from": officer2})
    assert _period(registry, supplier) == (0, 0)


def test_a_never_blacklisted_supplier_is_not_blacklisted_at_any_time(registry, supplier):
    assert not registry.isBlacklistedAt(supplier, 0)
    assert not registry.isBlacklistedAt(supplier, latest_timestamp())
    assert not registry.isBlacklistedAt(supplier, 2**64 - 1)


# --- a period pending or in force ---------------------------------------------------------------


def test_a_new_blacklist_extends_one_in_force(registry, supplier, blacklist):
    first_start = latest_timestamp() + AHEAD
    blacklist(supplier, first_start, first_start + DAY, hmac_id("sk:1"))
    _sleep(AHEAD + 60)
    second_start = latest_timestamp() + AHEAD

    tx = blacklist(supplier, second_start, second_start + YEAR, hmac_id("sk:2"))

    assert (tx.events["SupplierBlacklisted"]["start"], tx.events["SupplierBlacklisted"]["end"]) == (
        second_start,
        second_start + YEAR,
    )
    assert _period(registry, supplier) == (first_start, second_start + YEAR)
    assert _record(registry, supplier)["blacklistReason"] == hmac_id("sk:2")


def test_a_shorter_blacklist_does_not_cut_short_one_in_force(registry, supplier, blacklist):
    """Ending a sanction early is the committee's act (liftBlacklist, through the delay); a second,
    shorter sanction leaves the longer one in force."""
    first_start = latest_timestamp() + AHEAD
    blacklist(supplier, first_start, first_start + YEAR)
    _sleep(AHEAD + 60)
    second_start = latest_timestamp() + AHEAD

    blacklist(supplier, second_start, second_start + DAY)

    assert _period(registry, supplier) == (first_start, first_start + YEAR)


def test_a_blacklist_does_not_postpone_a_pending_one(registry, supplier, blacklist):
    start = latest_timestamp() + 2 * DAY
    blacklist(supplier, start, start + 2 * DAY, hmac_id("sk:1"))

    blacklist(supplier, start + DAY, start + 10 * DAY, hmac_id("sk:2"))

    assert _period(registry, supplier) == (start, start + 10 * DAY)


@pytest.mark.parametrize("side", ["after", "before"])
def test_a_blacklist_that_would_leave_a_gap_beside_a_pending_one_is_refused(
    registry, supplier, blacklist, propose, officer2, side
):
    """One record holds one period: joining two apart would bar the supplier in between."""
    pending = latest_timestamp() + 3 * DAY
    blacklist(supplier, pending, pending + DAY)
    start = pending + 2 * DAY if side == "after" else latest_timestamp() + AHEAD
    end = start + DAY if side == "after" else pending - DAY
    proposal_id = propose(supplier, start, end)

    with brownie.reverts(custom_error("SupplierInvalidBlacklistPeriod", start, end)):
        registry.confirmBlacklist(proposal_id, {"from": officer2})
    assert _period(registry, supplier) == (pending, pending + DAY)


def test_a_blacklist_adjoining_a_pending_one_joins_it(registry, supplier, blacklist):
    pending = latest_timestamp() + 3 * DAY
    blacklist(supplier, pending, pending + DAY)

    blacklist(supplier, pending + DAY, pending + 2 * DAY)

    assert _period(registry, supplier) == (pending, pending + 2 * DAY)


def test_a_new_blacklist_is_free_once_the_previous_one_ended(registry, supplier, blacklist):
    start = latest_timestamp() + AHEAD
    blacklist(supplier, start, start + 1000, hmac_id("sk:1"))
    _sleep(AHEAD + 2000)
    later = latest_timestamp()

    blacklist(supplier, later + DAY, later + 2 * DAY, hmac_id("sk:2"))

    assert _period(registry, supplier) == (later + DAY, later + 2 * DAY)


# --- lifting a blacklist (committee, through the delay) ----------------------------------------


def test_the_committee_lifts_a_blacklist_in_force(
    registry, supplier, blacklist, committee, delayed, supplier_keys
):
    start = latest_timestamp() + AHEAD
    blacklist(supplier, start, start + YEAR)
    _sleep(AHEAD + 60)

    tx = delayed(committee, registry, "liftBlacklist", supplier, hmac_id("banding"))

    assert tx.events["SupplierBlacklistLifted"]["supplierId"] == supplier
    assert bytes(tx.events["SupplierBlacklistLifted"]["reasonHash"]) == hmac_id("banding")
    assert _period(registry, supplier) == (start, _block_time(tx))  # the served part stays on record
    assert registry.requireActiveSupplier(supplier_keys[0])[0] == supplier


def test_lifting_a_future_blacklist_leaves_an_empty_period(
    registry, supplier, blacklist, committee, delayed, supplier_keys
):
    start = latest_timestamp() + DAY
    blacklist(supplier, start, start + DAY)

    tx = delayed(committee, registry, "liftBlacklist", supplier, hmac_id("banding"))

    lifted_at = _block_time(tx)
    assert _period(registry, supplier) == (lifted_at, lifted_at)
    assert not registry.isBlacklistedAt(supplier, start)
    _sleep(DAY + 100)
    assert registry.requireActiveSupplier(supplier_keys[0])[0] == supplier


def test_lifting_a_supplier_that_was_never_blacklisted_is_refused(registry, supplier, committee, delayed):
    with brownie.reverts(custom_error("SupplierNotBlacklisted", supplier)):
        delayed(committee, registry, "liftBlacklist", supplier, hmac_id("banding"))


def test_lifting_an_expired_blacklist_is_refused(registry, supplier, blacklist, committee, delayed):
    start = latest_timestamp() + AHEAD
    blacklist(supplier, start, start + 10)
    _sleep(AHEAD + 100)
    with brownie.reverts(custom_error("SupplierNotBlacklisted", supplier)):
        delayed(committee, registry, "liftBlacklist", supplier, hmac_id("banding"))


def test_lifting_an_unknown_supplier_is_refused(registry, committee, delayed):
    with brownie.reverts(custom_error("SupplierUnknown", 9)):
        delayed(committee, registry, "liftBlacklist", 9, hmac_id("banding"))
