"""SupplierRegistry: suppliers are registered by one agency officer, verified by another, may be
blacklisted for a period, and keep their id when their key changes."""

from pathlib import Path

import brownie
import pytest
from brownie import chain, interface

from tests.contracts.conftest import IKN, PU, hmac_id, role_id
from tests.contracts.revert_messages import ZERO_ADDRESS, ZERO_BYTES32, custom_error, latest_timestamp

DAY = 86400
YEAR = 365 * DAY
REGION_BANJARBARU = 6372
REGION_PPU = 6409  # Penajam Paser Utara, where IKN lies


def _record(registry, supplier_id) -> dict:
    """The supplier record as a plain dict (bytes32 fields as bytes, comparable with hmac_id)."""
    return {
        k: bytes(v) if isinstance(v, bytes) else v
        for k, v in registry.getSupplier(supplier_id).dict().items()
    }


def _active(registry, account) -> tuple:
    return tuple(registry.requireActiveSupplier(account))


def _block_time(tx) -> int:
    return chain[tx.block_number].timestamp


def test_every_custom_error_of_ISupplierRegistry_is_expected_by_a_test_in_this_module():
    source = Path(__file__).read_text()
    errors = [entry["name"] for entry in interface.ISupplierRegistry.abi if entry["type"] == "error"]
    assert errors
    assert [name for name in errors if f'custom_error("{name}"' not in source] == []


# --- registration ------------------------------------------------------------------------------


def test_an_officer_registers_a_supplier(registry, officer, supplier_keys):
    key = supplier_keys[0]
    tx = registry.registerSupplier(
        key, hmac_id("nib:a"), hmac_id("npwp:a"), True, REGION_PPU, {"from": officer}
    )

    event = tx.events["SupplierRegistered"]
    assert event["supplierId"] == tx.return_value == 1
    assert event["account"] == key
    assert event["agencyId"] == IKN
    assert event["umkm"] is True
    assert event["regionCode"] == REGION_PPU
    assert registry.supplierCount() == 1
    assert registry.supplierIdOf(key) == 1


def test_a_new_supplier_record_holds_the_registration_and_is_unverified(registry, pu_officer, supplier_keys):
    key = supplier_keys[0]
    tx = registry.registerSupplier(
        key, hmac_id("nib:a"), hmac_id("npwp:a"), False, 6302, {"from": pu_officer}
    )

    assert _record(registry, tx.return_value) == {
        "account": key,
        "regionCode": 6302,
        "registeredBy": PU,
        "verifiedBy": 0,
        "nibHash": hmac_id("nib:a"),
        "npwpHash": hmac_id("npwp:a"),
        "umkm": False,
        "registeredAt": _block_time(tx),
        "verifiedAt": 0,
        "blacklistStart": 0,
        "blacklistEnd": 0,
        "blacklistReason": ZERO_BYTES32,
        "registrar": pu_officer,
    }


def test_supplier_ids_run_from_one_in_registration_order(registry, register_supplier, supplier_keys):
    ids = [register_supplier(key, f"s{i}") for i, key in enumerate(supplier_keys)]

    assert ids == [1, 2, 3]
    assert registry.supplierCount() == 3
    assert [registry.supplierIdOf(key) for key in supplier_keys] == [1, 2, 3]


def test_an_account_without_a_supplier_has_id_zero(registry, outsider):
    assert registry.supplierIdOf(outsider) == 0


def test_the_zero_address_cannot_be_registered(registry, officer):
    with brownie.reverts(custom_error("SupplierInvalidAccount", ZERO_ADDRESS)):
        registry.registerSupplier(
            ZERO_ADDRESS, hmac_id("nib"), hmac_id("npwp"), False, 6302, {"from": officer}
        )


@pytest.mark.parametrize("missing", ["nib", "npwp"])
def test_both_identifier_hashes_are_required(registry, officer, supplier_keys, missing):
    nib = ZERO_BYTES32 if missing == "nib" else hmac_id("nib")
    npwp = ZERO_BYTES32 if missing == "npwp" else hmac_id("npwp")
    with brownie.reverts(custom_error("SupplierInvalidIdentifier")):
        registry.registerSupplier(supplier_keys[0], nib, npwp, False, 6302, {"from": officer})


