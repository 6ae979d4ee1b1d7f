"""Sanggah signed by a losing bidder (EIP-712 FileObjection) and relayed by anyone, so a bidder
without ETH can object: the same rules as an objection from the bidder's own key, the same nonce
stream as its bids; a forged, replayed or expired signature is refused."""

import brownie
from brownie import accounts, chain, web3

from app.protocol import bids as bidlib
from tests.contracts.tender_fixtures import DAY, O_OPEN, O_REJECTED, ZERO32, error, hx

EVIDENCE = web3.keccak(text="surat sanggah: harga pemenang di bawah HPS 80%")


def invalid_signer(supplier) -> str:
    """TenderInvalidSigner(recovered, supplier) with whatever address the bad signature recovers to."""
    return rf"TenderInvalidSigner: 0x[0-9a-f]{{40}}, {str(supplier.address).lower()}"


def proposed_with_the_signer_losing(kit, bidders, signer_supplier, signer_price=1_300_000_000):
    """bidders[0] bids 1.0 miliar, the signer (relayed, valid) `signer_price`: the cheaper is proposed."""
    signer, signer_id = signer_supplier
    tender_id = kit.announce()
    other = kit.commit(*bidders[0], tender_id, 1_000_000_000)
    relayed = kit.commit_by_sig(signer, signer_id, tender_id, signer_price)
    kit.to_reveal(tender_id)
    kit.reveal(tender_id, other)
    kit.relay_reveal(kit.sign("reveal", signer, tender_id, relayed.commitment), relayed)
    kit.to_evaluation(tender_id)
    kit.evaluate(tender_id)
    return tender_id


def test_a_losing_bidder_without_eth_objects_through_a_relayer(
    kit, tenders, bidders, signer_supplier, outsider
):
    signer, signer_id = signer_supplier
    tender_id = proposed_with_the_signer_losing(kit, bidders, signer_supplier)
    nonce = tenders.nonces(signer)
    tx = kit.relay_objection(kit.sign_objection(signer, tender_id, EVIDENCE), relayer=outsider)
    event = tx.events["ObjectionFiled"]
    assert (event["supplierId"], hx(event["evidenceHash"])) == (signer_id, hx(EVIDENCE))
    objection = tenders.getObjection(tender_id, event["objectionId"]).dict()
    assert (objection["supplierId"], objection["status"]) == (signer_id, O_OPEN)
    assert kit.tender(tender_id)["openObjections"] == 1
    assert tenders.nonces(signer) == nonce + 1 and signer.balance() == 0


def test_the_open_objection_holds_the_award_until_answered(kit, tenders, officer, bidders, signer_supplier):
    signer, _ = signer_supplier
    tender_id = proposed_with_the_signer_losing(kit, bidders, signer_supplier)
    objection_id = kit.relay_objection(kit.sign_objection(signer, tender_id, EVIDENCE)).events[
        "ObjectionFiled"
    ]["objectionId"]
    kit.to_award(tender_id)
    with brownie.reverts(error("TenderObjectionsPending", tender_id, 1)):
        tenders.finalizeAward(tender_id, {"from": officer})
    kit.answer(tender_id, objection_id, O_REJECTED, web3.keccak(text="jawaban"))
    assert (
        tenders.finalizeAward(tender_id, {"from": officer}).events["TenderAwarded"]["supplierId"]
        == bidders[0][1]
    )


def test_a_replayed_objection_is_refused_by_the_nonce(kit, bidders, signer_supplier):
    signer, _ = signer_supplier
    tender_id = proposed_with_the_signer_losing(kit, bidders, signer_supplier)
    signed = kit.sign_objection(signer, tender_id, EVIDENCE)
    kit.relay_objection(signed)
    with brownie.reverts(error("InvalidAccountNonce", signer, signed.nonce + 1)):
        kit.relay_objection(signed)


def test_a_second_signed_objection_in_the_round_is_refused(kit, bidders, signer_supplier):
    signer, signer_id = signer_supplier
    tender_id = proposed_with_the_signer_losing(kit, bidders, signer_supplier)
    kit.relay_objection(kit.sign_objection(signer, tender_id, EVIDENCE))
    with brownie.reverts(error("TenderAlreadyObjected", tender_id, signer_id)):
        kit.relay_objection(kit.sign_objection(signer, tender_id, web3.keccak(text="bukti kedua")))


def test_an_objection_signed_by_another_key_is_refused(kit, bidders, signer_supplier):
    signer, _ = signer_supplier
    impostor = accounts.add("0x" + "4e" * 32)
    tender_id = proposed_with_the_signer_losing(kit, bidders, signer_supplier)
    forged = kit.sign_objection(impostor, tender_id, EVIDENCE, nonce=kit.tenders.nonces(signer))
    claimed = bidlib.SignedObjection(
        supplier=signer.address,
        tender_id=forged.tender_id,
        evidence_hash=forged.evidence_hash,
        nonce=forged.nonce,
        deadline=forged.deadline,
        signature=forged.signature,
    )
    # The impostor signed a message naming itself; relayed as the supplier's, it recovers to neither.
    with brownie.reverts(revert_pattern=invalid_signer(signer)):
        kit.relay_objection(claimed)


def test_a_bid_signature_cannot_be_relayed_as_an_objection(kit, bidders, signer_supplier):
    """The type hash separates the messages: a CommitBid over the same bytes32 recovers elsewhere."""
    signer, _ = signer_supplier
    tender_id = proposed_with_the_signer_losing(kit, bidders, signer_supplier)
    as_bid = kit.sign("commit", signer, tender_id, EVIDENCE, envelope_digest=ZERO32)
    relayed = bidlib.SignedObjection(
        signer.address, as_bid.tender_id, EVIDENCE, as_bid.nonce, as_bid.deadline, as_bid.signature
    )
    with brownie.reverts(
        revert_pattern=rf"TenderInvalidSigner: 0x[0-9a-f]{{40}}, {str(signer.address).lower()}"
    ):
        kit.relay_objection(relayed)


def test_an_expired_objection_signature_is_refused(kit, bidders, signer_supplier):
    signer, _ = signer_supplier
    tender_id = proposed_with_the_signer_losing(kit, bidders, signer_supplier)
    deadline = chain.time() + 60
    signed = kit.sign_objection(signer, tender_id, EVIDENCE, deadline=deadline)
    chain.sleep(3600)
    with brownie.reverts(error("TenderSignatureExpired", deadline)):
        kit.relay_objection(signed)


def test_the_winner_cannot_object_by_signature_either(kit, bidders, signer_supplier):
    signer, signer_id = signer_supplier
    tender_id = proposed_with_the_signer_losing(kit, bidders, signer_supplier, signer_price=900_000_000)
    assert kit.tender(tender_id)["winner"] == signer_id
    with brownie.reverts(error("TenderNotAnObjector", tender_id, signer_id)):
        kit.relay_objection(kit.sign_objection(signer, tender_id, EVIDENCE))


def test_a_signed_objection_after_the_window_is_refused(kit, bidders, signer_supplier):
    signer, _ = signer_supplier
    tender_id = proposed_with_the_signer_losing(kit, bidders, signer_supplier)
    kit.to_award(tender_id)
    deadline = kit.tender(tender_id)["objectionDeadline"]
    signed = kit.sign_objection(signer, tender_id, EVIDENCE, deadline=chain.time() + DAY)
    with brownie.reverts(error("TenderObjectionWindowClosed", tender_id, deadline)):
        kit.relay_objection(signed)
