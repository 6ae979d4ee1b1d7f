"""No withheld bids, through REST: a lowest-price tender whose cheapest bidder, a supplier bidding
through its gateway-managed key, never opens its bid. Each Pokja member made its envelope key with
its own tool (`python -m app.tenders.pokja keygen`), and after the reveal deadline two members each
decrypt their share of the bid's envelope with that tool (`share`, against a gateway process) and
the quorum opens the bid: the withheld bid is evaluated like any other and wins. Before that: a
share short of the quorum, a share that is not genuine, a non-member, an officer whose key the
gateway does not hold and an officer of another agency are refused with problems and nothing
reaches the chain; the decrypted opening is never logged. A Pokja member declares a bid
non-compliant (gugur) and withdraws another's domestic preference; the award is final after the
objection window."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import uuid

import pytest
from eth_account import Account
from eth_utils import function_abi_to_4byte_selector
from fastapi.testclient import TestClient
from web3 import Web3

from app.auth import devissuer
from app.protocol import bids
from app.protocol.manifest import load_manifest
from app.tenders.envelope import public_key_of
from app.tenders.opening_codec import encode_opening
from tests.gateway.test_api_managed_bids import node_requests
from tests.support.clock import key, now, travel_to
from tests.support.documented import documented
from tests.support.gateway_process import gateway_process
from tests.support.localchain import ROOT, rpc
from tests.support.plans import planned
from tests.support.pokja import KPA, POKJA, Pokja, dev_address, officer_token

OCID = f"ocds-terang-1001-pokja-{uuid.uuid4().hex[:8]}"
HPS = 2_000_000_000
PRODUCT = Web3.keccak(text=f"ecatalogue:{OCID}:trafo")
HOLDOUT_PRICE, RIVAL_PRICE, GUGUR_PRICE = 1_600_000_000, 1_750_000_000, 1_650_000_000
TOOL = [sys.executable, "-m", "app.tenders.pokja"]


def tool(*args: str) -> subprocess.CompletedProcess:
    """The member tool as a member runs it."""
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run([*TOOL, *args], cwd=ROOT, capture_output=True, text=True, timeout=120, env=env)


def one_line_error(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 2 and result.stdout == "", result
    assert "Traceback" not in result.stderr and result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("python -m app.tenders.pokja: error: ")
    return result.stderr


@pytest.fixture(scope="module")
def reader_url(chain_url, manifest_dir, signers_file, issuer_dir, tmp_path_factory):
    """A gateway process on the same chain, for the member tool's reads (envelope, Pokja)."""
    folder = tmp_path_factory.mktemp("reader")
    env = {
        "TERANG_RPC_URL": chain_url,
        "TERANG_CHAIN_ID": "31337",
        "TERANG_MANIFEST_DIR": str(manifest_dir),
        "TERANG_DATABASE_URL": f"sqlite:///{folder / 'gateway.db'}",
        "TERANG_SIGNERS_FILE": str(signers_file),
        "TERANG_JWT_PUBLIC_KEY_FILE": str(issuer_dir / "public.pem"),
        "TERANG_KEYRING_FILE": str(folder / "keyring.json"),
        "TERANG_ENVIRONMENT": "test",
        "TERANG_INDEXER_ENABLED": "false",
    }
    with gateway_process(env, folder / "gateway.log") as (base, _process):
        yield base


@pytest.fixture(scope="module")
def story(app, token, chain_url, manifest_dir, issuer_dir, tmp_path_factory):
    manifest = load_manifest(manifest_dir / "31337.json")
    web3 = Web3(Web3.HTTPProvider(chain_url))
    tenders = web3.eth.contract(address=manifest.address("Tenders"), abi=manifest.contracts["Tenders"].abi)
    with TestClient(app) as client:
        yield {
            "client": client,
            "token": token,
            "chain_url": chain_url,
            "tenders": tenders,
            "keys": tmp_path_factory.mktemp("member-keys"),
            "pokja": Pokja(chain_url, issuer_dir),
            "issuer_dir": issuer_dir,
            "officer": token("AGENCY_OFFICER", agency=1001, sub="ppk-ikn"),
            "self_signing": {name: Account.create() for name in ("rival", "gugur")},
        }


def tx_count(story, address: str) -> int:
    return int(rpc(story["chain_url"], "eth_getTransactionCount", [address, "latest"]), 16)


def bid_status(story, supplier_id: int) -> str:
    return story["client"].get(f"/tenders/{OCID}/bids/{supplier_id}").json()["status"]


