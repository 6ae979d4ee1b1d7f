"""Who signs a committee act: the calling official's OWN key, never a shared one.

A member official (an official of a member agency: LKPP, Kemenkeu, BPK, KPK in production) proposes,
approves, schedules and executes; a guardian official (of a guardian agency, BPK or KPK) vetoes.
The gateway signs with `officer:<address>`, the address the token's `officer` claim names, and the
Committee contract counts each AGENCY once: one key, or two officials of one agency, never reach the
threshold. There is no `role:COMMITTEE` key: a shared key would let one person act as every member.

Refused before anything is signed, each a 403 problem: a token naming no official
(`officer_claim_missing`), an official whose key the gateway does not hold (`officer_key_unavailable`),
an official the Committee does not hold as a member (`CommitteeNotMember`) or as a guardian
(`CommitteeNotGuardian`), under the contract's own error names."""

from __future__ import annotations

from dataclasses import dataclass

from app.api.errors import ApiError
from app.auth.tokens import Principal
from app.committee import ledger
from app.ledger.client import ChainClient
from app.ledger.signers import SignerRegistry, officer_signer


@dataclass(frozen=True)
class ActingOfficial:
    address: str  # checksum
    signer: str  # officer:<address>
    agency: int  # the member (or guardian) agency it acts for


def _own_key(signers: SignerRegistry, principal: Principal) -> tuple[str, str]:
    if principal.officer is None:
        raise ApiError(
            403,
            "officer_claim_missing",
            detail="a committee act is signed with the official's own key: the token must name the "
            "official's account (claim 'officer')",
        )
    name = officer_signer(principal.officer)
    if not signers.holds(name):
        raise ApiError(
            403,
            "officer_key_unavailable",
            detail=f"the gateway holds no key for official {principal.officer}; a committee act is never "
            "signed with a shared key",
        )
    return principal.officer, name


def member(chain: ChainClient, signers: SignerRegistry, principal: Principal) -> ActingOfficial:
    """The calling member official, with its own key."""
    address, name = _own_key(signers, principal)
    agency = ledger.member_agency(chain, address)
    if not agency:
        raise ApiError(
            403, "CommitteeNotMember", detail=f"{address} is not an official of a committee member agency"
        )
    return ActingOfficial(address, name, agency)


def guardian(chain: ChainClient, signers: SignerRegistry, principal: Principal) -> ActingOfficial:
    """The calling guardian official, with its own key."""
    address, name = _own_key(signers, principal)
    agency = ledger.member_agency(chain, address)
    if not agency or not ledger.is_guardian_agency(chain, agency):
        raise ApiError(
            403, "CommitteeNotGuardian", detail=f"{address} is not an official of a guardian agency"
        )
    return ActingOfficial(address, name, agency)
