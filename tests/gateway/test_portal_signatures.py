"""The portal's in-browser signing library (app/portal/static/js: tenders.js, escrow.js,
key-rotation.js, signing.js and what they use), run under Node through the page's import map,
against the Python the contracts are tested with (app/protocol/bids.py, escrow.py, supplier_keys.py):

- for every Tenders message type, both escrow acts (Countersign, OpenDispute) and the key rotation
  signed by both keys (RotateKey), on seeded random messages, the JavaScript's digest and 65-byte
  signature equal Python's byte for byte;
- commitments, tender ids, sealed bids and envelope hashes equal Python's, products in any order;
  the inputs Python refuses, the JavaScript refuses too;
- recovery finds the signer of Python's signatures, and refuses malleable ones.

Every expected value is computed by the Python side at run time; nothing is written down here."""

from __future__ import annotations

import random

import pytest
from eth_account import Account
from eth_account.messages import encode_typed_data
from eth_utils import keccak, to_checksum_address

from app.protocol import bids, escrow, supplier_keys
from tests.support import portal_js
from tests.support.portal_js import SECP256K1_N, Call, ok, random_hex32, random_key, refused, run

pytestmark = pytest.mark.skipif(portal_js.node_missing() is not None, reason=str(portal_js.node_missing()))

# --- EIP-712 signatures -----------------------------------------------------------------------

CHAIN_IDS = (1, 31337, 2**64 + 5)


COMMON_FIELDS = {"supplier", "tenderId", "nonce", "deadline"}


def _own_fields(primary_type: str, rng: random.Random) -> dict:
    """Random values of a message type's own fields, by their EIP-712 names."""
    return {
        f["name"]: rng.randrange(1, 2**16) if f["type"] == "uint16" else random_hex32(rng)
        for f in bids.fields(primary_type)
        if f["name"] not in COMMON_FIELDS
    }


def _python_signed(primary_type: str, key: str, base: dict, own: dict) -> bytes:
    common = {
        "chain_id": base["chainId"],
        "verifying_contract": base["verifyingContract"],
        "tender": base["tenderId"],
        "nonce": base["nonce"],
        "deadline": base["deadline"],
    }
    if primary_type == bids.COMMIT_TYPE:
        signed = bids.sign_commit(
            key,
            **common,
            bid_commitment=own["commitment"],
            envelope_digest=own["envelopeHash"],
            replaces=own["replaces"],
        )
    elif primary_type == bids.REVEAL_TYPE:
        signed = bids.sign_reveal(key, **common, bid_commitment=own["commitment"])
    elif primary_type == bids.OBJECTION_TYPE:
        signed = bids.sign_objection(key, **common, evidence_hash=own["evidenceHash"])
    else:
        signed = bids.sign_appeal(key, **common, objection_id=own["objectionId"], bond_ref=own["bondRef"])
    return signed.signature


SIGNERS = {
    bids.COMMIT_TYPE: "signCommit",
    bids.REVEAL_TYPE: "signReveal",
    bids.OBJECTION_TYPE: "signObjection",
    bids.APPEAL_TYPE: "signAppeal",
}


