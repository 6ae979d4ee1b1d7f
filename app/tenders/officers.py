"""Who signs a tender act: always the calling official's own key (app/officials/keys.py).

- Acts any officer of the tender's agency may do (announce, amend, cancel, appoint the Pokja,
  finalise): an officer of that agency, by its token's `officer` claim.
- Acts the contract takes only from particular officers: a tender's Pokja members (openings of
  withheld bids, score sheets, non-compliance, preference withdrawal, evaluation, answers to
  objections), each counted once by the contract, and the KPA, an officer of the agency outside the
  Pokja (answers to appeals).

Refused before anything is signed, each with a 403 problem: those of app/officials/keys.py
(`wrong_agency`, `officer_claim_missing`, `officer_key_unavailable`, `official_not_registered`), and
for Pokja acts an officer outside the tender's Pokja (`TenderNotPokjaMember`), for appeals a member
of it (`TenderAppealByPokja`), under the contract's own error names."""

from __future__ import annotations

from app.api.errors import ApiError
from app.auth.tokens import Principal
from app.ledger.signers import SignerRegistry
from app.officials.keys import ActingOfficial as ActingOfficer
from app.officials.keys import own_key as _own_key
from app.tenders import reads


def own_key(chain, signers: SignerRegistry, principal: Principal, agency_id: int) -> ActingOfficer:
    """The calling officer's own key, checked against its token, the signers file and the directory."""
    return _own_key(chain, signers, principal, agency_id)


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
    return ActingOfficer(acting.address, acting.signer, acting.agency, members.index(acting.address) + 1)


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
