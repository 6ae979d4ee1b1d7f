"""The qualification a tender requires of its bidders (stored with the RUP it cites at the
announcement, app/plans/models.py), checked against the SIKaP extract before a bid commitment is
relayed or made for a managed supplier (app/sikap/checks.py): by the supplier's keyed NIB hash as
the registry holds it on chain, so no NIB is needed at bid time."""

from __future__ import annotations

from web3 import Web3

from app.api.errors import ApiError
from app.ledger.clock import chain_now
from app.ledger.view_calls import named
from app.plans import models as plan_models
from app.sikap import checks


def require(
    chain, sessions, ocid: str, *, account: str | None = None, supplier_id: int | None = None
) -> None:
    """Refuses (403 supplier_unqualified) a bid from a supplier, named by account or id, that lacks
    the tender's required qualification at the commit."""
    with sessions() as session:
        cited = plan_models.tender_plan(session, ocid)
        if cited is None or cited.qualification is None:
            return
        if supplier_id is None:
            supplier_id = chain.read("SupplierRegistry", "supplierIdOf", Web3.to_checksum_address(account))
        if not supplier_id:
            raise ApiError(403, "supplier_unqualified", detail="the account is no registered supplier")
        raw = chain.read("SupplierRegistry", "getSupplier", supplier_id)
        nib_hash = Web3.to_hex(named(chain.contract("SupplierRegistry"), "getSupplier", raw)["nibHash"])
        checks.require_qualified(session, nib_hash, cited.qualification, chain_now(chain))
