"""Bid envelopes sealed in the supplier's browser (app/portal/static/js: shamir.js, opening.js,
envelope.js, bid.js), run under Node through the page's import map, against the Python the gateway
and the Pokja open them with (app/tenders/envelope.py, opening_codec.py, app/protocol/bids.py):

- Shamir shares equal pycryptodome's for the same random coefficients, and each side recovers the
  other's secret;
- an envelope sealed in JavaScript opens with Python's decrypt_share/open_envelope for any k of its
  n members, for k = 1 through k = n, and k - 1 shares do not recover its key; moved to another
  tender or supplier it does not open; what Python refuses to seal, JavaScript refuses too;
- the opening's encoding equals encode_opening byte for byte, and refuses what it refuses;
- sealBid's commitment equals bids.commitment, its envelope hash is keccak of its envelope, and its
  envelope carries exactly the opening it returns for the reveal.

Every expected value is computed by the Python side at run time; nothing is written down here."""

from __future__ import annotations

import random

import pytest
from Crypto.Protocol import SecretSharing
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from eth_utils import keccak

from app.protocol import bids
from app.tenders import envelope as env
from app.tenders.opening_codec import decode_opening, encode_opening
from tests.support import portal_js
from tests.support.portal_js import STATIC_DIR, Call, ok, random_hex32, refused, run


def _missing() -> str | None:
    if portal_js.node_missing() is not None:
        return portal_js.node_missing()
    if not (STATIC_DIR / "vendor" / "noble-curves" / "ed25519.js").exists():
        return "the portal's vendored noble-curves has no ed25519.js (make vendor)"
    return None


pytestmark = pytest.mark.skipif(_missing() is not None, reason=str(_missing()))

# (quorum k, members n): a single member, k = 1 (every share is the key), k = n, and the maximum n.
QUORUMS = ((1, 1), (1, 3), (2, 3), (3, 3), (3, 5), (4, 7), (7, 7), (17, 32))


def _hex(value: bytes) -> str:
    return "0x" + value.hex()


def _bytes(value: str) -> bytes:
    return bytes.fromhex(value.removeprefix("0x"))


def _random_opening(rng: random.Random) -> bytes:
    products = [(rng.randbytes(32), rng.randrange(2**16)) for _ in range(rng.randrange(6))]
    price = rng.choice([0, 1, 2**256 - 1, rng.randrange(10**15)])
    return encode_opening(price, products, rng.randbytes(32), rng.randbytes(32))


def _pokja(n: int) -> list[tuple[bytes, bytes]]:
    return [env.generate_member_key() for _ in range(n)]


# --- Shamir shares ------------------------------------------------------------------------------


def test_shamir_shares_equal_pycryptodome_for_the_same_coefficients(monkeypatch):
    rng = random.Random(1)
    cases = [(k, n, rng.randbytes(16), [rng.randbytes(16) for _ in range(k - 1)]) for k, n in QUORUMS]
    # Each split draws its k-1 coefficients from crypto.getRandomValues, in order: script them.
    scripted = [_hex(c) for _, _, _, coefficients in cases for c in coefficients]
    results = run(
        [Call("shamir.js", "split", [k, n, _hex(secret)]) for k, n, secret, _ in cases],
        scripted_random=scripted,
    )
    for (k, n, secret, coefficients), result in zip(cases, results, strict=True):
        draws = iter(coefficients)
        monkeypatch.setattr(SecretSharing, "rng", lambda size, draws=draws: next(draws))
        python = SecretSharing.Shamir.split(k, n, secret)
        assert [(index, _bytes(value)) for index, value in ok(result)] == python
        assert next(draws, None) is None


def test_shamir_secrets_recover_across_the_two_implementations():
    rng = random.Random(2)
    secrets_ = [rng.randbytes(16) for _ in QUORUMS]
    python_splits = [SecretSharing.Shamir.split(k, n, s) for (k, n), s in zip(QUORUMS, secrets_, strict=True)]
    subsets = [rng.sample(range(n), k) for k, n in QUORUMS]
    calls = [Call("shamir.js", "split", [k, n, _hex(s)]) for (k, n), s in zip(QUORUMS, secrets_, strict=True)]
    calls += [
        Call("shamir.js", "combine", [[[index, _hex(value)] for index, value in (shares[i] for i in subset)]])
        for shares, subset in zip(python_splits, subsets, strict=True)
    ]
    results = run(calls)
    js_splits, js_combined = results[: len(QUORUMS)], results[len(QUORUMS) :]
    for (k, n), secret, subset, split, combined in zip(
        QUORUMS, secrets_, subsets, js_splits, js_combined, strict=True
    ):
        shares = [(index, _bytes(value)) for index, value in ok(split)]
        assert [index for index, _ in shares] == list(range(1, n + 1))
        assert SecretSharing.Shamir.combine([shares[i] for i in subset]) == secret
        assert _bytes(ok(combined)) == secret
        if k == 1:
            assert all(value == secret for _, value in shares)
        else:
            assert SecretSharing.Shamir.combine([shares[i] for i in subset[:-1]]) != secret


