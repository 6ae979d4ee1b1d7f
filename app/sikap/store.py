"""Writing a SIKaP extract in one transaction: each business it lists is replaced whole (its name,
its qualifications, its national blacklist entries: what SIKaP no longer lists for it is gone);
businesses it does not list stay as they were, so extracts by region or by update can follow each
other."""

from __future__ import annotations

from sqlalchemy import delete
from sqlalchemy.orm import Session

from app.sikap.importing import Business
from app.sikap.models import SikapBlacklistEntry, SikapBusiness, SikapQualification


def save(session: Session, businesses: list[Business]) -> dict[str, int]:
    hashes = [b.nib_hash for b in businesses]
    for start in range(0, len(hashes), 500):
        batch = hashes[start : start + 500]
        for model in (SikapBlacklistEntry, SikapQualification, SikapBusiness):
            session.execute(delete(model).where(model.nib_hash.in_(batch)))
    session.add_all(SikapBusiness(nib_hash=b.nib_hash, name=b.name) for b in businesses)
    session.add_all(
        SikapQualification(nib_hash=b.nib_hash, code=code, valid_until=until)
        for b in businesses
        for code, until in b.qualifications
    )
    session.add_all(
        SikapBlacklistEntry(nib_hash=b.nib_hash, start=start, end=end, reason=reason)
        for b in businesses
        for start, end, reason in b.blacklist
    )
    return {
        "businesses": len(businesses),
        "qualifications": sum(len(b.qualifications) for b in businesses),
        "blacklist": sum(len(b.blacklist) for b in businesses),
    }
