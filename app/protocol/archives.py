"""Imported archives (contracts/Archives.sol, docs/decisions/0041-legacy-archives.md): the canonical
bytes of a record, its leaf, and the metadata hash the chain anchors beside the root.

A record's canonical form is its JSON with sorted keys, no whitespace, UTF-8 (non-ASCII kept as is).
Its leaf is keccak256(keccak256(LEAF_DOMAIN || kind || index || canonical bytes)), with the kind as
one byte and the record's 0-based index in the archive as 8 bytes big-endian: hashed twice like every
leaf of the suite (a leaf is never 64 bytes of two nodes), and bound to its kind and place so a
record cannot be passed off as another archive kind's or moved. The tree is app/protocol/merkle.py."""

from __future__ import annotations

import json
from typing import Any

from eth_utils import keccak

from app.protocol import vocabulary

LEAF_DOMAIN = b"terang/archive-record/v1\x00"
LEAF_FORMAT = (
    "keccak256(keccak256('terang/archive-record/v1' 0x00 || kind:uint8 || index:uint64be || canonical))"
)
# IArchives.ArchiveKind, in declaration order (their numbers are the chain's).
ARCHIVE_KIND = vocabulary.enum("IArchives.ArchiveKind")
KINDS: tuple[str, ...] = ARCHIVE_KIND.members
LEGACY_PROCESSES = ARCHIVE_KIND.code("LegacyProcesses")
MAX_INDEX = 2**64 - 1


class NotCanonical(ValueError):
    """A value JSON cannot carry canonically (NaN or infinity, a lone surrogate, nesting too deep)."""


def canonical(value: Any) -> bytes:
    """Sorted keys, no whitespace, UTF-8; NaN and infinity are refused (JSON has no such numbers), and
    so are strings with a lone surrogate (no UTF-8 bytes)."""
    try:
        text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
        # A lone surrogate ("\ud800" in the source JSON) is no Unicode text: it has no UTF-8 bytes.
        return text.encode("utf-8")
    except ValueError as exc:  # NaN or infinity; UnicodeEncodeError (a lone surrogate)
        raise NotCanonical(str(exc)) from None
    except RecursionError:
        raise NotCanonical("nested too deeply") from None


def record_leaf(kind: int, index: int, canonical_bytes: bytes) -> bytes:
    if not 0 <= kind < len(KINDS):
        raise ValueError(f"unknown archive kind {kind}")
    if not 0 <= index <= MAX_INDEX:
        raise ValueError(f"record index {index} out of range")
    return keccak(keccak(LEAF_DOMAIN + bytes([kind]) + index.to_bytes(8, "big") + canonical_bytes))


def metadata_hash(metadata: dict[str, Any]) -> bytes:
    """keccak256 of the metadata's canonical bytes (the metadataHash anchored beside the root)."""
    return keccak(canonical(metadata))
