"""Stale signatures: a signed message handed to a relayer (the gateway, or anyone) must not outlive
the supplier's intent.

A CommitBid names the sealed bid it replaces (zero for the first), so it dies the moment the
supplier's bid changes in any other way, even while its nonce is still current: a relayer who sat on
it cannot overwrite the supplier's later bid with an older one. A supplier burns a signature it no
longer wants with invalidateNonce. A signature made for another tender, chain or contract recovers to
another address and is refused.
"""

import brownie
import pytest
from brownie import chain, web3

from app.protocol import bids as bidlib
from tests.contracts.tender_attacks import keyed_suppliers, recovered_signer
from tests.contracts.tender_fixtures import ZERO32, error, fake_envelope

PRICE = 1_400_000_000
EVIDENCE = web3.keccak(text="bukti sanggah")


@pytest.fixture(scope="module")
def suppliers(active_supplier, deployer):
    return keyed_suppliers(active_supplier, deployer)


def signed_commit(kit, tenders, signer, supplier_id, tender_id, price, replaces, nonce=None, **domain):
    """What a supplier's client hands to a relayer: the signed CommitBid, its envelope and opening
    data. Nothing is sent."""
    salt = bidlib.new_salt()
    commitment = bidlib.commitment(tender_id, supplier_id, price, [], salt)
    envelope = fake_envelope(tender_id, supplier_id, commitment)
    signed = kit.sign(
        "commit",
        signer,
        tender_id,
        commitment,
        nonce=nonce,
        envelope_digest=bidlib.envelope_hash(envelope),
        replaces=replaces,
        **domain,
    )
    return signed, envelope


def test_a_commit_signature_dies_when_the_supplier_commits_directly(kit, tenders, suppliers, outsider):
    """The supplier signs a bid for the gateway, changes its mind and commits a lower price itself.
    The gateway's insider then relays the signed (higher) bid: refused, although its nonce is still
    unused, because it names a bid that is no longer there. The supplier's own bid stands."""
    account, supplier_id = suppliers[0]
    tender_id = kit.announce()
    held, envelope = signed_commit(kit, tenders, account, supplier_id, tender_id, PRICE, replaces=ZERO32)
    own = kit.commit(account, supplier_id, tender_id, PRICE - 50_000_000)
    assert tenders.nonces(account) == held.nonce  # only `replaces` stands in the way

    with brownie.reverts(error("TenderStaleCommit", tender_id, supplier_id, ZERO32)):
        kit.relay_commit(held, envelope, relayer=outsider)

    assert kit.current_sealed_bid(tender_id, supplier_id) == own.sealed_bid
    kit.to_reveal(tender_id)
    assert kit.reveal(tender_id, own).events["BidRevealed"]["price"] == PRICE - 50_000_000


def test_a_recommit_signature_dies_when_the_bid_changes_first(kit, tenders, suppliers, outsider):
    """After a relayed first commit, the supplier's client pre-signs a re-commit with the next-but-one
    nonce; the supplier then re-commits through another relayer (using the next nonce). The held
    signature's nonce is now current, but it replaces a bid that is gone: refused."""
    account, supplier_id = suppliers[0]
    tender_id = kit.announce()
    first = kit.commit_by_sig(account, supplier_id, tender_id, PRICE)
    nonce = tenders.nonces(account)
    held, envelope = signed_commit(
        kit,
        tenders,
        account,
        supplier_id,
        tender_id,
        PRICE + 90_000_000,
        replaces=first.sealed_bid,
        nonce=nonce + 1,
    )
    current = kit.commit_by_sig(
        account, supplier_id, tender_id, PRICE - 10_000_000, replaces=first.sealed_bid
    )
    assert tenders.nonces(account) == held.nonce

    with brownie.reverts(error("TenderStaleCommit", tender_id, supplier_id, first.sealed_bid)):
        kit.relay_commit(held, envelope, relayer=outsider)

    kit.to_reveal(tender_id)
    assert kit.reveal(tender_id, current).events["BidRevealed"]["price"] == PRICE - 10_000_000


def test_a_relayed_recommit_that_names_the_current_bid_is_accepted(kit, tenders, suppliers):
    account, supplier_id = suppliers[0]
    tender_id = kit.announce()
    first = kit.commit(account, supplier_id, tender_id, PRICE)
    second = kit.commit_by_sig(account, supplier_id, tender_id, PRICE - 1, replaces=first.sealed_bid)
    assert kit.current_sealed_bid(tender_id, supplier_id) == second.sealed_bid
    assert kit.tender(tender_id)["bidderCount"] == 1


