"""The pilot's contract: the PPK creates the escrow for the award (two milestones, 5% retention), the
winning supplier countersigns with its own key (relayed, no ETH), and for each milestone two of the
three PPHP verifiers attest the BAST. The PPK approves the first; it rejects the second, the supplier
disputes the rejection with its own EIP-712 signature (relayed, no ETH) and the committee (two member
agencies, after the hub's delay) overturns it, which approves it. The payment bridge pays each
milestone through the (fake) payment provider; the gateway reports each instruction settled on chain."""

from __future__ import annotations

from dataclasses import dataclass

from web3 import Web3

from app.protocol import escrow as escrowlib
from toolchain.jsonrpc import rpc
from toolchain.pilot.api import Gateway, LocalClock, wait_until
from toolchain.pilot.tender import AGENCY, DAY, TenderOutcome

VERIFIER_ACCOUNTS = (8, 9, 10)  # the development accounts of the VERIFIER grants (deploy/local.yaml)
RETENTION_BPS = 500


@dataclass
class PaidMilestone:
    index: int
    payment_id: str
    net: int
    retention: int


@dataclass
class ContractOutcome:
    escrow_id: str
    value: int
    milestones: list[PaidMilestone]
    transactions: dict[str, str]


def run_contract(
    api: Gateway, clock: LocalClock, rpc_url: str, tender: TenderOutcome, log
) -> ContractOutcome:
    txs: dict[str, str] = {}
    officer = api.token("AGENCY_OFFICER", agency=AGENCY, sub="ppk-oikn")
    accounts = rpc(rpc_url, "eth_accounts")
    verifiers = [Web3.to_checksum_address(accounts[i]) for i in VERIFIER_ACCOUNTS]
    now = clock.now()
    created = api.post(
        "/escrows",
        {
            "ocid": tender.ocid,
            "terms": {
                "performanceBondRef": Web3.to_hex(Web3.keccak(text=f"jaminan pelaksanaan {tender.ocid}")),
                "retentionBps": RETENTION_BPS,
                "penaltyPpmPerDay": 1_000,
                "penaltyCapBps": 500,
                "maintenancePeriod": 180 * DAY,
                "quorum": 2,
                "verifiers": verifiers,
            },
            "milestones": [
                {"shareBps": 6_000, "dueDate": now + 30 * DAY, "deliverableHash": _hash("trafo terpasang")},
                {
                    "shareBps": 4_000,
                    "dueDate": now + 60 * DAY,
                    "deliverableHash": _hash("uji fungsi dan serah"),
                },
            ],
        },
        officer,
    )
    escrow_id = created["escrowId"]
    txs["escrow created"] = created["transactionHash"]
    log(
        f"contract {escrow_id[:10]}… created by the PPK: Rp{created['value']:,} in two milestones, "
        "2 of 3 PPHP attest each"
    )

    winner = tender.winner
    signing = api.get(f"/escrows/signing/{winner.account.address}")
    signed = escrowlib.sign_countersign(
        winner.account.key,
        chain_id=signing["domain"]["chainId"],
        verifying_contract=signing["domain"]["verifyingContract"],
        escrow_id=escrow_id,
        terms_hash=created["termsHash"],
        nonce=signing["nonce"],
        deadline=clock.now() + 3_600,
    )
    countersigned = api.post(
        f"/escrows/{escrow_id}/countersignature",
        {
            "supplier": signed.supplier,
            "nonce": signed.nonce,
            "deadline": signed.deadline,
            "signature": Web3.to_hex(signed.signature),
        },
        api.token(supplier=winner.supplier_id, sub=f"supplier-{winner.supplier_id}"),
    )
    txs["countersigned"] = countersigned["transactionHash"]
    log(f"{winner.name} countersigned the terms hash with its own key")

    payee = Web3.to_hex(escrowlib.payee_key(winner.supplier_id))
    account = api.payout_account(
        payee,
        {
            "channelCode": "ID_BRI",
            "accountNumber": "0021" + f"{winner.supplier_id:011d}",
            "accountHolderName": winner.name,
        },
        "oikn",
    )
    log(
        f"the treasury registered the supplier's payout account under four eyes: proposed by "
        f"{account['proposedBy']}, approved by {account['decidedBy']} (kept encrypted in the gateway, "
        "not on chain)"
    )

    supplier = api.token(supplier=winner.supplier_id, sub=f"supplier-{winner.supplier_id}")
    paid = []
    for index, bast in enumerate(("BAST termin 1: trafo terpasang 100%", "BAST termin 2: uji fungsi lulus")):
        evidence = _hash(f"{bast} {tender.ocid}")
        for n in (1, 2):
            attested = api.post(
                f"/escrows/{escrow_id}/milestones/{index}/attestations",
                {"evidenceHash": evidence, "deliveredAt": clock.now()},  # the BAST is dated today
                api.token("VERIFIER", sub=f"pphp-{n}"),
            )
            txs[f"m{index + 1} attested by pphp-{n}"] = attested["transactionHash"]
        if index == 0:
            approved = api.post(f"/escrows/{escrow_id}/milestones/{index}/approval", None, officer)
            txs[f"m{index + 1} approved"] = approved["transactionHash"]
            payment, net, retention = approved["paymentId"], approved["net"], approved["retention"]
            log(
                f"milestone {index + 1}: BAST attested by 2 PPHP, approved; net Rp{net:,} "
                f"(retention Rp{retention:,}) authorised as {payment[:10]}…"
            )
        else:
            payment, net, retention = _disputed(
                api, clock, escrow_id, index, (winner, supplier), officer, txs, log
            )
        wait_until(
            lambda p=payment: _settled(api, p), f"the payment of milestone {index + 1} to settle", timeout=90
        )
        paid.append(PaidMilestone(index, payment, net, retention))
        log(f"milestone {index + 1} paid by the provider and settled on chain")
    return ContractOutcome(escrow_id, created["value"], paid, txs)


