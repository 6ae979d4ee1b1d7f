"""EIP-712 signed commits and reveals relayed by anyone: the supplier's key holds no ETH; replay,
another chain id, an expired deadline and a wrong signer are refused."""

import brownie
from brownie import accounts, chain

from app.protocol import bids as bidlib
from tests.contracts.tender_fixtures import B_VALID, DAY, error, hx

PRICE = 1_200_000_000


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
    commitment = bidlib.commitment(tender_id, supplier_id, PRICE, [], b"\x01" * 32)
    signed = kit.sign("commit", signer, tender_id, commitment)
    kit.relay_commit(signed)
    # Replaying an old commit would silently undo a later re-commit: the nonce forbids it.
    with brownie.reverts(error("InvalidAccountNonce", signer, 1)):
        kit.relay_commit(signed)


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
    commitment = bidlib.commitment(tender_id, supplier_id, PRICE, [], b"\x01" * 32)
    signed = kit.sign("commit", signer, tender_id, commitment, chain_id=chain.id + 1)
    # The digest differs, so some other address is recovered; the supplier named is refused.
    with brownie.reverts(revert_pattern=invalid_signer(signer)):
        kit.relay_commit(signed)


def test_signature_for_another_contract_is_refused(kit, signer_supplier, registry):
    signer, supplier_id = signer_supplier
    tender_id = kit.announce()
    commitment = bidlib.commitment(tender_id, supplier_id, PRICE, [], b"\x01" * 32)
    signed = kit.sign("commit", signer, tender_id, commitment, contract=registry.address)
    with brownie.reverts(revert_pattern=invalid_signer(signer)):
        kit.relay_commit(signed)


def test_expired_signature_is_refused(kit, signer_supplier):
    signer, supplier_id = signer_supplier
    tender_id = kit.announce()
    deadline = chain.time() + 60
    commitment = bidlib.commitment(tender_id, supplier_id, PRICE, [], b"\x01" * 32)
    signed = kit.sign("commit", signer, tender_id, commitment, deadline=deadline)
    chain.sleep(3600)
    with brownie.reverts(error("TenderSignatureExpired", deadline)):
        kit.relay_commit(signed)


def test_wrong_signer_is_refused(kit, signer_supplier):
    signer, supplier_id = signer_supplier
    impostor = accounts.add("0x" + "4d" * 32)
    tender_id = kit.announce()
    commitment = bidlib.commitment(tender_id, supplier_id, PRICE, [], b"\x01" * 32)
    forged = kit.sign("commit", impostor, tender_id, commitment, nonce=0)
    claimed = bidlib.SignedBidMessage(
        supplier=signer.address,
        tender_id=forged.tender_id,
        commitment=forged.commitment,
        nonce=forged.nonce,
        deadline=forged.deadline,
        signature=forged.signature,
    )
    # The impostor signed a message naming itself; relayed as the supplier's, it recovers to neither.
    with brownie.reverts(revert_pattern=invalid_signer(signer)):
        kit.relay_commit(claimed)
    # Naming itself, the impostor is refused as no supplier at all.
    with brownie.reverts(error("TenderNotASupplier", impostor)):
        kit.relay_commit(forged)


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
    signed = kit.sign("commit", stranger, tender_id, b"\x01" * 32, deadline=chain.time() + DAY)
    with brownie.reverts(error("TenderNotASupplier", stranger)):
        kit.relay_commit(signed)
