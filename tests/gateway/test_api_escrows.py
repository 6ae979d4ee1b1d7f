"""A contract (kontrak termin) through the REST API, on the live local chain: the PPK creates the
escrow of an awarded tender, the winning supplier countersigns the terms hash it recomputed (EIP-712,
relayed), two of three verifiers attest the first milestone with the BAST's hash and the PPK approves:
the net payment instruction is authorised in Payments. The second milestone is attested, rejected,
disputed by the supplier (its EIP-712 signature, relayed: it holds no ETH) and overturned by the
committee (proposed by an LKPP official, approved by a Kemenkeu official, each with its own key)
after the hub's delay, which pays it and completes the contract; a failed payment is retried and the
retention released after the maintenance period. A second contract is terminated by the committee.

Each verifier signs with its own key, the official its token names (`officer:<address>`: ani is
dev:8, budi dev:9); no shared verifier key exists. Every endpoint also refuses the wrong role (403), no
token (401), another agency (403), malformed or unknown ids (4xx problems)."""

from __future__ import annotations

import re
import uuid

import pytest
from eth_account import Account
from fastapi.testclient import TestClient
from web3 import Web3

from app.main import create_app
from app.protocol import escrow as escrowlib
from app.protocol import vocabulary
from app.protocol.bids import tender_id
from app.protocol.manifest import load_manifest
from tests.support.documented import documented
from tests.support.indexed import wait_until_indexed
from tests.support.localchain import rpc
from tests.support.tender_scenario import DAY, Scenario
from toolchain.dev_signers import development_keys

RUN = uuid.uuid4().hex[:8]
OCID, OCID2 = f"ocds-terang-1001-escrow-{RUN}-1", f"ocds-terang-1001-escrow-{RUN}-2"
AUTHORIZED = vocabulary.enum("IPayments.PaymentStatus").code("Authorized")
WINNER = 17  # dev index of the lowest bidder (tender_scenario registers dev:16-18 as suppliers)
PPHP_ANI, PPHP_BUDI, PPHP_CITRA = 8, 9, 10  # verifiers, each signing with its own key
TREASURY, OTHER_SUPPLIER = 11, 18
LKPP, KEMENKEU = 1, 2  # committee officials of two member agencies (deploy/local.yaml: 2 of 4)
PROBLEM = "application/problem+json"


def key() -> dict:
    return {"Idempotency-Key": str(uuid.uuid4())}


def h(text: str) -> str:
    return Web3.to_hex(Web3.keccak(text=text))


def problem(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM), response.headers
    body = response.json()
    if code is not None:
        assert body["code"] == code, body
    return body


@pytest.fixture(scope="module")
def story(settings, token, chain_url, manifest_dir):
    """State shared by the steps, in order: two tenders on the chain (the first awarded, the second
    awaiting its final award) and a gateway."""
    manifest = load_manifest(manifest_dir / "31337.json")
    scenario = Scenario(chain_url, manifest)
    first = scenario.tender(OCID, {16: 1_850_000_000, WINNER: 1_790_000_000})
    second = scenario.tender(OCID2, {WINNER: 1_500_000_000}, amend=False, objection=False, finalize=False)
    keys = development_keys(chain_url)
    own = settings.model_copy(update={"indexer_enabled": False})
    with TestClient(create_app(own)) as client:
        client.event_hooks["response"].append(_as_documented)
        yield {
            "client": client,
            "token": token,
            "chain_url": chain_url,
            "scenario": scenario,
            "first": first,
            "second": second,
            "keys": keys,
            "escrow": scenario.contract("MilestoneEscrow"),
            "payments": scenario.contract("Payments"),
            "officer": token("AGENCY_OFFICER", agency=1001, sub="ppk-ikn"),
            "other_officer": token("AGENCY_OFFICER", agency=1002, sub="ppk-pu"),
            "ani": token("VERIFIER", sub="pphp-1"),  # dev:8
            "budi": token("VERIFIER", sub="pphp-2"),  # dev:9
            "committee": token("COMMITTEE", sub="komite"),  # names no official: signs nothing
            "lkpp": token("COMMITTEE", agency=3001, sub="komite-lkpp", officer=scenario.accounts[LKPP]),
            "kemenkeu": token(
                "COMMITTEE", agency=3002, sub="komite-kemenkeu", officer=scenario.accounts[KEMENKEU]
            ),
            "supplier": token(supplier=first.winner, sub="pt-energi-kalimantan"),
            "other_supplier": token(supplier=first.winner + 1, sub="pt-lain"),
        }


def _as_documented(response) -> None:
    """Every successful answer of an escrow endpoint has exactly its route's documented shape (a
    write's answer is built by the write path, which FastAPI does not check against the model)."""
    response.read()
    if response.is_success and response.request.url.path.startswith("/escrows"):
        documented(response)


def travel(story, seconds: int) -> None:
    rpc(story["chain_url"], "evm_increaseTime", [seconds])
    rpc(story["chain_url"], "evm_mine")