def test_region_code_zero_is_refused(registry, officer, supplier_keys):
    with brownie.reverts(custom_error("SupplierInvalidRegion", 0)):
        registry.registerSupplier(
            supplier_keys[0], hmac_id("nib"), hmac_id("npwp"), False, 0, {"from": officer}
        )


def test_an_account_can_hold_only_one_supplier(registry, register_supplier, officer, supplier_keys):
    first = register_supplier(supplier_keys[0], "first")
    with brownie.reverts(custom_error("SupplierAccountTaken", supplier_keys[0], first)):
        registry.registerSupplier(
            supplier_keys[0], hmac_id("nib:second"), hmac_id("npwp:second"), False, 6302, {"from": officer}
        )


def test_a_nib_can_be_registered_only_once(registry, register_supplier, pu_officer, supplier_keys):
    first = register_supplier(supplier_keys[0], "same")
    with brownie.reverts(custom_error("SupplierNibTaken", hmac_id("nib:same"), first)):
        registry.registerSupplier(
            supplier_keys[1], hmac_id("nib:same"), hmac_id("npwp:other"), False, 6302, {"from": pu_officer}
        )
    assert registry.supplierCount() == 1


@pytest.mark.parametrize("supplier_id", [0, 1])
def test_reading_an_unknown_supplier_reverts(registry, supplier_id):
    with brownie.reverts(custom_error("SupplierUnknown", supplier_id)):
        registry.getSupplier(supplier_id)
    with brownie.reverts(custom_error("SupplierUnknown", supplier_id)):
        registry.isBlacklistedAt(supplier_id, 0)


# --- verification and the four-eyes rule -------------------------------------------------------


def test_a_registered_supplier_is_not_active_until_verified(registry, register_supplier, supplier_keys):
    supplier_id = register_supplier(supplier_keys[0])
    with brownie.reverts(custom_error("SupplierNotVerified", supplier_id)):
        registry.requireActiveSupplier(supplier_keys[0])


def test_another_officer_of_the_agency_verifies_a_supplier(
    registry, register_supplier, officer2, supplier_keys
):
    supplier_id = register_supplier(supplier_keys[0], umkm=True, region=REGION_PPU)

    tx = registry.verifySupplier(supplier_id, {"from": officer2})

    event = tx.events["SupplierVerified"]
    assert event["supplierId"] == supplier_id
    assert event["agencyId"] == IKN
    assert event["officer"] == officer2
    record = _record(registry, supplier_id)
    assert record["verifiedBy"] == IKN
    assert record["verifiedAt"] == _block_time(tx)
    assert _active(registry, supplier_keys[0]) == (supplier_id, True, REGION_PPU)


def test_an_officer_of_another_agency_may_verify(registry, register_supplier, pu_officer, supplier_keys):
    supplier_id = register_supplier(supplier_keys[0])

    tx = registry.verifySupplier(supplier_id, {"from": pu_officer})

    assert tx.events["SupplierVerified"]["agencyId"] == PU
    assert _record(registry, supplier_id)["verifiedBy"] == PU
    assert _record(registry, supplier_id)["registeredBy"] == IKN


def test_the_registrar_cannot_verify_its_own_registration(
    registry, register_supplier, officer, supplier_keys
):
    supplier_id = register_supplier(supplier_keys[0], by=officer)
    with brownie.reverts(custom_error("SupplierSelfVerification", supplier_id, officer)):
        registry.verifySupplier(supplier_id, {"from": officer})
    assert _record(registry, supplier_id)["verifiedBy"] == 0


def test_a_supplier_is_verified_only_once(registry, active_supplier, pu_officer, supplier_keys):
    supplier_id = active_supplier(supplier_keys[0])
    with brownie.reverts(custom_error("SupplierAlreadyVerified", supplier_id)):
        registry.verifySupplier(supplier_id, {"from": pu_officer})


def test_verifying_an_unknown_supplier_is_refused(registry, officer2):
    with brownie.reverts(custom_error("SupplierUnknown", 7)):
        registry.verifySupplier(7, {"from": officer2})


