"""Bid envelopes (app/tenders/envelope.py): a bid opening sealed by its bidder so that any k of the n
Pokja members open it together and fewer than k learn nothing; each share opens only with its own
member's key; an envelope opens only as the tender and supplier it was sealed for; a changed byte is
detected; and the opening codec (app/tenders/opening_codec.py) round-trips. No chain is needed."""

from __future__ import annotations

import itertools
import secrets

import pytest
from Crypto.Protocol.SecretSharing import Shamir
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from eth_utils import keccak
from hypothesis import given, settings
from hypothesis import strategies as st

from app.protocol import bids
from app.tenders import envelope as env
from app.tenders.envelope import EnvelopeError, Share
from app.tenders.opening_codec import Opening, decode_opening, encode_opening

TENDER_A = keccak(text="ocds-terang-000001")
TENDER_B = keccak(text="ocds-terang-000002")
SUPPLIER = 1
OTHER_SUPPLIER = 2
BID = TENDER_A + SUPPLIER.to_bytes(8, "big")  # what the format binds: tender id, supplier id (uint64)

OPENING = encode_opening(
    1_250_000_000, [(keccak(text="product-1"), 10_000)], secrets.token_bytes(32), keccak(text="bond-1")
)


class Pokja:
    """n members' key pairs in Pokja order (member i is keys[i - 1])."""

    def __init__(self, n: int):
        self.keys = [env.generate_member_key() for _ in range(n)]

    @property
    def public_keys(self) -> list[bytes]:
        return [public for _, public in self.keys]

    def private(self, index: int) -> bytes:
        return self.keys[index - 1][0]

    def shares(self, envelope: bytes, indices, tender=TENDER_A, supplier=SUPPLIER) -> list[Share]:
        return [env.decrypt_share(envelope, tender, supplier, i, self.private(i)) for i in indices]


def sealed(n: int, k: int, plaintext: bytes = OPENING) -> tuple[Pokja, bytes]:
    pokja = Pokja(n)
    return pokja, env.seal(plaintext, TENDER_A, SUPPLIER, pokja.public_keys, k)


def flipped(data: bytes, position: int, mask: int = 0x01) -> bytes:
    return data[:position] + bytes([data[position] ^ mask]) + data[position + 1 :]


def opens_with_key(envelope: bytes, key: bytes) -> bool:
    """Whether `key` decrypts the envelope's opening (bypassing the library's share-count check)."""
    parsed = env.parse(envelope)
    aad = b"terang/bid-envelope/v1" + BID + bytes([parsed.quorum, parsed.members])
    try:
        AESGCM(key).decrypt(parsed.opening_nonce, parsed.opening_ciphertext, aad)
    except InvalidTag:
        return False
    return True


# --- k of n open ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("n", "k"), [(3, 2), (5, 3)])
def test_every_quorum_of_members_opens_the_exact_opening(n, k):
    pokja, envelope = sealed(n, k)
    subsets = list(itertools.combinations(range(1, n + 1), k))
    assert len(subsets) == {(3, 2): 3, (5, 3): 10}[(n, k)]
    for subset in subsets:
        shares = pokja.shares(envelope, subset)
        assert env.open_envelope(envelope, TENDER_A, SUPPLIER, shares) == OPENING
        assert env.open_envelope(envelope, TENDER_A, SUPPLIER, list(reversed(shares))) == OPENING
    # more members than the quorum, and a member's share given twice, open it as well
    everyone = pokja.shares(envelope, range(1, n + 1))
    assert env.open_envelope(envelope, TENDER_A, SUPPLIER, everyone + everyone[:1]) == OPENING


@pytest.mark.parametrize(("n", "k"), [(3, 2), (5, 3)])
def test_fewer_than_a_quorum_cannot_open(n, k):
    pokja, envelope = sealed(n, k)
    for subset in itertools.combinations(range(1, n + 1), k - 1):
        shares = pokja.shares(envelope, subset)
        with pytest.raises(EnvelopeError, match=f"needs {k} shares, got {k - 1}"):
            env.open_envelope(envelope, TENDER_A, SUPPLIER, shares)
        # not only refused by count: neither the k-1 shares interpolated nor any share alone is the key
        assert not opens_with_key(envelope, Shamir.combine([(s.index, s.value) for s in shares]))
        assert not any(opens_with_key(envelope, s.value) for s in shares)
        # k-1 genuine shares and one made up from random bytes for every missing member do not open it
        for missing in sorted(set(range(1, n + 1)) - set(subset)):
            made_up = Share(missing, secrets.token_bytes(16))
            with pytest.raises(EnvelopeError, match="do not open this envelope"):
                env.open_envelope(envelope, TENDER_A, SUPPLIER, [*shares, made_up])