# --- envelopes ----------------------------------------------------------------------------------


def _seal_all(cases) -> list[bytes]:
    """Seals each (opening, tender, supplier, pokja, k) in JavaScript, in one Node run."""
    calls = [
        Call(
            "envelope.js",
            "seal",
            [_hex(opening), _hex(tender), str(supplier), [_hex(p) for _, p in pokja], k],
        )
        for opening, tender, supplier, pokja, k in cases
    ]
    return [_bytes(ok(result)) for result in run(calls)]


def test_javascript_envelopes_open_with_any_quorum_of_members_in_python():
    rng = random.Random(3)
    cases = [
        (_random_opening(rng), rng.randbytes(32), rng.randrange(1, 2**64), _pokja(n), k) for k, n in QUORUMS
    ]
    for (opening, tender, supplier, pokja, k), sealed in zip(cases, _seal_all(cases), strict=True):
        n = len(pokja)
        assert len(sealed) == env.envelope_size(n, len(opening))
        assert env.envelope_quorum(sealed) == (k, n)
        shares = [env.decrypt_share(sealed, tender, supplier, i, pokja[i - 1][0]) for i in range(1, n + 1)]
        # The first k, the last k, and random k-subsets of the members, shares in any order.
        subsets = [range(k), range(n - k, n)] + [rng.sample(range(n), k) for _ in range(4)]
        for subset in subsets:
            chosen = [shares[i] for i in subset]
            rng.shuffle(chosen)
            assert env.open_envelope(sealed, tender, supplier, chosen) == opening
        if k > 1:  # k - 1 genuine shares recover some other key, which does not decrypt the opening
            fewer = rng.sample(shares, k - 1)
            with pytest.raises(env.EnvelopeError):
                env.open_envelope(sealed, tender, supplier, fewer)
            parsed = env.parse(sealed)
            guess = SecretSharing.Shamir.combine([(s.index, s.value) for s in fewer])
            aad = b"terang/bid-envelope/v1" + tender + supplier.to_bytes(8, "big") + bytes([k, n])
            with pytest.raises(InvalidTag):
                AESGCM(guess).decrypt(parsed.opening_nonce, parsed.opening_ciphertext, aad)
        if n > 1:  # a member's share decrypts with its own key only
            with pytest.raises(env.EnvelopeError):
                env.decrypt_share(sealed, tender, supplier, 1, pokja[1][0])


def test_each_envelope_has_its_own_ephemeral_key_and_key():
    rng = random.Random(4)
    pokja = _pokja(3)
    case = (_random_opening(rng), rng.randbytes(32), 42, pokja, 2)
    first, second = _seal_all([case, case])
    assert first[3:35] != second[3:35]
    assert first[35:] != second[35:]


def test_a_javascript_envelope_moved_to_another_tender_or_supplier_does_not_open():
    rng = random.Random(5)
    opening, tender, supplier, pokja = (
        _random_opening(rng),
        rng.randbytes(32),
        rng.randrange(1, 2**64),
        _pokja(4),
    )
    (sealed,) = _seal_all([(opening, tender, supplier, pokja, 3)])
    genuine = [env.decrypt_share(sealed, tender, supplier, i, pokja[i - 1][0]) for i in (1, 2, 4)]
    assert env.open_envelope(sealed, tender, supplier, genuine) == opening
    other_tender = bytes([tender[0] ^ 1]) + tender[1:]
    other_supplier = supplier ^ 1 or 2
    for moved_tender, moved_supplier in ((other_tender, supplier), (tender, other_supplier)):
        for i in (1, 2, 3, 4):  # no member's share decrypts for the other bid
            with pytest.raises(env.EnvelopeError):
                env.decrypt_share(sealed, moved_tender, moved_supplier, i, pokja[i - 1][0])
        with pytest.raises(env.EnvelopeError):  # nor does the opening, even with genuine shares
            env.open_envelope(sealed, moved_tender, moved_supplier, genuine)