# --- profile updates ---------------------------------------------------------------------------


def test_a_profile_update_changes_umkm_and_region_and_clears_verification(
    registry, active_supplier, officer2, supplier_keys
):
    supplier_id = active_supplier(supplier_keys[0], umkm=False, region=6302)
    before = _record(registry, supplier_id)

    tx = registry.updateSupplierProfile(supplier_id, True, REGION_BANJARBARU, {"from": officer2})

    event = tx.events["SupplierProfileUpdated"]
    assert (event["supplierId"], event["umkm"], event["regionCode"]) == (supplier_id, True, REGION_BANJARBARU)
    after = _record(registry, supplier_id)
    assert (after["umkm"], after["regionCode"]) == (True, REGION_BANJARBARU)
    assert (after["verifiedBy"], after["verifiedAt"]) == (0, 0)
    unchanged = ("account", "registeredBy", "registrar", "nibHash", "npwpHash", "registeredAt")
    assert {k: after[k] for k in unchanged} == {k: before[k] for k in unchanged}
    with brownie.reverts(custom_error("SupplierNotVerified", supplier_id)):
        registry.requireActiveSupplier(supplier_keys[0])


def test_the_updater_cannot_verify_its_own_update(registry, active_supplier, officer2, supplier_keys):
    supplier_id = active_supplier(supplier_keys[0])
    registry.updateSupplierProfile(supplier_id, True, 6302, {"from": officer2})

    with brownie.reverts(custom_error("SupplierSelfVerification", supplier_id, officer2)):
        registry.verifySupplier(supplier_id, {"from": officer2})


def test_the_registrar_cannot_verify_after_another_officer_updates_the_profile(
    registry, active_supplier, officer, officer2, supplier_keys
):
    """The verification covers the registrar's claim of the identifiers too; an update by someone
    else, even one that changes nothing, does not let the registrar verify its own claim."""
    supplier_id = active_supplier(supplier_keys[0], umkm=False, region=6302)
    registry.updateSupplierProfile(supplier_id, False, 6302, {"from": officer2})

    with brownie.reverts(custom_error("SupplierSelfVerification", supplier_id, officer)):
        registry.verifySupplier(supplier_id, {"from": officer})


def test_another_officer_verifies_an_updated_profile(
    registry, active_supplier, officer2, pu_officer, supplier_keys
):
    supplier_id = active_supplier(supplier_keys[0])
    registry.updateSupplierProfile(supplier_id, True, REGION_BANJARBARU, {"from": officer2})

    registry.verifySupplier(supplier_id, {"from": pu_officer})

    assert _active(registry, supplier_keys[0]) == (supplier_id, True, REGION_BANJARBARU)


def test_a_profile_update_to_region_zero_is_refused(registry, active_supplier, officer2, supplier_keys):
    supplier_id = active_supplier(supplier_keys[0])
    with brownie.reverts(custom_error("SupplierInvalidRegion", 0)):
        registry.updateSupplierProfile(supplier_id, False, 0, {"from": officer2})
    assert _active(registry, supplier_keys[0])[0] == supplier_id


def test_updating_an_unknown_supplier_is_refused(registry, officer):
    with brownie.reverts(custom_error("SupplierUnknown", 1)):
        registry.updateSupplierProfile(1, False, 6302, {"from": officer})


# --- agency scoping ----------------------------------------------------------------------------


@pytest.fixture
def unassigned_officer(hub, directory, committee, delayed, outsider):
    """An account holding AGENCY_OFFICER in the hub but assigned to no agency in the directory.
    The hub admin (deployer) cannot grant AGENCY_OFFICER: its role admin is COMMITTEE, so the
    committee grants it, through the delay."""
    delayed(committee, hub, "grantRole", role_id("AGENCY_OFFICER"), outsider, 0)
    assert tuple(hub.hasRole(role_id("AGENCY_OFFICER"), outsider)) == (True, 0)
    with brownie.reverts(custom_error("AgencyOfficerUnassigned", outsider)):
        directory.agencyOf(outsider)
    return outsider


