"""Gas of the milestone-escrow scenario: attest, approve-and-authorise, settle (and the steps around
them, up to a rejection the supplier disputes by signature), on a suite deployed by `deploy_suite`.
Called by scripts/gas_report.py (`make gas`), which writes bench/gas.json and docs/gas.md; runnable alone:

    brownie run scripts/gas_escrow.py --network terang-anvil
"""

from __future__ import annotations

import sys
from pathlib import Path

from brownie import accounts, chain, web3

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.protocol import bids as bidlib  # noqa: E402
from app.protocol import escrow as escrowlib  # noqa: E402

DAY = 24 * 3600
TARGETS = {"approveMilestone (approve and authorise)": 150_000, "settle": 60_000}
NOTES = {
    "approveMilestone (approve and authorise)": (
        "the hub check (AGENCY_OFFICER) and the agency check are two cold external calls; Payments "
        "stores each instruction in two new slots (source, purpose, status, attempt and amount packed "
        "in one; the payee key), the reference only in the event and in the id"
    ),
}


def _h(label: str) -> bytes:
    return bytes(web3.keccak(text=label))


def _award(suite) -> tuple[bytes, object, int]:
    """A final award of a one-bidder tender (IKN, Rp1 miliar) to a fresh verified supplier."""
    tenders, registry = suite.contracts["Tenders"], suite.contracts["SupplierRegistry"]
    officer, officer2 = accounts[4], accounts[5]
    supplier = accounts.add("0x" + "9e" * 32)
    accounts[0].transfer(supplier, "1 ether")
    supplier_id = registry.registerSupplier(
        supplier, _h("nib-gas-escrow"), _h("npwp-gas-escrow"), False, 6302, {"from": officer}
    ).return_value
    registry.verifySupplier(supplier_id, {"from": officer2})
    now = chain.time()
    params = (
        "ocds-terang-1001-gas-escrow",
        "Pembangunan jalan",
        _h("doc"),
        1001,
        2_000_000_000,
        1,
        0,
        0,
        0,
        False,
        False,
        now + 7 * DAY,
        now + 9 * DAY,
        3 * DAY,
        1,
        0,
        0,  # scoringDeadline: lowest price
        0,  # bidBond: construction up to Rp10 miliar needs none
    )
    tender_id = tenders.announceTender(params, {"from": officer}).return_value
    # A one-member Pokja (officer2) opens nothing here but evaluates; the PPK stays outside it.
    tenders.appointPokja(tender_id, [officer2], [_h("x25519:officer2")], 1, {"from": officer})
    salt = bidlib.new_salt()
    commitment = bidlib.commitment(tender_id, supplier_id, 1_000_000_000, [], salt)
    envelope = b"\x01" + _h("envelope")
    seq = tenders.commitBid(tender_id, commitment, envelope, {"from": supplier}).events["BidCommitted"][
        "commitSeq"
    ]
    chain.sleep(7 * DAY + 1)
    opening = bidlib.opening(1_000_000_000, [], salt, seq, bidlib.envelope_hash(envelope))
    tenders.revealBid(tender_id, opening, {"from": supplier})
    chain.sleep(2 * DAY + 1)
    tenders.evaluate(tender_id, [supplier_id], {"from": officer2})
    chain.sleep(3 * DAY + 1)
    tenders.finalizeAward(tender_id, {"from": accounts[19]})
    return tender_id, supplier, supplier_id


def measure(suite) -> dict[str, int]:
    """Runs the escrow scenario on `suite` and returns step name -> gas used."""
    escrow, payments = suite.contracts["MilestoneEscrow"], suite.contracts["Payments"]
    officer, verifiers, treasury = accounts[4], accounts[8:11], accounts[11]
    tender_id, supplier, _ = _award(suite)
    gas: dict[str, int] = {}

    def record(name, tx):
        gas[name] = tx.gas_used
        return tx

    start = chain.time()
    milestones = [
        (amount, 0, start + 30 * DAY * (i + 1), _h(f"termin {i}"))
        for i, amount in enumerate((300_000_000, 300_000_000, 400_000_000))
    ]
    terms = (
        200_000_000,
        _h("jaminan uang muka"),
        _h("jaminan pelaksanaan"),
        500,
        1_000,
        500,
        180 * DAY,
        2,
        [str(v) for v in verifiers],
        False,  # not multi-year
    )
    record(
        "createEscrow (3 milestones, 3 verifiers)",
        escrow.createEscrow(tender_id, terms, milestones, {"from": officer}),
    )
    escrow_id = tender_id  # an escrow's id is its tender's id
    record("countersign (with advance)", escrow.countersign(escrow_id, {"from": supplier}))
    chain.mine()
    delivered = chain[-1].timestamp  # the BAST's date: delivered now, on time
    record("attest (first)", escrow.attest(escrow_id, 0, _h("BAST 0"), delivered, {"from": verifiers[0]}))
    record("attest (quorum)", escrow.attest(escrow_id, 0, _h("BAST 0"), delivered, {"from": verifiers[1]}))
    record(
        "approveMilestone (approve and authorise)", escrow.approveMilestone(escrow_id, 0, {"from": officer})
    )
    payment_id = escrowlib.payment_id(escrow.address, escrow_id, escrowlib.MILESTONE, 0)
    record("settle", payments.settle(payment_id, 0, _h("xendit-disb-1"), {"from": treasury}))
    payment_id = escrowlib.payment_id(escrow.address, escrow_id, escrowlib.ADVANCE)
    record("fail", payments.fail(payment_id, 0, _h("INVALID_DESTINATION"), {"from": treasury}))
    record("retryPayment", escrow.retryPayment(escrow_id, escrowlib.ADVANCE, 0, {"from": officer}))
    for verifier in verifiers[:2]:
        escrow.attest(escrow_id, 1, _h("BAST 1"), chain[-1].timestamp, {"from": verifier})
    record("rejectMilestone", escrow.rejectMilestone(escrow_id, 1, _h("uji fungsi gagal"), {"from": officer}))
    signed = escrowlib.sign_open_dispute(
        supplier.private_key,
        chain_id=web3.eth.chain_id,
        verifying_contract=escrow.address,
        escrow_id=escrow_id,
        index=1,
        evidence_hash=_h("bukti uji fungsi"),
        nonce=escrow.nonces(supplier),
        deadline=chain.time() + DAY,
    )
    relayer = accounts[0]  # anyone: the supplier holds no ETH
    record(
        "openDisputeBySig (a rejection, relayed)",
        escrow.openDisputeBySig(
            *(escrow_id, 1, signed.evidence_hash, signed.nonce, signed.deadline, signed.signature),
            {"from": relayer},
        ),
    )
    return gas


def main() -> None:
    from scripts.deploy import deploy_suite
    from toolchain.deploy_config import load_deploy_config

    config = load_deploy_config(ROOT / "deploy" / "local.yaml", [str(a) for a in accounts])
    for name, used in measure(deploy_suite(accounts[0], config)).items():
        target = TARGETS.get(name)
        print(f"{name:<45} {used:>9,}" + (f"  (target {target:,})" if target else ""))
