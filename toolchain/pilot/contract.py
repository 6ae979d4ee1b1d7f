"""The pilot's contract: the PPK creates the escrow for the award (two milestones, 5% retention), the
winning supplier countersigns with its own key (relayed, no ETH), and for each milestone two of the
three PPHP verifiers attest the BAST, the PPK approves and the payment bridge pays the supplier
through the (fake) payment provider; the gateway reports each instruction settled on chain."""

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
        approved = api.post(f"/escrows/{escrow_id}/milestones/{index}/approval", None, officer)
        txs[f"m{index + 1} approved"] = approved["transactionHash"]
        payment = approved["paymentId"]
        log(
            f"milestone {index + 1}: BAST attested by 2 PPHP, approved; net Rp{approved['net']:,} "
            f"(retention Rp{approved['retention']:,}) authorised as {payment[:10]}…"
        )
        wait_until(
            lambda p=payment: _settled(api, p), f"the payment of milestone {index + 1} to settle", timeout=90
        )
        paid.append(PaidMilestone(index, payment, approved["net"], approved["retention"]))
        log(f"milestone {index + 1} paid by the provider and settled on chain")
    return ContractOutcome(escrow_id, created["value"], paid, txs)


def _settled(api: Gateway, payment_id: str) -> dict | None:
    instruction = api.get(f"/instructions/{payment_id}")
    return instruction if instruction["status"] == "settled" else None


def _hash(text: str) -> str:
    return Web3.to_hex(Web3.keccak(text=text))
