"""Who may use the gateway's relayer key: the routes that relay a supplier's own signed act
(sealed bid commitments and openings, objections (sanggah), the escrow countersignature, the
signed dispute, a key rotation) send it with the `relayer` key, which pays the gas. The signature
already proves the supplier's consent, so the question is only whose requests the gateway spends
its relayer on. Two kinds of principal legitimately relay:

- the supplier itself: a token carrying its registry id (claim `supplier`), and then only for
  that supplier's own acts (the signer, or the escrow's supplier, must be that supplier), else 403
  `relay_not_own_supplier`;
- agency systems acting for suppliers (the e-procurement system an agency runs, LPSE/SPSE): tokens
  with the AGENCY_OFFICER role, for any supplier, as such systems collect bids of many suppliers.

Every other token (COMMITTEE, GUARDIAN, VERIFIER, TREASURY, welfare roles, AUDITOR, TKDN_CERTIFIER,
ADMIN, or no role and no supplier) is 403 `forbidden_role`. The dependency carries `roles` (read
by the endpoint matrix, tests/gateway/test_api_matrix.py) and `admits_supplier`."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from web3 import Web3

from app.api.deps import PrincipalDep
from app.api.errors import ApiError
from app.auth.tokens import Principal

RELAYING_ROLES = frozenset({"AGENCY_OFFICER"})


def relayer(principal: PrincipalDep) -> Principal:
    if principal.supplier is None and not principal.has_any(RELAYING_ROLES):
        raise ApiError(
            403,
            "forbidden_role",
            detail="relaying is for the supplier's own token (claim 'supplier') or AGENCY_OFFICER",
        )
    return principal


relayer.roles = RELAYING_ROLES  # type: ignore[attr-defined]
relayer.admits_supplier = True  # type: ignore[attr-defined]
Relayer = Annotated[Principal, Depends(relayer)]


def acts_for_itself(principal: Principal) -> bool:
    """A supplier's own token (an agency system relays for any supplier)."""
    return principal.supplier is not None and not principal.has_any(RELAYING_ROLES)


def own_supplier_id(principal: Principal, supplier_id: int) -> None:
    """A supplier's token relays only acts of the supplier it names."""
    if acts_for_itself(principal) and principal.supplier != supplier_id:
        raise ApiError(
            403,
            "relay_not_own_supplier",
            detail=f"this token speaks for supplier {principal.supplier}, not {supplier_id}",
        )


def own_supplier_account(chain, principal: Principal, account: str) -> None:
    """A supplier's token relays only what that supplier's registered key signed."""
    if not acts_for_itself(principal):
        return
    registry = chain.contract("SupplierRegistry")
    signer_id = registry.functions.supplierIdOf(Web3.to_checksum_address(account)).call()
    own_supplier_id(principal, signer_id)
