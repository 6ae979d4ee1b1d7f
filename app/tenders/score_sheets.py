"""Pokja members' technical score sheets (value system), kept sealed from the sealing on chain until
the member opens them after the reveal deadline.

A member's sheet scores every bidder; the chain holds only `keccak256(abi.encode(tenderId, member,
supplierIds, scoresBps, salt))` until the sheet is opened, after the prices. Whoever reads the salt
can test guesses of the scores against that hash, so the scores and the salt are stored only sealed
(the keyring's `openings` purpose, app/keyring, bound to the tender, the member and the sealed hash),
written before the transaction that carries the hash is signed: a gateway that dies after sending
still holds a sheet that may be on chain.

Which sheet to open is decided by the chain: a member seals once, and a retried request may have
stored a sheet that never reached it, so the sheet opened is the one whose hash the member's
ScoreSheetSealed event carries.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from eth_abi import encode
from eth_utils import keccak, to_bytes
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from app.config import Settings
from app.keyring.columns import SCORE_SHEETS
from app.keyring.keyring import keyring_for
from app.tenders.models import PokjaScoreSheet

PURPOSE = "openings"  # the same secret as a bid's opening: what a sealed hash hides until it opens


@dataclass(frozen=True)
class Sheet:
    supplier_ids: tuple[int, ...]  # ascending
    scores_bps: tuple[int, ...]
    salt: bytes
    sealed_sheet: bytes


def sealed_hash(
    tender: bytes, member: str, supplier_ids: Sequence[int], scores: Sequence[int], salt: bytes
) -> bytes:
    """keccak256(abi.encode(bytes32 tenderId, address member, uint64[] supplierIds, uint16[] scoresBps,
    bytes32 salt)), exactly as Tenders recomputes it when the sheet is opened."""
    return keccak(
        encode(
            ["bytes32", "address", "uint64[]", "uint16[]", "bytes32"],
            [tender, member, list(supplier_ids), list(scores), salt],
        )
    )


def _hex(value: bytes) -> str:
    return "0x" + value.hex()


def _binding(tender: bytes, member: str, sealed_sheet: bytes) -> str:
    return SCORE_SHEETS.bind(tender_id=_hex(tender), member=member, sealed_sheet=_hex(sealed_sheet))


def save(
    sessions: sessionmaker[Session], settings: Settings, tender: bytes, member: str, sheet: Sheet
) -> None:
    """Store a sheet, sealed; saving the same sealed hash again is a no-op."""
    plain = json.dumps(
        {
            "supplierIds": list(sheet.supplier_ids),
            "scoresBps": list(sheet.scores_bps),
            "salt": _hex(sheet.salt),
        }
    )
    row = PokjaScoreSheet(
        tender_id=_hex(tender),
        member=member,
        sealed_sheet=_hex(sheet.sealed_sheet),
        sealed_value=keyring_for(settings).seal(
            PURPOSE, _binding(tender, member, sheet.sealed_sheet), plain.encode()
        ),
    )
    try:
        with sessions.begin() as session:
            session.add(row)
    except IntegrityError:
        pass


def find(
    sessions: sessionmaker[Session], settings: Settings, tender: bytes, member: str, sealed_sheet: bytes
) -> Sheet | None:
    """The stored sheet of `member` whose hash is `sealed_sheet` (the one on chain), or None."""
    with sessions() as session:
        row = session.execute(
            select(PokjaScoreSheet).where(
                PokjaScoreSheet.tender_id == _hex(tender),
                PokjaScoreSheet.member == member,
                PokjaScoreSheet.sealed_sheet == _hex(sealed_sheet),
            )
        ).scalar_one_or_none()
    if row is None:
        return None
    plain = json.loads(
        keyring_for(settings).open(PURPOSE, _binding(tender, member, sealed_sheet), row.sealed_value)
    )
    sheet = Sheet(
        supplier_ids=tuple(plain["supplierIds"]),
        scores_bps=tuple(plain["scoresBps"]),
        salt=to_bytes(hexstr=plain["salt"]),
        sealed_sheet=sealed_sheet,
    )
    if sealed_hash(tender, member, sheet.supplier_ids, sheet.scores_bps, sheet.salt) != sealed_sheet:
        return None  # not the sheet it claims to be: never sent
    return sheet
