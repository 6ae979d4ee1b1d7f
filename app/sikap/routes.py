"""The SIKaP extract at the gateway: which registered suppliers are on the national blacklist
(GET /sikap/blacklist-matches, an agency officer). The extract is imported by the data officer
(`terang sikap import`, app/sikap/cli.py); registration and bids are checked against it
(app/sikap/checks.py)."""

from __future__ import annotations

import time
from typing import Annotated

from fastapi import APIRouter, Depends

from app.api.deps import ChainDep, ReadSessionsDep, require_roles
from app.auth.tokens import Principal
from app.sikap import proposals
from app.sikap.schemas import NationalBlacklistMatches

router = APIRouter(prefix="/sikap", tags=["suppliers"])
Officer = Annotated[Principal, Depends(require_roles("AGENCY_OFFICER"))]


@router.get(
    "/blacklist-matches",
    response_model=NationalBlacklistMatches,
    summary="Registered suppliers on the national blacklist, and the proposal that would carry each on "
    "chain (agency officer; a second officer confirms)",
)
def blacklist_matches(principal: Officer, chain: ChainDep, sessions: ReadSessionsDep):
    # as a transaction sent now would meet it (a local chain moved forward runs ahead of the clock)
    now = max(chain.web3.eth.get_block("latest")["timestamp"], int(time.time()))
    with sessions() as session:
        return {"asOf": now, "matches": proposals.matches(chain, session, now)}