def test_an_officer_role_without_an_agency_cannot_register(registry, unassigned_officer, supplier_keys):
    with brownie.reverts(custom_error("AgencyOfficerUnassigned", unassigned_officer)):
        registry.registerSupplier(
            supplier_keys[0], hmac_id("nib"), hmac_id("npwp"), False, 6302, {"from": unassigned_officer}
        )


def test_an_officer_role_without_an_agency_cannot_verify(
    registry, register_supplier, unassigned_officer, supplier_keys
):
    supplier_id = register_supplier(supplier_keys[0])
    with brownie.reverts(custom_error("AgencyOfficerUnassigned", unassigned_officer)):
        registry.verifySupplier(supplier_id, {"from": unassigned_officer})


def test_an_officer_role_without_an_agency_cannot_update_a_profile(
    registry, active_supplier, unassigned_officer, supplier_keys
):
    supplier_id = active_supplier(supplier_keys[0])
    with brownie.reverts(custom_error("AgencyOfficerUnassigned", unassigned_officer)):
        registry.updateSupplierProfile(supplier_id, True, 6302, {"from": unassigned_officer})


def test_an_officer_role_without_an_agency_cannot_blacklist(
    registry, active_supplier, unassigned_officer, supplier_keys
):
    supplier_id = active_supplier(supplier_keys[0])
    now = latest_timestamp()
    with brownie.reverts(custom_error("AgencyOfficerUnassigned", unassigned_officer)):
        registry.blacklistSupplier(supplier_id, now, now + YEAR, hmac_id("sk"), {"from": unassigned_officer})


def test_an_officer_removed_from_the_directory_can_no_longer_register(
    registry, directory, committee, delayed, officer2, supplier_keys
):
    delayed(committee, directory, "removeOfficer", officer2)
    with brownie.reverts(custom_error("AgencyOfficerUnassigned", officer2)):
        registry.registerSupplier(
            supplier_keys[0], hmac_id("nib"), hmac_id("npwp"), False, 6302, {"from": officer2}
        )


def test_a_reassigned_officer_registers_for_its_new_agency(
    registry, directory, committee, delayed, officer, supplier_keys
):
    delayed(committee, directory, "assignOfficer", officer, PU)
    tx = registry.registerSupplier(
        supplier_keys[0], hmac_id("nib"), hmac_id("npwp"), False, 6302, {"from": officer}
    )
    assert tx.events["SupplierRegistered"]["agencyId"] == PU


# --- blacklisting ------------------------------------------------------------------------------


def test_an_officer_blacklists_a_supplier_for_a_period(registry, active_supplier, pu_officer, supplier_keys):
    supplier_id = active_supplier(supplier_keys[0])
    start, end = latest_timestamp() + DAY, latest_timestamp() + YEAR

    tx = registry.blacklistSupplier(supplier_id, start, end, hmac_id("sk:1"), {"from": pu_officer})

    event = tx.events["SupplierBlacklisted"]
    assert event["supplierId"] == supplier_id
    assert event["agencyId"] == PU
    assert (event["start"], event["end"]) == (start, end)
    assert bytes(event["reasonHash"]) == hmac_id("sk:1")
    record = _record(registry, supplier_id)
    assert (record["blacklistStart"], record["blacklistEnd"]) == (start, end)
    assert record["blacklistReason"] == hmac_id("sk:1")


def test_a_blacklist_period_includes_its_start_and_excludes_its_end(
    registry, active_supplier, officer, supplier_keys
):
    supplier_id = active_supplier(supplier_keys[0])
    start, end = latest_timestamp() + DAY, latest_timestamp() + 2 * DAY
    registry.blacklistSupplier(supplier_id, start, end, hmac_id("sk"), {"from": officer})

    assert not registry.isBlacklistedAt(supplier_id, start - 1)
    assert registry.isBlacklistedAt(supplier_id, start)
    assert registry.isBlacklistedAt(supplier_id, end - 1)
    assert not registry.isBlacklistedAt(supplier_id, end)


