"""What an enrolment or a disbursement transaction did, read from its logs: the contract reports each
applicant's outcome and each key's line or skip as events (refusals are events, not reverts), one per
applicant or key, in the order sent."""

from __future__ import annotations

from typing import Any

from eth_utils import event_abi_to_log_topic
from web3 import Web3
from web3.logs import DISCARD

from app.protocol import welfare as welfarelib


def _ordered(contract, names: tuple[str, ...], confirmed) -> list[tuple[str, dict[str, Any]]]:
    """The contract's `names` events of the transaction, in log order, as (name, args)."""
    receipt = {"logs": confirmed.logs}
    found = []
    for name in names:
        for event in getattr(contract.events, name)().process_receipt(receipt, errors=DISCARD):
            found.append((event["logIndex"], name, dict(event["args"])))
    return [(name, args) for _, name, args in sorted(found, key=lambda item: item[0])]


def _topic(contract, name: str) -> bytes:
    abi = next(e for e in contract.abi if e.get("type") == "event" and e["name"] == name)
    return bytes(event_abi_to_log_topic(abi))


def enrolment_outcomes(contract, confirmed, keys: list[bytes]) -> list[dict[str, Any]]:
    """One outcome per applicant sent (`keys` in request order): enrolled, or refused with the reason.

    Read by topic, not through web3's event decoding (a 500-applicant call has 500 logs, and
    web3 tries each against each event's full ABI): both events carry the programme and the key as
    topics 1 and 2, and a refusal's reason is the first word of its data."""
    enrolled, refused = _topic(contract, "BeneficiaryEnrolled"), _topic(contract, "EnrolmentRefused")
    address = contract.address.lower()
    outcomes = []
    for log in sorted(confirmed.logs, key=lambda entry: entry["logIndex"]):
        topic = bytes(log["topics"][0]) if log["topics"] and log["address"].lower() == address else b""
        if topic == enrolled:
            outcomes.append((bytes(log["topics"][2]), None))
        elif topic == refused:
            reason = int.from_bytes(bytes(log["data"])[:32], "big")
            outcomes.append((bytes(log["topics"][2]), welfarelib.REASONS[reason]))
    if [key for key, _ in outcomes] != keys:
        raise RuntimeError("the enrolment's events do not match the applicants sent")
    return [
        {"index": index, "beneficiaryKey": Web3.to_hex(key), "enrolled": reason is None, "reason": reason}
        for index, (key, reason) in enumerate(outcomes)
    ]


def disbursement_outcome(contract, confirmed) -> dict[str, Any]:
    """The batch (None when no line was paid), its lines, and every skipped key with its reason.

    The per-key events are read by topic and data words, as enrolment's are (BenefitAuthorized:
    key in topic 1, then batch id, line index and amount; BenefitSkipped: key in topic 2, then
    period and reason); the one BatchDisbursed through web3's decoding."""
    authorized, skipped_topic = _topic(contract, "BenefitAuthorized"), _topic(contract, "BenefitSkipped")
    address = contract.address.lower()
    lines, skipped = [], []
    for log in sorted(confirmed.logs, key=lambda entry: entry["logIndex"]):
        topic = bytes(log["topics"][0]) if log["topics"] and log["address"].lower() == address else b""
        data = bytes(log["data"])
        if topic == authorized:
            lines.append(
                {
                    "index": int.from_bytes(data[32:64], "big"),
                    "beneficiaryKey": Web3.to_hex(bytes(log["topics"][1])),
                    "amount": int.from_bytes(data[64:96], "big"),
                }
            )
        elif topic == skipped_topic:
            skipped.append(
                {
                    "beneficiaryKey": Web3.to_hex(bytes(log["topics"][2])),
                    "reason": welfarelib.REASONS[int.from_bytes(data[32:64], "big")],
                }
            )
    batches = _ordered(contract, ("BatchDisbursed",), confirmed)
    batch = batches[-1][1] if batches else None
    return {
        "batchId": Web3.to_hex(batch["batchId"]) if batch else None,
        # The batch id is the Payments instruction id (WelfarePrograms authorises it as its sourceRef).
        "paymentInstructionId": Web3.to_hex(batch["batchId"]) if batch else None,
        "lineCount": batch["lineCount"] if batch else 0,
        "amount": batch["total"] if batch else 0,
        "linesRoot": Web3.to_hex(batch["linesRoot"]) if batch else None,
        "lines": lines,
        "skipped": skipped,
    }
