"""SupplierRegistry: suppliers are registered by one agency officer, verified by another, have their
profile changed only by the registering agency, and keep their id when their key changes. Blacklisting
is specified in test_supplier_blacklist.py."""

from pathlib import Path

import brownie
import pytest
from brownie import accounts, chain, interface
from eth_account import Account
from eth_account.messages import encode_typed_data

from app.protocol import supplier_keys as supplier_keys_lib
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


def test_every_custom_error_of_ISupplierRegistry_is_expected_by_a_test():
    here = Path(__file__).parent
    source = (here / "test_supplier_registry.py").read_text() + (
        here / "test_supplier_blacklist.py"
    ).read_text()
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

    assert _record(registry, tx.events["SupplierRegistered"]["supplierId"]) == {
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


# --- profile updates: only the registering agency, with a reason, and a real change ------------


def test_a_profile_update_changes_umkm_and_region_and_clears_verification(
    registry, active_supplier, officer2, supplier_keys
):
    supplier_id = active_supplier(supplier_keys[0], umkm=False, region=6302)
    before = _record(registry, supplier_id)

    tx = registry.updateSupplierProfile(
        supplier_id, True, REGION_BANJARBARU, hmac_id("surat:umkm"), {"from": officer2}
    )

    event = tx.events["SupplierProfileUpdated"]
    assert (event["supplierId"], event["umkm"], event["regionCode"]) == (supplier_id, True, REGION_BANJARBARU)
    assert (event["officer"], bytes(event["reasonHash"])) == (officer2, hmac_id("surat:umkm"))
    after = _record(registry, supplier_id)
    assert (after["umkm"], after["regionCode"]) == (True, REGION_BANJARBARU)
    assert (after["verifiedBy"], after["verifiedAt"]) == (0, 0)
    unchanged = ("account", "registeredBy", "registrar", "nibHash", "npwpHash", "registeredAt")
    assert {k: after[k] for k in unchanged} == {k: before[k] for k in unchanged}
    with brownie.reverts(custom_error("SupplierNotVerified", supplier_id)):
        registry.requireActiveSupplier(supplier_keys[0])


def test_an_officer_of_another_agency_cannot_update_a_profile(
    registry, active_supplier, pu_officer, supplier_keys
):
    """Clearing a bidder's verification takes it out of every tender until it is verified again; an
    officer of an agency other than the one that registered it may not do that."""
    supplier_id = active_supplier(supplier_keys[0], umkm=False, region=6302)  # registered by IKN

    with brownie.reverts(custom_error("AgencyOfficerMismatch", pu_officer, IKN, PU)):
        registry.updateSupplierProfile(supplier_id, True, 6302, hmac_id("alasan"), {"from": pu_officer})

    assert _active(registry, supplier_keys[0]) == (supplier_id, False, 6302)


def test_an_officer_of_the_registering_agency_updates_a_profile_even_when_another_agency_verified_it(
    registry, register_supplier, pu_officer, officer2, supplier_keys
):
    supplier_id = register_supplier(supplier_keys[0])  # by an IKN officer
    registry.verifySupplier(supplier_id, {"from": pu_officer})

    tx = registry.updateSupplierProfile(supplier_id, True, 6302, hmac_id("alasan"), {"from": officer2})

    assert tx.events["SupplierProfileUpdated"]["officer"] == officer2
    assert _record(registry, supplier_id)["verifiedBy"] == 0


def test_an_officer_moved_to_another_agency_no_longer_updates_its_old_agencys_suppliers(
    registry, directory, committee, delayed, active_supplier, officer2, supplier_keys
):
    supplier_id = active_supplier(supplier_keys[0])  # registered by IKN
    delayed(committee, directory, "assignOfficer", officer2, PU)

    with brownie.reverts(custom_error("AgencyOfficerMismatch", officer2, IKN, PU)):
        registry.updateSupplierProfile(supplier_id, True, 6302, hmac_id("alasan"), {"from": officer2})


def test_an_unchanged_profile_is_refused_and_the_supplier_stays_verified(
    registry, active_supplier, officer2, supplier_keys
):
    """Re-saving a profile as it is would clear the verification and knock the supplier out of its
    tenders for nothing."""
    supplier_id = active_supplier(supplier_keys[0], umkm=True, region=REGION_PPU)
    before = _record(registry, supplier_id)

    with brownie.reverts(custom_error("SupplierProfileUnchanged", supplier_id)):
        registry.updateSupplierProfile(supplier_id, True, REGION_PPU, hmac_id("alasan"), {"from": officer2})

    assert _record(registry, supplier_id) == before
    assert _active(registry, supplier_keys[0]) == (supplier_id, True, REGION_PPU)


@pytest.mark.parametrize("change", ["umkm", "region"])
def test_changing_either_field_is_a_change(registry, active_supplier, officer2, supplier_keys, change):
    supplier_id = active_supplier(supplier_keys[0], umkm=False, region=6302)
    umkm, region = (True, 6302) if change == "umkm" else (False, REGION_BANJARBARU)

    registry.updateSupplierProfile(supplier_id, umkm, region, hmac_id("alasan"), {"from": officer2})

    assert _record(registry, supplier_id)["verifiedBy"] == 0


def test_a_profile_update_needs_a_reason(registry, active_supplier, officer2, supplier_keys):
    supplier_id = active_supplier(supplier_keys[0], umkm=False)
    with brownie.reverts(custom_error("SupplierEmptyReason")):
        registry.updateSupplierProfile(supplier_id, True, 6302, ZERO_BYTES32, {"from": officer2})
    assert _active(registry, supplier_keys[0])[0] == supplier_id


def test_the_updater_cannot_verify_its_own_update(registry, active_supplier, officer2, supplier_keys):
    supplier_id = active_supplier(supplier_keys[0], umkm=False)
    registry.updateSupplierProfile(supplier_id, True, 6302, hmac_id("alasan"), {"from": officer2})

    with brownie.reverts(custom_error("SupplierSelfVerification", supplier_id, officer2)):
        registry.verifySupplier(supplier_id, {"from": officer2})


def test_the_registrar_cannot_verify_after_another_officer_updates_the_profile(
    registry, active_supplier, officer, officer2, supplier_keys
):
    """The verification covers the registrar's claim of the identifiers too; an update by someone
    else does not let the registrar verify its own claim."""
    supplier_id = active_supplier(supplier_keys[0], umkm=False, region=6302)
    registry.updateSupplierProfile(supplier_id, True, 6302, hmac_id("alasan"), {"from": officer2})

    with brownie.reverts(custom_error("SupplierSelfVerification", supplier_id, officer)):
        registry.verifySupplier(supplier_id, {"from": officer})


def test_another_officer_verifies_an_updated_profile(
    registry, active_supplier, officer2, pu_officer, supplier_keys
):
    supplier_id = active_supplier(supplier_keys[0])
    registry.updateSupplierProfile(
        supplier_id, True, REGION_BANJARBARU, hmac_id("alasan"), {"from": officer2}
    )

    registry.verifySupplier(supplier_id, {"from": pu_officer})

    assert _active(registry, supplier_keys[0]) == (supplier_id, True, REGION_BANJARBARU)


def test_a_profile_update_to_region_zero_is_refused(registry, active_supplier, officer2, supplier_keys):
    supplier_id = active_supplier(supplier_keys[0])
    with brownie.reverts(custom_error("SupplierInvalidRegion", 0)):
        registry.updateSupplierProfile(supplier_id, False, 0, hmac_id("alasan"), {"from": officer2})
    assert _active(registry, supplier_keys[0])[0] == supplier_id


def test_updating_an_unknown_supplier_is_refused(registry, officer):
    with brownie.reverts(custom_error("SupplierUnknown", 1)):
        registry.updateSupplierProfile(1, True, 6302, hmac_id("alasan"), {"from": officer})


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
        registry.updateSupplierProfile(
            supplier_id, True, 6302, hmac_id("alasan"), {"from": unassigned_officer}
        )


def test_an_officer_role_without_an_agency_cannot_propose_a_blacklist(
    registry, active_supplier, unassigned_officer, supplier_keys
):
    supplier_id = active_supplier(supplier_keys[0])
    start = latest_timestamp() + 60
    with brownie.reverts(custom_error("AgencyOfficerUnassigned", unassigned_officer)):
        registry.proposeBlacklist(
            supplier_id, start, start + YEAR, hmac_id("sk"), {"from": unassigned_officer}
        )


def test_an_officer_role_without_an_agency_cannot_confirm_a_blacklist(
    registry, active_supplier, officer, unassigned_officer, supplier_keys
):
    supplier_id = active_supplier(supplier_keys[0])
    start = latest_timestamp() + 60
    proposal = registry.proposeBlacklist(supplier_id, start, start + YEAR, hmac_id("sk"), {"from": officer})
    with brownie.reverts(custom_error("AgencyOfficerUnassigned", unassigned_officer)):
        registry.confirmBlacklist(
            proposal.events["SupplierBlacklistProposed"]["proposalId"], {"from": unassigned_officer}
        )


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


def _key(byte: int):
    """A key brownie can sign EIP-712 messages with (its node's unlocked accounts cannot); no ETH."""
    return accounts.add("0x" + f"{byte:02x}" * 32)


def _rotation(registry, current, new, nonce=None, deadline=None, chain_id=None):
    return supplier_keys_lib.sign_rotation(
        current.private_key,
        new.private_key,
        chain_id=chain.id if chain_id is None else chain_id,
        verifying_contract=registry.address,
        nonce=registry.nonces(current) if nonce is None else nonce,
        deadline=latest_timestamp() + DAY if deadline is None else deadline,
    )


def _bad_signature_of(expected) -> str:
    """The revert of a signature that does not recover to `expected` (it recovers to some address)."""
    return rf"SupplierInvalidSigner: 0x[0-9a-f]{{40}}, {str(expected).lower()}"


def _relay(registry, signed, relayer, **changes):
    args = {
        "current": signed.current,
        "new": signed.new_account,
        "nonce": signed.nonce,
        "deadline": signed.deadline,
        "current_signature": signed.current_signature,
        "new_signature": signed.new_signature,
        **changes,
    }
    return registry.rotateKeyBySig(*args.values(), {"from": relayer})


def test_a_relayer_rotates_a_key_both_keys_signed(registry, active_supplier, outsider):
    old_key, new_key = _key(0xA0), _key(0xA1)  # neither holds ETH: the relayer pays
    supplier_id = active_supplier(old_key)
    signed = _rotation(registry, old_key, new_key)

    tx = _relay(registry, signed, outsider)

    event = tx.events["SupplierKeyRotated"]
    assert (event["supplierId"], event["previousAccount"], event["newAccount"]) == (
        supplier_id,
        old_key,
        new_key,
    )
    assert registry.supplierIdOf(new_key) == supplier_id and registry.supplierIdOf(old_key) == 0
    assert registry.nonces(old_key) == 1
    with brownie.reverts(custom_error("SupplierUnknownAccount", old_key)):
        _relay(registry, signed, outsider)  # the held signature moves nothing again


def test_a_rotation_needs_the_new_keys_signature_too(registry, active_supplier, outsider):
    """A relayer holding the current key's signature cannot point the record at its own address, and
    a typo cannot lock the supplier out: the new key signs the same message."""
    old_key, new_key, thief = _key(0xA0), _key(0xA1), _key(0xA2)
    active_supplier(old_key)
    signed = _rotation(registry, old_key, new_key)
    with brownie.reverts(revert_pattern=_bad_signature_of(old_key)):  # signed for another new key
        _relay(registry, signed, outsider, new=thief.address)
    by_thief = _rotation(registry, old_key, thief)
    with brownie.reverts(revert_pattern=_bad_signature_of(new_key)):
        _relay(registry, signed, outsider, new_signature=by_thief.new_signature, new=new_key.address)
    assert registry.supplierIdOf(old_key) != 0


def test_a_rotation_signed_by_another_key_on_another_chain_or_late_is_refused(
    registry, active_supplier, outsider
):
    old_key, new_key, stranger = _key(0xA0), _key(0xA1), _key(0xA3)
    active_supplier(old_key)
    signed = _rotation(registry, old_key, new_key)
    message = {
        "current": old_key.address,
        "newAccount": new_key.address,
        "nonce": 0,
        "deadline": signed.deadline,
    }
    typed = supplier_keys_lib.rotation_typed_data(chain.id, registry.address, message)
    forged = Account.sign_message(encode_typed_data(full_message=typed), stranger.private_key).signature
    with brownie.reverts(custom_error("SupplierInvalidSigner", stranger, old_key)):  # the exact message
        _relay(registry, signed, outsider, current_signature=bytes(forged))
    elsewhere = _rotation(registry, old_key, new_key, chain_id=1)
    with brownie.reverts():
        _relay(registry, elsewhere, outsider)
    past = latest_timestamp() - 1
    late = _rotation(registry, old_key, new_key, deadline=past)
    with brownie.reverts(custom_error("SupplierSignatureExpired", past)):
        _relay(registry, late, outsider)
    ahead = _rotation(registry, old_key, new_key, nonce=1)
    with brownie.reverts(custom_error("SupplierInvalidNonce", old_key, 1)):
        _relay(registry, ahead, outsider)
    unknown = _rotation(registry, stranger, new_key)
    with brownie.reverts(custom_error("SupplierUnknownAccount", stranger)):
        _relay(registry, unknown, outsider)
    assert registry.nonces(old_key) == 0


def test_a_signed_rotation_cannot_take_a_registered_key(registry, active_supplier, outsider):
    first, second = _key(0xA0), _key(0xA1)
    active_supplier(first, label="satu")
    second_id = active_supplier(second, label="dua")
    signed = _rotation(registry, first, second)
    with brownie.reverts(custom_error("SupplierAccountTaken", second, second_id)):
        _relay(registry, signed, outsider)


def test_rotating_the_key_does_not_escape_a_blacklist(registry, active_supplier, blacklist, supplier_keys):
    supplier_id = active_supplier(supplier_keys[0])
    end = latest_timestamp() + YEAR
    blacklist(supplier_id, latest_timestamp() + 60, end)
    chain.sleep(120)
    chain.mine()

    registry.rotateKey(supplier_keys[1], {"from": supplier_keys[0]})

    with brownie.reverts(custom_error("SupplierBlacklistedUntil", supplier_id, end)):
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