def test_a_made_up_share_in_place_of_a_genuine_one_does_not_open():
    pokja, envelope = sealed(5, 3)
    genuine = pokja.shares(envelope, [1, 2, 3])
    for position in range(3):
        shares = list(genuine)
        shares[position] = Share(shares[position].index, flipped(shares[position].value, 0))
        with pytest.raises(EnvelopeError, match="do not open this envelope"):
            env.open_envelope(envelope, TENDER_A, SUPPLIER, shares)


def test_two_different_shares_for_one_member_are_refused():
    pokja, envelope = sealed(3, 2)
    one, two = pokja.shares(envelope, [1, 2])
    with pytest.raises(EnvelopeError, match="two different shares for member 1"):
        env.open_envelope(envelope, TENDER_A, SUPPLIER, [one, Share(1, secrets.token_bytes(16)), two])
    with pytest.raises(EnvelopeError, match="not among this envelope's 3 members"):
        env.open_envelope(envelope, TENDER_A, SUPPLIER, [one, two, Share(4, secrets.token_bytes(16))])


# --- each share is its member's -------------------------------------------------------------------


def test_a_member_key_cannot_decrypt_another_members_share():
    pokja, envelope = sealed(5, 3)
    for mine, theirs in itertools.permutations(range(1, 6), 2):
        with pytest.raises(EnvelopeError, match=f"share {theirs} does not decrypt"):
            env.decrypt_share(envelope, TENDER_A, SUPPLIER, theirs, pokja.private(mine))
    outsider, _ = env.generate_member_key()
    for index in range(1, 6):
        with pytest.raises(EnvelopeError, match=f"share {index} does not decrypt"):
            env.decrypt_share(envelope, TENDER_A, SUPPLIER, index, outsider)


def test_decrypt_share_takes_a_key_object_or_raw_bytes():
    pokja, envelope = sealed(3, 2)
    as_object = X25519PrivateKey.from_private_bytes(pokja.private(2))
    share = env.decrypt_share(envelope, TENDER_A, SUPPLIER, 2, as_object)
    assert share == env.decrypt_share(envelope, TENDER_A, SUPPLIER, 2, pokja.private(2))
    assert share.index == 2 and len(share.value) == 16
    with pytest.raises(EnvelopeError, match="member 4 is not among this envelope's 3 members"):
        env.decrypt_share(envelope, TENDER_A, SUPPLIER, 4, pokja.private(2))


# --- bound to its tender and supplier -------------------------------------------------------------


@pytest.mark.parametrize(("tender", "supplier"), [(TENDER_B, SUPPLIER), (TENDER_A, OTHER_SUPPLIER)])
def test_an_envelope_opens_only_as_the_tender_and_supplier_it_was_sealed_for(tender, supplier):
    pokja, envelope = sealed(3, 2)
    # the members' shares do not decrypt for another bid (the share keys are bound to it) ...
    for index in (1, 2, 3):
        with pytest.raises(EnvelopeError, match=f"share {index} does not decrypt"):
            env.decrypt_share(envelope, tender, supplier, index, pokja.private(index))
    # ... and genuine shares do not open it as another bid's (the opening's associated data)
    genuine = pokja.shares(envelope, [1, 2])
    with pytest.raises(EnvelopeError, match="do not open this envelope"):
        env.open_envelope(envelope, tender, supplier, genuine)
    assert env.open_envelope(envelope, TENDER_A, SUPPLIER, genuine) == OPENING


# --- tampering ------------------------------------------------------------------------------------


@pytest.mark.parametrize("mask", [0x01, 0x80])
def test_a_flipped_byte_in_a_share_ciphertext_is_detected(mask):
    pokja, envelope = sealed(3, 2)
    for member in (1, 2, 3):
        start = env.HEADER_SIZE + env.SHARE_CIPHERTEXT_SIZE * (member - 1)
        for position in range(start, start + env.SHARE_CIPHERTEXT_SIZE):
            corrupted = flipped(envelope, position, mask)
            with pytest.raises(EnvelopeError, match=f"share {member} does not decrypt"):
                env.decrypt_share(corrupted, TENDER_A, SUPPLIER, member, pokja.private(member))
            # the other members' shares still decrypt and open it
            others = pokja.shares(corrupted, [i for i in (1, 2, 3) if i != member])
            assert env.open_envelope(corrupted, TENDER_A, SUPPLIER, others) == OPENING


@pytest.mark.parametrize("mask", [0x01, 0x80])
def test_a_flipped_byte_in_the_opening_ciphertext_is_detected(mask):
    pokja, envelope = sealed(3, 2)
    shares = pokja.shares(envelope, [1, 3])
    start = env.HEADER_SIZE + env.SHARE_CIPHERTEXT_SIZE * 3  # nonce_o, ciphertext, tag
    assert len(envelope) - start == 12 + len(OPENING) + 16
    for position in range(start, len(envelope)):
        with pytest.raises(EnvelopeError, match="do not open this envelope"):
            env.open_envelope(flipped(envelope, position, mask), TENDER_A, SUPPLIER, shares)


