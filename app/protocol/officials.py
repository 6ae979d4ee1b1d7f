"""Removing an official: one committee act that takes away every seat the official holds.

An official acts through its hub roles (AGENCY_OFFICER, VERIFIER, ENROLLER, ...) and through its
entry in the AgencyDirectory (its agency). Seats follow from these: a Pokja seat is held as an
officer of the tender's agency (Tenders checks the directory at each Pokja act), an escrow verifier
seat as a holder of VERIFIER. So the batch that removes an official revokes each hub role it holds
and then removes it from the directory; the committee proposes the batch as one act (each call
through the hub's delay, which the guardians may cancel).

Pure Python with no dependencies, so the gateway, the deploy tooling and the contract tests build
the same batch.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from app.protocol.roles import PUBLIC_ROLE, ROLES, role_id


@dataclass(frozen=True)
class OfficialCall:
    """One call of the batch: `contract` is the deployment name (AccessHub, AgencyDirectory)."""

    contract: str
    function: str
    args: tuple


def roles_held(has_role: Callable[[int, str], bool], official: str) -> list[str]:
    """The names of the hub roles `official` holds, by asking `has_role(role_id, account)` (e.g. a
    wrapper around AccessManager.hasRole that returns its first value)."""
    return [name for name, role in ROLES.items() if role.id != PUBLIC_ROLE and has_role(role.id, official)]


def removal_batch(official: str, held: Iterable[str]) -> list[OfficialCall]:
    """The calls that remove `official`: revoke each role in `held` (lowest id first), then take it
    out of the directory. Raises ValueError for an empty address, KeyError for an unknown role."""
    if not official or int(official, 16) == 0:
        raise ValueError("an official's address is required")
    calls = [
        OfficialCall("AccessHub", "revokeRole", (role_id(name), official))
        for name in sorted(set(held), key=role_id)
    ]
    calls.append(OfficialCall("AgencyDirectory", "removeOfficer", (official,)))
    return calls
