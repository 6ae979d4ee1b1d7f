"""EIP-712 signed commits and reveals relayed by anyone: the supplier's key holds no ETH; replay,
another chain id, an expired deadline, a wrong signer, another envelope and a stale commit (one
whose bid has since changed) are refused; a supplier voids a signature it handed out by burning
its nonce."""

import brownie
from brownie import accounts, chain

from app.protocol import bids as bidlib
from tests.contracts.tender_fixtures import B_VALID, DAY, ZERO32, error, fake_envelope, hx

PRICE = 1_200_000_000
SALT = b"\x01" * 32


def sign_commit(kit, signer, supplier_id, tender_id, price=PRICE, **sig):
    """A signed CommitBid for a fresh bid and its envelope (not relayed): (signed, envelope)."""
    commitment = bidlib.commitment(tender_id, supplier_id, price, [], SALT)
    envelope = fake_envelope(tender_id, supplier_id, commitment)
    sig.setdefault("replaces", ZERO32)
    signed = kit.sign(
        "commit", signer, tender_id, commitment, envelope_digest=bidlib.envelope_hash(envelope), **sig
    )
    return signed, envelope


def invalid_signer(supplier) -> str:
    """TenderInvalidSigner(recovered, supplier) with whatever address the bad signature recovers to."""
    return rf"TenderInvalidSigner: 0x[0-9a-f]{{40}}, {str(supplier.address).lower()}"


def test_relayed_commit_and_reveal_for_a_supplier_without_eth(kit, tenders, signer_supplier, outsider):
    signer, supplier_id = signer_supplier
    assert signer.balance() == 0
    tender_id = kit.announce()
    bid = kit.commit_by_sig(signer, supplier_id, tender_id, PRICE, relayer=outsider)
    assert tenders.nonces(signer) == 1
    kit.to_reveal(tender_id)
    signed = kit.sign("reveal", signer, tender_id, bid.commitment)
    tx = kit.relay_reveal(signed, bid, relayer=outsider)
    assert tx.events["BidRevealed"]["supplierId"] == supplier_id
    assert tenders.getBid(tender_id, supplier_id)["status"] == B_VALID
    assert tenders.nonces(signer) == 2 and signer.balance() == 0


def test_domain_matches_the_python_helper(kit, tenders, signer_supplier):
    signer, _ = signer_supplier
    domain = tenders.eip712Domain()
    assert (domain[1], domain[2], domain[3], domain[4]) == (
        bidlib.DOMAIN_NAME,
        bidlib.DOMAIN_VERSION,
        chain.id,
        tenders.address,
    )


def test_replayed_commit_is_refused(kit, tenders, signer_supplier):
    signer, supplier_id = signer_supplier
    tender_id = kit.announce()
    signed, envelope = sign_commit(kit, signer, supplier_id, tender_id)
    kit.relay_commit(signed, envelope)
    # Replaying an old commit would silently undo a later re-commit: the nonce forbids it.
    with brownie.reverts(error("InvalidAccountNonce", signer, 1)):
        kit.relay_commit(signed, envelope)


def test_a_stale_signed_commit_dies_when_the_bid_changes_another_way(kit, tenders, signer_supplier):
    """A relayer holding a signed commit cannot send it after the supplier re-committed (even with
    a fresh nonce): the signature names the sealed bid it replaces."""
    signer, supplier_id = signer_supplier
    tender_id = kit.announce()
    first = kit.commit_by_sig(signer, supplier_id, tender_id, PRICE)
    held, envelope = sign_commit(
        kit, signer, supplier_id, tender_id, price=PRICE - 1, replaces=first.sealed_bid, nonce=2
    )
    second = kit.commit_by_sig(signer, supplier_id, tender_id, PRICE - 2)  # nonce 1
    assert hx(kit.current_sealed_bid(tender_id, supplier_id)) == hx(second.sealed_bid)
    with brownie.reverts(error("TenderStaleCommit", tender_id, supplier_id, first.sealed_bid)):
        kit.relay_commit(held, envelope)


def test_a_first_signed_commit_must_replace_nothing(kit, signer_supplier):
    signer, supplier_id = signer_supplier
    tender_id = kit.announce()
    signed, envelope = sign_commit(kit, signer, supplier_id, tender_id, replaces=b"\x05" * 32)
    with brownie.reverts(error("TenderStaleCommit", tender_id, supplier_id, b"\x05" * 32)):
        kit.relay_commit(signed, envelope)


def test_a_signed_commit_is_bound_to_its_envelope(kit, signer_supplier):
    signer, supplier_id = signer_supplier
    tender_id = kit.announce()
    signed, _ = sign_commit(kit, signer, supplier_id, tender_id)
    with brownie.reverts(revert_pattern=invalid_signer(signer)):
        kit.relay_commit(signed, b"\x01" + b"\x09" * 32)