def test_what_python_refuses_to_seal_javascript_refuses_too():
    rng = random.Random(6)
    tender = rng.randbytes(32)
    pokja = [public for _, public in _pokja(33)]
    low_order = bytes(32)  # the point at u = 0: the shared secret would be all zeros
    cases = [
        (tender, 1, pokja[:3], 0),  # quorum 0
        (tender, 1, pokja[:3], 4),  # quorum above n
        (tender, 1, [], 1),  # no members
        (tender, 1, pokja, 1),  # more than 32 members
        (tender, 1, [pokja[0], pokja[1], pokja[0]], 2),  # a member twice
        (tender, 1, [pokja[0], pokja[1][:31]], 1),  # a short key
        (tender, 1, [pokja[0], low_order], 1),  # a key no envelope can use
        (tender, 0, pokja[:3], 2),  # supplier id 0
        (tender, 2**64, pokja[:3], 2),  # supplier id beyond uint64
        (tender[:31], 1, pokja[:3], 2),  # a short tender id
    ]
    for t, supplier, keys, k in cases:
        with pytest.raises(ValueError):
            env.seal(b"opening", t, supplier, keys, k)
    results = run(
        [
            Call("envelope.js", "seal", ["0x00", _hex(t), str(supplier), [_hex(p) for p in keys], k])
            for t, supplier, keys, k in cases
        ]
    )
    for case, result in zip(cases, results, strict=True):
        assert refused(result)["name"] in ("RangeError", "TypeError"), case


# --- openings -----------------------------------------------------------------------------------


def test_javascript_opening_encoding_equals_encode_opening():
    rng = random.Random(7)
    cases = []
    for i in range(30):
        products = [
            (rng.randbytes(32), rng.choice([0, 65535, rng.randrange(2**16)])) for _ in range(rng.randrange(8))
        ]
        price = [0, 2**256 - 1][i] if i < 2 else rng.randrange(2 ** rng.randrange(1, 257))
        cases.append((price, products, rng.randbytes(32), rng.randbytes(32)))
    calls = [
        # Products as pairs and as {productId, shareBps}, the price as a decimal string.
        Call(
            "opening.js",
            "encodeOpening",
            [
                str(price),
                [[_hex(p), s] if i % 2 else {"productId": _hex(p), "shareBps": s} for p, s in products],
                _hex(salt),
                _hex(bond),
            ],
        )
        for i, (price, products, salt, bond) in enumerate(cases)
    ]
    for case, result in zip(cases, run(calls), strict=True):
        expected = encode_opening(*case)
        assert _bytes(ok(result)) == expected
        assert decode_opening(expected).price == case[0]


def test_openings_python_refuses_javascript_refuses_too():
    salt, bond, product = bytes(32), bytes(32), (b"\x01" * 32, 1)
    cases = [
        (2**256, [product], salt, bond),
        (1, [(b"\x01" * 32, 2**16)], salt, bond),
        (1, [(b"\x01" * 31, 1)], salt, bond),
        (1, [product], salt[:31], bond),
        (1, [product], salt, bond + b"\x00"),
    ]
    for case in cases:
        with pytest.raises(ValueError):
            encode_opening(*case)
    calls = [
        Call("opening.js", "encodeOpening", [str(p), [[_hex(i), s] for i, s in products], _hex(s_), _hex(b)])
        for p, products, s_, b in cases
    ]
    calls.append(Call("opening.js", "encodeOpening", ["-1", [], _hex(salt), _hex(bond)]))
    for result in run(calls):
        refused(result)


# --- sealBid ------------------------------------------------------------------------------------