def creation(story, run, milestones=None, **terms) -> dict:
    """A creation body for `run`: 10% advance, 5% retention, 2-of-3 verifiers, 60/40 milestones."""
    now, value = story["scenario"].now(), run.prices[run.winner]
    accounts = story["scenario"].accounts
    return {
        "ocid": run.ocid,
        "terms": {
            "advanceAmount": value // 10,
            "advanceGuaranteeRef": h("jaminan uang muka"),
            "performanceBondRef": h("jaminan pelaksanaan"),
            "retentionBps": 500,
            "penaltyPpmPerDay": 1000,
            "penaltyCapBps": 500,
            "maintenancePeriod": 7 * DAY,
            "quorum": 2,
            "verifiers": [accounts[i] for i in (PPHP_ANI, PPHP_BUDI, PPHP_CITRA)],
            **terms,
        },
        "milestones": milestones
        or [
            {"shareBps": 6000, "dueDate": now + 30 * DAY, "deliverableHash": h("spesifikasi termin 1")},
            {
                "amount": value - value * 6000 // 10_000,
                "dueDate": now + 60 * DAY,
                "deliverableHash": h("termin 2"),
            },
        ],
    }


def bast(story, text: str, **extra) -> dict:
    """An attestation body: the BAST's hash, dated now (the evidence's delivery date)."""
    return {
        "evidenceHash": Web3.to_hex(Web3.keccak(text.encode())),
        "deliveredAt": story["scenario"].now(),
        **extra,
    }


def escrow_id(run) -> str:
    return Web3.to_hex(tender_id(run.ocid))


def post(story, path: str, who: str | None, body=None, headers=None):
    auth = story[who] if who else {}
    return story["client"].post(path, json=body, headers={**auth, **key(), **(headers or {})})


# ------------------------------------------------------------------------------------ creation


def test_01_only_the_ppk_of_the_tenders_agency_may_create_the_contract(story):
    body = creation(story, story["first"])
    problem(story["client"].post("/escrows", json=body, headers=key()), 401, "unauthenticated")
    problem(post(story, "/escrows", "ani", body), 403, "forbidden_role")
    problem(post(story, "/escrows", "supplier", body), 403, "forbidden_role")
    problem(post(story, "/escrows", "other_officer", body), 403, "wrong_agency")


def test_02_malformed_terms_are_refused_before_the_chain(story):
    good = creation(story, story["first"])
    both_ids = {**good, "tenderId": escrow_id(story["first"])}
    neither = {k: v for k, v in good.items() if k != "ocid"}
    both_amounts = {**good, "milestones": [{**good["milestones"][0], "amount": 5}, good["milestones"][1]]}
    big_quorum = {**good, "terms": {**good["terms"], "quorum": 4}}
    bad_verifier = {**good, "terms": {**good["terms"], "verifiers": ["0x" + "00" * 20]}}
    bad_hash = {**good, "terms": {**good["terms"], "performanceBondRef": "0x1234"}}
    too_many = {**good, "milestones": good["milestones"] * 33}
    for body in (both_ids, neither, both_amounts, big_quorum, bad_verifier, bad_hash, too_many, {}, []):
        problem(post(story, "/escrows", "officer", body), 422, "invalid_request")
    problem(
        post(story, "/escrows", "officer", {**good, "ocid": "ocds-terang-1001-tidak-ada"}), 404, "not_found"
    )
    missing_key = story["client"].post("/escrows", json=good, headers=story["officer"])
    problem(missing_key, 400, "idempotency_key_required")


def test_03_terms_the_contract_refuses_come_back_with_its_error(story):
    good = creation(story, story["first"])
    short = [{**good["milestones"][0]}, {**good["milestones"][1], "amount": 1}]
    body = problem(
        post(story, "/escrows", "officer", {**good, "milestones": short}), 409, "EscrowMilestonesDoNotSum"
    )
    assert body["chainError"]["params"]["value"] == story["first"].prices[story["first"].winner]
    supplier_as_verifier = [story["scenario"].accounts[WINNER], story["scenario"].accounts[PPHP_BUDI]]
    body = creation(story, story["first"], verifiers=supplier_as_verifier)
    problem(post(story, "/escrows", "officer", body), 422, "EscrowInvalidVerifier")
    no_guarantee = creation(story, story["first"], advanceGuaranteeRef="0x" + "00" * 32)
    problem(post(story, "/escrows", "officer", no_guarantee), 409, "EscrowGuaranteeMissing")
    not_awarded = creation(story, story["second"])
    problem(post(story, "/escrows", "officer", not_awarded), 409, "EscrowTenderNotAwarded")


def test_04_the_ppk_creates_the_contract_and_the_supplier_can_recompute_its_terms_hash(story):
    run, body = story["first"], creation(story, story["first"])
    headers = {**story["officer"], **key()}
    created = story["client"].post("/escrows", json=body, headers=headers)
    assert created.status_code == 201, created.text
    result, value = created.json(), run.prices[run.winner]
    assert (result["escrowId"], result["value"], result["supplierId"]) == (escrow_id(run), value, run.winner)
    assert (result["agencyId"], result["milestoneCount"], result["status"]) == (
        1001,
        2,
        "awaiting_countersign",
    )
    t = body["terms"]
    terms = [t[k] for k in ("advanceAmount", "advanceGuaranteeRef", "performanceBondRef", "retentionBps")]
    terms += [t[k] for k in ("penaltyPpmPerDay", "penaltyCapBps", "maintenancePeriod", "quorum", "verifiers")]
    terms += [t.get("multiYear", False)]
    rows = [
        (m.get("amount", 0), m.get("shareBps", 0), m["dueDate"], m["deliverableHash"])
        for m in body["milestones"]
    ]
    expected = escrowlib.terms_hash(run.tender_id, run.winner, value, terms, rows)
    assert result["termsHash"] == Web3.to_hex(expected)
    replay = story["client"].post("/escrows", json=body, headers=headers)
    assert replay.headers["Idempotent-Replayed"] == "true" and replay.json() == created.json()
    problem(post(story, "/escrows", "officer", body), 409, "EscrowAlreadyExists")
    story["created"], story["value"] = result, value


