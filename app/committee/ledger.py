"""Reading the Committee contract for the gateway: membership, a proposal's state and calls, and its
history (who proposed, who approved for which agency, who vetoed, when it was scheduled and
executed) from the contract's events. Times are UTC seconds, also given in WIB for people."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from web3 import Web3
from web3.exceptions import ContractCustomError

from app.api.errors import ApiError
from app.ledger.client import ChainClient
from app.ledger.view_calls import named
from app.protocol import vocabulary

CONTRACT = "Committee"
WIB = timezone(timedelta(hours=7), "WIB")
EVENTS = ("Proposed", "Approved", "Scheduled", "Executed", "Vetoed")
STATUS = vocabulary.enum("ICommittee.ProposalStatus").words


def wib(seconds: int | None) -> str | None:
    """UTC seconds as an ISO 8601 time in WIB (UTC+7), e.g. 2026-12-05T10:24:00+07:00."""
    if not seconds:
        return None
    return datetime.fromtimestamp(seconds, WIB).isoformat()


def deployed(chain: ChainClient) -> None:
    """A deployment without the Committee (made before it existed) has no committee acts: 503."""
    if CONTRACT not in chain.manifest.contracts:
        raise ApiError(503, "committee_not_deployed", detail="this deployment has no Committee contract")


def member_agency(chain: ChainClient, official: str) -> int:
    """The member agency `official` acts for on the committee; 0 when none."""
    deployed(chain)
    return chain.contract(CONTRACT).functions.agencyOf(Web3.to_checksum_address(official)).call()


def is_guardian_agency(chain: ChainClient, agency: int) -> bool:
    member, guardian = chain.contract(CONTRACT).functions.memberAgency(agency).call()
    return member and guardian


def proposal_count(chain: ChainClient) -> int:
    deployed(chain)
    return chain.contract(CONTRACT).functions.proposalCount().call()


def raw_proposal(chain: ChainClient, proposal_id: int) -> dict[str, Any] | None:
    deployed(chain)
    committee = chain.contract(CONTRACT)
    try:
        raw = committee.functions.getProposal(proposal_id).call()
    except ContractCustomError:  # CommitteeUnknownProposal
        return None
    proposal = named(committee, "getProposal", raw)
    return proposal if proposal["status"] else None  # status None: no such proposal


def _plain(value: Any) -> Any:
    if isinstance(value, bytes):
        return "0x" + value.hex()
    return value


def history(chain: ChainClient, proposal_id: int) -> dict[str, list[dict[str, Any]]]:
    """The proposal's events by name, each with its arguments, block and transaction."""
    committee = chain.contract(CONTRACT)
    first = chain.manifest.contracts[CONTRACT].block_number
    found: dict[str, list[dict[str, Any]]] = {}
    for name in EVENTS:
        event = getattr(committee.events, name)
        logs = event().get_logs(argument_filters={"proposalId": proposal_id}, from_block=first)
        found[name] = [
            {
                **{k: _plain(v) for k, v in log["args"].items()},
                "blockNumber": log["blockNumber"],
                "transactionHash": Web3.to_hex(log["transactionHash"]),
            }
            for log in logs
        ]
    return found