def test_a_supplier_voids_a_handed_out_signature_by_burning_its_nonce(
    kit, tenders, signer_supplier, outsider
):
    signer, supplier_id = signer_supplier
    tender_id = kit.announce()
    signed, envelope = sign_commit(kit, signer, supplier_id, tender_id)
    accounts[0].transfer(signer, "1 ether")
    tenders.invalidateNonce(signed.nonce, {"from": signer})
    assert tenders.nonces(signer) == signed.nonce + 1
    with brownie.reverts(error("InvalidAccountNonce", signer, signed.nonce + 1)):
        kit.relay_commit(signed, envelope, relayer=outsider)


def test_replayed_reveal_is_refused(kit, signer_supplier):
    signer, supplier_id = signer_supplier
    tender_id = kit.announce()
    bid = kit.commit_by_sig(signer, supplier_id, tender_id, PRICE)
    kit.to_reveal(tender_id)
    signed = kit.sign("reveal", signer, tender_id, bid.commitment)
    kit.relay_reveal(signed, bid)
    with brownie.reverts(error("TenderBidAlreadyRevealed", tender_id, supplier_id)):
        kit.relay_reveal(signed, bid)


def test_signature_for_another_chain_is_refused(kit, signer_supplier):
    signer, supplier_id = signer_supplier
    tender_id = kit.announce()
    signed, envelope = sign_commit(kit, signer, supplier_id, tender_id, chain_id=chain.id + 1)
    # The digest differs, so some other address is recovered; the supplier named is refused.
    with brownie.reverts(revert_pattern=invalid_signer(signer)):
        kit.relay_commit(signed, envelope)


def test_signature_for_another_contract_is_refused(kit, signer_supplier, registry):
    signer, supplier_id = signer_supplier
    tender_id = kit.announce()
    signed, envelope = sign_commit(kit, signer, supplier_id, tender_id, contract=registry.address)
    with brownie.reverts(revert_pattern=invalid_signer(signer)):
        kit.relay_commit(signed, envelope)


def test_expired_signature_is_refused(kit, signer_supplier):
    signer, supplier_id = signer_supplier
    tender_id = kit.announce()
    deadline = chain.time() + 60
    signed, envelope = sign_commit(kit, signer, supplier_id, tender_id, deadline=deadline)
    chain.sleep(3600)
    with brownie.reverts(error("TenderSignatureExpired", deadline)):
        kit.relay_commit(signed, envelope)


def test_wrong_signer_is_refused(kit, signer_supplier):
    signer, supplier_id = signer_supplier
    impostor = accounts.add("0x" + "4d" * 32)
    tender_id = kit.announce()
    forged, envelope = sign_commit(kit, impostor, supplier_id, tender_id, nonce=0)
    claimed = bidlib.SignedBidMessage(
        supplier=signer.address,
        tender_id=forged.tender_id,
        commitment=forged.commitment,
        nonce=forged.nonce,
        deadline=forged.deadline,
        signature=forged.signature,
        envelope_hash=forged.envelope_hash,
        replaces=forged.replaces,
    )
    # The impostor signed a message naming itself; relayed as the supplier's, it recovers to neither.
    with brownie.reverts(revert_pattern=invalid_signer(signer)):
        kit.relay_commit(claimed, envelope)
    # Naming itself, the impostor is refused as no supplier at all.
    with brownie.reverts(error("SupplierUnknownAccount", impostor)):
        kit.relay_commit(forged, envelope)


def test_tampered_reveal_signature_is_refused(kit, signer_supplier):
    """A relayer cannot reveal with a signature over another commitment (e.g. a replaced bid)."""
    signer, supplier_id = signer_supplier
    tender_id = kit.announce()
    old = kit.commit_by_sig(signer, supplier_id, tender_id, PRICE)
    new = kit.commit_by_sig(signer, supplier_id, tender_id, PRICE - 5)
    kit.to_reveal(tender_id)
    signed_old = kit.sign("reveal", signer, tender_id, old.commitment)
    assert hx(new.commitment) != hx(old.commitment)
    with brownie.reverts(revert_pattern=invalid_signer(signer)):
        kit.relay_reveal(signed_old, new)


def test_signed_commit_of_an_unregistered_key_is_refused(kit):
    stranger = accounts.add("0x" + "3e" * 32)
    tender_id = kit.announce()
    envelope = b"\x01" * 33
    signed = kit.sign(
        "commit",
        stranger,
        tender_id,
        b"\x01" * 32,
        deadline=chain.time() + DAY,
        envelope_digest=bidlib.envelope_hash(envelope),
    )
    with brownie.reverts(error("SupplierUnknownAccount", stranger)):
        kit.relay_commit(signed, envelope)