def test_a_never_blacklisted_supplier_is_not_blacklisted_at_any_time(
    registry, active_supplier, supplier_keys
):
    supplier_id = active_supplier(supplier_keys[0])
    assert not registry.isBlacklistedAt(supplier_id, 0)
    assert not registry.isBlacklistedAt(supplier_id, latest_timestamp())


def test_a_supplier_stays_active_before_its_blacklist_starts(
    registry, active_supplier, officer, supplier_keys
):
    supplier_id = active_supplier(supplier_keys[0])
    start = latest_timestamp() + 1000
    registry.blacklistSupplier(supplier_id, start, start + 1000, hmac_id("sk"), {"from": officer})

    assert _active(registry, supplier_keys[0])[0] == supplier_id


def test_a_supplier_is_barred_during_its_blacklist(registry, active_supplier, officer, supplier_keys):
    supplier_id = active_supplier(supplier_keys[0])
    start = latest_timestamp() + 1000
    end = start + 1000
    registry.blacklistSupplier(supplier_id, start, end, hmac_id("sk"), {"from": officer})

    chain.sleep(1500)
    chain.mine()

    assert start <= latest_timestamp() < end
    with brownie.reverts(custom_error("SupplierBlacklistedUntil", supplier_id, end)):
        registry.requireActiveSupplier(supplier_keys[0])


def test_a_supplier_is_active_again_after_its_blacklist_ends(
    registry, active_supplier, officer, supplier_keys
):
    supplier_id = active_supplier(supplier_keys[0])
    start = latest_timestamp() + 1000
    end = start + 1000
    registry.blacklistSupplier(supplier_id, start, end, hmac_id("sk"), {"from": officer})

    chain.sleep(2500)
    chain.mine()

    assert latest_timestamp() >= end
    assert _active(registry, supplier_keys[0])[0] == supplier_id


def test_a_blacklist_may_have_started_in_the_past(registry, active_supplier, officer, supplier_keys):
    supplier_id = active_supplier(supplier_keys[0])
    now = latest_timestamp()
    registry.blacklistSupplier(supplier_id, now - DAY, now + DAY, hmac_id("sk"), {"from": officer})

    with brownie.reverts(custom_error("SupplierBlacklistedUntil", supplier_id, now + DAY)):
        registry.requireActiveSupplier(supplier_keys[0])


def test_a_blacklist_period_must_end_after_it_starts(registry, active_supplier, officer, supplier_keys):
    supplier_id = active_supplier(supplier_keys[0])
    start = latest_timestamp() + DAY
    with brownie.reverts(custom_error("SupplierInvalidBlacklistPeriod", start, start)):
        registry.blacklistSupplier(supplier_id, start, start, hmac_id("sk"), {"from": officer})
    with brownie.reverts(custom_error("SupplierInvalidBlacklistPeriod", start, start - 1)):
        registry.blacklistSupplier(supplier_id, start, start - 1, hmac_id("sk"), {"from": officer})


def test_a_blacklist_period_must_end_in_the_future(registry, active_supplier, officer, supplier_keys):
    supplier_id = active_supplier(supplier_keys[0])
    now = latest_timestamp()
    with brownie.reverts(custom_error("SupplierInvalidBlacklistPeriod", now - 2 * DAY, now - DAY)):
        registry.blacklistSupplier(supplier_id, now - 2 * DAY, now - DAY, hmac_id("sk"), {"from": officer})
    assert _record(registry, supplier_id)["blacklistEnd"] == 0


def test_blacklisting_an_unknown_supplier_is_refused(registry, officer):
    now = latest_timestamp()
    with brownie.reverts(custom_error("SupplierUnknown", 3)):
        registry.blacklistSupplier(3, now, now + DAY, hmac_id("sk"), {"from": officer})


def test_a_new_blacklist_period_may_extend_the_current_one(
    registry, active_supplier, officer, pu_officer, supplier_keys
):
    supplier_id = active_supplier(supplier_keys[0])
    now = latest_timestamp()
    registry.blacklistSupplier(supplier_id, now, now + DAY, hmac_id("sk:1"), {"from": officer})

    registry.blacklistSupplier(supplier_id, now, now + YEAR, hmac_id("sk:2"), {"from": pu_officer})

    record = _record(registry, supplier_id)
    assert (record["blacklistStart"], record["blacklistEnd"]) == (now, now + YEAR)
    assert record["blacklistReason"] == hmac_id("sk:2")


