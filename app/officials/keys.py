"""Which key signs a person's act: the official's own, checked against its token, the signers file
and the AgencyDirectory.

Refused before anything is signed, each with a 403 problem and a stable code:
- `wrong_agency`: the token acts for another agency than the act's;
- `officer_claim_missing`: the token names no official (claim `officer`);
- `officer_key_unavailable`: the gateway holds no key for that official (never a shared key instead);
- `official_not_registered`: the directory holds no such official;
- `wrong_agency`: the directory holds the official for another agency than the act's or the token's.

Machine acts are not people's: the payment bridge keeps its service key (`role:TREASURY`, see
SERVICE_SIGNERS) and EIP-712 payloads signed by suppliers are relayed by `relayer`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fastapi import Request
from web3.exceptions import ContractCustomError

from app.api.errors import ApiError
from app.auth.tokens import Principal
from app.config import ConfigurationError, Settings, development_allowed
from app.ledger.signers import SignerRegistry, officer_signer

# Signers that act for machines, not people: allowed in production's signers file.
SERVICE_SIGNERS = frozenset({"relayer", "role:TREASURY"})


@dataclass(frozen=True)
class ActingOfficial:
    address: str  # checksum
    signer: str  # officer:<address>
    agency: int  # the official's agency in the directory
    index: int | None = None  # 1-based position in a tender's Pokja (Pokja acts)


def directory_agency(chain, address: str) -> int | None:
    """The official's agency in the AgencyDirectory, or None when it holds no such official."""
    try:
        return int(chain.read("AgencyDirectory", "agencyOf", address))
    except ContractCustomError:  # AgencyOfficerUnassigned
        return None


def own_key(
    chain, signers: SignerRegistry, principal: Principal, agency_id: int | None = None
) -> ActingOfficial:
    """The calling official's own key. `agency_id`: the agency the act belongs to (a tender's, an
    escrow's), which the token and the directory must both name; None for acts of no one agency
    (welfare, TKDN), where the directory must hold the official for the token's agency, if any."""
    if agency_id is not None and principal.agency != agency_id:
        raise ApiError(
            403, "wrong_agency", detail=f"this token acts for agency {principal.agency}, not {agency_id}"
        )
    if principal.officer is None:
        raise ApiError(
            403,
            "officer_claim_missing",
            detail="a person's act is signed with the official's own key: the token must name the "
            "official's account (claim 'officer')",
        )
    name = officer_signer(principal.officer)
    if not signers.holds(name):
        raise ApiError(
            403,
            "officer_key_unavailable",
            detail=f"the gateway holds no key for official {principal.officer}; a person's act is "
            "never signed with a shared key",
        )
    agency = directory_agency(chain, principal.officer)
    if agency is None:
        raise ApiError(
            403,
            "official_not_registered",
            detail=f"{principal.officer} is not an official of any agency in the directory",
        )
    expected = agency_id if agency_id is not None else principal.agency
    if expected is not None and agency != expected:
        raise ApiError(
            403, "wrong_agency", detail=f"{principal.officer} is not an official of agency {expected}"
        )
    return ActingOfficial(name.split(":", 1)[1], name, agency)


def signer_of(request: Request, principal: Principal, agency_id: int | None = None) -> str:
    """The signer name of the calling official (own_key), with the app's chain and signers."""
    return own_key(request.app.state.chain, request.app.state.signers, principal, agency_id).signer


def shared_human_signers(names: list[str]) -> list[str]:
    """The signers-file names that are shared keys for people's acts (refused in production)."""
    return sorted(
        n for n in names if (n.startswith("agency:") or n.startswith("role:")) and n not in SERVICE_SIGNERS
    )


def check_signers(settings: Settings, names: list[str] | None = None) -> None:
    """Fail closed: where development values are not allowed (production, or any non-loopback host),
    the signers file holds no shared key for people's acts, else ConfigurationError in one line
    naming the entries (never a key or a path)."""
    if development_allowed(settings):
        return
    if names is None:
        names = SignerRegistry(Path(settings.signers_file)).names()
    shared = shared_human_signers(names)
    if shared:
        raise ConfigurationError(
            f"TERANG_SIGNERS_FILE holds shared keys for people's acts ({', '.join(shared)}): each "
            "official signs with its own key, officer:<address>; only "
            f"{', '.join(sorted(SERVICE_SIGNERS))} may serve machines"
        )