def test_invalidate_nonce_kills_an_unsent_reveal_signature(kit, tenders, suppliers, outsider):
    account, supplier_id = suppliers[0]
    tender_id = kit.announce()
    bid = kit.commit(account, supplier_id, tender_id, PRICE)
    kit.to_reveal(tender_id)
    held = kit.sign("reveal", account, tender_id, bid.commitment)
    tenders.invalidateNonce(held.nonce, {"from": account})
    with brownie.reverts(error("InvalidAccountNonce", account, held.nonce + 1)):
        kit.relay_reveal(held, bid, relayer=outsider)
    # The supplier still opens its own bid.
    assert kit.reveal(tender_id, bid).events["BidRevealed"]["supplierId"] == supplier_id


def test_invalidate_nonce_kills_an_unsent_objection_signature(kit, tenders, suppliers, outsider):
    (winner, winner_id), (loser, loser_id), _ = suppliers
    tender_id = kit.announce()
    bids = [
        kit.commit(winner, winner_id, tender_id, PRICE),
        kit.commit(loser, loser_id, tender_id, PRICE + 1),
    ]
    kit.to_reveal(tender_id)
    for bid in bids:
        kit.reveal(tender_id, bid)
    kit.to_evaluation(tender_id)
    kit.evaluate(tender_id)
    held = kit.sign_objection(loser, tender_id, EVIDENCE)
    tenders.invalidateNonce(held.nonce, {"from": loser})
    with brownie.reverts(error("InvalidAccountNonce", loser, held.nonce + 1)):
        kit.relay_objection(held, relayer=outsider)
    assert kit.tender(tender_id)["objectionCount"] == 0


def test_invalidate_nonce_burns_only_the_current_nonce(tenders, suppliers):
    account, _ = suppliers[0]
    current = tenders.nonces(account)
    with brownie.reverts(error("InvalidAccountNonce", account, current)):
        tenders.invalidateNonce(current + 1, {"from": account})
    tenders.invalidateNonce(current, {"from": account})
    assert tenders.nonces(account) == current + 1


@pytest.mark.parametrize("elsewhere", ["tender", "chain", "contract"])
def test_a_commit_signature_for_another_tender_chain_or_contract_is_refused(
    kit, tenders, registry, suppliers, outsider, elsewhere
):
    account, supplier_id = suppliers[0]
    tender_id = kit.announce()
    other_tender = kit.announce()
    domain = {
        "tender": {},
        "chain": {"chain_id": chain.id + 1},
        "contract": {"contract": registry.address},
    }[elsewhere]
    signed_for = other_tender if elsewhere == "tender" else tender_id
    signed, envelope = signed_commit(
        kit, tenders, account, supplier_id, signed_for, PRICE, replaces=ZERO32, **domain
    )
    # The relayer submits it for `tender_id` on this chain and contract.
    recovered = recovered_signer(
        bidlib.COMMIT_TYPE,
        signed.signature,
        chain_id=chain.id,
        verifying_contract=tenders.address,
        supplier=account.address,
        tender=tender_id,
        nonce=signed.nonce,
        deadline=signed.deadline,
        commitment=signed.commitment,
        envelopeHash=bidlib.envelope_hash(envelope),
        replaces=ZERO32,
    )
    assert recovered != account.address
    with brownie.reverts(error("TenderInvalidSigner", recovered, account)):
        tenders.commitBidBySig(
            account,
            tender_id,
            signed.commitment,
            envelope,
            ZERO32,
            signed.nonce,
            signed.deadline,
            signed.signature,
            {"from": outsider},
        )
    assert kit.tender(tender_id)["bidderCount"] == 0


def test_a_relayer_cannot_swap_the_envelope(kit, tenders, suppliers, outsider):
    """The envelope is what the Pokja quorum would open; the supplier signs its hash, so a relayer
    cannot substitute an envelope that does not open (to have the bid forfeited)."""
    account, supplier_id = suppliers[0]
    tender_id = kit.announce()
    signed, envelope = signed_commit(kit, tenders, account, supplier_id, tender_id, PRICE, replaces=ZERO32)
    garbage = b"\x01" + b"\x00" * 64
    recovered = recovered_signer(
        bidlib.COMMIT_TYPE,
        signed.signature,
        chain_id=chain.id,
        verifying_contract=tenders.address,
        supplier=account.address,
        tender=tender_id,
        nonce=signed.nonce,
        deadline=signed.deadline,
        commitment=signed.commitment,
        envelopeHash=bidlib.envelope_hash(garbage),
        replaces=ZERO32,
    )
    with brownie.reverts(error("TenderInvalidSigner", recovered, account)):
        kit.relay_commit(signed, garbage, relayer=outsider)
    kit.relay_commit(signed, envelope, relayer=outsider)
