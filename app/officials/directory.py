"""Who the officials are, from the indexed events: the AgencyDirectory's assignments (agency names,
officials joining and leaving) and the hub's role grants and revocations. Read side only; the
contracts are the authority (AgencyDirectory.agencyOf, AccessManager.hasRole).

Every event of a person's act names its official (docs/decisions/0019); `acting_official` finds it
in an event's arguments, so a timeline shows who acted at each step."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from eth_utils import to_checksum_address
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.indexer.models import ChainEvent
from app.protocol.roles import ROLES

# The argument that names the person who acted, by the events' conventions, in order of preference.
OFFICIAL_ARGS = ("officer", "official", "member", "verifier", "openedBy", "certifier")
ZERO_ADDRESS = "0x" + "00" * 20
ROLE_NAMES = {role.id: name for name, role in ROLES.items()}
DIRECTORY_EVENTS = ("AgencyRegistered", "OfficerAssigned", "OfficerRemoved")
HUB_EVENTS = ("RoleGranted", "RoleRevoked")


def acting_official(args: dict[str, Any]) -> str | None:
    """The official an event names as the one who acted, or None (an act of a supplier, the
    committee through the hub, or a machine)."""
    for name in OFFICIAL_ARGS:
        value = args.get(name)
        if isinstance(value, str) and value.startswith("0x") and value.lower() != ZERO_ADDRESS:
            return to_checksum_address(value)
    return None


@dataclass
class Official:
    address: str
    agency: int | None = None  # None once removed from the directory
    roles: set[str] = field(default_factory=set)
    since_block: int | None = None


@dataclass
class Directory:
    agencies: dict[int, str] = field(default_factory=dict)
    officials: dict[str, Official] = field(default_factory=dict)  # by lower-case address

    def official(self, address: str | None) -> Official | None:
        return self.officials.get(address.lower()) if address else None

    def agency_name(self, agency: int | None) -> str | None:
        return self.agencies.get(agency) if agency is not None else None

    def of_agency(self, agency: int) -> list[Official]:
        return sorted(
            (o for o in self.officials.values() if o.agency == agency),
            key=lambda o: (o.since_block or 0, o.address),
        )


def directory_events():
    """The statement for the events the directory folds: by event name alone (one index range per
    name), in no order, so no planner (SQLite with statistics did) prefers walking every event in
    chain order; the few rows are ordered and filtered in Python."""
    return select(ChainEvent).where(ChainEvent.event.in_(DIRECTORY_EVENTS + HUB_EVENTS))


def directory(session: Session) -> Directory:
    """The directory as the indexed events leave it."""
    rows = sorted(
        (
            r
            for r in session.scalars(directory_events())
            if r.event in HUB_EVENTS or r.contract == "AgencyDirectory"
        ),
        key=lambda r: (r.block_number, r.log_index),
    )
    book = Directory()
    for r in rows:
        a = r.args
        if r.event == "AgencyRegistered":
            book.agencies[int(a["agencyId"])] = a["name"]
            continue
        address = a.get("officer") or a.get("account")
        if not address:
            continue
        entry = book.officials.setdefault(address.lower(), Official(address))
        if r.event == "OfficerAssigned":
            entry.agency, entry.since_block = int(a["agencyId"]), r.block_number
        elif r.event == "OfficerRemoved" and entry.agency == int(a["agencyId"]):
            entry.agency = None
        elif r.event in HUB_EVENTS:
            role = ROLE_NAMES.get(int(a.get("roleId", -1)))
            if role is not None:
                (entry.roles.add if r.event == "RoleGranted" else entry.roles.discard)(role)
    return book