@pytest.mark.parametrize("primary_type", bids.PRIMARY_TYPES)
def test_javascript_signatures_equal_bids_py_byte_for_byte(primary_type):
    rng = random.Random(primary_type)
    cases = []
    for i in range(8):
        key = random_key(rng)
        contract = "0x" + rng.randbytes(20).hex()
        base = {
            "chainId": CHAIN_IDS[i % len(CHAIN_IDS)],
            # lowercase and checksummed contract addresses alike
            "verifyingContract": to_checksum_address(contract) if i % 2 else contract,
            "tenderId": random_hex32(rng),
            "nonce": 0 if i == 0 else rng.randrange(2**256),
            "deadline": 2**256 - 1 if i == 1 else rng.randrange(2**40),
        }
        own = _own_fields(primary_type, rng)
        if primary_type == bids.APPEAL_TYPE and i == 2:
            own["objectionId"] = 2**16 - 1
        cases.append((key, base, own))
    calls = []
    for key, base, own in cases:
        # Large integers travel as decimal strings, as a page would pass them from JSON.
        values = base | own | {"nonce": str(base["nonce"]), "deadline": str(base["deadline"])}
        values["chainId"] = str(base["chainId"])
        calls.append(Call("tenders.js", SIGNERS[primary_type], [key, values]))
    for (key, base, own), result in zip(cases, run(calls), strict=True):
        signed = ok(result)
        supplier = Account.from_key(key).address
        expected = bids.digest(
            primary_type,
            chain_id=base["chainId"],
            verifying_contract=base["verifyingContract"],
            supplier=supplier,
            tender=base["tenderId"],
            nonce=base["nonce"],
            deadline=base["deadline"],
            **own,
        )
        assert signed["supplier"] == supplier
        assert signed["digest"] == "0x" + expected.hex()
        assert signed["signature"] == "0x" + _python_signed(primary_type, key, base, own).hex()


def test_the_digest_function_equals_bids_digest_for_any_supplier():
    rng = random.Random(5)
    cases = []
    for primary_type in bids.PRIMARY_TYPES:
        supplier = to_checksum_address("0x" + rng.randbytes(20).hex())
        values = {
            "chainId": 31337,
            "verifyingContract": "0x" + rng.randbytes(20).hex(),
            "supplier": supplier.lower(),
            "tenderId": random_hex32(rng),
            "nonce": rng.randrange(2**64),
            "deadline": rng.randrange(2**40),
        } | _own_fields(primary_type, rng)
        cases.append((primary_type, values))
    results = run([Call("tenders.js", "digest", [t, v | {"nonce": str(v["nonce"])}]) for t, v in cases])
    for (primary_type, v), result in zip(cases, results, strict=True):
        own = {f["name"]: v[f["name"]] for f in bids.fields(primary_type) if f["name"] not in COMMON_FIELDS}
        expected = bids.digest(
            primary_type,
            chain_id=v["chainId"],
            verifying_contract=v["verifyingContract"],
            supplier=v["supplier"],
            tender=v["tenderId"],
            nonce=v["nonce"],
            deadline=v["deadline"],
            **own,
        )
        assert ok(result) == "0x" + expected.hex()


def _escrow_case(rng: random.Random, primary_type: str) -> dict:
    case = {
        "key": random_key(rng),
        "chainId": rng.choice(CHAIN_IDS),
        "verifyingContract": to_checksum_address("0x" + rng.randbytes(20).hex()),
        "escrowId": random_hex32(rng),
        "nonce": rng.randrange(2**32),
        "deadline": rng.randrange(2**40),
    }
    if primary_type == escrow.COUNTERSIGN_TYPE:
        case["termsHash"] = random_hex32(rng)
    else:
        case.update(index=rng.randrange(2**8), evidenceHash=random_hex32(rng))
    return case


def _escrow_signed_by_python(primary_type: str, case: dict):
    common = {
        "chain_id": case["chainId"],
        "verifying_contract": case["verifyingContract"],
        "escrow_id": case["escrowId"],
        "nonce": case["nonce"],
        "deadline": case["deadline"],
    }
    if primary_type == escrow.COUNTERSIGN_TYPE:
        signed = escrow.sign_countersign(case["key"], **common, terms_hash=case["termsHash"])
        own = {"termsHash": signed.terms_hash}
    else:
        signed = escrow.sign_open_dispute(
            case["key"], **common, index=case["index"], evidence_hash=case["evidenceHash"]
        )
        own = {"index": case["index"], "evidenceHash": signed.evidence_hash}
    message = {"escrowId": signed.escrow_id, **own, "nonce": case["nonce"], "deadline": case["deadline"]}
    typed = escrow.escrow_typed_data(primary_type, case["chainId"], case["verifyingContract"], message)
    signable = encode_typed_data(full_message=typed)
    return signed, "0x" + keccak(b"\x19\x01" + signable.header + signable.body).hex()


