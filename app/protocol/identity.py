"""Keyed hashes of identifiers before they reach the chain.

NIB (13 digits), NPWP (15-16 digits) and NIK (16 digits, encoding region and birth date) are small
spaces: an unsalted hash is reversed by enumeration. HMAC-SHA256 with a secret held only by the
gateway makes the on-chain value useless without the key; a domain tag keeps the same digits in
different roles apart."""

from __future__ import annotations

import hashlib
import hmac
import re

KINDS = {"nib": r"\d{13}", "npwp": r"\d{15,16}", "nik": r"\d{16}", "kk": r"\d{16}"}


class InvalidIdentifier(ValueError):
    def __init__(self, kind: str, reason: str) -> None:
        super().__init__(f"{kind.upper()}: {reason}")
        self.kind = kind


def normalise(kind: str, value: str) -> str:
    digits = re.sub(r"[\s.\-]", "", value)
    if not re.fullmatch(KINDS[kind], digits):
        raise InvalidIdentifier(kind, f"expected {KINDS[kind].replace(chr(92) + 'd', 'digits ')}")
    return digits


def keyed_hash(key: bytes, kind: str, value: str) -> bytes:
    """HMAC-SHA256(key, "<kind>:<normalised digits>") as 32 bytes."""
    return hmac.new(key, f"{kind}:{normalise(kind, value)}".encode(), hashlib.sha256).digest()