def test_seal_bid_commits_to_and_seals_the_opening_it_returns():
    rng = random.Random(8)
    cases = []
    for i, (k, n) in enumerate(QUORUMS[:5]):
        ids = [rng.randbytes(32) for _ in range(rng.randrange(4))]
        products = [(p, rng.randrange(1, 2500)) for p in ids]  # in no particular order
        bond = rng.randbytes(32) if i % 2 else None
        bid = {
            "supplierId": rng.randrange(1, 2**64),
            "price": rng.randrange(1, 10**15),
            "products": products,
            "bond": bond,
            "pokja": _pokja(n),
            "quorum": k,
            "ocid": f"ocds-213czf-{i:03d}-{rng.randrange(10**5):05d}" if i % 2 == 0 else None,
            "tender": rng.randbytes(32),
        }
        cases.append(bid)
    calls = []
    for bid in cases:
        args = {
            "supplierId": str(bid["supplierId"]),
            "price": str(bid["price"]),
            "products": [[_hex(p), s] for p, s in bid["products"]],
            "pokjaKeys": [_hex(public) for _, public in bid["pokja"]],
            "quorum": bid["quorum"],
        }
        args |= {"ocid": bid["ocid"]} if bid["ocid"] else {"tenderId": _hex(bid["tender"])}
        if bid["bond"] is not None:
            args["bidBondRef"] = _hex(bid["bond"])
        calls.append(Call("bid.js", "sealBid", [args]))
    for bid, result in zip(cases, run(calls), strict=True):
        sealed = ok(result)
        tender = bids.tender_id(bid["ocid"]) if bid["ocid"] else bid["tender"]
        bond = bid["bond"] or bytes(32)
        salt = _bytes(sealed["salt"])
        assert sealed["tenderId"] == _hex(tender)
        assert sealed["supplierId"] == str(bid["supplierId"])
        assert sealed["commitment"] == _hex(
            bids.commitment(tender, bid["supplierId"], bid["price"], bid["products"], salt, bond)
        )
        envelope = _bytes(sealed["envelope"])
        assert sealed["envelopeHash"] == _hex(keccak(envelope)) == _hex(bids.envelope_hash(envelope))
        shares = [
            env.decrypt_share(envelope, tender, bid["supplierId"], i, bid["pokja"][i - 1][0])
            for i in rng.sample(range(1, len(bid["pokja"]) + 1), bid["quorum"])
        ]
        products = bids.normalise_products(bid["products"])
        assert env.open_envelope(envelope, tender, bid["supplierId"], shares) == encode_opening(
            bid["price"], products, salt, bond
        )
        assert sealed["opening"] == {
            "tenderId": _hex(tender),
            "supplierId": str(bid["supplierId"]),
            "price": str(bid["price"]),
            "products": [[_hex(p), s] for p, s in products],
            "salt": sealed["salt"],
            "bidBondRef": _hex(bond),
            "commitment": sealed["commitment"],
            "envelopeHash": sealed["envelopeHash"],
        }
    assert len({ok(result)["salt"] for result in run(calls[:1] * 3)}) == 3


def test_seal_bid_refuses_a_bid_the_contract_would_refuse():
    _, public = env.generate_member_key()
    base = {
        "ocid": "ocds-213czf-000-00001",
        "supplierId": 1,
        "price": 5,
        "products": [],
        "pokjaKeys": [_hex(public)],
        "quorum": 1,
    }
    bad = [
        base | {"price": 0},
        base | {"supplierId": 0},
        base | {"tenderId": random_hex32(random.Random(9))},  # the tender twice
        base | {"products": [["0x" + "01" * 32, 10_001]]},
        base | {"quorum": 2},
        base | {"pokjaKeys": []},
    ]
    results = run([Call("bid.js", "sealBid", [base])] + [Call("bid.js", "sealBid", [b]) for b in bad])
    ok(results[0])
    for result in results[1:]:
        refused(result)


def test_the_pages_single_import_seals_bids():
    pokja = _pokja(3)
    opening = encode_opening(7, [], bytes(32), bytes(32))
    tender = bids.tender_id("ocds-213czf-000-00002")
    bid = {
        "ocid": "ocds-213czf-000-00002",
        "supplierId": 3,
        "price": 7,
        "products": [],
        "pokjaKeys": [_hex(p) for _, p in pokja],
        "quorum": 2,
    }
    sealed_bid, sealed, encoded = run(
        [
            Call("index.js", "sealBid", [bid]),
            Call("index.js", "sealEnvelope", [_hex(opening), _hex(tender), "3", bid["pokjaKeys"], 2]),
            Call("index.js", "encodeOpening", ["7", [], _hex(bytes(32))]),
        ]
    )
    assert _bytes(ok(encoded)) == opening
    envelope = _bytes(ok(sealed))
    shares = [env.decrypt_share(envelope, tender, 3, i, pokja[i - 1][0]) for i in (2, 3)]
    assert env.open_envelope(envelope, tender, 3, shares) == opening
    assert ok(sealed_bid)["tenderId"] == _hex(tender)