@pytest.mark.parametrize("mask", [0x01, 0x80])
def test_a_flipped_byte_in_the_header_is_detected(mask):
    # version, quorum, n and the ephemeral key: no share decrypts, or the envelope does not parse or
    # open. (0x80 on e_pub's last byte is a bit X25519 ignores; the share keys still bind it.)
    pokja, envelope = sealed(3, 2)
    for position in range(env.HEADER_SIZE):
        corrupted = flipped(envelope, position, mask)
        with pytest.raises(EnvelopeError):
            env.open_envelope(corrupted, TENDER_A, SUPPLIER, pokja.shares(corrupted, [1, 2, 3]))


def test_an_unknown_version_or_a_truncated_envelope_is_refused():
    pokja, envelope = sealed(3, 2)
    with pytest.raises(EnvelopeError, match="unknown envelope version 2"):
        env.parse(b"\x02" + envelope[1:])
    with pytest.raises(EnvelopeError, match="too short"):
        env.parse(envelope[: env.envelope_size(3, 0) - 1])
    with pytest.raises(EnvelopeError, match="invalid envelope quorum 3 of 2"):
        env.parse(b"\x01\x03\x02" + envelope[3:])
    with pytest.raises(EnvelopeError, match="do not open this envelope"):
        env.open_envelope(envelope[:-1], TENDER_A, SUPPLIER, pokja.shares(envelope, [1, 2]))


# --- edge cases and parameters --------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 3])
def test_a_quorum_of_one_lets_every_member_open_alone(n):
    pokja, envelope = sealed(n, 1)
    assert env.envelope_quorum(envelope) == (1, n)
    for index in range(1, n + 1):
        assert env.open_envelope(envelope, TENDER_A, SUPPLIER, pokja.shares(envelope, [index])) == OPENING


@pytest.mark.parametrize("n", [2, 5, 32])
def test_a_quorum_of_all_members_needs_every_one(n):
    pokja, envelope = sealed(n, n)
    assert env.envelope_quorum(envelope) == (n, n)
    everyone = pokja.shares(envelope, range(1, n + 1))
    assert env.open_envelope(envelope, TENDER_A, SUPPLIER, everyone) == OPENING
    for left_out in range(n):
        rest = everyone[:left_out] + everyone[left_out + 1 :]
        with pytest.raises(EnvelopeError, match=f"needs {n} shares, got {n - 1}"):
            env.open_envelope(envelope, TENDER_A, SUPPLIER, rest)
        assert not opens_with_key(envelope, Shamir.combine([(s.index, s.value) for s in rest]))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"quorum": 0}, "quorum must be 1 to 3"),
        ({"quorum": 4}, "quorum must be 1 to 3"),
        ({"member_public_keys": []}, "needs 1 to 32 members, got 0"),
        ({"member_public_keys": [env.generate_member_key()[1] for _ in range(33)]}, "got 33"),
        ({"member_public_keys": ["not bytes", b"\x09" * 32]}, "member 1's public key must be 32 raw bytes"),
        ({"member_public_keys": [b"\x09" * 32, b"\x09" * 31]}, "member 2's public key must be 32 raw bytes"),
        ({"member_public_keys": [b"\x09" * 32, b"\x09" * 32]}, "must be distinct"),
        ({"member_public_keys": [b"\x09" * 32, b"\x00" * 32]}, "member 2's public key is not a usable"),
        ({"tender_id": b"\x01" * 31}, "tender_id must be 32 bytes"),
        ({"supplier_id": 0}, "supplier_id must be a registered supplier id"),
        ({"supplier_id": 2**64}, "supplier_id must be a registered supplier id"),
        ({"plaintext": "a string"}, "plaintext must be bytes"),
    ],
)
def test_invalid_parameters_are_refused_with_a_message(change, message):
    arguments = {
        "plaintext": OPENING,
        "tender_id": TENDER_A,
        "supplier_id": SUPPLIER,
        "member_public_keys": Pokja(3).public_keys,
        "quorum": 2,
    } | change
    with pytest.raises(ValueError, match=message) as raised:
        env.seal(**arguments)
    assert "\n" not in str(raised.value)