@pytest.mark.parametrize(
    ("primary_type", "function"),
    [(escrow.COUNTERSIGN_TYPE, "signCountersign"), (escrow.OPEN_DISPUTE_TYPE, "signOpenDispute")],
)
def test_the_escrow_acts_equal_escrow_py(primary_type, function):
    rng = random.Random(f"escrow {primary_type}")
    cases = [_escrow_case(rng, primary_type) for _ in range(6)]
    results = run(
        [
            Call(
                "escrow.js",
                function,
                [c["key"], {k: str(v) if isinstance(v, int) else v for k, v in c.items() if k != "key"}],
            )
            for c in cases
        ]
    )
    for case, result in zip(cases, results, strict=True):
        signed, digest = _escrow_signed_by_python(primary_type, case)
        js = ok(result)
        assert js["signature"] == "0x" + signed.signature.hex()
        assert js["digest"] == digest
        assert js["supplier"] == signed.supplier


def test_the_key_rotation_signed_by_both_keys_equals_supplier_keys_py():
    rng = random.Random("rotation")
    cases = [
        {
            "current": random_key(rng),
            "new": random_key(rng),
            "chainId": rng.choice(CHAIN_IDS),
            "verifyingContract": to_checksum_address("0x" + rng.randbytes(20).hex()),
            "nonce": rng.randrange(2**32),
            "deadline": rng.randrange(2**40),
        }
        for _ in range(6)
    ]
    values = [
        {k: str(v) if isinstance(v, int) else v for k, v in c.items() if k not in ("current", "new")}
        for c in cases
    ]
    results = run(
        [
            Call("key-rotation.js", "signRotation", [c["current"], c["new"], v])
            for c, v in zip(cases, values, strict=True)
        ]
    )
    for case, result in zip(cases, results, strict=True):
        signed = supplier_keys.sign_rotation(
            case["current"],
            case["new"],
            chain_id=case["chainId"],
            verifying_contract=case["verifyingContract"],
            nonce=case["nonce"],
            deadline=case["deadline"],
        )
        js = ok(result)
        assert (js["current"], js["newAccount"]) == (signed.current, signed.new_account)
        assert js["currentSignature"] == "0x" + signed.current_signature.hex()
        assert js["newSignature"] == "0x" + signed.new_signature.hex()
    (same,) = run(
        [Call("key-rotation.js", "signRotation", [cases[0]["current"], cases[0]["current"], values[0]])]
    )
    assert refused(same)["message"] == "the new key is the current key"


def test_a_dispute_of_a_milestone_beyond_uint8_is_refused_before_signing():
    rng = random.Random(9)
    case = _escrow_case(rng, escrow.OPEN_DISPUTE_TYPE)
    values = {k: str(v) if isinstance(v, int) else v for k, v in case.items() if k != "key"}
    (result,) = run([Call("escrow.js", "signOpenDispute", [case["key"], {**values, "index": "256"}])])
    assert refused(result)["message"].startswith("index must be between 0 and 2**8-1")


def test_malformed_messages_are_refused_before_signing():
    rng = random.Random(7)
    key = random_key(rng)
    base = {
        "chainId": 1,
        "verifyingContract": "0x" + rng.randbytes(20).hex(),
        "tenderId": random_hex32(rng),
        "nonce": 0,
        "deadline": 1,
    }
    bad = [
        ("signAppeal", base | {"objectionId": 0, "bondRef": random_hex32(rng)}),
        ("signAppeal", base | {"objectionId": 2**16, "bondRef": random_hex32(rng)}),
        ("signObjection", base | {"evidenceHash": "0x1234"}),
        ("signReveal", base | {"commitment": random_hex32(rng), "nonce": -1}),
        ("signReveal", base | {"commitment": random_hex32(rng), "deadline": 2**256}),
        ("signReveal", base | {"tenderId": "0x" + "zz" * 32, "commitment": random_hex32(rng)}),
        # beyond 2**53 a JSON number has lost digits: refused, not rounded (pass a string)
        ("signReveal", base | {"commitment": random_hex32(rng), "nonce": 2**64 + 1}),
        # a field the type does not sign (a page passing the wrong form) is not silently dropped
        ("signReveal", base | {"commitment": random_hex32(rng), "evidenceHash": random_hex32(rng)}),
        ("signCommit", base | {"commitment": random_hex32(rng)}),  # no envelopeHash
    ]
    for result in run([Call("tenders.js", fn, [key, values]) for fn, values in bad]):
        refused(result)
    with pytest.raises(ValueError):
        bids.sign_appeal(
            key,
            chain_id=1,
            verifying_contract=base["verifyingContract"],
            tender=base["tenderId"],
            objection_id=0,
            bond_ref=random_hex32(rng),
            nonce=0,
            deadline=1,
        )