# ------------------------------------------------------------------------------------ the member tool


def test_1_each_member_makes_its_key_with_its_own_tool_and_the_ppk_appoints_the_pokja(story):
    folder, pokja = story["keys"], story["pokja"]
    for member in POKJA:
        path = folder / f"member-{member}.json"
        made = tool("keygen", "--out", str(path))
        assert made.returncode == 0, made.stderr
        public = made.stdout.strip()
        assert path.stat().st_mode & 0o777 == 0o600
        document = json.loads(path.read_text())
        private = bytes.fromhex(document["privateKey"][2:])
        assert public == document["publicKey"] == Web3.to_hex(public_key_of(private))
        assert document["privateKey"][2:] not in made.stdout  # only the public key is printed
        pokja.keys[member] = (private, bytes.fromhex(public[2:]))
    _announce(story)
    appointed = pokja.appoint(story["client"], OCID)
    assert appointed.status_code == 201, appointed.text
    assert documented(appointed)["encryptionKeys"] == pokja.appointment()["encryptionKeys"]


def _announce(story) -> None:
    certificate = {
        "productId": Web3.to_hex(PRODUCT),
        "tkdnBps": 6000,
        "bmpBps": 1000,
        "validUntil": now(story["chain_url"]) + 365 * 86400,
        "certificateHash": "0x" + "61" * 32,
    }
    certified = story["client"].post(
        "/tkdn/certificates", json=certificate, headers={**story["token"]("TKDN_CERTIFIER"), **key()}
    )
    assert certified.status_code == 201, certified.text
    start = now(story["chain_url"])
    body = {
        "ocid": OCID,
        "title": "Trafo distribusi 20 kV gardu induk Sepaku",
        "documentHash": "0x" + "62" * 32,
        "agencyId": 1001,
        "hps": HPS,
        "category": 0,
        "preferenceBps": 2500,
        "commitDeadline": start + 3 * 86400,
        "revealDeadline": start + 4 * 86400,
        "objectionWindow": 5 * 86400,
        "minValidBids": 2,
    }
    announced = story["client"].post(
        "/tenders", json=planned(story["client"], body), headers={**story["officer"], **key()}
    )
    assert announced.status_code == 201, announced.text
    story["deadlines"] = (body["commitDeadline"], body["revealDeadline"])


def test_2_the_tool_never_acts_on_help_never_replaces_a_key_and_fails_in_one_line(story, tmp_path):
    helped = tool("keygen", "--help")
    assert helped.returncode == 0 and "--out" in helped.stdout
    assert list(tmp_path.iterdir()) == []
    existing = story["keys"] / f"member-{POKJA[0]}.json"
    before = existing.read_text()
    assert "never replaced" in one_line_error(tool("keygen", "--out", str(existing)))
    assert existing.read_text() == before
    missing = tool(
        "share", "--key", str(tmp_path / "none.json"), "--member-index", "1", "--ocid", OCID,
        "--supplier-id", "1", "--gateway", "http://127.0.0.1:9",
    )  # fmt: skip
    assert "no key file" in one_line_error(missing)
    assert "must be 1 or more" in one_line_error(tool("share", "--member-index", "0"))


# ------------------------------------------------------------------------------------ the bids


def _register(story, account: str, n: int) -> int:
    client, token = story["client"], story["token"]
    body = {
        "account": account,
        "nib": f"91400{uuid.uuid4().int % 10**8:08d}",
        "npwp": f"0334567890{n}01000",
        "umkm": False,
        "regionCode": 6409,
    }
    created = client.post("/suppliers", json=body, headers={**story["officer"], **key()})
    assert created.status_code == 201, created.text
    supplier_id = created.json()["supplierId"]
    verified = client.post(
        f"/suppliers/{supplier_id}/verification", headers={**token("AGENCY_OFFICER", agency=1002), **key()}
    )
    assert verified.status_code == 200, verified.text
    return supplier_id


