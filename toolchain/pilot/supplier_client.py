"""What a supplier's own client does with the gateway, for the pilot and the guide's bidders: seal
a bid's opening in an envelope for the tender's Pokja, compute its commitment locally and sign the
commit (EIP-712) with the supplier's own key; later sign the opening, or an objection. The gateway
only relays what the supplier signed (the relayer pays the gas); nothing secret leaves the client
before the supplier opens its bid, except the envelope only the Pokja's quorum can open.

`bidder` is any object with `account` (an eth-account LocalAccount), `supplier_id`, `price`,
`products` ((productId, shareBps) pairs) and `bid_bond_ref`; its `salt`, `commitment`,
`commit_seq` and `envelope_hash` are set by `commit`."""

from __future__ import annotations

from app.protocol import bids
from app.tenders import envelope
from app.tenders.opening_codec import encode_opening
from toolchain.pilot.api import Gateway, LocalClock, PilotError

SIGNATURE_SECONDS = 3_600


def _hex(value: bytes) -> str:
    return "0x" + bytes(value).hex()


def _signing(api: Gateway, bidder) -> dict:
    """The EIP-712 domain and the supplier's next nonce, as a wallet reads them before signing."""
    return api.get(f"/tenders/signing/{bidder.account.address}")


def commit(api: Gateway, clock: LocalClock, ocid: str, tender: str, bidder, auth: dict) -> dict:
    """Seals and commits `bidder`'s first bid on `ocid`; answers the gateway's receipt."""
    published = api.get(f"/tenders/{ocid}/pokja")
    members = sorted(published["members"], key=lambda m: m["index"])
    keys = [bytes.fromhex(m["encryptionKey"][2:]) for m in members]
    bidder.salt = bids.new_salt()
    products = bids.normalise_products(bidder.products)
    bond = bytes(bidder.bid_bond_ref)
    sealed = envelope.seal(
        encode_opening(bidder.price, products, bidder.salt, bond),
        bytes.fromhex(tender[2:]),
        bidder.supplier_id,
        keys,
        published["quorum"],
    )
    digest = bids.envelope_hash(sealed)
    bidder.commitment = bids.commitment(tender, bidder.supplier_id, bidder.price, products, bidder.salt, bond)
    signing = _signing(api, bidder)
    signed = bids.sign_commit(
        bidder.account.key,
        chain_id=signing["domain"]["chainId"],
        verifying_contract=signing["domain"]["verifyingContract"],
        tender=tender,
        bid_commitment=bidder.commitment,
        envelope_digest=digest,
        replaces=bytes(32),  # its first bid on this tender
        nonce=signing["nonce"],
        deadline=clock.now() + SIGNATURE_SECONDS,
    )
    relayed = api.post(
        f"/tenders/{ocid}/bids/commitments",
        {
            "supplier": signed.supplier,
            "commitment": _hex(bidder.commitment),
            "envelope": _hex(sealed),
            "replaces": _hex(bytes(32)),
            "nonce": signed.nonce,
            "deadline": signed.deadline,
            "signature": _hex(signed.signature),
        },
        auth,
    )
    bidder.commit_seq = relayed["commitSeq"]
    bidder.envelope_hash = relayed["envelopeHash"]
    if bidder.envelope_hash != _hex(digest):
        raise PilotError(f"the gateway recorded another envelope for supplier {bidder.supplier_id}'s bid")
    return relayed


def reveal(api: Gateway, clock: LocalClock, ocid: str, tender: str, bidder, auth: dict) -> dict:
    """Opens `bidder`'s bid in the reveal period: signs RevealBid; the gateway relays the opening."""
    signing = _signing(api, bidder)
    signed = bids.sign_reveal(
        bidder.account.key,
        chain_id=signing["domain"]["chainId"],
        verifying_contract=signing["domain"]["verifyingContract"],
        tender=tender,
        bid_commitment=bidder.commitment,
        nonce=signing["nonce"],
        deadline=clock.now() + SIGNATURE_SECONDS,
    )
    return api.post(
        f"/tenders/{ocid}/bids/reveals",
        {
            "supplier": signed.supplier,
            "nonce": signed.nonce,
            "deadline": signed.deadline,
            "signature": _hex(signed.signature),
            "opening": {
                "price": bidder.price,
                "products": [
                    {"productId": _hex(p), "shareBps": s} for p, s in bids.normalise_products(bidder.products)
                ],
                "salt": _hex(bidder.salt),
                "bidBondRef": _hex(bytes(bidder.bid_bond_ref)),
                "commitSeq": bidder.commit_seq,
                "envelopeHash": bidder.envelope_hash,
            },
        },
        auth,
    )


def file_objection(
    api: Gateway, clock: LocalClock, ocid: str, tender: str, bidder, evidence_hash: str, auth: dict
) -> dict:
    """A losing bidder's sanggah: it signs FileObjection over its letter's hash; the gateway relays."""
    signing = _signing(api, bidder)
    signed = bids.sign_objection(
        bidder.account.key,
        chain_id=signing["domain"]["chainId"],
        verifying_contract=signing["domain"]["verifyingContract"],
        tender=tender,
        evidence_hash=evidence_hash,
        nonce=signing["nonce"],
        deadline=clock.now() + SIGNATURE_SECONDS,
    )
    return api.post(
        f"/tenders/{ocid}/objections",
        {
            "supplier": signed.supplier,
            "evidenceHash": evidence_hash,
            "nonce": signed.nonce,
            "deadline": signed.deadline,
            "signature": _hex(signed.signature),
        },
        auth,
    )