def test_05_the_contract_reads_publicly_with_its_milestones_before_the_countersignature(story):
    read = story["client"].get(f"/escrows/{escrow_id(story['first'])}")
    assert read.status_code == 200, read.text
    escrow, value = read.json(), story["value"]
    assert (escrow["status"], escrow["value"], escrow["authorized"], escrow["remaining"]) == (
        "awaiting_countersign",
        value,
        0,
        value,
    )
    assert escrow["supplierAccount"] == story["scenario"].accounts[WINNER] and escrow["countersignNonce"] == 0
    assert escrow["quorum"] == 2 and len(escrow["verifiers"]) == 3 and escrow["advancePayment"] is None
    first, second = escrow["milestones"]
    assert first["amount"] == value * 6000 // 10_000 and first["amount"] + second["amount"] == value
    assert (first["status"], first["attestations"], first["payment"]) == ("pending", 0, None)


# ------------------------------------------------------------------------------------ countersignature


def countersign_body(
    story, run, signer_key: bytes, *, deadline: int | None = None, nonce: int | None = None
) -> dict:
    escrow, account = story["escrow"], Account.from_key(signer_key).address
    signed = escrowlib.sign_countersign(
        signer_key,
        chain_id=31337,
        verifying_contract=escrow.address,
        escrow_id=escrow_id(run),
        terms_hash=story["client"].get(f"/escrows/{escrow_id(run)}").json()["termsHash"],
        nonce=escrow.functions.nonces(account).call() if nonce is None else nonce,
        deadline=story["scenario"].now() + 3600 if deadline is None else deadline,
    )
    return {
        "supplier": signed.supplier,
        "nonce": signed.nonce,
        "deadline": signed.deadline,
        "signature": Web3.to_hex(signed.signature),
    }


def test_06_a_countersignature_from_another_key_or_out_of_date_is_refused(story):
    run, keys = story["first"], story["keys"]
    path = f"/escrows/{escrow_id(run)}/countersignature"
    winner = countersign_body(story, run, keys[WINNER])
    problem(story["client"].post(path, json=winner, headers=key()), 401, "unauthenticated")
    # the relayer is the supplier's own (or an agency system's): not a verifier's, not another supplier's
    problem(post(story, path, "ani", winner), 403, "forbidden_role")
    problem(post(story, path, "other_supplier", winner), 403, "relay_not_own_supplier")
    problem(
        post(story, path, "supplier", countersign_body(story, run, keys[OTHER_SUPPLIER])),
        403,
        "EscrowNotSupplier",
    )
    forged = {**countersign_body(story, run, keys[OTHER_SUPPLIER]), "supplier": winner["supplier"]}
    problem(post(story, path, "supplier", forged), 422, "EscrowInvalidSigner")
    expired = countersign_body(story, run, keys[WINNER], deadline=story["scenario"].now() - 1)
    problem(post(story, path, "supplier", expired), 409, "EscrowSignatureExpired")
    problem(post(story, path, "supplier", {**winner, "signature": "0x12"}), 422, "invalid_request")
    problem(
        post(story, f"/escrows/{'0x' + 'ab' * 32}/countersignature", "supplier", winner), 404, "not_found"
    )
    problem(post(story, "/escrows/0xabc/countersignature", "supplier", winner), 422, "invalid_request")


def test_07_the_gateway_relays_the_suppliers_countersignature_and_the_advance_is_authorised(story):
    run = story["first"]
    body = countersign_body(story, run, story["keys"][WINNER])
    relayed = post(story, f"/escrows/{escrow_id(run)}/countersignature", "supplier", body)
    assert relayed.status_code == 201, relayed.text
    result = relayed.json()
    assert (result["status"], result["signer"], result["supplierId"]) == (
        "active",
        body["supplier"],
        run.winner,
    )
    advance = escrowlib.payment_id(story["escrow"].address, escrow_id(run), escrowlib.ADVANCE)
    assert result["advancePaymentId"] == Web3.to_hex(advance)
    assert story["payments"].functions.statusOf(advance).call() == AUTHORIZED
    escrow = story["client"].get(f"/escrows/{escrow_id(run)}").json()
    assert escrow["status"] == "active" and escrow["countersignNonce"] is None
    assert escrow["advancePayment"]["status"] == "authorized"
    assert escrow["advancePayment"]["amount"] == escrow["authorized"] == story["value"] // 10