def test_an_officer_cannot_shorten_a_blacklist_in_force(
    registry, active_supplier, officer, pu_officer, supplier_keys
):
    """Ending a sanction early is the committee's act (liftBlacklist, through the delay); replacing
    the period with a shorter one would let any officer do it."""
    supplier_id = active_supplier(supplier_keys[0])
    now = latest_timestamp()
    registry.blacklistSupplier(supplier_id, now, now + YEAR, hmac_id("sk:1"), {"from": officer})

    with brownie.reverts(custom_error("SupplierInvalidBlacklistPeriod", now, now + DAY)):
        registry.blacklistSupplier(supplier_id, now, now + DAY, hmac_id("sk:2"), {"from": pu_officer})
    with brownie.reverts(custom_error("SupplierInvalidBlacklistPeriod", now + YEAR - 1, now + YEAR)):
        registry.blacklistSupplier(
            supplier_id, now + YEAR - 1, now + YEAR, hmac_id("sk:2"), {"from": officer}
        )
    assert registry.isBlacklistedAt(supplier_id, latest_timestamp())


def test_an_officer_cannot_postpone_a_future_blacklist(registry, active_supplier, officer, supplier_keys):
    supplier_id = active_supplier(supplier_keys[0])
    start = latest_timestamp() + DAY
    registry.blacklistSupplier(supplier_id, start, start + DAY, hmac_id("sk:1"), {"from": officer})

    with brownie.reverts(custom_error("SupplierInvalidBlacklistPeriod", start + DAY, start + 3 * DAY)):
        registry.blacklistSupplier(
            supplier_id, start + DAY, start + 3 * DAY, hmac_id("sk:2"), {"from": officer}
        )


def test_a_new_blacklist_period_is_free_once_the_previous_one_ended(
    registry, active_supplier, officer, supplier_keys
):
    supplier_id = active_supplier(supplier_keys[0])
    now = latest_timestamp()
    registry.blacklistSupplier(supplier_id, now, now + 1000, hmac_id("sk:1"), {"from": officer})
    chain.sleep(2000)
    chain.mine()
    later = latest_timestamp()

    registry.blacklistSupplier(supplier_id, later + DAY, later + 2 * DAY, hmac_id("sk:2"), {"from": officer})

    record = _record(registry, supplier_id)
    assert (record["blacklistStart"], record["blacklistEnd"]) == (later + DAY, later + 2 * DAY)


# --- lifting a blacklist (committee, through the delay) ----------------------------------------


def test_the_committee_lifts_a_blacklist_in_force(
    registry, active_supplier, officer, committee, delayed, supplier_keys
):
    supplier_id = active_supplier(supplier_keys[0])
    start = latest_timestamp() - DAY
    registry.blacklistSupplier(supplier_id, start, start + YEAR, hmac_id("sk"), {"from": officer})

    tx = delayed(committee, registry, "liftBlacklist", supplier_id, hmac_id("banding"))

    assert tx.events["SupplierBlacklistLifted"]["supplierId"] == supplier_id
    assert bytes(tx.events["SupplierBlacklistLifted"]["reasonHash"]) == hmac_id("banding")
    record = _record(registry, supplier_id)
    assert record["blacklistStart"] == start  # the served part stays on record
    assert record["blacklistEnd"] == _block_time(tx)
    assert _active(registry, supplier_keys[0])[0] == supplier_id


def test_lifting_a_future_blacklist_leaves_an_empty_period(
    registry, active_supplier, officer, committee, delayed, supplier_keys
):
    supplier_id = active_supplier(supplier_keys[0])
    start = latest_timestamp() + DAY
    registry.blacklistSupplier(supplier_id, start, start + DAY, hmac_id("sk"), {"from": officer})

    tx = delayed(committee, registry, "liftBlacklist", supplier_id, hmac_id("banding"))

    lifted_at = _block_time(tx)
    record = _record(registry, supplier_id)
    assert (record["blacklistStart"], record["blacklistEnd"]) == (lifted_at, lifted_at)
    assert not registry.isBlacklistedAt(supplier_id, start)
    chain.sleep(DAY + 100)
    chain.mine()
    assert _active(registry, supplier_keys[0])[0] == supplier_id