@pytest.mark.parametrize(("n", "size"), [(1, 0), (3, 1), (3, len(OPENING)), (5, len(OPENING)), (32, 1000)])
def test_the_size_formula_holds(n, size):
    pokja, envelope = sealed(n, max(1, n // 2), secrets.token_bytes(size))
    assert len(envelope) == env.envelope_size(n, size) == 35 + 44 * n + 12 + size + 16
    parsed = env.parse(envelope)
    assert (parsed.version, parsed.quorum, parsed.members) == (1, max(1, n // 2), n)
    assert len(parsed.share_ciphertexts) == n and all(len(c) == 44 for c in parsed.share_ciphertexts)
    assert len(parsed.opening_ciphertext) == size + 16


def test_the_format_is_the_documented_one():
    # Opened here from the bytes, following the module docstring alone, as another implementation
    # (a member's offline tool) would: offsets, HKDF info, share ciphertexts, Shamir, opening AAD.
    pokja, envelope = sealed(5, 3)
    assert envelope[:3] == bytes([1, 3, 5])
    e_pub = envelope[3:35]
    shares = []
    for i in (2, 4, 5):
        private = X25519PrivateKey.from_private_bytes(pokja.private(i))
        public = pokja.public_keys[i - 1]
        info = b"terang/bid-envelope/v1/share" + BID + bytes([i]) + e_pub + public
        shared = private.exchange(X25519PublicKey.from_public_bytes(e_pub))
        key_i = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(shared)
        c_i = envelope[35 + 44 * (i - 1) : 35 + 44 * i]
        shares.append((i, AESGCM(key_i).decrypt(c_i[:12], c_i[12:], None)))
    key = Shamir.combine(shares)
    assert len(key) == 16  # AES-128
    nonce_o, sealed_opening = envelope[35 + 44 * 5 : 47 + 44 * 5], envelope[47 + 44 * 5 :]
    aad = b"terang/bid-envelope/v1" + BID + bytes([3, 5])
    assert AESGCM(key).decrypt(nonce_o, sealed_opening, aad) == OPENING


def test_sealing_is_randomised_and_the_hash_is_keccak():
    pokja = Pokja(3)
    first = env.seal(OPENING, TENDER_A, SUPPLIER, pokja.public_keys, 2)
    second = env.seal(OPENING, TENDER_A, SUPPLIER, pokja.public_keys, 2)
    assert first != second and first[:3] == second[:3]
    assert bids.envelope_hash(first) == keccak(first) != bids.envelope_hash(second)


def test_member_keys_are_x25519_raw_pairs():
    private, public = env.generate_member_key()
    assert len(private) == len(public) == 32
    assert env.public_key_of(private) == public
    assert env.generate_member_key()[0] != private


# --- the opening codec ----------------------------------------------------------------------------


bytes32 = st.binary(min_size=32, max_size=32)


@settings(max_examples=200, deadline=None)
@given(
    price=st.integers(0, 2**256 - 1),
    products=st.lists(st.tuples(bytes32, st.integers(0, 2**16 - 1)), max_size=4),
    salt=bytes32,
    bond=bytes32,
)
def test_the_opening_codec_round_trips(price, products, salt, bond):
    encoded = encode_opening(price, products, salt, bond)
    assert decode_opening(encoded) == Opening(price, tuple(products), salt, bond)


def test_an_opening_with_no_products_round_trips_through_an_envelope():
    salt, bond = secrets.token_bytes(32), secrets.token_bytes(32)
    encoded = encode_opening(990_000_000, [], salt, bond)
    assert len(encoded) == 5 * 32  # price, offset, salt, bond, array length 0
    pokja, envelope = sealed(3, 2, encoded)
    opened = env.open_envelope(envelope, TENDER_A, SUPPLIER, pokja.shares(envelope, [2, 3]))
    assert decode_opening(opened) == Opening(990_000_000, (), salt, bond)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ((-1, [], b"\x00" * 32, b"\x00" * 32), "price must be an integer"),
        ((2**256, [], b"\x00" * 32, b"\x00" * 32), "price must be an integer"),
        ((1, [(b"\x00" * 32, 2**16)], b"\x00" * 32, b"\x00" * 32), "product 0's shareBps"),
        ((1, [(b"\x00" * 31, 1)], b"\x00" * 32, b"\x00" * 32), "product 0's productId must be 32 bytes"),
        ((1, [b"\x00" * 32], b"\x00" * 32, b"\x00" * 32), "product 0 must be a"),
        ((1, [], b"\x00" * 31, b"\x00" * 32), "salt must be 32 bytes"),
        ((1, [], b"\x00" * 32, "0x00"), "bid_bond_ref must be 32 bytes"),
    ],
)
def test_the_opening_codec_refuses_values_outside_their_types(arguments, message):
    with pytest.raises(ValueError, match=message):
        encode_opening(*arguments)


def test_decoding_refuses_anything_but_an_exact_encoding():
    encoded = encode_opening(1, [(b"\x01" * 32, 10_000)], b"\x02" * 32, b"\x03" * 32)
    for bad in (b"", encoded[:-1], encoded + b"\x00", secrets.token_bytes(len(encoded))):
        with pytest.raises(ValueError, match="not an encoded opening"):
            decode_opening(bad)