def test_07b_a_suppliers_client_reads_the_countersign_domain_and_its_next_nonce(story):
    supplier = Account.from_key(story["keys"][WINNER]).address
    answer = story["client"].get(f"/escrows/signing/{supplier}").json()
    assert answer["domain"] == {
        "name": "Terang MilestoneEscrow",
        "version": "1",
        "chainId": 31337,
        "verifyingContract": story["escrow"].address,
    }
    assert answer["nonce"] == story["escrow"].functions.nonces(supplier).call() == 1  # after one countersign
    assert [f["name"] for f in answer["types"]["OpenDispute"]] == [
        "escrowId",
        "index",
        "evidenceHash",
        "nonce",
        "deadline",
    ]


# ------------------------------------------------------------------------------------ attestations


def test_08_only_listed_verifiers_attest_and_unknown_milestones_are_404(story):
    base = f"/escrows/{escrow_id(story['first'])}/milestones"
    bast_ = bast(story, f"BAST termin 1 {OCID}")
    problem(story["client"].post(f"{base}/0/attestations", json=bast_, headers=key()), 401, "unauthenticated")
    problem(post(story, f"{base}/0/attestations", "officer", bast_), 403, "forbidden_role")
    problem(post(story, f"{base}/2/attestations", "ani", bast_), 404, "not_found")
    problem(post(story, f"{base}/64/attestations", "ani", bast_), 422, "invalid_request")
    problem(post(story, f"{base}/-1/attestations", "ani", bast_), 422, "invalid_request")
    problem(
        post(story, f"{base}/0/attestations", "ani", {**bast_, "evidenceHash": "BAST"}),
        422,
        "invalid_request",
    )
    undated = {"evidenceHash": bast_["evidenceHash"]}
    problem(post(story, f"{base}/0/attestations", "ani", undated), 422, "invalid_request")
    # The evidence's date cannot be in the future (nor before the signing).
    future = {**bast_, "deliveredAt": bast_["deliveredAt"] + 10 * DAY}
    problem(post(story, f"{base}/0/attestations", "ani", future), 422, "EscrowInvalidDeliveryDate")
    problem(
        post(story, f"/escrows/{'0x' + 'cd' * 32}/milestones/0/attestations", "ani", bast_), 404, "not_found"
    )


def test_09_two_of_three_verifiers_attest_the_first_milestone_each_with_their_own_key(story):
    path = f"/escrows/{escrow_id(story['first'])}/milestones/0/attestations"
    bast_ = bast(story, f"BAST termin 1 {OCID}")
    accounts = story["scenario"].accounts
    first = post(story, path, "ani", bast_)
    assert first.status_code == 201, first.text
    assert (first.json()["verifier"], first.json()["attestations"], first.json()["status"]) == (
        accounts[PPHP_ANI],
        1,
        "pending",
    )
    assert first.json()["deliveredAt"] == bast_["deliveredAt"]
    problem(post(story, path, "ani", bast_), 409, "EscrowAlreadyAttested")
    second = post(story, path, "budi", bast_)
    assert second.status_code == 201, second.text
    assert (second.json()["verifier"], second.json()["attestations"], second.json()["status"]) == (
        accounts[PPHP_BUDI],
        2,
        "attested",
    )
    milestone = story["client"].get(f"/escrows/{escrow_id(story['first'])}/milestones/0").json()
    assert milestone["status"] == "attested" and milestone["attestedBy"] == [
        accounts[PPHP_ANI],
        accounts[PPHP_BUDI],
    ]
    assert milestone["deliveredAt"] == bast_["deliveredAt"]


def test_09b_the_committee_replaces_a_verifier_after_two_agencies_and_the_delay(story):
    accounts, escrow = story["scenario"].accounts, escrow_id(story["first"])
    path = f"/escrows/{escrow}/verifier-replacement"
    body = {"current": accounts[PPHP_CITRA], "successor": accounts[12], "reasonHash": h("mutasi pegawai")}
    problem(story["client"].post(path, json=body, headers=key()), 401, "unauthenticated")
    problem(post(story, path, "officer", body), 403, "forbidden_role")  # not the PPK alone
    problem(post(story, path, "committee", body), 403, "officer_claim_missing")  # no shared key
    problem(post(story, path, "lkpp", {**body, "successor": "0x12"}), 422, "invalid_request")
    problem(post(story, path, "lkpp", {**body, "current": accounts[12]}), 409, "EscrowNotVerifier")
    seated = {**body, "successor": accounts[PPHP_BUDI]}
    problem(post(story, path, "lkpp", seated), 422, "EscrowInvalidVerifier")
    proposed = post(story, path, "lkpp", body)
    assert [(c["act"], c["function"]) for c in proposed.json()["calls"]] == [
        ("escrow_verifier_replacement", "replaceVerifier")
    ]
    executed = committee_act(story, proposed)
    (replaced,) = [e["args"] for e in executed["events"] if e["event"] == "VerifierReplaced"]
    assert (replaced["successor"].lower(), replaced["restartedMask"]) == (
        accounts[12].lower(),
        0,
    )  # none attested
    read = story["client"].get(f"/escrows/{escrow}").json()
    assert read["verifiers"] == [accounts[PPHP_ANI], accounts[PPHP_BUDI], accounts[12]]
    assert (read["policyVersion"], read["originalValue"], read["multiYear"]) == (1, story["value"], False)