def test_lifting_a_supplier_that_was_never_blacklisted_is_refused(
    registry, active_supplier, committee, delayed, supplier_keys
):
    supplier_id = active_supplier(supplier_keys[0])
    with brownie.reverts(custom_error("SupplierNotBlacklisted", supplier_id)):
        delayed(committee, registry, "liftBlacklist", supplier_id, hmac_id("banding"))


def test_lifting_an_expired_blacklist_is_refused(
    registry, active_supplier, officer, committee, delayed, supplier_keys
):
    supplier_id = active_supplier(supplier_keys[0])
    now = latest_timestamp()
    registry.blacklistSupplier(supplier_id, now, now + 10, hmac_id("sk"), {"from": officer})
    with brownie.reverts(custom_error("SupplierNotBlacklisted", supplier_id)):
        delayed(committee, registry, "liftBlacklist", supplier_id, hmac_id("banding"))


def test_lifting_an_unknown_supplier_is_refused(registry, committee, delayed):
    with brownie.reverts(custom_error("SupplierUnknown", 9)):
        delayed(committee, registry, "liftBlacklist", 9, hmac_id("banding"))


# --- key rotation by the supplier --------------------------------------------------------------


def test_a_supplier_rotates_its_key(registry, active_supplier, supplier_keys):
    old_key, new_key = supplier_keys[0], supplier_keys[1]
    supplier_id = active_supplier(old_key, umkm=True, region=REGION_PPU)
    before = _record(registry, supplier_id)

    tx = registry.rotateKey(new_key, {"from": old_key})

    event = tx.events["SupplierKeyRotated"]
    assert (event["supplierId"], event["previousAccount"], event["newAccount"]) == (
        supplier_id,
        old_key,
        new_key,
    )
    assert _record(registry, supplier_id) == {**before, "account": new_key}
    assert registry.supplierCount() == 1


def test_after_rotation_the_old_key_no_longer_resolves(registry, active_supplier, supplier_keys):
    old_key, new_key = supplier_keys[0], supplier_keys[1]
    active_supplier(old_key)
    registry.rotateKey(new_key, {"from": old_key})

    assert registry.supplierIdOf(old_key) == 0
    with brownie.reverts(custom_error("SupplierUnknownAccount", old_key)):
        registry.requireActiveSupplier(old_key)
    with brownie.reverts(custom_error("SupplierUnknownAccount", old_key)):
        registry.rotateKey(supplier_keys[2], {"from": old_key})


def test_after_rotation_the_new_key_acts_for_the_same_supplier(registry, active_supplier, supplier_keys):
    old_key, new_key = supplier_keys[0], supplier_keys[1]
    supplier_id = active_supplier(old_key, umkm=True, region=REGION_PPU)
    registry.rotateKey(new_key, {"from": old_key})

    assert registry.supplierIdOf(new_key) == supplier_id
    assert _active(registry, new_key) == (supplier_id, True, REGION_PPU)
    registry.rotateKey(supplier_keys[2], {"from": new_key})
    assert registry.supplierIdOf(supplier_keys[2]) == supplier_id


def test_a_rotated_supplier_keeps_its_nib(registry, active_supplier, officer, supplier_keys, outsider):
    supplier_id = active_supplier(supplier_keys[0], label="kept")
    registry.rotateKey(supplier_keys[1], {"from": supplier_keys[0]})

    with brownie.reverts(custom_error("SupplierNibTaken", hmac_id("nib:kept"), supplier_id)):
        registry.registerSupplier(
            outsider, hmac_id("nib:kept"), hmac_id("npwp:x"), False, 6302, {"from": officer}
        )


