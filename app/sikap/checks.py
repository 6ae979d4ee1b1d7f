"""What the gateway checks against the SIKaP extract, by the keyed NIB hash the registry holds:
- at registration: the business is in the extract (supplier_unknown_nib) and not on the national
  blacklist now (supplier_blacklisted_nationally);
- at a bid commitment: the supplier holds the tender's required qualification, a KBLI code or an
  SBU certificate still valid at the commit (supplier_unqualified; an expired SBU is lacking).
The chain enforces neither (its blacklist is the agencies' own, two officers each: see
app/sikap/proposals.py for how national entries reach it)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.api.errors import ApiError
from app.sikap.errors import register_titles
from app.sikap.models import SikapBlacklistEntry, blacklist, business, qualifications

register_titles()


def active_entry(session: Session, nib_hash: str, at: int) -> SikapBlacklistEntry | None:
    return next((e for e in blacklist(session, nib_hash) if e.start <= at < e.end), None)


def require_registrable(session: Session, nib_hash: str, at: int) -> None:
    if business(session, nib_hash) is None:
        raise ApiError(422, "supplier_unknown_nib", detail="the NIB is not in the SIKaP extract")
    entry = active_entry(session, nib_hash, at)
    if entry is not None:
        raise ApiError(
            403,
            "supplier_blacklisted_nationally",
            detail=f"on the national blacklist from {entry.start} until {entry.end} (UTC seconds)",
        )


def holds(session: Session, nib_hash: str, code: str, at: int) -> bool:
    return any(
        q.code == code and (q.valid_until is None or at < q.valid_until)
        for q in qualifications(session, nib_hash)
    )


def require_qualified(session: Session, nib_hash: str, code: str | None, at: int) -> None:
    if code is not None and not holds(session, nib_hash, code, at):
        raise ApiError(403, "supplier_unqualified", detail=f"the tender requires {code}, valid at the commit")


def enforced(settings) -> bool:
    """Whether registration checks the extract: TERANG_SIKAP_CHECK_ENABLED, or when unset, everywhere
    but local and test (app/config.py)."""
    if settings.sikap_check_enabled is not None:
        return settings.sikap_check_enabled
    return settings.environment not in ("local", "test")
