"""Bid envelopes: a sealed bid's opening encrypted so that any `quorum` (k) of a tender's n Pokja
members together can decrypt it after the commit deadline, and fewer than k learn nothing about it.

Without an envelope a bidder may withhold its opening after seeing the others' prices (colluding
identities commit a ladder of prices and open only the one that just wins). With one, the quorum
opens any bid its bidder does not. The bidder is its own dealer: it draws a fresh 128-bit key K,
encrypts its opening under K and Shamir-splits K among the members, each share encrypted to one
member's X25519 public key. No trusted party ever holds a tender-wide key. Nobody can check an
envelope before it is opened; the contract binds keccak256(envelope) into the sealed bid and checks
any opening against the bid's commitment, so a forged opening is refused on chain, and an envelope
that does not open leaves its bid unopened (its bid guarantee is claimed). See
docs/decisions/0016-no-withheld-bids.md.

Format, version 1 (all integers big-endian):

    offset            size  field
    0                 1     version, 0x01
    1                 1     quorum k (1 <= k <= n)
    2                 1     members n (1 <= n <= 32)
    3                 32    e_pub: the ephemeral X25519 public key of this envelope
    35 + 44 (i-1)     44    c_i for member i = 1..n: nonce_i (12) || AES-256-GCM(key_i, share_i) (16 + 16)
    35 + 44 n         12    nonce_o
    47 + 44 n         L+16  AES-128-GCM(K, opening) (L bytes of ciphertext, then the 16-byte tag)

    size = 35 + 44 n + 12 + L + 16

    share_i = Shamir share i of K (pycryptodome, GF(2^128), threshold k, indices 1..n; k = 1 makes
              every share K itself)
    key_i   = HKDF-SHA256(length 32, no salt,
                          info = b"terang/bid-envelope/v1/share" || tenderId (32) || supplierId (8)
                                 || i (1) || e_pub (32) || P_i (32))
              of X25519(e, P_i), P_i the member's raw public key as published on chain (Pokja order)
    opening associated data = b"terang/bid-envelope/v1" || tenderId (32) || supplierId (8) || k || n

An envelope is thereby bound to its tender, its supplier, and each share to its member: moved to
another tender or supplier, or given a share that is not genuine, it does not open (the GCM tag
fails). AES-GCM is not key-committing, so what the opening *is* rests on the on-chain commitment,
not on this format: a bidder could make different k-subsets recover different keys, which at worst
leaves its bid unopened, the same as an envelope of garbage.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from Crypto.Protocol.SecretSharing import Shamir
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

VERSION = 1
MAX_MEMBERS = 32

SHARE_INFO = b"terang/bid-envelope/v1/share"
OPENING_AAD = b"terang/bid-envelope/v1"

KEY_SIZE = 32  # raw X25519 keys
SECRET_SIZE = 16  # K, and each Shamir share
NONCE_SIZE = 12
TAG_SIZE = 16
HEADER_SIZE = 3 + KEY_SIZE  # version, quorum, n, e_pub
SHARE_CIPHERTEXT_SIZE = NONCE_SIZE + SECRET_SIZE + TAG_SIZE  # 44


class EnvelopeError(Exception):
    """An envelope is malformed, a share does not decrypt with the key given, or the shares given do
    not open the envelope (too few, not genuine, or the envelope belongs to another bid)."""


@dataclass(frozen=True)
class Share:
    """Member `index`'s (1-based, Pokja order) Shamir share of one envelope's key."""

    index: int
    value: bytes

    def __post_init__(self):
        if type(self.index) is not int or not 1 <= self.index <= MAX_MEMBERS:
            raise ValueError(f"a share's index must be a member index 1..{MAX_MEMBERS}")
        if not isinstance(self.value, bytes) or len(self.value) != SECRET_SIZE:
            raise ValueError(f"a share's value must be {SECRET_SIZE} bytes")


@dataclass(frozen=True)
class ParsedEnvelope:
    """The fields of a version 1 envelope (see the module docstring)."""

    version: int
    quorum: int
    members: int
    ephemeral_public_key: bytes
    share_ciphertexts: tuple[bytes, ...]  # c_1 .. c_n, 44 bytes each
    opening_nonce: bytes
    opening_ciphertext: bytes  # ciphertext || tag


def envelope_size(members: int, plaintext_size: int) -> int:
    """The size of a version 1 envelope for `members` members and an opening of `plaintext_size` bytes."""
    return HEADER_SIZE + SHARE_CIPHERTEXT_SIZE * members + NONCE_SIZE + plaintext_size + TAG_SIZE


def generate_member_key() -> tuple[bytes, bytes]:
    """A fresh X25519 key pair for a Pokja member: (32-byte raw private key, 32-byte raw public key).
    The member alone keeps the private key; the public key is published on chain."""
    private = X25519PrivateKey.generate()
    return _raw_private(private), _raw_public(private.public_key())


def public_key_of(private_raw: bytes) -> bytes:
    """The 32-byte raw X25519 public key of a 32-byte raw private key."""
    return _raw_public(_private_key(private_raw).public_key())


def seal(
    plaintext: bytes,
    tender_id: bytes,
    supplier_id: int,
    member_public_keys: Sequence[bytes],
    quorum: int,
) -> bytes:
    """Encrypts `plaintext` (a bid opening) so that any `quorum` of the members, given by their raw
    X25519 public keys in Pokja order (member i = member_public_keys[i - 1]), can open it together.
    Raises ValueError for invalid parameters."""
    if not isinstance(plaintext, bytes | bytearray):
        raise ValueError("plaintext must be bytes")
    tender = _tender_id(tender_id)
    supplier = _supplier_id(supplier_id)
    members = len(member_public_keys)
    if not 1 <= members <= MAX_MEMBERS:
        raise ValueError(f"an envelope needs 1 to {MAX_MEMBERS} members, got {members}")
    if not isinstance(quorum, int) or isinstance(quorum, bool) or not 1 <= quorum <= members:
        raise ValueError(f"quorum must be 1 to {members} (the number of members), got {quorum!r}")
    publics = [_member_public_key(key, i) for i, key in enumerate(member_public_keys, start=1)]
    if len(set(publics)) != members:
        raise ValueError("member public keys must be distinct")

    key = secrets.token_bytes(SECRET_SIZE)
    shares = Shamir.split(quorum, members, key)
    ephemeral = X25519PrivateKey.generate()
    e_pub = _raw_public(ephemeral.public_key())

    parts = [bytes([VERSION, quorum, members]), e_pub]
    for (index, share), public in zip(shares, publics, strict=True):
        try:
            shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(public))
        except ValueError:  # a low-order point: the shared secret would be all zeros
            raise ValueError(f"member {index}'s public key is not a usable X25519 key") from None
        cipher = AESGCM(_share_key(shared, tender, supplier, index, e_pub, public))
        nonce = secrets.token_bytes(NONCE_SIZE)
        parts.append(nonce + cipher.encrypt(nonce, share, None))
    aad = _opening_aad(tender, supplier, quorum, members)
    nonce_o = secrets.token_bytes(NONCE_SIZE)
    parts.append(nonce_o + AESGCM(key).encrypt(nonce_o, bytes(plaintext), aad))
    return b"".join(parts)


def parse(envelope: bytes) -> ParsedEnvelope:
    """The fields of `envelope`. Raises EnvelopeError if it is not a well-formed version 1 envelope."""
    if not isinstance(envelope, bytes | bytearray):
        raise EnvelopeError("an envelope must be bytes")
    envelope = bytes(envelope)
    if len(envelope) < HEADER_SIZE:
        raise EnvelopeError(f"envelope too short ({len(envelope)} bytes)")
    version, quorum, members = envelope[0], envelope[1], envelope[2]
    if version != VERSION:
        raise EnvelopeError(f"unknown envelope version {version}")
    if not 1 <= members <= MAX_MEMBERS or not 1 <= quorum <= members:
        raise EnvelopeError(f"invalid envelope quorum {quorum} of {members}")
    minimum = envelope_size(members, 0)
    if len(envelope) < minimum:
        raise EnvelopeError(f"envelope too short for {members} members ({len(envelope)} < {minimum} bytes)")
    offset = HEADER_SIZE
    ciphertexts = []
    for _ in range(members):
        ciphertexts.append(envelope[offset : offset + SHARE_CIPHERTEXT_SIZE])
        offset += SHARE_CIPHERTEXT_SIZE
    return ParsedEnvelope(
        version=version,
        quorum=quorum,
        members=members,
        ephemeral_public_key=envelope[3:HEADER_SIZE],
        share_ciphertexts=tuple(ciphertexts),
        opening_nonce=envelope[offset : offset + NONCE_SIZE],
        opening_ciphertext=envelope[offset + NONCE_SIZE :],
    )


def envelope_quorum(envelope: bytes) -> tuple[int, int]:
    """(quorum, n) of `envelope`: how many of how many members it takes to open it."""
    parsed = parse(envelope)
    return parsed.quorum, parsed.members


def decrypt_share(
    envelope: bytes,
    tender_id: bytes,
    supplier_id: int,
    member_index: int,
    member_private_key: X25519PrivateKey | bytes,
) -> Share:
    """Member `member_index`'s (1-based) share of `envelope`, decrypted with the member's private key.
    Raises EnvelopeError if the envelope is malformed, has no such member, or the share does not
    decrypt (another member's key, another tender or supplier, or a corrupted share)."""
    tender = _tender_id(tender_id)
    supplier = _supplier_id(supplier_id)
    private = _private_key(member_private_key)
    parsed = parse(envelope)
    if not isinstance(member_index, int) or not 1 <= member_index <= parsed.members:
        raise EnvelopeError(f"member {member_index} is not among this envelope's {parsed.members} members")
    try:
        shared = private.exchange(X25519PublicKey.from_public_bytes(parsed.ephemeral_public_key))
    except ValueError:
        raise EnvelopeError("the envelope's ephemeral public key is not a usable X25519 key") from None
    public = _raw_public(private.public_key())
    cipher = AESGCM(_share_key(shared, tender, supplier, member_index, parsed.ephemeral_public_key, public))
    ciphertext = parsed.share_ciphertexts[member_index - 1]
    try:
        value = cipher.decrypt(ciphertext[:NONCE_SIZE], ciphertext[NONCE_SIZE:], None)
    except InvalidTag:
        raise EnvelopeError(
            f"share {member_index} does not decrypt with this key for this tender and supplier"
        ) from None
    if len(value) != SECRET_SIZE:  # only a dealer that encrypted something else gets here
        raise EnvelopeError(f"share {member_index} is {len(value)} bytes, not {SECRET_SIZE}")
    return Share(member_index, value)


def open_envelope(envelope: bytes, tender_id: bytes, supplier_id: int, shares: Sequence[Share]) -> bytes:
    """The opening sealed in `envelope`, recovered from at least `quorum` distinct members' shares.
    Exactly `quorum` shares are combined: the first distinct ones in the order given. Raises
    EnvelopeError for too few shares, two different shares for one member, and for shares or an
    envelope that do not open (a share that is not genuine, or the envelope of another tender or
    supplier)."""
    tender = _tender_id(tender_id)
    supplier = _supplier_id(supplier_id)
    parsed = parse(envelope)
    distinct: dict[int, bytes] = {}
    for share in shares:
        if not isinstance(share, Share):
            raise EnvelopeError("shares must be Share values")
        if share.index > parsed.members:
            raise EnvelopeError(f"share {share.index} is not among this envelope's {parsed.members} members")
        if distinct.setdefault(share.index, share.value) != share.value:
            raise EnvelopeError(f"two different shares for member {share.index}")
    if len(distinct) < parsed.quorum:
        raise EnvelopeError(f"needs {parsed.quorum} shares, got {len(distinct)}")
    chosen = list(distinct.items())[: parsed.quorum]
    key = Shamir.combine(chosen)
    aad = _opening_aad(tender, supplier, parsed.quorum, parsed.members)
    try:
        return AESGCM(key).decrypt(parsed.opening_nonce, parsed.opening_ciphertext, aad)
    except InvalidTag:
        raise EnvelopeError(
            "the shares do not open this envelope for this tender and supplier "
            "(a share is not genuine, or the envelope is corrupted or another bid's)"
        ) from None


def _share_key(shared: bytes, tender: bytes, supplier: int, index: int, e_pub: bytes, public: bytes) -> bytes:
    info = SHARE_INFO + tender + supplier.to_bytes(8, "big") + bytes([index]) + e_pub + public
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(shared)


def _opening_aad(tender: bytes, supplier: int, quorum: int, members: int) -> bytes:
    return OPENING_AAD + tender + supplier.to_bytes(8, "big") + bytes([quorum, members])


def _tender_id(value: bytes | str) -> bytes:
    if isinstance(value, str):
        try:
            value = bytes.fromhex(value.removeprefix("0x"))
        except ValueError:
            raise ValueError("tender_id must be 32 bytes (or their hex)") from None
    if not isinstance(value, bytes | bytearray) or len(value) != 32:
        raise ValueError("tender_id must be 32 bytes (or their hex)")
    return bytes(value)


def _supplier_id(value: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 < value < 2**64:
        raise ValueError("supplier_id must be a registered supplier id (1 .. 2**64-1)")
    return value


def _member_public_key(value: bytes, index: int) -> bytes:
    if not isinstance(value, bytes | bytearray) or len(value) != KEY_SIZE:
        raise ValueError(f"member {index}'s public key must be {KEY_SIZE} raw bytes")
    return bytes(value)


def _private_key(value: X25519PrivateKey | bytes) -> X25519PrivateKey:
    if isinstance(value, X25519PrivateKey):
        return value
    if not isinstance(value, bytes | bytearray) or len(value) != KEY_SIZE:
        raise ValueError(f"a member private key must be an X25519PrivateKey or {KEY_SIZE} raw bytes")
    return X25519PrivateKey.from_private_bytes(bytes(value))


def _raw_private(key: X25519PrivateKey) -> bytes:
    return key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())


def _raw_public(key: X25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)