# ------------------------------------------------------------------------------------ approval


def test_10_approval_is_the_ppks_of_the_escrows_agency_and_needs_the_quorum(story):
    base = f"/escrows/{escrow_id(story['first'])}/milestones"
    problem(story["client"].post(f"{base}/0/approval", headers=key()), 401, "unauthenticated")
    problem(post(story, f"{base}/0/approval", "budi"), 403, "forbidden_role")
    problem(post(story, f"{base}/0/approval", "other_officer"), 403, "wrong_agency")
    problem(post(story, f"{base}/1/approval", "officer"), 409, "EscrowNotEnoughAttestations")
    problem(post(story, f"{base}/9/approval", "officer"), 404, "not_found")
    problem(post(story, f"/escrows/{'0x' + 'ef' * 32}/milestones/0/approval", "officer"), 404, "not_found")


def test_11_the_ppk_approves_and_the_net_payment_instruction_is_authorised(story):
    run = story["first"]
    approved = post(story, f"/escrows/{escrow_id(run)}/milestones/0/approval", "officer")
    assert approved.status_code == 200, approved.text
    result, value = approved.json(), story["value"]
    gross = value * 6000 // 10_000
    assert (result["gross"], result["retention"], result["penalty"]) == (gross, gross * 500 // 10_000, 0)
    assert result["advanceRepaid"] == gross * (value // 10) // value
    assert result["net"] == gross - result["retention"] - result["advanceRepaid"]
    payment = escrowlib.payment_id(story["escrow"].address, escrow_id(run), escrowlib.MILESTONE, 0)
    assert result["paymentId"] == Web3.to_hex(payment) and result["escrowCompleted"] is False
    assert story["payments"].functions.statusOf(payment).call() == AUTHORIZED
    milestone = story["client"].get(f"/escrows/{escrow_id(run)}/milestones/0").json()
    assert milestone["status"] == "approved"
    assert milestone["payment"] == {
        "paymentId": Web3.to_hex(payment),
        "status": "authorized",
        "attempt": 0,
        "amount": result["net"],
        "payeeKey": Web3.to_hex(escrowlib.payee_key(run.winner)),
    }
    problem(
        post(story, f"/escrows/{escrow_id(run)}/milestones/0/approval", "officer"),
        409,
        "EscrowWrongMilestoneStatus",
    )
    story["net0"] = result["net"]


# ------------------------------------------------------------------------------------ rejection, dispute


def test_12_the_second_milestone_is_attested_then_rejected_by_the_ppk_with_a_reason(story):
    base = f"/escrows/{escrow_id(story['first'])}/milestones/1"
    reason = {"reasonHash": h("BA pemeriksaan: panel tidak sesuai spesifikasi")}
    problem(post(story, f"{base}/rejection", "officer", reason), 409, "EscrowWrongMilestoneStatus")
    bast_ = bast(story, f"BAST termin 2 {OCID}")
    for who in ("budi", "ani"):
        assert post(story, f"{base}/attestations", who, bast_).status_code == 201
    problem(story["client"].post(f"{base}/rejection", json=reason, headers=key()), 401, "unauthenticated")
    problem(post(story, f"{base}/rejection", "ani", reason), 403, "forbidden_role")
    problem(post(story, f"{base}/rejection", "other_officer", reason), 403, "wrong_agency")
    problem(
        post(story, f"{base}/rejection", "officer", {"reasonHash": "tidak sesuai"}), 422, "invalid_request"
    )
    rejected = post(story, f"{base}/rejection", "officer", reason)
    assert rejected.status_code == 200, rejected.text
    assert rejected.json()["status"] == "rejected"
    assert story["client"].get(base).json()["status"] == "rejected"


def signed_dispute(
    story, signer: int, index: int = 1, legacy: bool = False, escrow: str | None = None
) -> str:
    """The supplier's own openDispute transaction, signed with its key (it pays its gas)."""
    w3, contract = story["scenario"].w3, story["escrow"]
    account = story["scenario"].accounts[signer]
    data = contract.encode_abi(
        "openDispute", [escrow or escrow_id(story["first"]), index, h("bukti sanggahan")]
    )
    tx = {
        "to": contract.address,
        "data": data,
        "gas": 300_000,
        "nonce": w3.eth.get_transaction_count(account),
    }
    if legacy:
        tx.update(gasPrice=w3.eth.gas_price * 2, chainId=31337)
    else:
        base_fee = w3.eth.get_block("latest")["baseFeePerGas"]
        tx.update(maxFeePerGas=2 * base_fee + 10**9, maxPriorityFeePerGas=10**9, chainId=31337, type=2)
    signed = Account.sign_transaction(tx, story["keys"][signer])
    return Web3.to_hex(signed.raw_transaction)


def test_13_a_dispute_must_be_the_winning_suppliers_own_transaction_for_this_milestone(story):
    path = f"/escrows/{escrow_id(story['first'])}/milestones/1/dispute"
    body = {"signedTransaction": signed_dispute(story, WINNER)}
    problem(story["client"].post(path, json=body), 401, "unauthenticated")
    without_key = story["client"].post(path, json=body, headers=story["supplier"])
    problem(without_key, 400, "idempotency_key_required")  # the one write path, like every write
    problem(post(story, path, "committee", body), 403, "forbidden_role")
    problem(post(story, path, "other_supplier", body), 403, "relay_not_own_supplier")
    problem(
        post(story, path, "supplier", {"signedTransaction": signed_dispute(story, OTHER_SUPPLIER)}),
        403,
        "EscrowNotSupplier",
    )
    wrong_index = {"signedTransaction": signed_dispute(story, WINNER, index=0, legacy=True)}
    problem(post(story, path, "supplier", wrong_index), 422, "signed_transaction_mismatch")
    other_escrow = {"signedTransaction": signed_dispute(story, WINNER, escrow=escrow_id(story["second"]))}
    problem(post(story, path, "supplier", other_escrow), 422, "signed_transaction_mismatch")
    problem(
        post(story, path, "supplier", {"signedTransaction": "0x02abcdef"}), 422, "invalid_signed_transaction"
    )
    problem(post(story, path, "supplier", {"signedTransaction": "kertas"}), 422, "invalid_request")
    approved = f"/escrows/{escrow_id(story['first'])}/milestones/0/dispute"  # approved without a penalty
    nothing = {"signedTransaction": signed_dispute(story, WINNER, index=0)}
    problem(post(story, approved, "supplier", nothing), 409, "EscrowNothingToDispute")


def dispute_signature(story, signer: int, index: int = 1, **changes) -> dict:
    """The supplier's EIP-712 OpenDispute of the first contract's milestone, as its client sends it."""
    supplier = Account.from_key(story["keys"][signer]).address
    signing = story["client"].get(f"/escrows/signing/{supplier}").json()
    signed = escrowlib.sign_open_dispute(
        story["keys"][signer],
        chain_id=signing["domain"]["chainId"],
        verifying_contract=signing["domain"]["verifyingContract"],
        escrow_id=escrow_id(story["first"]),
        index=index,
        evidence_hash=h("bukti sanggahan"),
        nonce=changes.pop("nonce", signing["nonce"]),
        deadline=changes.pop("deadline", story["scenario"].now() + 3_600),
    )
    body = {
        "supplier": signed.supplier,
        "evidenceHash": Web3.to_hex(signed.evidence_hash),
        "nonce": signed.nonce,
        "deadline": signed.deadline,
        "signature": Web3.to_hex(signed.signature),
    }
    return {**body, **changes}


def test_13b_a_signed_dispute_must_be_the_winning_suppliers_for_this_milestone_and_unspent(story):
    path = f"/escrows/{escrow_id(story['first'])}/milestones/1/dispute"
    problem(
        post(story, path, "other_supplier", dispute_signature(story, WINNER)), 403, "relay_not_own_supplier"
    )
    problem(post(story, path, "supplier", dispute_signature(story, OTHER_SUPPLIER)), 403, "EscrowNotSupplier")
    # A relayer bending the evidence, the milestone or the deadline breaks the signature.
    bent = dispute_signature(story, WINNER, evidenceHash=h("bukti lain"))
    problem(post(story, path, "supplier", bent), 422, "EscrowInvalidSigner")
    other_milestone = f"/escrows/{escrow_id(story['first'])}/milestones/0/dispute"
    problem(
        post(story, other_milestone, "supplier", dispute_signature(story, WINNER)), 422, "EscrowInvalidSigner"
    )
    stale = dispute_signature(story, WINNER, nonce=0)  # spent by the countersignature
    problem(post(story, path, "supplier", stale), 422, "EscrowInvalidNonce")
    expired = dispute_signature(story, WINNER, deadline=story["scenario"].now() - 60)
    problem(post(story, path, "supplier", expired), 409, "EscrowSignatureExpired")
    problem(post(story, path, "supplier", {**dispute_signature(story, WINNER), "signature": "0x12"}), 422)
    assert story["client"].get(f"/escrows/{escrow_id(story['first'])}/milestones/1").json()["status"] == (
        "rejected"
    )


def test_14_the_gateway_relays_the_suppliers_signed_dispute_once_and_the_supplier_holds_no_eth(story):
    path = f"/escrows/{escrow_id(story['first'])}/milestones/1/dispute"
    supplier = Account.from_key(story["keys"][WINNER]).address
    balance = story["scenario"].w3.eth.get_balance(supplier)
    body = dispute_signature(story, WINNER)
    same_key = key()
    opened = post(story, path, "supplier", body, headers=same_key)
    assert opened.status_code == 201, opened.text
    assert (opened.json()["kind"], opened.json()["evidenceHash"]) == ("rejection", h("bukti sanggahan"))
    replayed = post(story, path, "supplier", body, headers=same_key)
    assert replayed.headers.get("Idempotent-Replayed") == "true" and replayed.json() == opened.json()
    # The same signature under a new key: its nonce is spent, nothing is opened twice.
    problem(post(story, path, "supplier", body), 422, "EscrowInvalidNonce")
    # The supplier's own transaction is still accepted as a form, and now finds nothing to dispute.
    own = {"signedTransaction": signed_dispute(story, WINNER, legacy=True)}
    problem(post(story, path, "supplier", own), 409, "EscrowNothingToDispute")
    assert (
        story["client"].get(f"/escrows/{escrow_id(story['first'])}/milestones/1").json()["status"]
        == "disputed"
    )
    assert story["scenario"].w3.eth.get_balance(supplier) == balance  # the relayer paid the gas


def committee_act(story, proposed) -> dict:
    """A proposal answered by an act's URL, approved by a second member agency, scheduled, and
    executed after the hub's delay: the execution's answer. One member agency alone is refused."""
    assert proposed.status_code == 201, proposed.text
    base = f"/committee/proposals/{proposed.json()['proposalId']}"
    problem(post(story, f"{base}/schedule", "lkpp"), 409, "CommitteeNotEnoughApprovals")
    assert post(story, f"{base}/approvals", "kemenkeu").status_code == 200
    scheduled = post(story, f"{base}/schedule", "lkpp")
    assert scheduled.status_code == 200, scheduled.text
    assert scheduled.json()["executableAt"] > story["scenario"].now()
    problem(post(story, f"{base}/execution", "lkpp"), 409, "CommitteeNotReady")
    travel(story, 61)
    executed = post(story, f"{base}/execution", "kemenkeu")
    assert executed.status_code == 200, executed.text
    return executed.json()


def test_15_the_committee_overturns_the_rejection_after_two_agencies_and_the_delay_which_pays(story):
    base = f"/escrows/{escrow_id(story['first'])}/milestones/1/dispute-resolution"
    decision = {"overturn": True, "decisionHash": h("putusan komite: panel sesuai")}
    problem(story["client"].post(base, json=decision, headers=key()), 401, "unauthenticated")
    problem(post(story, base, "officer", decision), 403, "forbidden_role")
    problem(post(story, base, "committee", decision), 403, "officer_claim_missing")  # no shared key
    problem(post(story, base, "lkpp", {"overturn": "mungkin"}), 422, "invalid_request")
    problem(
        post(
            story,
            f"/escrows/{escrow_id(story['first'])}/milestones/0/dispute-resolution",
            "lkpp",
            decision,
        ),
        409,
        "EscrowNoOpenDispute",
    )
    proposed = post(story, base, "lkpp", decision)
    assert [(c["act"], c["function"]) for c in proposed.json()["calls"]] == [
        ("escrow_dispute_resolution", "resolveDispute")
    ]
    executed = committee_act(story, proposed)
    (resolved,) = [e["args"] for e in executed["events"] if e["event"] == "DisputeResolved"]
    payment = escrowlib.payment_id(story["escrow"].address, escrow_id(story["first"]), escrowlib.MILESTONE, 1)
    assert resolved["overturned"] and resolved["paymentId"] == Web3.to_hex(payment)
    assert "EscrowCompleted" in [e["event"] for e in executed["events"]]
    assert story["payments"].functions.statusOf(payment).call() == AUTHORIZED
    escrow = story["client"].get(f"/escrows/{escrow_id(story['first'])}").json()
    assert escrow["status"] == "completed" and escrow["advanceOutstanding"] == 0
    assert [m["status"] for m in escrow["milestones"]] == ["approved", "approved"]
    assert escrow["retentionHeld"] == sum(m["amount"] * 500 // 10_000 for m in escrow["milestones"])


# ------------------------------------------------------------------------------------ payments


def test_16_the_ppk_retries_a_payment_the_bank_failed(story):
    run, payments = story["first"], story["payments"]
    path = f"/escrows/{escrow_id(run)}/payment-retries"
    payment = escrowlib.payment_id(story["escrow"].address, escrow_id(run), escrowlib.MILESTONE, 0)
    story["scenario"].send(payments.functions.fail(payment, 0, h("BANK_REJECTED")), TREASURY)
    retry = {"kind": "milestone", "index": 0}
    problem(story["client"].post(path, json=retry, headers=key()), 401, "unauthenticated")
    problem(post(story, path, "committee", retry), 403, "forbidden_role")
    problem(post(story, path, "other_officer", retry), 403, "wrong_agency")
    problem(post(story, path, "officer", {"kind": "bonus", "index": 0}), 422, "invalid_request")
    problem(post(story, path, "officer", {"kind": "advance"}), 409, "PaymentWrongStatus")  # not failed
    problem(
        post(story, path, "officer", {"kind": "penalty_refund", "index": 1}), 404, "PaymentUnknownInstruction"
    )
    retried = post(story, path, "officer", retry)
    assert retried.status_code == 200, retried.text
    assert (retried.json()["status"], retried.json()["attempt"], retried.json()["amount"]) == (
        "authorized",
        1,
        story["net0"],
    )
    assert payments.functions.statusOf(payment).call() == AUTHORIZED


def test_17_the_retention_is_released_only_after_the_maintenance_period(story):
    path = f"/escrows/{escrow_id(story['first'])}/retention-release"
    problem(story["client"].post(path, headers=key()), 401, "unauthenticated")
    problem(post(story, path, "budi"), 403, "forbidden_role")
    problem(post(story, path, "other_officer"), 403, "wrong_agency")
    problem(post(story, path, "officer"), 409, "EscrowMaintenanceNotOver")
    held = story["client"].get(f"/escrows/{escrow_id(story['first'])}").json()["retentionHeld"]
    travel(story, 7 * DAY)
    released = post(story, path, "officer")
    assert released.status_code == 200, released.text
    assert released.json()["amount"] == held
    escrow = story["client"].get(f"/escrows/{escrow_id(story['first'])}").json()
    assert escrow["retentionReleased"] and escrow["retentionPayment"]["status"] == "authorized"
    assert escrow["remaining"] == 0 and escrow["authorized"] == escrow["value"]  # everything authorised
    problem(post(story, path, "officer"), 409, "EscrowRetentionAlreadyReleased")


# ------------------------------------------------------------------------------------ termination


def test_18_after_its_final_award_the_second_tender_gets_a_contract_with_other_verifiers(story):
    run, scenario = story["second"], story["scenario"]
    deadline = scenario.tender_data(run.tender_id)["objectionDeadline"]
    scenario.sleep_until(deadline + 1)
    scenario.send(scenario.tenders.functions.finalizeAward(run.tender_id), 19)
    verifiers = [scenario.accounts[i] for i in (PPHP_BUDI, PPHP_CITRA)]
    body = {
        **creation(story, run, verifiers=verifiers, quorum=1, advanceAmount=0),
        "ocid": None,
        "tenderId": escrow_id(run),
    }
    created = post(story, "/escrows", "officer", body)
    assert created.status_code == 201, created.text
    assert created.json()["ocid"] is None and created.json()["escrowId"] == escrow_id(run)


def test_19_a_verifier_not_listed_on_the_contract_cannot_attest_it(story):
    path = f"/escrows/{escrow_id(story['second'])}/milestones/0/attestations"
    problem(post(story, path, "ani", bast(story, "BAST")), 403, "EscrowNotVerifier")
    problem(post(story, path, "budi", bast(story, "BAST")), 409, "EscrowWrongStatus")  # not countersigned


def test_20_the_committee_terminates_the_second_contract_after_two_agencies_and_the_delay(story):
    path = f"/escrows/{escrow_id(story['second'])}/termination"
    reason = {"reasonHash": h("putusan komite: pemutusan kontrak")}
    problem(story["client"].post(path, json=reason, headers=key()), 401, "unauthenticated")
    problem(post(story, path, "officer", reason), 403, "forbidden_role")
    problem(post(story, path, "lkpp", {"reasonHash": "0x00"}), 422, "invalid_request")
    problem(post(story, f"/escrows/{'0x' + '99' * 32}/termination", "lkpp", reason), 404, "not_found")
    problem(
        post(story, f"/escrows/{escrow_id(story['first'])}/termination", "lkpp", reason),
        409,
        "EscrowWrongStatus",
    )
    proposed = post(story, path, "lkpp", reason)
    executed = committee_act(story, proposed)
    story["termination_proposal"] = proposed.json()["proposalId"]
    assert "EscrowTerminated" in [e["event"] for e in executed["events"]]
    assert story["client"].get(f"/escrows/{escrow_id(story['second'])}").json()["status"] == "terminated"
    body = countersign_body(story, story["second"], story["keys"][WINNER])
    problem(
        post(story, f"/escrows/{escrow_id(story['second'])}/countersignature", "supplier", body),
        409,
        "EscrowWrongStatus",
    )


# ------------------------------------------------------------------------------------ reads


def test_21_reads_of_unknown_or_malformed_ids_are_problems(story):
    client, known = story["client"], escrow_id(story["first"])
    problem(client.get(f"/escrows/{'0x' + '77' * 32}"), 404, "not_found")
    problem(client.get("/escrows/not-an-id"), 422, "invalid_request")
    problem(client.get(f"/escrows/{known}/milestones/2"), 404, "not_found")
    problem(client.get(f"/escrows/{known}/milestones/64"), 422, "invalid_request")
    problem(client.get(f"/escrows/{known}/milestones/satu"), 422, "invalid_request")
    problem(client.get(f"/escrows/{'0x' + '77' * 32}/milestones/0"), 404, "not_found")


def test_22_every_escrow_request_body_has_an_openapi_example(story):
    spec = story["client"].get("/openapi.json").json()
    schemas = spec["components"]["schemas"]
    bodies = set()
    for path, operations in spec["paths"].items():
        for operation in operations.values():
            content = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
            if path.startswith("/escrows") and content:
                schema = content["schema"]
                for ref in [schema] if "$ref" in schema else schema["anyOf"]:  # a body of two forms
                    bodies.add(ref["$ref"].rsplit("/", 1)[1])
    assert len(bodies) == 10, bodies
    assert all(schemas[name].get("examples") for name in bodies), bodies


def test_23_the_tender_timeline_links_the_termination_to_its_committee_proposal(story, settings):
    """The explorer, its indexer caught up: the termination step names the proposal it executed."""
    head = int(rpc(story["chain_url"], "eth_blockNumber"), 16)
    with TestClient(create_app(settings.model_copy(update={"indexer_enabled": True}))) as web:
        wait_until_indexed(lambda: web.get("/health").json(), head)
        page = web.get(f"/explorer/tenders/{OCID2}", params={"lang": "en"}).text
    proposal = story["termination_proposal"]
    step = re.search(r'<li class="step [^"]*" data-step="termination">(.*?)</li>', page, re.S).group(1)
    assert f'href="/explorer/committee/{proposal}">Proposal #{proposal}</a>' in step