def _disputed(api: Gateway, clock: LocalClock, escrow_id: str, index: int, winning, officer, txs, log):
    """The PPK rejects the attested milestone; the supplier (`winning`: the bidder and its token)
    disputes it by signature; the committee overturns the rejection, which approves the milestone.
    Its (payment id, net, retention)."""
    winner, supplier = winning
    base = f"/escrows/{escrow_id}/milestones/{index}"
    reason = {"reasonHash": _hash("uji fungsi: relai proteksi belum disetel")}
    rejected = api.post(f"{base}/rejection", reason, officer)
    txs[f"m{index + 1} rejected"] = rejected["transactionHash"]
    log(f"milestone {index + 1}: BAST attested by 2 PPHP, rejected by the PPK (relay settings disputed)")
    signing = api.get(f"/escrows/signing/{winner.account.address}")
    signed = escrowlib.sign_open_dispute(
        winner.account.key,
        chain_id=signing["domain"]["chainId"],
        verifying_contract=signing["domain"]["verifyingContract"],
        escrow_id=escrow_id,
        index=index,
        evidence_hash=_hash("berita acara uji ulang: relai proteksi sesuai spesifikasi"),
        nonce=signing["nonce"],
        deadline=clock.now() + 3_600,
    )
    opened = api.post(
        f"{base}/dispute",
        {
            "supplier": signed.supplier,
            "evidenceHash": Web3.to_hex(signed.evidence_hash),
            "nonce": signed.nonce,
            "deadline": signed.deadline,
            "signature": Web3.to_hex(signed.signature),
        },
        supplier,
    )
    txs[f"m{index + 1} disputed"] = opened["transactionHash"]
    log(f"{winner.name} disputed the rejection with its own signature (relayed, no ETH)")
    proposed = api.post(
        f"{base}/dispute-resolution",
        {"overturn": True, "decisionHash": _hash(f"putusan komite: termin {index + 1} diterima")},
        api.committee_members()[0],
    )
    executed = api.committee_act(proposed, clock)
    txs[f"m{index + 1} dispute overturned"] = executed["transactionHash"]
    milestone = api.get(base)
    payment = milestone["payment"]
    log(
        f"milestone {index + 1}: the committee (two member agencies, after the hub's delay) overturned the "
        f"rejection; net Rp{payment['amount']:,} authorised as {payment['paymentId'][:10]}…"
    )
    # On time and without an advance, what is not paid of the milestone now is its retention.
    return payment["paymentId"], payment["amount"], milestone["amount"] - payment["amount"]


def _settled(api: Gateway, payment_id: str) -> dict | None:
    instruction = api.get(f"/instructions/{payment_id}")
    return instruction if instruction["status"] == "settled" else None


def _hash(text: str) -> str:
    return Web3.to_hex(Web3.keccak(text=text))