# --- commitments and tender ids ---------------------------------------------------------------


def _products(rng: random.Random, count: int) -> list[tuple[str, int]]:
    shares = [rng.randrange(1, 10_000 // max(count, 1) + 1) for _ in range(count)]
    return [(random_hex32(rng), share) for share in shares]


def test_commitments_equal_bids_py_for_any_product_order():
    rng = random.Random(8)
    lists = [
        [],
        _products(rng, 1),
        [("0x" + "ff" * 32, 10_000)],
        _products(rng, 3),
        _products(rng, 12),
    ]
    # Unsorted on purpose: ids in descending order, and a shuffled copy of each list.
    lists.append(sorted(_products(rng, 5), reverse=True))
    lists += [rng.sample(products, len(products)) for products in lists if len(products) > 1]
    lists.append([("0x" + "00" * 31 + "02", 1), ("0x" + "00" * 31 + "01", 2)])
    cases = []
    for i, products in enumerate(lists):
        cases.append(
            {
                "tenderId": random_hex32(rng),
                "supplierId": [1, 2**64 - 1, rng.randrange(1, 2**64)][i % 3],
                "price": [1, 2**256 - 1, rng.randrange(1, 10**15)][i % 3],
                "products": products,
                "salt": random_hex32(rng),
                "bidBondRef": "0x" + "00" * 32 if i % 2 else random_hex32(rng),
            }
        )
    js_cases = [
        c
        | {
            "price": str(c["price"]),
            "supplierId": str(c["supplierId"]),
            # products as [id, share] pairs and as {productId, shareBps} objects alike
            "products": [
                [p, s] if j % 2 else {"productId": p, "shareBps": s} for j, (p, s) in enumerate(c["products"])
            ],
        }
        for c in cases
    ]
    results = run([Call("tenders.js", "commitment", [c]) for c in js_cases])
    for c, result in zip(cases, results, strict=True):
        expected = bids.commitment(
            c["tenderId"], c["supplierId"], c["price"], c["products"], c["salt"], c["bidBondRef"]
        )
        assert ok(result) == "0x" + expected.hex(), c["products"]


def test_product_lists_python_refuses_are_refused_in_javascript():
    rng = random.Random(9)
    same = random_hex32(rng)
    bid = {"tenderId": random_hex32(rng), "supplierId": 5, "price": 10, "salt": random_hex32(rng)}
    bad_products = [
        [(same, 10), (same, 20)],
        [(random_hex32(rng), 0)],
        [(random_hex32(rng), 10_001)],
        [(random_hex32(rng), 6_000), (random_hex32(rng), 4_001)],
        [("0x1234", 5)],
    ]
    bad_bids = [bid | {"products": p} for p in bad_products] + [
        bid | {"products": [], "supplierId": 0},
        bid | {"products": [], "supplierId": 2**64},
        bid | {"products": [], "price": 0},
    ]
    for b in bad_bids:
        with pytest.raises(ValueError):
            bids.commitment(b["tenderId"], b["supplierId"], b["price"], b["products"], b["salt"])
    js_bids = [b | {"supplierId": str(b["supplierId"])} for b in bad_bids]
    for result in run([Call("tenders.js", "commitment", [b]) for b in js_bids]):
        refused(result)


def test_tender_ids_sealed_bids_and_envelope_hashes_equal_bids_py():
    rng = random.Random(10)
    ocids = ["ocds-213czf-000-00001", "ocds-b5fd17-SPSE-2026-1", "ocds-x-é-✓", "a"]
    envelopes = [b"", rng.randbytes(1), rng.randbytes(500)]
    sealed = [(random_hex32(rng), rng.randrange(2**32), random_hex32(rng)) for _ in range(4)]
    results = run(
        [Call("tenders.js", "tenderId", [o]) for o in ocids]
        + [Call("tenders.js", "tenderId", [""])]
        + [Call("tenders.js", "envelopeHash", ["0x" + e.hex()]) for e in envelopes]
        + [Call("tenders.js", "sealedBid", list(s)) for s in sealed]
    )
    expected = (
        ["0x" + bids.tender_id(o).hex() for o in ocids]
        + [None]
        + ["0x" + bids.envelope_hash(e).hex() for e in envelopes]
        + ["0x" + bids.sealed_bid(*s).hex() for s in sealed]
    )
    refused(results[len(ocids)])
    for want, result in zip(expected, results, strict=True):
        if want is not None:
            assert ok(result) == want


# --- recovery ---------------------------------------------------------------------------------


def test_recovery_finds_the_signer_of_python_signatures_and_refuses_malleable_ones():
    rng = random.Random(11)
    cases = []
    for _ in range(6):
        key = random_key(rng)
        tender = random_hex32(rng)
        signed = bids.sign_objection(
            key,
            chain_id=31337,
            verifying_contract="0x" + "ab" * 20,
            tender=tender,
            evidence_hash=random_hex32(rng),
            nonce=rng.randrange(100),
            deadline=rng.randrange(2**40),
        )
        digest = bids.digest(
            bids.OBJECTION_TYPE,
            chain_id=31337,
            verifying_contract="0x" + "ab" * 20,
            supplier=signed.supplier,
            tender=tender,
            nonce=signed.nonce,
            deadline=signed.deadline,
            evidenceHash=signed.evidence_hash,
        )
        cases.append((signed.supplier, digest, signed.signature))
    supplier, digest, signature = cases[0]
    r, s, v = signature[:32], int.from_bytes(signature[32:64], "big"), signature[64]
    malleable = r + (SECP256K1_N - s).to_bytes(32, "big") + bytes([55 - v])  # the other (r, -s)
    flipped = signature[:64] + bytes([55 - v])
    results = run(
        [Call("signing.js", "recoverAddress", ["0x" + d.hex(), "0x" + sig.hex()]) for _, d, sig in cases]
        + [
            Call("signing.js", "recoverAddress", ["0x" + digest.hex(), "0x" + malleable.hex()]),
            Call("signing.js", "recoverAddress", ["0x" + digest.hex(), "0x" + flipped.hex()]),
        ]
    )
    for (signer, _, _), result in zip(cases, results, strict=False):
        assert ok(result) == signer
    refused(results[len(cases)])
    assert ok(results[len(cases) + 1]) != supplier


def test_the_pages_single_import_serves_the_same_functions():
    rng = random.Random(12)
    key, tender, evidence = random_key(rng), random_hex32(rng), random_hex32(rng)
    values = {
        "chainId": 31337,
        "verifyingContract": "0x" + "cd" * 20,
        "tenderId": tender,
        "evidenceHash": evidence,
        "nonce": 3,
        "deadline": 2_000_000_000,
    }
    signed, ocid = run(
        [
            Call("index.js", "signObjection", [key, values]),
            Call("index.js", "tenderId", ["ocds-213czf-000-00001"]),
        ]
    )
    python = bids.sign_objection(
        key,
        chain_id=31337,
        verifying_contract=values["verifyingContract"],
        tender=tender,
        evidence_hash=evidence,
        nonce=3,
        deadline=2_000_000_000,
    )
    assert ok(signed)["signature"] == "0x" + python.signature.hex()
    assert ok(ocid) == "0x" + bids.tender_id("ocds-213czf-000-00001").hex()
