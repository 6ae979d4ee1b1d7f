"""Suppliers' business names for the OCDS parties: from the SIKaP extract (app/sikap/models.py), by
the keyed NIB hash each supplier was registered with. Only the suppliers an award of the process
names are looked up: build_releases gives a name from that award on, as an award announcement does."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.ocds.events import Event
from app.sikap import models

# The events that name a supplier as the (proposed) winner of a process.
NAMING_EVENTS = {("Tenders", "AwardProposed"), ("Tenders", "TenderAwarded")}


def supplier_names(session: Session, events: list[Event]) -> dict[int, str]:
    """Business names of the suppliers `events` name in an award, by supplier id."""
    named = {int(e.args["supplierId"]) for e in events if (e.contract, e.name) in NAMING_EVENTS}
    return models.names_of(session, sorted(named))
