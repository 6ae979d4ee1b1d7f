"""Logs to rows: each log of a manifest contract decoded with that contract's ABI into a JSON-ready
dict (bytes as 0x hex, structs as objects named by their components).

A sealed bid's envelope (BidCommitted `envelope`, up to 4 KiB: the opening encrypted to the Pokja) is
stored as what the read side uses, `envelopeHash` (its keccak-256, which the sealed bid binds) and
`envelopeSize`, not as its bytes: the Pokja's tools read the bytes from the node's logs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from eth_abi import decode as abi_decode
from eth_utils import event_abi_to_log_topic, keccak
from eth_utils.abi import collapse_if_tuple

from app.protocol.manifest import Manifest

UNKNOWN_EVENT = "UnknownEvent"
# (contract, event, bytes argument) stored as `<argument>Hash` and `<argument>Size` instead of its bytes.
DIGESTED = {("Tenders", "BidCommitted", "envelope")}


@dataclass(frozen=True)
class EventSpec:
    contract: str
    name: str
    indexed: tuple[dict[str, Any], ...]
    data: tuple[dict[str, Any], ...]
    data_types: tuple[str, ...]


def event_specs(manifest: Manifest) -> dict[tuple[str, str], EventSpec]:
    """(lower-case address, topic0 hex) -> how to decode that log."""
    specs: dict[tuple[str, str], EventSpec] = {}
    for deployed in manifest.followed():  # every version of every contract, under its name
        name = deployed.name
        for entry in deployed.abi:
            if entry.get("type") != "event" or entry.get("anonymous"):
                continue
            topic0 = "0x" + event_abi_to_log_topic(entry).hex()
            inputs = entry.get("inputs", [])
            data = tuple(i for i in inputs if not i.get("indexed"))
            specs[(deployed.address.lower(), topic0)] = EventSpec(
                contract=name,
                name=entry["name"],
                indexed=tuple(i for i in inputs if i.get("indexed")),
                data=data,
                data_types=tuple(collapse_if_tuple(i) for i in data),
            )
    return specs


def decode_log(
    log: dict[str, Any], specs: dict[tuple[str, str], EventSpec], contracts: dict[str, str]
) -> dict:
    """A raw eth_getLogs entry as a `chain_events` row (without block timestamp)."""
    address = log["address"].lower()
    topics = log["topics"]
    spec = specs.get((address, topics[0])) if topics else None
    if spec is None:
        contract, name, args = (
            contracts.get(address, "?"),
            UNKNOWN_EVENT,
            {"topics": topics, "data": log["data"]},
        )
    else:
        contract, name, args = spec.contract, spec.name, _arguments(spec, topics, log["data"])
    return {
        "block_number": int(log["blockNumber"], 16),
        "block_hash": log["blockHash"],
        "log_index": int(log["logIndex"], 16),
        "tx_hash": log["transactionHash"],
        "tx_index": int(log["transactionIndex"], 16),
        "contract": contract,
        "address": address,
        "event": name,
        "topic1": topics[1] if len(topics) > 1 else None,
        "args": args,
    }


def _arguments(spec: EventSpec, topics: list[str], data: str) -> dict[str, Any]:
    args: dict[str, Any] = {}
    for abi, topic in zip(spec.indexed, topics[1:], strict=False):
        args[abi["name"]] = _topic_value(abi["type"], topic)
    if spec.data:
        values = abi_decode(spec.data_types, bytes.fromhex(data[2:]))
        for abi, value in zip(spec.data, values, strict=True):
            name = abi["name"]
            if (spec.contract, spec.name, name) in DIGESTED:
                args[f"{name}Hash"], args[f"{name}Size"] = "0x" + keccak(value).hex(), len(value)
            else:
                args[name] = _json_value(value, abi)
    return args


def _topic_value(abi_type: str, topic: str) -> Any:
    """Static indexed values are the topic itself; dynamic ones (string, bytes, arrays, structs)
    are only their keccak hash, kept as the topic."""
    if abi_type.startswith(("uint", "int")) and "[" not in abi_type:
        value = int(topic, 16)
        if abi_type.startswith("int") and value >= 1 << 255:
            value -= 1 << 256  # two's complement, sign-extended to 256 bits
        return value
    if abi_type == "address":
        return "0x" + topic[-40:]
    if abi_type == "bool":
        return int(topic, 16) != 0
    if abi_type.startswith("bytes") and abi_type != "bytes" and "[" not in abi_type:
        return topic[: 2 + 2 * int(abi_type[5:])]
    return topic


def _json_value(value: Any, abi: dict[str, Any]) -> Any:
    abi_type = abi["type"]
    if abi_type.endswith("]"):
        element = {**abi, "type": abi_type[: abi_type.rindex("[")]}
        return [_json_value(v, element) for v in value]
    if abi_type == "tuple":
        return {c["name"]: _json_value(v, c) for c, v in zip(abi["components"], value, strict=True)}
    if isinstance(value, bytes):
        return "0x" + value.hex()
    if abi_type == "address":
        return value.lower()
    return value