def test_rotating_the_key_does_not_escape_a_blacklist(registry, active_supplier, officer, supplier_keys):
    supplier_id = active_supplier(supplier_keys[0])
    now = latest_timestamp()
    registry.blacklistSupplier(supplier_id, now, now + YEAR, hmac_id("sk"), {"from": officer})

    registry.rotateKey(supplier_keys[1], {"from": supplier_keys[0]})

    with brownie.reverts(custom_error("SupplierBlacklistedUntil", supplier_id, now + YEAR)):
        registry.requireActiveSupplier(supplier_keys[1])


def test_an_account_without_a_supplier_cannot_rotate(registry, outsider, supplier_keys):
    with brownie.reverts(custom_error("SupplierUnknownAccount", outsider)):
        registry.rotateKey(supplier_keys[0], {"from": outsider})


def test_rotating_to_another_suppliers_key_is_refused(
    registry, active_supplier, register_supplier, supplier_keys
):
    mine = active_supplier(supplier_keys[0], label="mine")
    theirs = register_supplier(supplier_keys[1], label="theirs")

    with brownie.reverts(custom_error("SupplierAccountTaken", supplier_keys[1], theirs)):
        registry.rotateKey(supplier_keys[1], {"from": supplier_keys[0]})
    assert registry.supplierIdOf(supplier_keys[0]) == mine


def test_rotating_to_the_current_key_is_refused(registry, active_supplier, supplier_keys):
    supplier_id = active_supplier(supplier_keys[0])
    with brownie.reverts(custom_error("SupplierAccountTaken", supplier_keys[0], supplier_id)):
        registry.rotateKey(supplier_keys[0], {"from": supplier_keys[0]})


def test_rotating_to_the_zero_address_is_refused(registry, active_supplier, supplier_keys):
    supplier_id = active_supplier(supplier_keys[0])
    with brownie.reverts(custom_error("SupplierInvalidAccount", ZERO_ADDRESS)):
        registry.rotateKey(ZERO_ADDRESS, {"from": supplier_keys[0]})
    assert registry.supplierIdOf(supplier_keys[0]) == supplier_id


# --- key recovery by the committee -------------------------------------------------------------


def test_the_committee_recovers_a_lost_key(registry, active_supplier, committee, delayed, supplier_keys):
    lost_key, new_key = supplier_keys[0], supplier_keys[1]
    supplier_id = active_supplier(lost_key, umkm=True, region=REGION_PPU)
    before = _record(registry, supplier_id)

    tx = delayed(committee, registry, "recoverSupplierKey", supplier_id, new_key)

    event = tx.events["SupplierKeyRotated"]
    assert (event["supplierId"], event["previousAccount"], event["newAccount"]) == (
        supplier_id,
        lost_key,
        new_key,
    )
    assert _record(registry, supplier_id) == {**before, "account": new_key}
    assert registry.supplierIdOf(lost_key) == 0
    with brownie.reverts(custom_error("SupplierUnknownAccount", lost_key)):
        registry.requireActiveSupplier(lost_key)
    assert _active(registry, new_key) == (supplier_id, True, REGION_PPU)


def test_recovering_to_a_taken_key_is_refused(
    registry, active_supplier, register_supplier, committee, delayed, supplier_keys
):
    supplier_id = active_supplier(supplier_keys[0], label="lost")
    other = register_supplier(supplier_keys[1], label="other")

    with brownie.reverts(custom_error("SupplierAccountTaken", supplier_keys[1], other)):
        delayed(committee, registry, "recoverSupplierKey", supplier_id, supplier_keys[1])
    assert registry.supplierIdOf(supplier_keys[0]) == supplier_id


def test_recovering_to_the_zero_address_is_refused(
    registry, active_supplier, committee, delayed, supplier_keys
):
    supplier_id = active_supplier(supplier_keys[0])
    with brownie.reverts(custom_error("SupplierInvalidAccount", ZERO_ADDRESS)):
        delayed(committee, registry, "recoverSupplierKey", supplier_id, ZERO_ADDRESS)


def test_recovering_an_unknown_supplier_is_refused(registry, committee, delayed, supplier_keys):
    with brownie.reverts(custom_error("SupplierUnknown", 4)):
        delayed(committee, registry, "recoverSupplierKey", 4, supplier_keys[0])
