"""Who signs a tender act (app/ledger/signers.py).

- Acts any officer of the tender's agency may do (announce, amend, cancel, appoint the Pokja,
  finalise) are signed with the agency's key, `agency:<id>`, as before.
- Acts the contract takes only from particular officers are signed with the calling officer's own
  key, `officer:<address>`, the address named by the `officer` claim of its token: a tender's Pokja
  members (openings of withheld bids, score sheets, non-compliance, preference withdrawal,
  evaluation, answers to objections), each counted once by the contract, and the KPA, an officer of
  the agency outside the Pokja (answers to appeals). Never with the agency's key: that would let
  one key act as every member, which is what distinct members are for.

Refused before anything is signed, each with a 403 problem: a token of another agency
(`wrong_agency`), a token naming no officer (`officer_claim_missing`), an officer whose key the
gateway does not hold (`officer_key_unavailable`), an officer the directory does not hold as an
officer of the tender's agency (`wrong_agency`), and for Pokja acts an officer outside the tender's
Pokja (`TenderNotPokjaMember`), for appeals a member of it (`TenderAppealByPokja`), under the
contract's own error names."""

from __future__ import annotations

from dataclasses import dataclass

from web3.exceptions import ContractCustomError

from app.api.deps import officer_of
from app.api.errors import ApiError
from app.auth.tokens import Principal
from app.ledger.signers import SignerRegistry, officer_signer
from app.tenders import reads


@dataclass(frozen=True)
class ActingOfficer:
    address: str  # checksum
    signer: str  # officer:<address>
    index: int | None = None  # 1-based position in the tender's Pokja (Pokja acts)


def own_key(chain, signers: SignerRegistry, principal: Principal, agency_id: int) -> ActingOfficer:
    """The calling officer's own key, checked against its token, the signers file and the directory."""
    officer_of(principal, agency_id)
    if principal.officer is None:
        raise ApiError(
            403,
            "officer_claim_missing",
            detail="this act is signed with the officer's own key: the token must name the officer's "
            "account (claim 'officer')",
        )
    name = officer_signer(principal.officer)
    if not signers.holds(name):
        raise ApiError(
            403,
            "officer_key_unavailable",
            detail=f"the gateway holds no key for officer {principal.officer}; this act is never "
            "signed with the agency's key",
        )
    try:
        agency = chain.read("AgencyDirectory", "agencyOf", principal.officer)
    except ContractCustomError:  # AgencyOfficerUnassigned
        agency = None
    if agency != agency_id:
        raise ApiError(
            403, "wrong_agency", detail=f"{principal.officer} is not an officer of agency {agency_id}"
        )
    return ActingOfficer(principal.officer, name)


def pokja_member(chain, signers: SignerRegistry, principal: Principal, ocid: str) -> ActingOfficer:
    """The calling officer, a member of the tender's Pokja, with its own key."""
    acting = own_key(chain, signers, principal, reads.tender(chain, ocid)["agencyId"])
    members, _keys = reads.pokja(chain, ocid)
    if acting.address not in members:
        raise ApiError(
            403,
            "TenderNotPokjaMember",
            detail=f"{acting.address} is not a member of the Pokja of {ocid}",
        )
    return ActingOfficer(acting.address, acting.signer, members.index(acting.address) + 1)


def kpa(chain, signers: SignerRegistry, principal: Principal, ocid: str) -> ActingOfficer:
    """The calling officer, of the tender's agency and outside its Pokja, with its own key."""
    acting = own_key(chain, signers, principal, reads.tender(chain, ocid)["agencyId"])
    members, _keys = reads.pokja(chain, ocid)
    if acting.address in members:
        raise ApiError(
            403,
            "TenderAppealByPokja",
            detail=f"{acting.address} sits on the Pokja of {ocid}: an appeal is answered by the KPA",
        )
    return acting
