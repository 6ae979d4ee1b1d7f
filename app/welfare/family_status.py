"""A family's standing in every programme, from its beneficiary key: what the public status check
answers once the family has proved its NIK and name (app/welfare/name_checks.py).

The family's story is read from the chain in one `eth_getLogs`: the welfare events whose second
topic is its key (enrolled, refused, updated, suspended, reinstated, exited, appeal filed and
resolved), in every version of WelfarePrograms. For each programme the story names, the current
record (getBeneficiary, appealOf, benefitOf) says where it stands and the story says why: the
reason of its latest refusal, suspension or exit. Nothing here is kept: the chain is read each time.

A node answers a topic-filtered eth_getLogs from its log index (Besu keeps one for this; anvil and
ganache scan), so one check costs one indexed lookup, not a walk of the history."""

from __future__ import annotations

from typing import Any

from eth_utils import event_abi_to_log_topic
from sqlalchemy.orm import Session
from web3 import Web3

from app.ledger.client import ChainClient
from app.ledger.reverts import ErrorDecoder
from app.protocol import welfare as welfarelib
from app.welfare.views import CONTRACT, beneficiary_view, current_period, indexed_definitions, raw_programme

STORY = (
    "BeneficiaryEnrolled",
    "EnrolmentRefused",
    "BeneficiaryUpdated",
    "BeneficiarySuspended",
    "BeneficiaryReinstated",
    "BeneficiaryExited",
    "AppealFiled",
    "AppealResolved",
)


def _code(raw: bytes) -> str:
    return bytes(raw).rstrip(b"\x00").decode("ascii", "replace")


def story_of(chain: ChainClient, key: bytes) -> dict[int, list[tuple[str, dict]]]:
    """The family's welfare events by programme, oldest first."""
    contracts = chain.versions(CONTRACT)
    abi = {entry["name"]: entry for entry in contracts[0].abi if entry.get("type") == "event"}
    topics = [[Web3.to_hex(event_abi_to_log_topic(abi[name])) for name in STORY], None, Web3.to_hex(key)]
    logs = chain.web3.eth.get_logs(
        {"address": [c.address for c in contracts], "fromBlock": 0, "toBlock": "latest", "topics": topics}
    )
    by_topic = {Web3.to_hex(event_abi_to_log_topic(abi[name])): name for name in STORY}
    stories: dict[int, list[tuple[str, dict]]] = {}
    for log in sorted(logs, key=lambda entry: (entry["blockNumber"], entry["logIndex"])):
        name = by_topic[Web3.to_hex(log["topics"][0])]
        args = dict(contracts[0].events[name]().process_log(log)["args"])
        stories.setdefault(int(args["programmeId"]), []).append((name, args))
    return stories


def _why(status: str, story: list[tuple[str, dict]]) -> str | None:
    """The reason the story gives for the status: a Reason word or a reason code."""
    wanted = {
        "refused": "EnrolmentRefused",
        "suspended": "BeneficiarySuspended",
        "exited": "BeneficiaryExited",
    }
    event = wanted.get(status)
    for name, args in reversed(story):
        if name == event:
            return (
                welfarelib.REASONS[args["reason"]]
                if name == "EnrolmentRefused"
                else _code(args["reasonCode"])
            )
    return None


def family_status(
    chain: ChainClient, decoder: ErrorDecoder, session: Session, key: bytes
) -> list[dict[str, Any]]:
    """One entry per programme the family's story names, by programme id."""
    found = []
    for programme_id, story in sorted(story_of(chain, key).items()):
        view = beneficiary_view(chain, decoder, programme_id, key)
        status = view["status"] if view is not None else "none"
        if status == "none":
            status = "refused" if any(name == "EnrolmentRefused" for name, _ in story) else "none"
        if status == "none":
            continue
        programme = raw_programme(chain, decoder, programme_id)
        current = current_period(chain, decoder, programme_id)
        name, _ = indexed_definitions(session, programme_id)
        entry = {
            "programmeId": programme_id,
            "programme": name or f"#{programme_id}",
            "status": status,
            "reason": _why(status, story),
            "appeal": view["appeal"] if view is not None else "none",
            "period": None,
            "paidThisPeriod": None,
            "nextPeriodStart": None,
        }
        if status == "active" and current is None:  # not started: the first period is the next
            entry["nextPeriodStart"] = programme["firstPeriodStart"]
        elif status == "active":
            length = programme["periodLength"]
            entry.update(
                period=current,
                paidThisPeriod=view["benefit"]["paid"],
                nextPeriodStart=programme["firstPeriodStart"] + (current + 1) * length,
            )
        found.append(entry)
    return found