def _relay_commit(story, name: str, price: int, products: list) -> dict:
    account, supplier_id = story["self_signing"][name], story["ids"][name]
    salt = bids.new_salt()
    commitment = bids.commitment(bids.tender_id(OCID), supplier_id, price, products, salt)
    sealed = story["pokja"].seal(
        OCID, supplier_id, encode_opening(price, bids.normalise_products(products), salt, bytes(32))
    )
    signed = bids.sign_commit(
        account.key,
        chain_id=31337,
        verifying_contract=story["tenders"].address,
        tender=bids.tender_id(OCID),
        bid_commitment=commitment,
        envelope_digest=bids.envelope_hash(sealed),
        nonce=story["tenders"].functions.nonces(account.address).call(),
        deadline=now(story["chain_url"]) + 3600,
    )
    body = {
        "supplier": account.address,
        "commitment": Web3.to_hex(commitment),
        "envelope": Web3.to_hex(sealed),
        "nonce": signed.nonce,
        "deadline": signed.deadline,
        "signature": Web3.to_hex(signed.signature),
    }
    relayed = story["client"].post(
        f"/tenders/{OCID}/bids/commitments",
        json=body,
        headers={**story["token"](supplier=supplier_id, sub=name), **key()},
    )
    assert relayed.status_code == 201, relayed.text
    seq = relayed.json()["commitSeq"]
    return {
        "commitment": commitment,
        "opening": bids.opening(price, products, salt, seq, bids.envelope_hash(sealed)),
    }


def test_3_a_managed_holdout_and_two_self_signing_suppliers_commit_sealed_bids(story):
    client, token = story["client"], story["token"]
    ids = {
        name: _register(story, account.address, n)
        for n, (name, account) in enumerate(story["self_signing"].items())
    }
    holdout = max(ids.values()) + 1  # the registry's next id: nothing else registers meanwhile
    supplier = token(supplier=holdout, sub="cv-holdout")
    made = client.post(f"/suppliers/{holdout}/managed-key", headers=supplier)
    assert made.status_code == 201, made.text
    assert _register(story, made.json()["address"], 3) == holdout
    story.update(ids={**ids, "holdout": holdout}, holdout_token=supplier)
    committed = client.post(
        f"/tenders/{OCID}/bids/managed", json={"price": HOLDOUT_PRICE}, headers={**supplier, **key()}
    )
    assert committed.status_code == 201, committed.text
    story["sealed"] = {
        "rival": _relay_commit(story, "rival", RIVAL_PRICE, [(PRODUCT, 10_000)]),
        "gugur": _relay_commit(story, "gugur", GUGUR_PRICE, []),
    }
    assert documented(client.get(f"/tenders/{OCID}"))["numberOfTenderers"] == 3


def test_4_the_self_signing_suppliers_open_their_bids_and_the_holdout_does_not(story):
    client, tenders = story["client"], story["tenders"]
    travel_to(story["chain_url"], story["deadlines"][0] + 1)
    for name in ("rival", "gugur"):
        account, sealed = story["self_signing"][name], story["sealed"][name]
        signed = bids.sign_reveal(
            account.key,
            chain_id=31337,
            verifying_contract=tenders.address,
            tender=bids.tender_id(OCID),
            bid_commitment=sealed["commitment"],
            nonce=tenders.functions.nonces(account.address).call(),
            deadline=now(story["chain_url"]) + 3600,
        )
        price, products, salt, bond, seq, digest = sealed["opening"]
        body = {
            "supplier": account.address,
            "nonce": signed.nonce,
            "deadline": signed.deadline,
            "signature": Web3.to_hex(signed.signature),
            "opening": {
                "price": price,
                "products": [{"productId": Web3.to_hex(p), "shareBps": s} for p, s in products],
                "salt": Web3.to_hex(salt),
                "bidBondRef": Web3.to_hex(bond),
                "commitSeq": seq,
                "envelopeHash": Web3.to_hex(digest),
            },
        }
        opened = client.post(
            f"/tenders/{OCID}/bids/reveals",
            json=body,
            headers={**story["token"](supplier=story["ids"][name], sub=name), **key()},
        )
        assert opened.status_code == 201, opened.text
    rival = documented(client.get(f"/tenders/{OCID}/bids/{story['ids']['rival']}"))
    # HEA = (1 - 60% x 25%) x 1.75 miliar = 1.4875 miliar: the rival would beat the holdout's 1.6
    assert (rival["tkdnBps"], rival["hea"]) == (6000, 1_487_500_000)


def test_5_before_the_reveal_deadline_the_quorum_may_not_open_a_bid(story):
    """Until the reveal deadline the supplier may still open its own bid: a quorum opening then is
    refused before any share is combined, and nothing reaches the chain."""
    pokja, holdout = story["pokja"], story["ids"]["holdout"]
    sealed = documented(story["client"].get(f"/tenders/{OCID}/bids/{holdout}/envelope"))
    raw = bytes.fromhex(sealed["envelope"][2:])
    assert (sealed["quorum"], sealed["members"], sealed["envelopeHash"]) == (
        2,
        3,
        Web3.to_hex(bids.envelope_hash(raw)),
    )
    shares = [pokja.share(m, raw, OCID, holdout) for m in POKJA[:2]]
    early = story["client"].post(
        f"/tenders/{OCID}/bids/{holdout}/quorum-opening",
        json={"shares": shares},
        headers={**pokja.token(POKJA[0]), **key()},
    )
    assert early.status_code == 409 and early.json()["code"] == "TenderRevealNotOver", early.text
    assert bid_status(story, holdout) == "sealed"


# ------------------------------------------------------------------------------------ the quorum


def test_6_after_the_reveal_deadline_two_members_decrypt_their_shares_with_their_own_tool(story, reader_url):
    travel_to(story["chain_url"], story["deadlines"][1] + 1)
    holdout, folder = story["ids"]["holdout"], story["keys"]
    story["shares"] = {}
    for member in (POKJA[0], POKJA[2]):
        index = story["pokja"].index(member)
        result = tool(
            "share", "--key", str(folder / f"member-{member}.json"), "--member-index", str(index),
            "--ocid", OCID, "--supplier-id", str(holdout), "--gateway", reader_url,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        share = json.loads(result.stdout)
        assert share["index"] == index and len(bytes.fromhex(share["value"][2:])) == 16
        story["shares"][member] = share
    # A member's key used under another member's index is refused by the tool: it is not that key.
    wrong = tool(
        "share", "--key", str(folder / f"member-{POKJA[1]}.json"), "--member-index", "1",
        "--ocid", OCID, "--supplier-id", str(holdout), "--gateway", reader_url,
    )  # fmt: skip
    assert "is not the key of member 1" in one_line_error(wrong)


def test_7_fewer_shares_than_the_quorum_or_a_share_not_genuine_opens_nothing(story, app):
    client, holdout, member = story["client"], story["ids"]["holdout"], POKJA[2]
    path, headers = f"/tenders/{OCID}/bids/{holdout}/quorum-opening", story["pokja"].token(member)
    first, third = story["shares"][POKJA[0]], story["shares"][POKJA[2]]
    sent_before = tx_count(story, dev_address(story["chain_url"], member))
    altered = {**third, "value": Web3.to_hex(bytes(b ^ 1 for b in bytes.fromhex(third["value"][2:])))}
    open_selector = function_abi_to_4byte_selector(
        story["tenders"].get_function_by_name("openSealedBid").abi
    ).hex()
    with node_requests(app) as requests:
        for shares, code in (
            ([first], "quorum_shares_too_few"),
            ([first, first], "quorum_shares_too_few"),  # one member's share twice is one share
            ([first, altered], "quorum_shares_invalid"),
            ([first, {**third, "index": 2}], "quorum_shares_invalid"),  # member 3's share as member 2's
        ):
            refused = client.post(path, json={"shares": shares}, headers={**headers, **key()})
            assert refused.status_code == 422 and refused.json()["code"] == code, refused.text
            assert refused.json()["title"]
    assert not [r for r in requests if open_selector in r], "an opening reached the node"
    assert tx_count(story, dev_address(story["chain_url"], member)) == sent_before
    assert bid_status(story, holdout) == "sealed"


def test_8_only_a_pokja_member_signing_with_its_own_key_may_send_the_opening(story):
    client, holdout = story["client"], story["ids"]["holdout"]
    body = {"shares": [story["shares"][POKJA[0]], story["shares"][POKJA[2]]]}
    path, chain_url, issuer = (
        f"/tenders/{OCID}/bids/{holdout}/quorum-opening",
        story["chain_url"],
        story["issuer_dir"],
    )
    stranger = Account.create().address  # an account the gateway holds no key for
    unheld = devissuer.issue("pokja-unheld", ["AGENCY_OFFICER"], 1001, folder=issuer, officer=stranger)
    for headers, code in (
        (
            officer_token(issuer, chain_url, KPA, sub="kpa-ikn"),
            "TenderNotPokjaMember",
        ),  # an officer, key held
        ({"Authorization": f"Bearer {unheld}"}, "officer_key_unavailable"),
        (story["officer"], "TenderNotPokjaMember"),  # the PPK, with its own key, outside the Pokja
        (officer_token(issuer, chain_url, None, sub="ppk-ikn"), "officer_claim_missing"),  # no official
        (officer_token(issuer, chain_url, 6, agency=1002, sub="pokja-pu"), "wrong_agency"),
        (story["holdout_token"], "forbidden_role"),
    ):
        refused = client.post(path, json=body, headers={**headers, **key()})
        assert refused.status_code == 403 and refused.json()["code"] == code, refused.text
    assert bid_status(story, holdout) == "sealed"


def test_9_two_members_shares_open_the_withheld_bid_and_the_opening_is_never_logged(story):
    client, holdout, member = story["client"], story["ids"]["holdout"], POKJA[2]
    body = {"shares": [story["shares"][POKJA[0]], story["shares"][POKJA[2]]]}
    headers = {**story["pokja"].token(member), **key()}
    seen: list[str] = []

    class Everything(logging.Handler):
        """Every record of the request's handling. Not the in-process indexer's: once the opening is
        on chain its price is public, and the indexer reading the new events may log them."""

        def emit(self, record: logging.LogRecord) -> None:
            if record.threadName != "terang-indexer":
                seen.append(json.dumps({**record.__dict__, "msg": record.getMessage()}, default=str))

    root, handler = logging.getLogger(), Everything(level=logging.DEBUG)
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        opened = client.post(f"/tenders/{OCID}/bids/{holdout}/quorum-opening", json=body, headers=headers)
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
    assert opened.status_code == 201, opened.text
    answer = documented(opened)
    assert (answer["supplierId"], answer["price"], answer["hea"]) == (holdout, HOLDOUT_PRICE, HOLDOUT_PRICE)
    assert (answer["openedBy"], answer["bidBondClaimed"]) == (dev_address(story["chain_url"], member), 0)
    retried = client.post(f"/tenders/{OCID}/bids/{holdout}/quorum-opening", json=body, headers=headers)
    assert retried.headers["Idempotent-Replayed"] == "true" and retried.json() == opened.json()
    sent = rpc(story["chain_url"], "eth_getTransactionByHash", [answer["transactionHash"]])
    _, args = story["tenders"].decode_function_input(sent["input"])
    salt = bytes(args["opening"]["salt"])
    secrets = (salt.hex(), repr(salt)[2:-1], str(HOLDOUT_PRICE), hex(HOLDOUT_PRICE)[2:])
    leaked = [line[:300] for line in seen if any(s in line for s in secrets)]
    assert seen and not leaked, f"the opening was logged: {leaked}"
    assert documented(client.get(f"/tenders/{OCID}/bids/{holdout}"))["status"] == "valid"
    again = client.post(
        f"/tenders/{OCID}/bids/{holdout}/quorum-opening", json=body, headers={**headers, **key()}
    )
    assert again.status_code == 409 and again.json()["code"] == "TenderBidAlreadyRevealed", again.text


def test_10_a_member_declares_a_bid_gugur_and_withdraws_a_false_preference(story):
    client, pokja, ids = story["client"], story["pokja"], story["ids"]
    evidence = Web3.to_hex(Web3.keccak(text="berita acara evaluasi teknis: spesifikasi trafo tidak sesuai"))
    path = f"/tenders/{OCID}/bids/{ids['gugur']}/non-compliance"
    outsider = client.post(
        path,
        json={"reason": "technical", "evidenceHash": evidence},
        headers={**officer_token(story["issuer_dir"], story["chain_url"], KPA, sub="kpa-ikn"), **key()},
    )
    assert outsider.status_code == 403 and outsider.json()["code"] == "TenderNotPokjaMember", outsider.text
    for reason in ("none", "late"):
        malformed = client.post(
            path,
            json={"reason": reason, "evidenceHash": evidence},
            headers={**pokja.token(POKJA[1]), **key()},
        )
        assert malformed.status_code == 422 and malformed.json()["code"] == "invalid_request"
    declared = client.post(
        path,
        json={"reason": "technical", "evidenceHash": evidence},
        headers={**pokja.token(POKJA[1]), **key()},
    )
    assert declared.status_code == 200, declared.text
    assert {k: documented(declared)[k] for k in ("supplierId", "reason", "evidenceHash")} == {
        "supplierId": ids["gugur"],
        "reason": "technical",
        "evidenceHash": evidence,
    }
    assert bid_status(story, ids["gugur"]) == "disqualified"
    assert documented(client.get(f"/tenders/{OCID}"))["validBids"] == 2

    fraud = Web3.to_hex(Web3.keccak(text="sertifikat TKDN produk trafo dicabut: dokumen palsu"))
    withdrawn = client.post(
        f"/tenders/{OCID}/bids/{ids['rival']}/preference-withdrawal",
        json={"evidenceHash": fraud},
        headers={**pokja.token(POKJA[1]), **key()},
    )
    assert withdrawn.status_code == 200, withdrawn.text
    assert (documented(withdrawn)["hea"], withdrawn.json()["evidenceHash"]) == (RIVAL_PRICE, fraud)
    assert documented(client.get(f"/tenders/{OCID}/bids/{ids['rival']}"))["hea"] == RIVAL_PRICE


def test_11_the_withheld_bid_wins_and_the_award_is_final_after_the_objection_window(story):
    client, ids = story["client"], story["ids"]
    evaluated = client.post(
        f"/tenders/{OCID}/evaluation", json={}, headers={**story["pokja"].token(POKJA[1]), **key()}
    )
    assert evaluated.status_code == 200, evaluated.text
    proposal = documented(evaluated)["awardProposed"]
    assert (proposal["supplierId"], proposal["price"], proposal["validBids"]) == (
        ids["holdout"],
        HOLDOUT_PRICE,
        2,
    )
    assert evaluated.json()["notOpened"] == []
    tender = documented(client.get(f"/tenders/{OCID}"))
    travel_to(story["chain_url"], tender["objectionDeadline"] + 1)
    final = client.post(f"/tenders/{OCID}/award", headers={**story["officer"], **key()})
    assert final.status_code == 200, final.text
    assert (documented(final)["supplierId"], final.json()["value"]) == (ids["holdout"], HOLDOUT_PRICE)


POKJA_WRITES = [
    ("post", "/tenders/{ocid}/bids/{supplier_id}/quorum-opening", "QuorumOpening", "BidOpenedByPokja"),
    ("post", "/tenders/{ocid}/score-sheets", "ScoreSheet", "ScoreSheetSealed"),
    ("post", "/tenders/{ocid}/score-sheets/open", None, "ScoreSheetOpened"),
    (
        "post",
        "/tenders/{ocid}/bids/{supplier_id}/non-compliance",
        "NonComplianceDeclaration",
        "BidDeclaredNonCompliant",
    ),
    (
        "post",
        "/tenders/{ocid}/bids/{supplier_id}/preference-withdrawal",
        "PreferenceWithdrawal",
        "PreferenceWithdrawn",
    ),
    (
        "post",
        "/tenders/{ocid}/objections/{objection_id}/appeal/answer",
        "ObjectionAnswer",
        "TenderAppealAnswered",
    ),
]


@pytest.mark.parametrize("method,path,request_model,answer", POKJA_WRITES, ids=[w[1] for w in POKJA_WRITES])
def test_the_openapi_document_lists_each_pokja_act_with_its_problems(
    app, method, path, request_model, answer
):
    operation = app.openapi()["paths"][path][method]
    success = next(a for s, a in operation["responses"].items() if s.startswith("2"))
    assert success["content"]["application/json"]["schema"]["$ref"].endswith(f"/{answer}")
    if request_model:
        assert operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith(
            f"/{request_model}"
        )
    assert {"400", "401", "403", "404", "409", "422", "502", "503", "504"} <= set(operation["responses"])
    forbidden = operation["responses"]["403"]
    assert (
        "TenderNotPokjaMember" in forbidden["description"]
        or "TenderAppealByPokja" in forbidden["description"]
    )
    assert "officer_key_unavailable" in forbidden["description"]
    assert forbidden["content"] == {
        "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
    }
    headers = {p["name"]: p for p in operation["parameters"] if p["in"] == "header"}
    assert headers["Idempotency-Key"]["required"] is True


def test_the_openapi_document_lists_the_public_pokja_reads_and_the_appointment(app):
    paths = app.openapi()["paths"]
    for path in ("/tenders/{ocid}/pokja", "/tenders/{ocid}/bids/{supplier_id}/envelope"):
        assert {"404", "422", "502", "503"} <= set(paths[path]["get"]["responses"])
        assert "security" not in paths[path]["get"]  # public, as on chain
    appointment = paths["/tenders/{ocid}/pokja"]["post"]
    assert appointment["responses"]["201"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/PokjaAppointed"
    )
    assert "/tenders/{ocid}/objections/{objection_id}/appeal/managed" in paths
